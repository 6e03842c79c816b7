"""Data configuration, input features and the built `Dataset` with its train/test split."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from playground.core.datasets.synthetic import (
    DATASETS,
    RECIPES,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
)

MAX_SAMPLES = 100_000
MAX_NOISE = 50.0
GRID_MIN_RESOLUTION = 2
EXTENT_PADDING = 0.1  # fraction of the target span added above and below 1-D plots
LINE_FEATURES = ("x1",)  # feature names reported for 1-D sets, whose x is the raw input

FEATURES: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1x2": "x₁x₂",
    "sin_x1": "sin(x₁)",
    "sin_x2": "sin(x₂)",
}

_FEATURE_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sin_x1": lambda a, b: np.sin(a),
    "sin_x2": lambda a, b: np.sin(b),
}


class DataConfigError(ValueError):
    """A data setting is invalid; the message says which one and what is allowed."""


# ---- validation helpers ----------------------------------------------------------------------
def _check_int(field: str, value: Any, low: int, high: int | None = None) -> int:
    """`value` as an int in [low, high] (no upper bound when `high` is None)."""
    allowed = f"[{low}, {high}]" if high is not None else f"{low} or more"
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataConfigError(f"{field}: expected a whole number {allowed}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise DataConfigError(f"{field}: {value} is out of range; use a value in {allowed}")
    return value


def _check_real(field: str, value: Any, low: float, high: float, *, open_low: bool) -> float:
    """`value` as a float in [low, high], or (low, high] when `open_low`."""
    allowed = f"{'(' if open_low else '['}{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataConfigError(f"{field}: expected a number in {allowed}, got {value!r}")
    too_low = value <= low if open_low else value < low
    if too_low or value > high:
        raise DataConfigError(f"{field}: {value} is out of range; use a value in {allowed}")
    return float(value)


def _check_name(value: Any) -> str:
    if not isinstance(value, str) or value not in DATASETS:
        raise DataConfigError(
            f"name: unknown dataset {value!r}; choose one of: {', '.join(DATASETS)}"
        )
    return value


def _check_features(value: Any) -> tuple[str, ...]:
    """`value` as a non-empty tuple of distinct known feature names."""
    allowed = ", ".join(FEATURES)
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise DataConfigError(f"features: expected a non-empty list of names from: {allowed}")
    for name in value:
        if not isinstance(name, str) or name not in FEATURES:
            raise DataConfigError(f"features: unknown feature {name!r}; choose from: {allowed}")
    if len(set(value)) != len(value):
        raise DataConfigError(f"features: each feature may appear once, got {list(value)}")
    return tuple(value)


# ---- configuration ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DataConfig:
    """Which data set to build and how: size, noise (percent), split and seed, input features."""

    name: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    train_fraction: float = 0.5
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")

    def __post_init__(self) -> None:
        checked = {
            "name": _check_name(self.name),
            "n_samples": _check_int("n_samples", self.n_samples, 1, MAX_SAMPLES),
            "noise": _check_real("noise", self.noise, 0.0, MAX_NOISE, open_low=False),
            "train_fraction": _check_real(
                "train_fraction", self.train_fraction, 0.0, 1.0, open_low=True
            ),
            "seed": _check_int("seed", self.seed, 0),
            "features": _check_features(self.features),
        }
        for key, value in checked.items():
            object.__setattr__(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; `from_dict` reads it back."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["features"] = list(self.features)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataConfig:
        """Build from `to_dict` output; missing keys take defaults, unknown keys are refused."""
        if not isinstance(data, dict):
            raise DataConfigError(f"data settings must be a dict, got {type(data).__name__}")
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(allowed), key=str)
        if unknown:
            raise DataConfigError(
                f"unknown data setting(s) {unknown}; allowed keys: {', '.join(allowed)}"
            )
        return cls(**data)


# ---- features --------------------------------------------------------------------------------
def apply_features(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Map raw plane points `(N, 2)` to the chosen feature columns `(N, F)`, float32."""
    names = _check_features(features)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {points.shape}")
    a, b = points[:, 0], points[:, 1]
    return np.stack([_FEATURE_FUNCS[name](a, b) for name in names], axis=1).astype(np.float32)


def _transform(info: DatasetInfo, points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Network inputs for raw `points`: features for plane sets, the points themselves in 1-D."""
    if info.input_dim == 1:
        return points.astype(np.float32, copy=True)
    return apply_features(points, features)


def _targets(info: DatasetInfo, raw: np.ndarray) -> np.ndarray:
    """Class indices as int64 `(N,)`, regression values as float32 `(N, 1)`."""
    if info.task == TASK_REGRESSION:
        return raw.astype(np.float32).reshape(-1, 1)
    return raw.astype(np.int64)


# ---- dataset ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Dataset:
    """A built data set: raw points for plotting, network inputs and targets, train and test."""

    config: DataConfig
    info: DatasetInfo
    points_train: np.ndarray
    points_test: np.ndarray
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]

    @property
    def task(self) -> str:
        return self.info.task

    @property
    def n_classes(self) -> int:
        return self.info.n_classes

    @property
    def input_dim(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def output_dim(self) -> int:
        """Network outputs: one per class for multi-class, else a single unit."""
        return self.n_classes if self.task == TASK_MULTICLASS else 1

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the plotting domain; 1-D sets pad the target range."""
        recipe = RECIPES[self.info.name]
        if recipe.y_range is not None:
            return (*recipe.x_range, *recipe.y_range)
        targets = np.concatenate([self.y_train.ravel(), self.y_test.ravel()])
        low, high = float(targets.min()), float(targets.max())
        pad = EXTENT_PADDING * (high - low) or EXTENT_PADDING
        return (*recipe.x_range, low - pad, high + pad)

    def grid(self, resolution: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Evenly spaced points over the extent and their network inputs, both float32.

        Plane sets give `(R*R, 2)` points, row-major with x varying fastest (reshape to
        `(R, R)` for an image whose rows go up in y); 1-D sets give `(R, 1)` sorted points.
        """
        resolution = _check_int("resolution", resolution, GRID_MIN_RESOLUTION)
        xmin, xmax, ymin, ymax = self.extent
        xs = np.linspace(xmin, xmax, resolution)
        if self.info.input_dim == 1:
            points = xs[:, None].astype(np.float32)
        else:
            gx, gy = np.meshgrid(xs, np.linspace(ymin, ymax, resolution))
            points = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        return points, _transform(self.info, points, self.config.features)


def make_dataset(config: DataConfig) -> Dataset:
    """Generate, shuffle once and split the data; the same config gives identical arrays."""
    info, recipe = DATASETS[config.name], RECIPES[config.name]
    rng = np.random.default_rng(config.seed)
    points, raw = recipe.generate(rng, config.n_samples, config.noise / 100.0)
    if not recipe.ordered:
        order = rng.permutation(len(points))
        points, raw = points[order], raw[order]
    points = points.astype(np.float32)
    inputs, targets = _transform(info, points, config.features), _targets(info, raw)
    n_train = max(1, round(len(points) * config.train_fraction))
    return Dataset(
        config=config,
        info=info,
        points_train=points[:n_train],
        points_test=points[n_train:],
        x_train=inputs[:n_train],
        x_test=inputs[n_train:],
        y_train=targets[:n_train],
        y_test=targets[n_train:],
        feature_names=LINE_FEATURES if info.input_dim == 1 else config.features,
    )
