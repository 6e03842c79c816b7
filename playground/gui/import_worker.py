"""Read a data file in a worker thread, so that the window keeps drawing, with progress and
Cancel.

The worker is a plain Python thread that touches no Qt object: the loader's
`progress(fraction)` callback only notes the fraction, and raises `ImportCancelled` once
`cancel()` was asked, which unwinds the loader at its next report. A timer on the window's
thread looks at the job every `POLL_MS` and emits `progress` (at most once per percent) and,
once, `done`, which carries the job itself with `outcome` set: the loader's result, an error
message (str), or None when cancelled. So no signal crosses threads and no Qt object is
made, used or freed in the worker (PySide's cross-thread queued signals carrying Python
objects were the suspects of a rare crash after Cancel).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from playground.core.datasets.imported import DataImportError
from playground.core.errors import PlaygroundError

Progress = Callable[[float], None]
Loader = Callable[[Progress], Any]
POLL_MS = 30  # how often the window's thread looks at a running import


class ImportCancelled(Exception):
    """Raised inside a loader, from its progress callback, when the user pressed Cancel."""


class ImportJob(QObject):
    """One import: `loader(progress)` run in a worker thread, watched from the window's."""

    progress = Signal(float)  # 0…1, at most once per percent
    done = Signal(object)  # this job, with `outcome` set

    def __init__(self, loader: Loader, source: str, parent: QObject | None = None):
        super().__init__(parent)
        self.loader, self.source = loader, source
        self.outcome: Any = None
        self._cancel = threading.Event()
        self._fraction: float | None = None  # the loader's latest report (worker's side)
        self._percent = -1  # the latest percent emitted (window's side)
        self._thread = threading.Thread(target=self._run, name=f"import {source}",
                                        daemon=True)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._look)

    def start(self) -> None:
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        """Stop at the loader's next progress report; the outcome will be None."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_finished(self) -> bool:
        """Whether the worker thread has ended (its outcome is set)."""
        return self._thread.ident is not None and not self._thread.is_alive()

    def wait(self) -> None:
        """Block until the worker thread has ended (cancel first: it may read for long)."""
        if self._thread.ident is not None:
            self._thread.join()

    @Slot()
    def _look(self) -> None:
        fraction = self._fraction
        if fraction is not None and not self.cancelled:
            percent = int(min(max(fraction, 0.0), 1.0) * 100)
            if percent != self._percent:
                self._percent = percent
                self.progress.emit(fraction)
        if self.is_finished():
            self._timer.stop()
            self.done.emit(self)

    def _run(self) -> None:
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

    def _report(self, fraction: float) -> None:
        if self.cancelled:
            raise ImportCancelled
        self._fraction = fraction
