"""Import the user's own data: CSV tables, `.npz` arrays, IDX files and image folders.

`load_path` picks the loader from the file; every loader returns an `ImportedData` and
raises `DataImportError` with a message that names the file, the place and the fix. No file
is ever unpickled: `.npz` files are read with `allow_pickle=False`.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import numpy as np

from playground.core.archives import ArchiveError, read_npz
from playground.core.datasets.csv_loader import AUTO, CsvTable, import_table, load_csv, read_table
from playground.core.datasets.image_loaders import (
    find_idx_labels,
    is_idx_name,
    load_idx,
    load_image_folder,
    to_grey,
)
from playground.core.datasets.imported import (
    DataImportError,
    ImportedData,
    auto_task,
    class_task,
    encode_classes,
    read_bytes,
    table_kind,
)
from playground.core.datasets.info import KIND_IMAGE, KIND_TABLE, TASK_REGRESSION
from playground.core.errors import shown
from playground.core.limits import LimitExceeded, check_values

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
NPZ_KEYS = (("x", "y"), ("X", "Y"), ("features", "labels"))
FORMATS = "a .csv table, a .npz file with arrays x and y, IDX files or a folder of images"

__all__ = [
    "AUTO",
    "CsvTable",
    "DataImportError",
    "ImportedData",
    "detect_format",
    "find_idx_labels",
    "import_table",
    "is_idx_name",
    "load_csv",
    "load_idx",
    "load_image_folder",
    "load_npz",
    "load_path",
    "read_table",
    "to_grey",
]


def detect_format(path: str | Path) -> str:
    """'csv', 'npz', 'idx' or 'folder' for a path, from its name (or its first bytes)."""
    path = Path(path)
    if _is_folder(path):
        return "folder"
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix == ".npz":
        return "npz"
    if is_idx_name(path):
        return "idx"
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError:
        start = b""
    if start[:2] == b"PK":
        return "npz"
    if start[:3] in (b"\0\0\x08", b"\0\0\x09") or start[:2] == b"\x1f\x8b":
        return "idx"
    raise DataImportError(f"{path.name}: cannot tell what data this is; import {FORMATS}")


def _is_folder(path: Path) -> bool:
    """True for a folder, False for a regular file; anything else (missing, a device or
    pipe, which would block a read, or an invalid name) raises DataImportError."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataImportError(f"{shown(path.name)}: no such file or folder") from None
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or "the name is not valid"
        raise DataImportError(f"{shown(path.name)}: cannot read it: {reason}") from None
    if stat.S_ISDIR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise DataImportError(f"{shown(path.name)}: this is not a regular file (a device, pipe "
                              "or socket); choose a file saved on disk")
    return False


def load_path(path: str | Path, labels: str | Path | None = None,
              progress: Callable[[float], None] | None = None, grey: bool = False,
              **csv_options: object) -> ImportedData:
    """Import any supported file or folder; IDX images need `labels` unless the labels file
    lies beside them under MNIST's naming. `grey` makes colour images grey (image folders
    keep colour otherwise). `csv_options` go to `load_csv`; `progress` is told the share
    done (0…1) from time to time."""
    path = Path(path)
    kind = detect_format(path)
    if kind == "csv":
        return load_csv(path, progress=progress, **csv_options)  # type: ignore[arg-type]
    if kind == "npz":
        data = load_npz(path, progress)
    elif kind == "folder":
        data = load_image_folder(path, progress=progress)
    else:
        labels = labels or find_idx_labels(path)
        if labels is None:
            raise DataImportError(f"{path.name}: IDX images need their labels file too (e.g. "
                                  "train-labels-idx1-ubyte); give both files")
        data = load_idx(path, labels, progress)
    return to_grey(data) if grey else data


def load_npz(path: str | Path, progress: Callable[[float], None] | None = None
             ) -> ImportedData:
    """Import arrays `x` and `y` (or `X`/`Y`, `features`/`labels`) from a `.npz` file, with
    optional `class_names` and `feature_names`. Pickled arrays are refused. `progress` is
    told the share of the arrays unpacked (by count)."""
    path = Path(path)
    try:
        arrays = read_npz(read_bytes(path), progress)
        keys = next((k for k in NPZ_KEYS if k[0] in arrays and k[1] in arrays), None)
        if keys is not None:
            check_values(arrays[keys[0]].size)
    except (ArchiveError, LimitExceeded) as err:
        raise DataImportError(f"{path.name}: {err}") from None
    if keys is None:
        raise DataImportError(f"{path.name}: needs an array 'x' of inputs and an array 'y' of "
                              f"targets; it holds: {shown(', '.join(arrays), 200) or 'nothing'}")
    x, y = (_numeric(path.name, name, arrays[name]) for name in keys)
    if len(x) != len(y):
        raise DataImportError(f"{path.name}: '{keys[0]}' has {len(x):,} samples but "
                              f"'{keys[1]}' has {len(y):,}; they must have the same length")
    x, kind = _inputs(path.name, keys[0], x)
    classes = tuple(str(n) for n in arrays.get("class_names", np.array([])).ravel())
    features = tuple(str(n) for n in arrays.get("feature_names", np.array([])).ravel())
    if (y.ndim == 2 and y.shape[1] > 1) or \
            auto_task(y.ravel().astype(np.float64)) == TASK_REGRESSION:
        y = y.reshape(len(y), -1)
        task = TASK_REGRESSION
        classes = ()
    else:
        y, found = encode_classes(y.ravel())
        task = class_task(len(found))
        classes = classes if len(classes) == len(found) else found
    if kind != KIND_IMAGE:
        kind = table_kind(x.shape[1], task)
        features = features if len(features) == x.shape[1] else \
            tuple(f"x{i + 1}" for i in range(x.shape[1]))
    return ImportedData(x, y, task=task, kind=kind, class_names=classes,
                        feature_names=features, source=path.name)


def _numeric(source: str, name: str, array: np.ndarray) -> np.ndarray:
    if array.dtype.kind not in "biuf" or array.ndim == 0:
        raise DataImportError(f"{source}: '{name}' must be an array of numbers, not "
                              f"{array.dtype} of shape {array.shape}")
    return array


def _inputs(source: str, name: str, x: np.ndarray) -> tuple[np.ndarray, str]:
    """Inputs as (N, F) features or (N, C, H, W) images, with their kind."""
    if x.ndim == 1:
        return x.reshape(-1, 1), KIND_TABLE
    if x.ndim == 2:
        return x, KIND_TABLE
    if x.ndim == 3:
        x = x[:, None]
    elif x.ndim == 4 and x.shape[1] not in (1, 3) and x.shape[3] in (1, 3):
        x = x.transpose(0, 3, 1, 2)
    if x.ndim != 4 or x.shape[1] not in (1, 3):
        raise DataImportError(f"{source}: '{name}' has shape {x.shape}; use (N, features), "
                              "(N, height, width) or (N, channels, height, width) images "
                              "with 1 or 3 channels")
    return (np.divide(x, 255, dtype=np.float32) if x.dtype == np.uint8 else x), KIND_IMAGE
