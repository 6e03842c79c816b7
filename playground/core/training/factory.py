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
                 reserve_core: bool = False, epoch: int = 0) -> TrainerBase:
    """Backpropagation or the perceptron rule, as `config.algorithm` says; `epoch` counts
    the epochs the weights were already trained for."""
    trainer: TrainerBase
    if config.algorithm == "perceptron":
        trainer = PerceptronTrainer(spec, dataset, config, weights)
    else:
        trainer = Trainer(spec, dataset, config, weights, reserve_core)
    trainer.count_from(epoch if weights is not None else 0)
    return trainer
