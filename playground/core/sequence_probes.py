"""Looking inside a recurrent network: its memory over time and the gradient reaching it.

For the chosen sample: every recurrent node's hidden states hₜ and gates, and the size of
the error signal that backpropagation through time carries back to each step along the path
that carries the memory: ‖∂𝓔/∂hₜ‖ for an RNN or GRU, ‖∂𝓔/∂cₜ‖ (the cell state) for an LSTM
(the lecture's vanishing gradient, step by step, and how the LSTM avoids it). Over a capped
part of the test set: the prediction against the target, and the median of that error
signal at each step (one sample's can rise or fall either way; the median shows the trend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from playground.core.frames import SequenceProbe
from playground.core.heads import Head
from playground.core.image_probes import evaluating, probe_tensors, sample_index
from playground.core.model import PlaygroundNet, Recurrent

if TYPE_CHECKING:
    from playground.core.training.engine import TrainerBase

PREDICTION_SAMPLES = 200  # test samples whose prediction is drawn against their target


def recurrent_nodes(model: PlaygroundNet) -> list[str]:
    return [n for n in model.order if isinstance(model.nodes[n], Recurrent)]


@torch.no_grad()
def states(model: PlaygroundNet, x: Tensor) -> dict[str, dict[str, np.ndarray]]:
    """Each recurrent node's record for the first sample of x: 'h' and its gates, (T, units)."""
    with evaluating(model):
        values = model.trace(x)
    record = {}
    for node in recurrent_nodes(model):
        unrolled = model.nodes[node].unroll(values[model.sources[node][0]][:1])
        record[node] = {name: v[0].cpu().numpy().astype(np.float32)
                        for name, v in unrolled.items()}
    return record


def step_gradients(model: PlaygroundNet, head: Head, x: Tensor, target: Tensor
                   ) -> dict[str, np.ndarray]:
    """‖∂𝓔/∂mₜ‖ for t = 1..T at every recurrent node, for one sample (x and target batch 1).

    mₜ is the state the node carries from step t to step t + 1 (`memory_state`): the cell
    state cₜ of an LSTM, the hidden state hₜ of an RNN or GRU. Each captured tensor keeps its
    gradient, which sums every path from mₜ to the error: through later steps and through
    the outputs.
    """
    return {node: norms[0] for node, norms in _sample_step_gradients(model, head, x,
                                                                     target).items()}


def median_step_gradients(model: PlaygroundNet, head: Head, x: Tensor, targets: Tensor
                          ) -> dict[str, np.ndarray]:
    """At every recurrent node and step t, the median over the samples of x of their
    ‖∂𝓔/∂mₜ‖ (each sample's own error 𝓔, as `step_gradients` measures it)."""
    return {node: np.median(norms, axis=0).astype(np.float32)
            for node, norms in _sample_step_gradients(model, head, x, targets).items()}


def _sample_step_gradients(model: PlaygroundNet, head: Head, x: Tensor, targets: Tensor
                           ) -> dict[str, np.ndarray]:
    """‖∂𝓔ᵢ/∂mₜ‖ of every sample i of x (n, T) at every recurrent node, in one backward
    pass: in eval mode the samples do not interact, so row i of ∂(Σᵢ 𝓔ᵢ)/∂mₜ is ∂𝓔ᵢ/∂mₜ."""
    captured: dict[str, list[Tensor]] = {}
    handles = []
    for node in recurrent_nodes(model):
        captured[node] = []
        handles.append(model.nodes[node].memory.register_forward_hook(
            _output_keeper(captured[node])))
    try:
        with evaluating(model), torch.enable_grad():
            field_v = model.output_field(x)
            loss = head.loss_per_sample(field_v, targets, model.nodes[model.output_id].act).sum()
            kept = [t for tensors in captured.values() for t in tensors]
            grads = torch.autograd.grad(loss, kept, allow_unused=True)
    finally:
        for handle in handles:
            handle.remove()
    by_tensor = dict(zip(map(id, kept), grads, strict=True))
    return {node: np.stack([_norms(by_tensor[id(t)], len(x)) for t in tensors], axis=1)
            for node, tensors in captured.items()}


def memory_state(model: PlaygroundNet, node: str) -> str:
    """The state whose gradient `step_gradients` measures: "c" (LSTM) or "h"."""
    return Recurrent.MEMORY[model.nodes[node].kind]


def _norms(grad: Tensor | None, samples: int) -> np.ndarray:
    """The norm of each sample's row (zeros where the state does not reach the error)."""
    if grad is None:
        return np.zeros(samples, np.float32)
    return grad.flatten(1).norm(dim=1).cpu().numpy().astype(np.float32)


def _output_keeper(store: list[Tensor]):
    def hook(_module, _inputs, output):
        store.append(output)
    return hook


@torch.no_grad()
def predictions(model: PlaygroundNet, head: Head, x: Tensor, labels: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Prediction and target of each sample: values, φ(v) (binary) or class indices."""
    with evaluating(model):
        prediction = model(x)
    if head.task == "multiclass":
        predicted = head.classes(prediction).float()
    else:
        predicted = prediction[:, 0]
    targets = labels if labels.ndim == 1 else labels[:, 0]
    return predicted.cpu().numpy().astype(np.float32), targets.astype(np.float32)


def sequence_probe(trainer: TrainerBase, sample: int | np.ndarray) -> SequenceProbe | None:
    """States, gates and gradients per step of the chosen sample (None without recurrence)."""
    model = trainer.model
    x, labels = probe_tensors(trainer)
    if not recurrent_nodes(model) or len(x) == 0:
        return None
    index = sample_index(sample, len(x))
    targets = trainer.t_test if len(trainer.x_test) else trainer.t_train
    record = states(model, x[index:index + 1])
    shown = min(len(x), PREDICTION_SAMPLES)
    predicted, wanted = predictions(model, trainer.head, x[:shown], labels[:shown])
    return SequenceProbe(
        index, x[index].cpu().numpy().astype(np.float32),
        {node: r["h"] for node, r in record.items()},
        {node: {k: v for k, v in r.items() if k != "h"} for node, r in record.items()
         if len(r) > 1},
        step_gradients(model, trainer.head, x[index:index + 1], targets[index:index + 1]),
        {node: memory_state(model, node) for node in record},
        predicted, wanted, trainer.head.task,
        median_step_gradients(model, trainer.head, x[:shown], targets[:shown]))
