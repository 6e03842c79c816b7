"""A run's history of epochs in bounded memory: the latest epochs exactly, older ones thinned
so that every rise and dip stays visible.

An open-ended run on the fast engine finishes about ten thousand epochs a second; one record
per epoch held gigabytes after a quarter of an hour. `History` keeps the latest `RECENT` to
`2 × RECENT` epochs record for record. Older epochs are cut into at most `STRETCHES` stretches
of equal length, and each stretch keeps its first and last record and, for every metric, the
records with its lowest and its highest value: a divergence spike or a sudden dip survives
(keeping every k-th epoch could drop it), and each kept record is a real epoch's, with its own
epoch number. Thinning a thinned stretch again keeps the same extremes.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby

from playground.core.training.snapshots import EpochRecord

RECENT = 10_000  # the latest epochs kept exactly: at least this many, at most twice
STRETCHES = 500  # older epochs: this many stretches at most...
METRICS = ("train_loss", "test_loss", "batch_loss", "train_accuracy", "test_accuracy",
           "mistakes")  # ...each keeping its first, its last, and each metric's extremes
# The most records a history holds: the kept extremes of every stretch, and the exact epochs.
MAX_RECORDS = STRETCHES * (2 + 2 * len(METRICS)) + 2 * RECENT


class History(list[EpochRecord]):
    """A list of epoch records, oldest first, that thins its older part as it grows."""

    def __init__(self, records: Iterable[EpochRecord] = (), recent: int = RECENT,
                 stretches: int = STRETCHES):
        super().__init__()
        self.recent = recent
        self.stretches = stretches
        self._thin_at = 2 * recent  # the length at which the older part is thinned next
        self.extend(records)

    def append(self, record: EpochRecord) -> None:
        super().append(record)
        if len(self) > self._thin_at:
            self._thin()

    def extend(self, records: Iterable[EpochRecord]) -> None:
        super().extend(records)
        if len(self) > self._thin_at:
            self._thin()

    def after(self, epoch: int) -> int:
        """The index of the first record of an epoch after `epoch`."""
        return bisect_right(self, epoch, key=_epoch)

    def _thin(self) -> None:
        older, latest = self[:-self.recent], self[-self.recent:]
        first = older[0].epoch
        width = max(1, math.ceil((older[-1].epoch - first + 1) / self.stretches))
        kept: list[EpochRecord] = []
        for _, stretch in groupby(older, key=lambda r: (r.epoch - first) // width):
            kept.extend(extremes(list(stretch)))
        self[:] = kept + latest
        self._thin_at = len(kept) + 2 * self.recent


def extremes(stretch: Sequence[EpochRecord]) -> list[EpochRecord]:
    """The stretch's first and last record and, per metric, those of its lowest and highest
    value, in epoch order."""
    kept = {0, len(stretch) - 1}
    for name in METRICS:
        measured = [(v, i) for i, r in enumerate(stretch) if (v := getattr(r, name)) is not None
                    and v == v]  # NaN has no place in an order
        if measured:
            kept.add(min(measured)[1])
            kept.add(max(measured)[1])
    return [stretch[i] for i in sorted(kept)]


def exact_from(history: Sequence[EpochRecord]) -> int | None:
    """The epoch from which on `history` has every epoch's record; None when it has them all
    (it was not thinned)."""
    for i in range(len(history) - 1, 0, -1):
        if history[i].epoch - history[i - 1].epoch > 1:
            return history[i].epoch
    return None


def thinning_note(history: Sequence[EpochRecord]) -> str | None:
    """What a thinned history holds, for an export; None when it has every epoch."""
    start = exact_from(history)
    if start is None:
        return None
    return (f"every epoch from {start:,} on; before it, of each stretch of epochs its first "
            "and last epoch and those with the lowest and highest value of each metric")


def _epoch(record: EpochRecord) -> int:
    return record.epoch
