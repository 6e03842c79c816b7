"""Pick the trainer for the configured learning rule."""

from __future__ import annotations

import numpy as np

from playground.core.datasets import Dataset
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig
from playground.core.training.engine import Trainer, TrainerBase
from playground.core.training.perceptron import PerceptronTrainer


def make_trainer(spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
                 weights: dict[str, np.ndarray] | None = None,
                 reserve_core: bool = False) -> TrainerBase:
    """Backpropagation or the perceptron rule, as `config.algorithm` says."""
    if config.algorithm == "perceptron":
        return PerceptronTrainer(spec, dataset, config, weights)
    return Trainer(spec, dataset, config, weights, reserve_core)
