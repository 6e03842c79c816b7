"""Activation health: where each hidden layer's local fields v fall on its φ and φ′.

A histogram of v over the training set (the first `SAMPLES` points), drawn over φ(v) and
φ′(v), shows saturation at a glance: sigmoid and tanh units whose fields sit in the flat
tails pass almost no gradient back. Fields beyond ±`FIELD_BOUND` count in the end bins.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from playground.core.activations import Activation
from playground.core.frames import SATURATED_SLOPE, FieldHistogram
from playground.core.model import PlaygroundNet, UnitLayer

SAMPLES = 512
FIELD_BOUND = 6.0
BINS = 48
CURVE_POINTS = 121

EDGES = np.linspace(-FIELD_BOUND, FIELD_BOUND, BINS + 1)


@lru_cache(maxsize=32)
def activation_curves(name: str, straight_through: bool = False
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """φ and φ′ sampled over [−FIELD_BOUND, FIELD_BOUND] (the same arrays on every call:
    do not change them)."""
    activation = Activation(name, straight_through)
    v = torch.linspace(-FIELD_BOUND, FIELD_BOUND, CURVE_POINTS, dtype=torch.float64)
    phi = activation(v.unsqueeze(1))[:, 0]
    return v.numpy(), phi.numpy(), activation.derivative(v).numpy()


def _hidden_dense(model: PlaygroundNet, node: str) -> bool:
    module = model.nodes[node]
    return node != model.output_id and isinstance(module, UnitLayer) and isinstance(
        module.transform, torch.nn.Linear) and len(model.sources[node]) == 1


@torch.no_grad()
def field_histograms(model: PlaygroundNet, x: torch.Tensor) -> dict[str, FieldHistogram]:
    """Every hidden Dense layer's histogram of v over (up to SAMPLES of) the inputs `x`."""
    hidden = [n for n in model.order if _hidden_dense(model, n)]
    if not hidden or x.dim() != 2:
        return {}
    was_training = model.training
    model.eval()
    try:
        values = {model.input_id: x[:SAMPLES]}
        result = {}
        for node in model.order:
            module = model.nodes[node]
            ins = [values[s] for s in model.sources[node]]
            if node in hidden:
                v = module.field(ins[0])
                values[node] = module.act(v)
                result[node] = _histogram(module.act, v)
            elif node != model.output_id:
                values[node] = module(*ins)
    finally:
        model.train(was_training)
    return result


def _histogram(activation: Activation, v: torch.Tensor) -> FieldHistogram:
    slope = activation.derivative(v).abs()
    saturated = float((slope < SATURATED_SLOPE).float().mean()) if v.numel() else 0.0
    scaled = (v.detach().cpu().numpy().ravel() + FIELD_BOUND) * (BINS / (2 * FIELD_BOUND))
    scaled = scaled[~np.isnan(scaled)]  # a diverged run: NaN fields have no bin
    counts = np.bincount(scaled.clip(0, BINS - 1).astype(np.intp), minlength=BINS)
    curve_v, phi, curve_slope = activation_curves(activation.name,
                                                  activation.straight_through)
    return FieldHistogram(activation.name, EDGES, counts, curve_v, phi, curve_slope, saturated)
