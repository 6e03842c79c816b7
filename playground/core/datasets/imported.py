"""A data set the user imported from a file: the arrays, what they mean, and the limits.

Every loader returns one `ImportedData`; every problem with a file raises `DataImportError`,
whose message names the file (and the row, column or inner file) and says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from playground.core import limits
from playground.core.datasets.info import (
    KIND_IMAGE,
    KIND_LINE,
    KIND_PLANE,
    KIND_TABLE,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
)
from playground.core.errors import PlaygroundError, shown

MAX_ROWS = 1_000_000
MAX_CLASSES = 1000
MAX_AUTO_CLASSES = 20  # "auto": integer labels with more distinct values are a regression
TASKS = (TASK_BINARY, TASK_MULTICLASS, TASK_REGRESSION)
KINDS = (KIND_PLANE, KIND_LINE, KIND_TABLE, KIND_IMAGE)
IMPORTED = "imported"  # the data set name of imported data in a DataConfig


class DataImportError(PlaygroundError):
    """A file cannot be imported; the message names the file and the place, and the fix."""


@dataclass(frozen=True, eq=False)
class ImportedData:
    """Samples read from a file: inputs `x` float32 `(N, *shape)`; targets `y` int64 `(N,)`
    class indices (classification) or float32 `(N, k)` values (regression). `note` says
    what the import changed, e.g. that colour images were made grey."""

    x: np.ndarray
    y: np.ndarray
    task: str
    kind: str
    class_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    source: str = "data"
    note: str = ""

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise DataImportError(f"{self.source}: unknown task {self.task!r}; "
                                  f"use one of {', '.join(TASKS)}")
        if self.kind not in KINDS:
            raise DataImportError(f"{self.source}: unknown kind {self.kind!r}")
        x = np.ascontiguousarray(self.x, dtype=np.float32)
        regression = self.task == TASK_REGRESSION
        y = np.asarray(self.y, dtype=np.float32 if regression else np.int64)
        if regression and y.ndim == 1:
            y = y.reshape(-1, 1)
        if x.ndim < 2 or len(x) == 0:
            raise DataImportError(f"{self.source}: no samples to import")
        if x[0].size == 0:
            raise DataImportError(f"{self.source}: the samples have no features (shape "
                                  f"{x.shape}); give every sample at least one input value")
        if len(y) != len(x) or y.ndim != (2 if regression else 1):
            raise DataImportError(f"{self.source}: {len(x)} samples but {len(y)} targets; "
                                  "every sample needs exactly one target")
        if not np.isfinite(x).all():
            if np.isfinite(np.asarray(self.x)).all():
                raise DataImportError(f"{self.source}: some inputs are too large, first at "
                                      f"sample {_first_bad(x) + 1} (the playground computes "
                                      "with 32-bit numbers, which end at about 3.4e38); scale "
                                      "them down")
            raise DataImportError(f"{self.source}: the inputs hold missing (NaN) or infinite "
                                  f"values, first at sample {_first_bad(x) + 1}; fix or remove it")
        if regression and not np.isfinite(y).all():
            raise DataImportError(f"{self.source}: the targets hold missing (NaN) or infinite "
                                  f"values, first at sample {_first_bad(y) + 1}; fix or remove it")
        if not regression:
            _check_classes(self.source, y, self.class_names, self.task)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", np.ascontiguousarray(y))
        object.__setattr__(self, "class_names", tuple(str(n) for n in self.class_names))
        object.__setattr__(self, "feature_names", tuple(str(n) for n in self.feature_names))

    @property
    def n_samples(self) -> int:
        return len(self.x)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.x.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def output_dim(self) -> int:
        """Network outputs: one per class for multi-class, one per value for regression."""
        if self.task == TASK_MULTICLASS:
            return self.n_classes
        return int(self.y.shape[1]) if self.task == TASK_REGRESSION else 1

    @property
    def info(self) -> DatasetInfo:
        """The data set's description, titled by the file it came from."""
        return DatasetInfo(IMPORTED, self.source, self.task, self.kind, self.input_shape,
                           self.n_classes, f"Imported from {self.source}: {self.summary()}.",
                           self.class_names)

    def summary(self) -> str:
        """E.g. '150 samples, 4 features, 3 classes', for the status bar."""
        shape = self.input_shape
        if self.kind == KIND_IMAGE:
            what = self.note or ("colour" if shape[0] == 3 else "")
            inputs = f"{shape[1]}×{shape[2]} images" + (f" ({what})" if what else "")
        else:
            inputs = _plural(shape[0], "feature")
        targets = (_plural(self.output_dim, "target value") if self.task == TASK_REGRESSION
                   else _plural(self.n_classes, "class", "classes"))
        return f"{_plural(self.n_samples, 'sample')}, {inputs}, {targets}"

    def to_dict(self) -> dict[str, Any]:
        """What the arrays mean, as JSON (the arrays themselves are stored beside it)."""
        data = {"source": self.source, "task": self.task, "kind": self.kind,
                "class_names": list(self.class_names),
                "feature_names": list(self.feature_names)}
        return data | ({"note": self.note} if self.note else {})

    @classmethod
    def from_dict(cls, data: Any, x: np.ndarray, y: np.ndarray) -> ImportedData:
        """Rebuild from `to_dict` output and the stored arrays; raises DataImportError."""
        if not isinstance(data, dict):
            raise DataImportError("the imported data's description must be a JSON object")
        allowed = {"source", "task", "kind", "class_names", "feature_names", "note"}
        unknown = sorted(set(data) - allowed, key=str)
        if unknown:
            raise DataImportError(f"unknown entries {unknown} in the imported data's description")
        if not all(a.dtype.kind in "biuf" and a.ndim >= 1 for a in (x, y)):
            raise DataImportError("the imported arrays must be numbers")
        for key in ("class_names", "feature_names"):
            names = data.get(key, [])
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise DataImportError(f"'{key}' must be a list of text")
        return cls(x, y, task=data.get("task", ""), kind=data.get("kind", ""),
                   class_names=tuple(data.get("class_names", [])),
                   feature_names=tuple(data.get("feature_names", [])),
                   source=str(data.get("source", "data")), note=str(data.get("note", "")))


