"""The Output node's contract: how labels become targets, the loss, and the decision rule.

Losses follow the lecture: squared error is the per-sample error 𝓔(n) = ½ Σⱼ eⱼ², and a
batch's loss is the mean over its samples (the empirical risk 𝓔̄ over the batch).
Binary targets are ±1 for tanh and linear outputs under squared error (as in TensorFlow
Playground), and 0/1 otherwise; a prediction counts as positive at or above the middle of
the output's range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from torch import Tensor
from torch.nn import functional

from playground.core.spec import NetworkSpec

_SYMMETRIC = ("tanh", "linear")


@dataclass(frozen=True)
class Head:
    """Task, loss and output activation of a network's Output node."""

    task: str
    loss: str
    activation: str
    units: int

    @classmethod
    def of(cls, spec: NetworkSpec) -> Head:
        p = spec.of_kind("Output")[0].params
        return cls(p["task"], p["loss"], p["activation"], p["units"])

    @property
    def classifies(self) -> bool:
        return self.task != "regression"

    @property
    def symmetric(self) -> bool:
        """Targets ±1 (tanh or linear output under squared error) rather than 0/1."""
        return self.loss == "squared_error" and self.activation in _SYMMETRIC

    @property
    def threshold(self) -> float:
        """Binary decision threshold on the prediction φ(v)."""
        return 0.0 if self.activation in _SYMMETRIC else 0.5

    def targets(self, labels: np.ndarray) -> np.ndarray:
        """Dataset labels (class indices or values) as the tensors the loss compares with."""
        if self.task == "regression":
            return labels.astype(np.float32)
        if self.loss == "cross_entropy":
            return labels.astype(np.int64)
        low = -1.0 if self.symmetric else 0.0
        if self.task == "binary":
            return np.where(labels[:, None] > 0, 1.0, low).astype(np.float32)
        onehot = np.full((len(labels), self.units), low, dtype=np.float32)
        onehot[np.arange(len(labels)), labels] = 1.0
        return onehot

    def loss_per_sample(self, field: Tensor, target: Tensor,
                        activation: Callable[[Tensor], Tensor]) -> Tensor:
        """𝓔(n) for each sample, from the Output's field v (and φ, applied only where the loss
        needs the prediction φ(v): the cross-entropies work on v directly)."""
        if self.loss == "cross_entropy":
            return functional.cross_entropy(field, target, reduction="none")
        if self.loss == "binary_cross_entropy":
            per_unit = functional.binary_cross_entropy_with_logits(field, target,
                                                                   reduction="none")
            return per_unit.sum(dim=-1)
        return 0.5 * ((activation(field) - target) ** 2).sum(dim=-1)

    def mean_loss(self, field: Tensor, target: Tensor,
                  activation: Callable[[Tensor], Tensor]) -> Tensor:
        """The batch's mean 𝓔, what a training step minimises (cross-entropy in one fused
        operation: it is measurably cheaper per step than the per-sample losses' mean)."""
        if self.loss == "cross_entropy":
            return functional.cross_entropy(field, target)
        return self.loss_per_sample(field, target, activation).mean()

    def classes(self, prediction: Tensor) -> Tensor:
        """Predicted class indices from φ(v)."""
        if self.task == "binary":
            return (prediction[..., 0] >= self.threshold).long()
        return prediction.argmax(dim=-1)

