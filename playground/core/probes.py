"""Looking inside a network: its output over the input plane and each unit's picture.

A `Frame` is what the live views draw: the trainer's snapshot plus these pictures, all plain
numpy arrays, made in the training thread only as often as the window asks for one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import torch

from playground.core.datasets import KIND_LINE, KIND_PLANE, Dataset
from playground.core.frames import (
    CONTRIBUTIONS,
    HISTOGRAMS,
    IMAGE,
    LATENT,
    PROBES,
    SEQUENCE,
    Frame,
)
from playground.core.heads import Head
from playground.core.health import field_histograms
from playground.core.image_probes import image_probe
from playground.core.latent_probes import latent_probe
from playground.core.layers import activation_range
from playground.core.model import PlaygroundNet, UnitLayer
from playground.core.sequence_probes import sequence_probe

if TYPE_CHECKING:
    from playground.core.training.engine import TrainerBase

GRID = 100  # decision-boundary resolution per axis
LABELLED_POINTS = 16  # training sets this small get the network's output written by each point
LIVE_METRICS_SECONDS = 0.25  # live frames refresh loss and accuracy at most 4 times a second
UNIT_STRIDE = 3  # a unit's picture keeps every third grid point per axis: 34 × 34



def output_range(head: Head, dataset: Dataset) -> tuple[float, float]:
    """The value range to colour the output with."""
    if head.task == "multiclass":
        return 0.0, float(max(head.units - 1, 1))
    if head.task == "regression":
        targets = dataset.y_train
        bound = float(np.abs(targets).max()) if targets.size else 1.0
        return -bound, bound
    return activation_range(head.activation) or (-1.0, 1.0)


def pictures(trainer: TrainerBase) -> tuple[np.ndarray | None, dict[str, np.ndarray],
                                           dict[str, tuple[float, float]]]:
    """The output over the plotting domain and each hidden Dense node's unit maps (the
    fast engine computes them from its weight buffer, the PyTorch one with the model)."""
    dataset, head = trainer.dataset, trainer.head
    if not dataset.plottable:
        return None, {}, {}
    plane = dataset.kind == KIND_PLANE
    _, grid_x = dataset.grid(GRID)
    outputs = trainer.layer_outputs(grid_x)
    model = trainer.structure
    prediction = outputs[model.output_id]
    output = prediction.argmax(axis=0).astype(np.float32) if head.task == "multiclass" \
        else np.ascontiguousarray(prediction[0])
    if plane:
        output = output.reshape(GRID, GRID)
    maps, ranges = {}, {}
    for node, values in outputs.items():
        if node == model.output_id:
            continue
        array = values
        if plane:
            array = array.reshape(-1, GRID, GRID)[:, ::UNIT_STRIDE, ::UNIT_STRIDE]
        maps[node] = np.ascontiguousarray(array)
        fixed = activation_range(model.nodes[node].act.name)
        if fixed is None:
            bound = float(np.abs(maps[node]).max()) or 1.0
            fixed = (-bound, bound)
        ranges[node] = fixed
    return output, maps, ranges


def _extent(dataset: Dataset) -> tuple[float, float, float, float]:
    """The data's plotting domain; a unit square for data with none (images, sequences)."""
    return dataset.extent if dataset.plottable else (0.0, 1.0, 0.0, 1.0)


def make_frame(trainer: TrainerBase, epochs_per_second: float = 0.0,
               history_from: int = 0, sample: int | np.ndarray = 0, live: bool = False,
               previous: Frame | None = None, probes: Collection[str] = PROBES) -> Frame:
    """Everything the live views need about the trainer's current state.

    `history_from` leaves out the records before it (a receiver that has them already
    appends the rest). `sample` is the test sample (an index, or an image such as a
    drawing) that the image and sequence probes look at. A `live` frame (while training
    runs) re-evaluates loss and accuracy only every LIVE_METRICS_SECONDS of training, and
    keeps the `previous` frame's confusion matrix until then. Of the `PROBES`, only those
    in `probes` are computed (the views on screen); the others are left empty.
    """
    output, maps, ranges = pictures(trainer)
    weights, biases = trainer.dense_weights()
    structure = trainer.structure
    first = next((n for n in structure.order if structure.sources[n] == [structure.input_id]
                  and n in weights), None)
    point_outputs = None
    if output is not None and 0 < trainer.n_train <= LABELLED_POINTS:
        point_outputs = trainer.layer_outputs(trainer.dataset.x_train)[
            structure.output_id][0].copy()
    # `trainer.model` only where asked for: on the fast engine it brings the model up to date
    contributions, contribution_bias = _contributions(trainer.model, trainer.dataset) \
        if CONTRIBUTIONS in probes else (None, 0.0)
    snapshot = trainer.snapshot(LIVE_METRICS_SECONDS if live else 0.0)
    return Frame(snapshot, tuple(trainer.history[history_from:]), epochs_per_second,
                 output,
                 _extent(trainer.dataset), output_range(trainer.head, trainer.dataset), maps,
                 ranges, weights, biases, first, point_outputs,
                 perceptron=getattr(trainer, "last_update", None), contributions=contributions,
                 contribution_bias=contribution_bias,
                 histograms=field_histograms(trainer.model, trainer.x_train)
                 if HISTOGRAMS in probes else {},
                 image=image_probe(trainer, sample, previous and previous.image)
                 if IMAGE in probes else None,
                 sequence=sequence_probe(trainer, sample) if SEQUENCE in probes else None,
                 latent=latent_probe(trainer) if LATENT in probes else None,
                 engine=getattr(trainer, "engine", "torch") if trainer.step else "")


def _contributions(model: PlaygroundNet, dataset: Dataset) -> tuple[np.ndarray | None, float]:
    """`unit_contributions` where the network has that shape, else (None, 0)."""
    try:
        return unit_contributions(model, dataset)
    except ValueError:
        return None, 0.0


@torch.no_grad()
def unit_contributions(model: PlaygroundNet, dataset: Dataset) -> tuple[np.ndarray, float]:
    """Universal approximation, made visible: F(x) = Σᵢ αᵢ φ(wᵢx + bᵢ) + b.

    For Input → one Dense layer → a linear Output with one unit, returns each hidden unit's
    weighted part αᵢ φ(wᵢx + bᵢ) over the 1-D grid, (units, GRID), and the output bias b;
    the parts and b add up to the network's prediction.
    """
    hidden = [n for n in model.order if n != model.output_id]
    out = model.nodes[model.output_id]
    shape_ok = dataset.kind == KIND_LINE and len(hidden) == 1 and model._chain is not None
    if not (shape_ok and out.act.name == "linear" and out.transform.out_features == 1
            and isinstance(model.nodes[hidden[0]], UnitLayer)):
        raise ValueError("unit contributions need Input → one Dense layer → a linear Output "
                         "with one unit, on 1-D data")
    _, grid_x = dataset.grid(GRID)
    units = model.nodes[hidden[0]](torch.as_tensor(grid_x, device=out.transform.weight.device))
    alpha = out.transform.weight[0]
    bias = float(out.transform.bias[0]) if out.transform.bias is not None else 0.0
    return (units * alpha).transpose(0, 1).cpu().numpy().astype(np.float32), bias
