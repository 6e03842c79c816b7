"""The flat buffers the kernels work on, built from a model and a split of data."""

from __future__ import annotations

import numpy as np
from torch import Tensor, nn

from playground.core.model import PlaygroundNet
from playground.core.training.fast import kernels as k


def chain_table(model: PlaygroundNet) -> tuple[np.ndarray, np.ndarray]:
    """The per-layer table `meta` and the mask of penalised entries (weights, not biases),
    with offsets in the order of the model's state_dict."""
    rows, mask = [], []
    offset = y_offset = 0
    for node in model.order:
        module = model.nodes[node]
        linear = module.transform
        if not isinstance(linear, nn.Linear):
            raise TypeError(f"'{node}' is not a Dense layer")
        n_out, n_in = linear.weight.shape
        bias = offset + n_out * n_in if linear.bias is not None else -1
        act = k.ACTIVATION_CODES.index(module.act.name)
        rows.append((n_in, n_out, offset, bias, act, int(module.act.straight_through), y_offset))
        mask += [1] * (n_out * n_in) + [0] * (n_out if bias >= 0 else 0)
        offset += n_out * n_in + (n_out if bias >= 0 else 0)
        y_offset += n_in
    return np.array(rows, dtype=np.int64), np.array(mask, dtype=np.uint8)


def split_arrays(x: Tensor, targets: Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (float32, as the data set holds them: a 60,000 × 784 split is not copied),
    float targets (2-D float64) and class targets (int64) of a split; the kind a loss does
    not use is a placeholder, so that one compiled signature serves. The kernels compute in
    float64 whatever the inputs' type."""
    n = len(x)
    inputs = np.ascontiguousarray(x.cpu().numpy(), dtype=np.float32).reshape(n, x.shape[-1])
    t = targets.cpu().numpy()
    if t.dtype == np.int64:
        return inputs, np.zeros((n, 1)), np.ascontiguousarray(t)
    floats = np.ascontiguousarray(t, dtype=np.float64).reshape(n, t.shape[-1] if t.ndim > 1 else 1)
    return inputs, floats, np.zeros(n, dtype=np.int64)
