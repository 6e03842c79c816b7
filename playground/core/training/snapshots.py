"""What training reports: frozen records of plain numbers and numpy arrays, no tensors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter

STOP_REASONS = (
    "max_epochs",
    "converged",
    "diverged",
    "early_stopping",
    "grad_norm",
    "loss_plateau",
)


@dataclass(frozen=True, slots=True)  # slots: a long history holds many
class EpochRecord:
    """Metrics at the end of one epoch.

    In the history, train and test loss and accuracy are evaluated at the epoch's end, at
    the same weights and in the same way for both splits, on at most `subsample` samples of
    each (a fixed, seeded choice; None: every sample). They are measured while that costs at
    most a few percent of training time, and at least every 0.25 s of training; they are None
    on other epochs, as accuracies are for regression. `batch_loss` is the running mean of
    the epoch's batch losses 𝓔̄ (each taken at the weights of its own step, so not comparable
    with the test loss; None for the perceptron rule). Snapshots evaluate every field exactly,
    on every sample, for the current weights.
    """

    epoch: int
    step: int
    train_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    seconds: float
    mistakes: int | None = None  # perceptron rule only
    batch_loss: float | None = None
    subsample: int | None = None

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)

    def __reduce__(self) -> tuple[type[EpochRecord], tuple[float | int | None, ...]]:
        """Pickle as the constructor's arguments: a frame's records then load three times
        faster than through dataclasses' generic state of a slotted class."""
        return EpochRecord, _RECORD_VALUES(self)


_RECORD_VALUES = attrgetter(*(f.name for f in fields(EpochRecord)))


@dataclass(frozen=True)
class Snapshot:
    """The state of a run after an epoch, safe to hand to another thread."""

    record: EpochRecord
    grad_norms: dict[str, float] = field(default_factory=dict)
    dead_units: dict[str, int] = field(default_factory=dict)
    stop_reason: str | None = None
    message: str = ""
    # Live figures on big data: the samples per split they were evaluated on (0: exact).
    subsample: int = 0

    @property
    def epoch(self) -> int:
        return self.record.epoch

    @property
    def step(self) -> int:
        return self.record.step
