"""Data configuration, input features and the built `Dataset` with its train/test split."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from playground.core.datasets.imported import IMPORTED, ImportedData
from playground.core.datasets.info import (
    KIND_LINE,
    KIND_PLANE,
    KIND_TABLE,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
)
from playground.core.datasets.registry import DATASETS, RECIPES
from playground.core.datasets.sequences import DEFAULT_LENGTH
from playground.core.errors import PlaygroundError
from playground.core.scaling import Scaling
from playground.core.seeds import MAX_SEED

MAX_SAMPLES = 100_000
MAX_NOISE = 50.0
MIN_LENGTH, MAX_LENGTH = 2, 200  # sequence lengths (for "remember-first": the distance)
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


class DataConfigError(PlaygroundError):
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


def _check_bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DataConfigError(f"{field}: expected true or false, got {value!r}")
    return value


def _check_name(value: Any) -> str:
    if not isinstance(value, str) or (value not in DATASETS and value != IMPORTED):
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
    """Which data set to build and how: size, noise (percent), split and seed, input features.

    `n_samples` is at most that many for fixed sets (digits has 1797). `features` apply to
    plane sets, `length` (time steps) to sequence sets. With `autoencode` the task becomes
    regression and the targets are the inputs themselves, flattened. `standardize` scales
    imported tables (features, and regression targets) by the training split's mean and std.
    """

    name: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    train_fraction: float = 0.5
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    length: int = DEFAULT_LENGTH
    autoencode: bool = False
    standardize: bool = True

    def __post_init__(self) -> None:
        checked = {
            "name": _check_name(self.name),
            "n_samples": _check_int("n_samples", self.n_samples, 1, MAX_SAMPLES),
            "noise": _check_real("noise", self.noise, 0.0, MAX_NOISE, open_low=False),
            "train_fraction": _check_real(
                "train_fraction", self.train_fraction, 0.0, 1.0, open_low=True
            ),
            "seed": _check_int("seed", self.seed, 0, MAX_SEED),
            "features": _check_features(self.features),
            "length": _check_int("length", self.length, MIN_LENGTH, MAX_LENGTH),
            "autoencode": _check_bool("autoencode", self.autoencode),
            "standardize": _check_bool("standardize", self.standardize),
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


def _inputs(info: DatasetInfo, samples: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Network inputs for raw samples: features for plane sets, else the samples themselves."""
    if info.kind == KIND_PLANE:
        return apply_features(samples, features)
    return samples.astype(np.float32, copy=False)


