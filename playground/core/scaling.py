"""Standardising imported data: z = (value − mean) / std per feature (and per regression
target), with the mean and std of the training split alone, so the test split stays unseen.

The network learns on standardised values; every export builds the scaling in, so that an
exported model takes raw inputs and gives regression outputs on the raw scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

TINY_STD = 1e-12  # a constant column keeps std 1: it is only centred


@dataclass(frozen=True, eq=False)
class Scaling:
    """Per-feature mean and std of the training inputs and, for a regression, of the
    targets (None for classes). Arrays are float32 of one sample's shape."""

    input_mean: np.ndarray
    input_std: np.ndarray
    target_mean: np.ndarray | None = None
    target_std: np.ndarray | None = None

    @classmethod
    def fit(cls, x_train: np.ndarray, y_train: np.ndarray | None) -> Scaling:
        """Statistics of the training split; `y_train` None leaves the targets as they are."""
        mean, std = _moments(x_train)
        if y_train is None:
            return cls(mean, std)
        return cls(mean, std, *_moments(y_train))

    @property
    def scales_targets(self) -> bool:
        return self.target_mean is not None

    def inputs(self, x: np.ndarray, in_place: bool = False) -> np.ndarray:
        """Raw inputs → what the network sees (float32). `in_place` overwrites `x`, a
        float32 array of the caller's own, instead of allocating another."""
        x = np.asarray(x)
        if not (in_place and x.dtype == np.float32):
            return _scaled(x.astype(np.float32), self.input_mean, self.input_std)
        return _scaled(x, self.input_mean, self.input_std)

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Raw regression targets → what the network learns to output."""
        if self.target_mean is None or self.target_std is None:
            return y
        return ((y - self.target_mean) / self.target_std).astype(np.float32)

    def raw_targets(self, y: np.ndarray) -> np.ndarray:
        """The network's standardised outputs → values on the targets' own scale."""
        if self.target_mean is None or self.target_std is None:
            return y
        return (y * self.target_std + self.target_mean).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """The statistics as JSON lists (for a note beside a weights file)."""
        data = {"input_mean": self.input_mean.tolist(), "input_std": self.input_std.tolist()}
        if self.target_mean is not None and self.target_std is not None:
            data |= {"target_mean": self.target_mean.tolist(),
                     "target_std": self.target_std.tolist()}
        return data


def scaled_targets(scaling: Scaling | None) -> bool:
    """Whether plots of targets and outputs show standardised values (and must say so)."""
    return scaling is not None and scaling.scales_targets


def _scaled(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(x − mean) / std, written over `x` (float32) block by block."""
    for rows in _blocks(x):
        np.subtract(rows, mean, out=rows)
        np.divide(rows, std, out=rows)
    return x


def _moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std per feature, summed in float64 a block of rows at a time (a float64
    copy of 60,000 × 784 values would take 376 MB)."""
    values = np.asarray(values)
    total = np.zeros(values.shape[1:], np.float64)
    for rows in _blocks(values):
        total += rows.sum(axis=0, dtype=np.float64)
    mean = total / max(len(values), 1)
    squares = np.zeros_like(mean)
    for rows in _blocks(values):
        centred = rows.astype(np.float64) - mean
        squares += np.einsum("i...,i...->...", centred, centred)
    std = np.sqrt(squares / max(len(values), 1))
    std = np.where(std > TINY_STD, std, 1.0)
    return mean.astype(np.float32), std.astype(np.float32)


def _blocks(values: np.ndarray, size: int = 1 << 20) -> list[np.ndarray]:
    """`values` as views of consecutive rows, about `size` values each."""
    step = max(1, size // max(1, values[0].size if len(values) else 1))
    return [values[start:start + step] for start in range(0, len(values), step)]
