"""Pick the trainer for the configured learning rule and engine.

Engines: "torch" (PyTorch: every network, every device), "fast" (compiled loops for chains
of Dense layers on the CPU: the same results, many times faster on small networks), and
"auto": the fast one wherever it applies and pays off (fast.WORK_LIMIT).
"""

from __future__ import annotations

import numpy as np

from playground.core.datasets import Dataset
from playground.core.errors import PlaygroundError
from playground.core.spec import NetworkSpec
from playground.core.training import fast
from playground.core.training.config import TrainConfig
from playground.core.training.engine import Trainer, TrainerBase
from playground.core.training.perceptron import PerceptronTrainer

ENGINES = ("auto", "fast", "torch")


class EngineUnavailable(PlaygroundError):
    """The fast engine was asked for where it cannot train; the message says why."""


def make_trainer(spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
                 weights: dict[str, np.ndarray] | None = None,
                 reserve_core: bool = False, epoch: int = 0, engine: str = "auto",
                 wait_for_compile: bool = True) -> TrainerBase:
    """Backpropagation or the perceptron rule, as `config.algorithm` says, on `engine`;
    `epoch` counts the epochs the weights were already trained for.

    With "auto" and `wait_for_compile` False, a network the fast engine could train starts on
    PyTorch while its kernels compile in the background; `switch_engine` then moves the run
    over between two epochs.
    """
    trainer = _make(spec, dataset, config, weights, reserve_core, engine, wait_for_compile)
    trainer.count_from(epoch if weights is not None else 0)
    return trainer


def _make(spec: NetworkSpec, dataset: Dataset, config: TrainConfig,
          weights: dict[str, np.ndarray] | None, reserve_core: bool, engine: str,
          wait_for_compile: bool) -> TrainerBase:
    """The trainer of the rule and engine asked for (or of PyTorch where "auto" falls back)."""
    if engine not in ENGINES:
        raise EngineUnavailable(f"unknown engine '{engine}'; use one of {', '.join(ENGINES)}")
    if config.algorithm == "perceptron":
        if engine == "fast":
            raise EngineUnavailable("the perceptron rule runs on the PyTorch engine; "
                                    "use --engine auto or torch")
        return PerceptronTrainer(spec, dataset, config, weights)
    reason = "asked for" if engine == "torch" else fast.refusal(spec, config)
    if reason is None and engine == "auto" and \
            not fast.pays_off(spec, config, len(dataset.x_train)):
        reason = "PyTorch is faster for this network and batch size"
    if reason is None:
        if wait_for_compile or engine == "fast":
            reason = None if fast.compile_kernels() else fast.failure()
        elif not fast.kernels_ready():
            reason = "compiling"  # after the first epoch, see switch_engine
    if reason is None:
        from playground.core.training.fast.engine import FastTrainer

        return FastTrainer(spec, dataset, config, weights, reserve_core)
    if engine == "fast":
        raise EngineUnavailable(f"cannot use the fast engine: {reason}; use --engine auto "
                                "or torch")
    trainer = Trainer(spec, dataset, config, weights, reserve_core)
    trainer.switch_when_compiled = reason == "compiling"
    return trainer


def engine_of(trainer: TrainerBase) -> str:
    """'fast' or 'torch': which engine trains."""
    return getattr(trainer, "engine", "torch")


def switch_engine(trainer: TrainerBase) -> TrainerBase:
    """The fast engine's trainer taking over a run, once its kernels are compiled and the
    run is between epochs; otherwise the same trainer. The kernels start compiling in the
    background at the first call (the end of the first epoch): a job loads, and a single
    step answers, without waiting for the compiler."""
    if type(trainer) is not Trainer or not getattr(trainer, "switch_when_compiled", False) \
            or trainer._batches:
        return trainer
    if not fast.kernels_ready():
        fast.compile_in_background()
        return trainer
    from playground.core.training.fast.engine import FastTrainer

    return FastTrainer.take_over(trainer)