# ---- dataset ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Dataset:
    """A built data set: network inputs and targets for train and test, and what to plot.

    `x_*` are float32 `(N, *input_shape)`. `y_*` are class indices (int64 `(N,)`) or values
    (float32 `(N, k)`); for an autoencoder the flattened inputs. `points_*` are the raw plane
    or line points for plotting (empty `(0, 2)` for other kinds). `labels_*` keep the class
    indices whenever the set has classes (also when autoencoding), else None. With a
    `scaling`, `x_*` and regression `y_*` are standardised (the points stay raw).
    """

    config: DataConfig
    info: DatasetInfo
    points_train: np.ndarray
    points_test: np.ndarray
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    labels_train: np.ndarray | None = None
    labels_test: np.ndarray | None = None
    scaling: Scaling | None = None
    split_note: str = ""  # how the split was made, where it is not a plain random one

    @property
    def kind(self) -> str:
        return self.info.kind

    @property
    def plottable(self) -> bool:
        """Plane and line sets: points on a plot, with an `extent` and a `grid`."""
        return self.kind in (KIND_PLANE, KIND_LINE)

    @property
    def autoencoder(self) -> bool:
        """The targets are the inputs: the network learns to reproduce what it sees."""
        return self.config.autoencode

    @property
    def task(self) -> str:
        return TASK_REGRESSION if self.autoencoder else self.info.task

    @property
    def n_classes(self) -> int:
        return self.info.n_classes

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.x_train.shape[1:])

    @property
    def input_dim(self) -> int:
        """Input values per sample (the product of `input_shape`)."""
        return math.prod(self.input_shape)

    @property
    def output_dim(self) -> int:
        """Network outputs: one per class for multi-class, one per target value, else one."""
        if self.task == TASK_MULTICLASS:
            return self.n_classes
        return int(self.y_train.shape[1]) if self.task == TASK_REGRESSION else 1

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of the plotting domain; 1-D sets pad the target range."""
        if not self.plottable:
            raise ValueError(f"'{self.info.name}' is {self.kind} data: only plane and line "
                             "data sets have a plotting domain")
        recipe = RECIPES.get(self.info.name)
        points = np.concatenate([self.points_train, self.points_test])
        x_range = recipe.x_range if recipe else _padded(points[:, 0])
        if recipe and recipe.y_range is not None:
            return (*x_range, *recipe.y_range)
        if self.kind == KIND_PLANE:
            return (*x_range, *_padded(points[:, 1]))
        return (*x_range, *_padded(np.concatenate([self.y_train.ravel(), self.y_test.ravel()])))

    def grid(self, resolution: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Evenly spaced points over the extent and their network inputs, both float32.

        Plane sets give `(R*R, 2)` points, row-major with x varying fastest (reshape to
        `(R, R)` for an image whose rows go up in y); 1-D sets give `(R, 1)` sorted points.
        Other kinds raise ValueError.
        """
        resolution = _check_int("resolution", resolution, GRID_MIN_RESOLUTION)
        xmin, xmax, ymin, ymax = self.extent
        xs = np.linspace(xmin, xmax, resolution)
        if self.kind == KIND_LINE:
            points = xs[:, None].astype(np.float32)
        else:
            gx, gy = np.meshgrid(xs, np.linspace(ymin, ymax, resolution))
            points = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        inputs = _inputs(self.info, points, self.config.features)
        return points, inputs if self.scaling is None else self.scaling.inputs(inputs)


def _padded(values: np.ndarray) -> tuple[float, float]:
    """The range of `values` widened by EXTENT_PADDING of its span on both sides."""
    low, high = float(values.min()), float(values.max())
    pad = EXTENT_PADDING * (high - low) or EXTENT_PADDING
    return low - pad, high + pad


def build_dataset(config: DataConfig, info: DatasetInfo, samples: np.ndarray,
                  raw: np.ndarray, n_train: int | None = None, split_note: str = ""
                  ) -> Dataset:
    """Inputs, targets and the train/test split of samples already in their final order.

    `raw` holds class indices or regression values (`(N,)` or `(N, k)`), as in `Recipe`.
    The first `n_train` samples train (by default the config's share of them).
    """
    samples = samples.astype(np.float32, copy=False)
    info = replace(info, input_shape=tuple(int(n) for n in samples.shape[1:]))
    inputs = _inputs(info, samples, config.features)
    labels = None if info.task == TASK_REGRESSION else raw.astype(np.int64)
    if config.autoencode:
        targets = inputs.reshape(len(inputs), -1).copy()
    elif labels is None:
        targets = raw.astype(np.float32).reshape(len(raw), -1)
    else:
        targets = labels
    drawn = info.kind in (KIND_PLANE, KIND_LINE)
    points = samples if drawn else np.zeros((0, 2), np.float32)
    if n_train is None:
        n_train = max(1, round(len(samples) * config.train_fraction))
    names = {KIND_PLANE: config.features, KIND_LINE: LINE_FEATURES}.get(info.kind, ())
    return Dataset(
        config=config,
        info=info,
        points_train=points[:n_train],
        points_test=points[n_train:],
        x_train=inputs[:n_train],
        x_test=inputs[n_train:],
        y_train=targets[:n_train],
        y_test=targets[n_train:],
        feature_names=names,
        labels_train=None if labels is None else labels[:n_train],
        labels_test=None if labels is None else labels[n_train:],
        split_note=split_note,
    )


