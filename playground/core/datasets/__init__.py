"""Data sets for the playground: configuration, generators, features and splits."""

from playground.core.datasets.base import (
    FEATURES,
    DataConfig,
    DataConfigError,
    Dataset,
    apply_features,
    build_dataset,
    make_dataset,
)
from playground.core.datasets.info import (
    KIND_IMAGE,
    KIND_LINE,
    KIND_PLANE,
    KIND_SEQUENCE,
    KIND_TABLE,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
)
from playground.core.datasets.registry import DATASETS

__all__ = [
    "DATASETS",
    "FEATURES",
    "KIND_IMAGE",
    "KIND_LINE",
    "KIND_PLANE",
    "KIND_SEQUENCE",
    "KIND_TABLE",
    "TASK_BINARY",
    "TASK_MULTICLASS",
    "TASK_REGRESSION",
    "DataConfig",
    "DataConfigError",
    "Dataset",
    "DatasetInfo",
    "apply_features",
    "build_dataset",
    "make_dataset",
]
