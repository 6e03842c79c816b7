"""What training reports: frozen records of plain numbers and numpy arrays, no tensors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STOP_REASONS = (
    "max_epochs",
    "converged",
    "diverged",
    "early_stopping",
    "grad_norm",
    "loss_plateau",
)


@dataclass(frozen=True)
class EpochRecord:
    """Metrics at the end of one epoch.

    In the history, `train_loss` is the epoch's average error 𝓔̄ over its batches (free to
    compute); the test metrics are measured while that costs at most 2 % of training time,
    and at least every 0.25 s of training; they are None on other epochs, as accuracies are
    for regression. Snapshots evaluate every field exactly for the current weights.
    """

    epoch: int
    step: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    seconds: float
    mistakes: int | None = None  # perceptron rule only

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


@dataclass(frozen=True)
class Snapshot:
    """The state of a run after an epoch, safe to hand to another thread."""

    record: EpochRecord
    grad_norms: dict[str, float] = field(default_factory=dict)
    dead_units: dict[str, int] = field(default_factory=dict)
    stop_reason: str | None = None
    message: str = ""

    @property
    def epoch(self) -> int:
        return self.record.epoch

    @property
    def step(self) -> int:
        return self.record.step
