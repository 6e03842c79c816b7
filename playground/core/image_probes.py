"""Looking inside a convolutional network: feature maps, filters and its mistakes.

Feature maps for one chosen sample; the confusion matrix and the gallery of misclassified
samples over the whole test set, counted from the classes the trainer's last evaluation
predicted, so that no frame runs the test set through the network again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor, nn

from playground.core.frames import ImageProbe
from playground.core.heads import Head
from playground.core.model import PlaygroundNet, UnitLayer

if TYPE_CHECKING:
    from playground.core.training.engine import TrainerBase

MISTAKES_SHOWN = 32  # misclassified samples sent for the gallery
_MAP_MODULES = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
MISTAKE_FIELDS = ("confusion", "evaluated", "mistakes", "mistake_labels", "mistaken_as",
                  "mistake_images")


@contextmanager
def evaluating(model: nn.Module) -> Iterator[None]:
    """Evaluation mode for the block (no dropout, BatchNorm's running statistics), then
    back to the mode the model was in."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def map_nodes(model: PlaygroundNet) -> list[str]:
    """Conv2d and pooling nodes, in network order: the ones that make feature maps."""
    return [n for n in model.order if _map_module(model.nodes[n]) is not None]


def _map_module(module: nn.Module) -> nn.Module | None:
    inner = module.transform if isinstance(module, UnitLayer) else module
    return inner if isinstance(inner, _MAP_MODULES) else None


def filters(model: PlaygroundNet) -> dict[str, np.ndarray]:
    """Each Conv2d node's learned filters, (out, in, k, k)."""
    return {n: model.nodes[n].transform.weight.detach().cpu().numpy().copy()
            for n in map_nodes(model) if isinstance(model.nodes[n], UnitLayer)}


@torch.no_grad()
def readout(model: PlaygroundNet, head: Head, x: Tensor
            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Outputs and feature maps (every Conv2d/pooling node) of one image x, (1, C, H, W)."""
    with evaluating(model):
        values = model.trace(x)
    field_v = values[model.output_id]
    outputs = answers(model, head, field_v)[0]
    maps = {n: values[n][0].cpu().numpy().astype(np.float32) for n in map_nodes(model)}
    return outputs.cpu().numpy().astype(np.float32), maps


def answers(model: PlaygroundNet, head: Head, field_v: Tensor) -> Tensor:
    """The network's answers from the Output's field v: probabilities under cross-entropy
    (softmax) and binary cross-entropy (sigmoid), else the prediction φ(v)."""
    if head.loss == "cross_entropy":
        return torch.softmax(field_v, dim=-1)
    if head.loss == "binary_cross_entropy":
        return torch.sigmoid(field_v)
    return model.nodes[model.output_id].act(field_v)


def confusion(predicted: np.ndarray, labels: np.ndarray, classes: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The confusion matrix (true class × predicted class) and every misclassified index
    with its predicted class."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    wrong = np.flatnonzero(predicted != labels)
    return matrix, wrong, predicted[wrong]


def probe_tensors(trainer: TrainerBase) -> tuple[Tensor, np.ndarray]:
    """The samples the probes pick from: the test split, or the training split without one."""
    if len(trainer.x_test):
        return trainer.x_test, trainer.dataset.y_test
    return trainer.x_train, trainer.dataset.y_train


def image_probe(trainer: TrainerBase, sample: int | np.ndarray,
                previous: ImageProbe | None = None) -> ImageProbe | None:
    """Feature maps of the chosen sample, filters and mistakes (None unless images).

    `sample` is an index into the test split, or an image (C, H, W) such as a drawing. The
    confusion matrix and mistakes are counted again only when the trainer has evaluated its
    loss and accuracy since `previous` counted them (live frames: a few times a second),
    from the classes that evaluation predicted.
    """
    x, labels = probe_tensors(trainer)
    if x.dim() != 4 or len(x) == 0:
        return None
    model, head = trainer.model, trainer.head
    if isinstance(sample, np.ndarray) and sample.shape == tuple(x.shape[1:]):
        index, label = -1, None
        chosen = torch.as_tensor(sample, dtype=x.dtype, device=x.device)[None]
    else:
        index = sample_index(sample, len(x))
        label = int(labels[index]) if labels.ndim == 1 else None
        chosen = x[index:index + 1]
    outputs, maps = readout(model, head, chosen)
    probe: dict[str, Any] = {}
    if (previous is not None and previous.confusion is not None
            and previous.counted_with == trainer.evaluations):
        probe = {name: getattr(previous, name) for name in MISTAKE_FIELDS}
    elif head.classifies and labels.ndim == 1:
        predicted = trainer.probe_classes()
        matrix, wrong, as_ = confusion(predicted, labels, max(head.units, 2))
        wrong, as_ = wrong[:MISTAKES_SHOWN], as_[:MISTAKES_SHOWN]
        probe = {"confusion": matrix, "evaluated": len(labels), "mistakes": wrong,
                 "mistake_labels": labels[wrong].astype(np.int64), "mistaken_as": as_,
                 "mistake_images": x[wrong].cpu().numpy().astype(np.float32)}
    return ImageProbe(index, chosen[0].cpu().numpy().astype(np.float32), label, outputs, maps,
                      filters(model), counted_with=trainer.evaluations, **probe)


def sample_index(sample: int | np.ndarray, count: int) -> int:
    """An index into `count` samples (a drawing or other array counts as sample 0)."""
    return int(sample) % count if isinstance(sample, int | np.integer) else 0
