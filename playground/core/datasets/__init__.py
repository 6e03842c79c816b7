"""Synthetic data sets for the playground: configuration, generators, features and splits."""

from playground.core.datasets.base import (
    FEATURES,
    DataConfig,
    DataConfigError,
    Dataset,
    apply_features,
    make_dataset,
)
from playground.core.datasets.synthetic import (
    DATASETS,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
)

__all__ = [
    "DATASETS",
    "FEATURES",
    "TASK_BINARY",
    "TASK_MULTICLASS",
    "TASK_REGRESSION",
    "DataConfig",
    "DataConfigError",
    "Dataset",
    "DatasetInfo",
    "apply_features",
    "make_dataset",
]