def _check_classes(source: str, y: np.ndarray, names: Sequence[str], task: str) -> None:
    """Class indices must lie in 0..K-1 with K names; a classifier needs two classes."""
    if len(names) < 2:
        shown = f" ({names[0]!r})" if names else ""
        raise DataImportError(f"{source}: only one class{shown} in the labels; a classifier "
                              "needs at least two: check the label column, or choose regression")
    if task == TASK_BINARY and len(names) != 2:
        raise DataImportError(f"{source}: {len(names)} classes ({_listed(names)}) but binary "
                              "needs exactly two; choose multi-class")
    if len(names) > MAX_CLASSES:
        raise DataImportError(f"{source}: {len(names)} different labels is more than the "
                              f"{MAX_CLASSES} classes allowed; is this the right label column, "
                              "or is it a regression?")
    if y.size and (y.min() < 0 or y.max() >= len(names)):
        raise DataImportError(f"{source}: class indices must lie in 0..{len(names) - 1}")


def _first_bad(values: np.ndarray) -> int:
    return int(np.argmax(~np.isfinite(values.reshape(len(values), -1)).all(axis=1)))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def _listed(names: Sequence[str], most: int = 5) -> str:
    listed = ", ".join(shown(str(n)) for n in names[:most])
    return listed + (f", … ({len(names)} in all)" if len(names) > most else "")


# ---- helpers shared by the loaders -----------------------------------------------------------
def read_bytes(path: Path, limit: limits.Limit = limits.DATA_FILE) -> bytes:
    """A data file's bytes; folders, devices and files over the size limit are refused
    before anything is read."""
    try:
        return limits.read_file(path, limit)
    except limits.FileProblem as err:
        hint = ("; import a file here, or a folder of images with one sub-folder per class"
                if path.is_dir() else "")
        raise DataImportError(f"{path.name}: {err}{hint}") from None
    except limits.LimitExceeded as err:
        raise DataImportError(f"{path.name}: {err}; or import a sample of the rows") from None


def encode_classes(labels: Sequence[Any]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices for `labels` (numbers or text) and the class names, in sorted order."""
    values = np.asarray(labels)
    classes, indices = np.unique(values, return_inverse=True)
    names = tuple(_class_name(c) for c in classes)
    return indices.astype(np.int64).reshape(-1), names


def _class_name(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def auto_task(values: np.ndarray) -> str:
    """Classification for whole-number labels with few distinct values, else regression."""
    if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        return TASK_REGRESSION
    distinct = len(np.unique(values))
    return TASK_REGRESSION if distinct > MAX_AUTO_CLASSES else class_task(distinct)


def class_task(n_classes: int) -> str:
    return TASK_BINARY if n_classes == 2 else TASK_MULTICLASS


def table_kind(n_features: int, task: str) -> str:
    """Two features draw as a plane with its decision boundary; one feature of a regression
    as a curve; anything else is a plain table."""
    if n_features == 2:
        return KIND_PLANE
    if n_features == 1 and task == TASK_REGRESSION:
        return KIND_LINE
    return KIND_TABLE
