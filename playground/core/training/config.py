"""Training settings, checked on construction and serialised as plain JSON data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from playground.core.errors import PlaygroundError
from playground.core.layers import Param, SpecError
from playground.core.seeds import MAX_SEED

OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
DEVICES = ("auto", "cpu", "cuda", "mps")
ALGORITHMS = ("backprop", "perceptron")
# The settings that may change while a run goes on; the others need a fresh start.
LIVE_SETTINGS = ("learning_rate", "regularization", "regularization_rate", "epochs",
                 "epoch_limit", "grad_norm_threshold", "loss_change_threshold",
                 "early_stopping_patience")

SCHEMA = (
    Param("learning_rate", float, 0.03, "the step size η", minimum=0.0, maximum=1e3),
    Param("batch_size", int, 10, "samples per update: 1 = online, 0 = full batch",
          minimum=0, maximum=1_000_000),
    Param("optimizer", str, "sgd", "how updates are made", OPTIMIZERS),
    Param("momentum", float, 0.9, "the momentum constant α", minimum=0.0, maximum=0.999),
    Param("regularization", str, "none", "penalty on the weights", REGULARIZATIONS),
    Param("regularization_rate", float, 0.0, "strength of the penalty", minimum=0.0,
          maximum=10.0),
    Param("epochs", int, 200, "the most epochs to train", minimum=1, maximum=1_000_000),
    Param("epoch_limit", bool, False, "stop a run in the window after `epochs` epochs (off: "
          "train until paused; batch runs such as `playground train` always stop there)"),
    Param("grad_norm_threshold", float, 0.0, "stop when ‖∇𝓔̄‖ falls below (0 = off)",
          minimum=0.0),
    Param("loss_change_threshold", float, 0.0,
          "stop when the epoch's loss changes by less (0 = off)", minimum=0.0),
    Param("early_stopping_patience", int, 0,
          "stop after this many epochs without a better test loss (0 = off)", minimum=0,
          maximum=1_000_000),
    Param("seed", int, 0, "seed of the initial weights and sample order", minimum=0,
          maximum=MAX_SEED),
    Param("device", str, "auto", "where to train", DEVICES),
    Param("algorithm", str, "backprop", "the learning rule", ALGORITHMS),
)


PARAMS = {param.name: param for param in SCHEMA}  # each setting's type, range or choices


class TrainConfigError(PlaygroundError):
    """A training setting is invalid; the message names it and the allowed values."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train: the update rule, its step size, batches, penalties and when to stop."""

    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: str = "sgd"
    momentum: float = 0.9
    regularization: str = "none"
    regularization_rate: float = 0.0
    epochs: int = 200
    epoch_limit: bool = False
    grad_norm_threshold: float = 0.0
    loss_change_threshold: float = 0.0
    early_stopping_patience: int = 0
    seed: int = 0
    device: str = "auto"
    algorithm: str = "backprop"

    def __post_init__(self) -> None:
        for param in SCHEMA:
            try:
                value = param.check(getattr(self, param.name), "training settings")
            except SpecError as err:
                raise TrainConfigError(str(err)) from None
            object.__setattr__(self, param.name, value)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> TrainConfig:
        """Read settings back; missing ones take defaults, unknown ones are refused."""
        if not isinstance(data, dict):
            raise TrainConfigError("training settings must be an object of name: value")
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise TrainConfigError(f"unknown training setting(s) {unknown}; "
                                   f"known ones: {', '.join(known)}")
        return cls(**data)

    def replace(self, **changes: Any) -> TrainConfig:
        return TrainConfig.from_dict({**self.to_dict(), **changes})

