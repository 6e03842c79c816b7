"""Compile every kernel once, on a tiny problem with the argument types training uses."""

from __future__ import annotations

import numpy as np

from playground.core.training.fast import kernels as k


def warm_up() -> None:
    """Run the training kernel (which calls every other) on a 2-2-1 network and two samples:
    compiles, or loads the disk cache."""
    meta = np.array([(2, 2, 0, 4, k.TANH, 0, 0), (2, 1, 6, 8, k.SIGMOID, 0, 2)], dtype=np.int64)
    is_weight = np.array([1, 1, 1, 1, 0, 0, 1, 1, 0], dtype=np.uint8)
    w = np.full(9, 0.1, dtype=np.float32)
    grad = np.zeros(9)
    x, tf, ti = np.ones((2, 2), np.float32), np.ones((2, 1)), np.zeros(2, dtype=np.int64)
    perms = np.array([[0, 1]], dtype=np.int64)
    hyper = np.array([0.1, 0.9, 0.0, 1e9, 0.0, 0.0, np.nan, 0.5])
    ints = np.zeros(8, dtype=np.int64)
    out = np.zeros((5, 1))
    k.run(w, grad, grad.copy(), w.copy(), w.copy(), w.copy(), w.copy(), meta, is_weight,
          x, tf, ti, x, tf, ti, x, tf, ti, perms, 1, 10, hyper, ints, np.array([np.inf, -1.0]),
          out, np.zeros(6))
