"""Read a data file in a worker thread, so that the window keeps drawing, with progress and
Cancel.

The loader gets a `progress(fraction)` callback; the worker turns it into at most one
`progress` signal per percent, and raises `ImportCancelled` from it once `cancel()` was asked,
which unwinds the loader at its next report. `done` carries the job itself, its `outcome`
set: the loader's result, an error message (str), or None when cancelled.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from playground.core.datasets.imported import DataImportError
from playground.core.errors import PlaygroundError

Progress = Callable[[float], None]
Loader = Callable[[Progress], Any]


class ImportCancelled(Exception):
    """Raised inside a loader, from its progress callback, when the user pressed Cancel."""


class ImportThread(QThread):
    """One import: `loader(progress)` run off the window's thread."""

    progress = Signal(float)  # 0…1, at most once per percent
    done = Signal(object)  # this job, with `outcome` set

    def __init__(self, loader: Loader, source: str, parent: QObject | None = None):
        super().__init__(parent)
        self.loader, self.source = loader, source
        self.outcome: Any = None
        self._cancel = threading.Event()
        self._percent = -1

    def cancel(self) -> None:
        """Stop at the loader's next progress report; the outcome will be None."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            outcome = self.loader(self._report)
        except ImportCancelled:
            outcome = None
        except (PlaygroundError, DataImportError) as err:
            outcome = str(err)
        except Exception as err:  # noqa: BLE001 - any failure must end as a message
            traceback.print_exc()
            outcome = (f"{self.source}: reading it stopped with an unexpected error "
                       f"({type(err).__name__}: {err}). Check the file, or report the problem "
                       "if it happens again.")
        self.outcome = None if self.cancelled else outcome
        self.done.emit(self)

    def _report(self, fraction: float) -> None:
        if self.cancelled:
            raise ImportCancelled
        percent = int(min(max(fraction, 0.0), 1.0) * 100)
        if percent != self._percent:
            self._percent = percent
            self.progress.emit(fraction)