def split_by_string(keys: np.ndarray, train_fraction: float, rng: np.random.Generator
                    ) -> tuple[np.ndarray, int, str]:
    """An order putting whole strings (equal `keys`) first in training, the rest in test.

    Distinct strings are taken in a random order until the training part reaches its share
    of the samples; returns the order (samples keep their order within each part), the
    training size and a note saying so.
    """
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    drawn = rng.permutation(len(counts))
    before = np.cumsum(counts[drawn]) - counts[drawn]
    wanted = max(1, round(len(keys) * train_fraction))
    training = np.zeros(len(counts), dtype=bool)
    training[drawn[before + counts[drawn] / 2 < wanted]] = True  # nearest to the share
    training[drawn[0]] = True
    in_train = training[inverse.ravel()]
    order = np.concatenate([np.flatnonzero(in_train), np.flatnonzero(~in_train)])
    note = (f"Split by string: {int(training.sum())} distinct strings train, "
            f"{int((~training).sum())} others test; no test string occurs in training.")
    return order, int(in_train.sum()), note


def make_dataset(config: DataConfig, imported: ImportedData | None = None) -> Dataset:
    """Generate, shuffle once and split the data; the same config gives identical arrays.

    `config.name == "imported"` takes its samples from `imported` (at most `n_samples`).
    """
    if config.name == IMPORTED:
        return _from_import(config, imported)
    recipe = RECIPES[config.name]
    rng = np.random.default_rng(config.seed)
    drawn = recipe.sample(rng, config.n_samples, config.noise / 100.0, config.length)
    if not recipe.ordered:
        order = rng.permutation(len(drawn[0]))
        drawn = tuple(part[order] for part in drawn)
    samples, raw = drawn[0], drawn[1]
    if not recipe.by_string:
        return build_dataset(config, DATASETS[config.name], samples, raw)
    order, n_train, note = split_by_string(drawn[2], config.train_fraction, rng)
    return build_dataset(config, DATASETS[config.name], samples[order], raw[order], n_train,
                         note)


def _from_import(config: DataConfig, imported: ImportedData | None) -> Dataset:
    """The imported samples, shuffled once from the seed, with the file's column names."""
    if imported is None:
        raise DataConfigError("name: the project uses imported data but holds none; import "
                              "the file again")
    order = np.random.default_rng(config.seed).permutation(imported.n_samples)
    order = order[:config.n_samples]
    dataset = build_dataset(config, imported.info, imported.x[order], imported.y[order])
    if dataset.kind != KIND_PLANE:  # the plane's inputs are the chosen derived features
        dataset = replace(dataset, feature_names=imported.feature_names)
    # The inputs were gathered into new arrays just now: scale them where they lie (a
    # line's inputs are its plotted points, which stay raw).
    own = dataset.kind != KIND_LINE
    return standardized(dataset, in_place=own) if config.standardize else dataset


SCALED_KINDS = (KIND_TABLE, KIND_PLANE, KIND_LINE)  # images are already scaled to 0 … 1


def standardized(dataset: Dataset, in_place: bool = False) -> Dataset:
    """The set with its inputs (and regression targets) standardised by the training split's
    statistics; images and empty training splits are left as they are. `in_place` scales
    the inputs where they lie, for a set whose arrays nothing else holds."""
    if dataset.kind not in SCALED_KINDS or not len(dataset.x_train):
        return dataset
    regression = dataset.task == TASK_REGRESSION
    scaling = Scaling.fit(dataset.x_train, dataset.y_train if regression else None)
    x_train, x_test = (scaling.inputs(x, in_place) for x in (dataset.x_train, dataset.x_test))
    if dataset.autoencoder:  # the targets are the inputs, as the network sees them
        y_train, y_test = (x.reshape(len(x), -1) for x in (x_train, x_test))
        mean, std = scaling.input_mean, scaling.input_std
        scaling = Scaling(mean, std, mean.reshape(-1), std.reshape(-1))
    else:
        y_train, y_test = scaling.targets(dataset.y_train), scaling.targets(dataset.y_test)
    return replace(dataset, x_train=x_train, x_test=x_test, y_train=y_train, y_test=y_test,
                   scaling=scaling)
