"""Rosenblatt's perceptron rule for a single layer of step units.

Labels are taken as ±1. Start from w = 0, b = 0; visit the training points in a random
order each epoch; on a mistake, yₙ(wᵀxₙ + b) ≤ 0, update w ← w + yₙxₙ and b ← b + yₙ.
No mistake, no update. An epoch without a mistake means the rule has converged.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from playground.core.datasets import Dataset
from playground.core.frames import PerceptronUpdate
from playground.core.graph import require_valid
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.engine import TrainerBase
from playground.core.training.perceptron_spec import check_perceptron
from playground.core.training.snapshots import Snapshot


class PerceptronTrainer(TrainerBase):
    """Mistake-driven updates, one sample at a time."""

    def __init__(self, spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
                 weights: dict[str, np.ndarray] | None = None):
        require_valid(spec)  # names a missing Output before the rule's own checks look for it
        check_perceptron(spec)
        super().__init__(spec, dataset, config, weights)
        layer = self.model.nodes[self.model.output_id].transform
        if weights is None:
            with torch.no_grad():
                layer.weight.zero_()
                layer.bias.zero_()
        self._layer = layer
        self.w = layer.weight.detach().cpu().numpy()[0].astype(np.float64)
        self.b = float(layer.bias.detach().cpu()[0])
        self._x = dataset.x_train.astype(np.float64)
        self._y = np.where(dataset.y_train > 0, 1.0, -1.0)
        self._rng = np.random.default_rng(config.seed)
        self._queue: list[int] = []
        self._mistakes = 0
        self.updates = 0
        # What the live view highlights; index −1 before the first visit.
        self.last_update = PerceptronUpdate(-1, False, self.w.copy(), self.b, self.w.copy(),
                                            self.b)

    def update(self) -> PerceptronUpdate:
        """Visit the next sample of the epoch and apply the rule to it."""
        if not self._queue:
            self._queue = list(self._rng.permutation(self.n_train))[::-1]
        n = int(self._queue.pop())
        x, y = self._x[n], self._y[n]
        w_before, b_before = self.w.copy(), self.b
        mistake = y * (self.w @ x + self.b) <= 0
        if mistake:
            self.w += y * x
            self.b += y
            self._mistakes += 1
            self.updates += 1
        self.step += 1
        self.last_update = PerceptronUpdate(n, bool(mistake), w_before, b_before, self.w.copy(),
                                            self.b)
        return self.last_update

    def train_step(self) -> bool:
        if self.stopped:
            return False
        started = time.perf_counter()
        self.update()
        self.seconds += time.perf_counter() - started
        if self._queue:
            return False
        self._sync()
        self.epoch += 1
        self._close_epoch(mistakes=self._mistakes)
        if self._mistakes == 0:
            self.stop("converged", f"An epoch without a mistake: the perceptron rule converged "
                                   f"after {self.updates} updates in {self.epoch} epochs.")
        elif self.limit_reached:
            self.stop("max_epochs", f"Still {self._mistakes} mistake(s) in epoch {self.epoch}, "
                                    f"after {self.epoch - self.first_epoch} epochs of this "
                                    "run: the rule never settles, so the "
                                    "data are probably not linearly separable.")
        self._mistakes = 0
        return True

    def snapshot(self, reuse_within: float = 0.0) -> Snapshot:
        self._sync()
        return super().snapshot(reuse_within)

    def _sync(self) -> None:
        """Copy w and b into the model, which evaluation and export read."""
        with torch.no_grad():
            self._layer.weight[0] = torch.as_tensor(self.w, dtype=self._layer.weight.dtype)
            self._layer.bias[0] = self.b
