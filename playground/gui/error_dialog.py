"""The last resort for failures nobody foresaw: a dialog instead of a traceback or a crash.

`ErrorReporter.install()` makes itself `sys.excepthook` and `threading.excepthook`, which also
receive exceptions that escape Qt slots and worker threads. Whatever thread raised, the dialog
opens on the window's thread, after the failed call has unwound: the document is as the last
finished edit left it (edits are all-or-nothing), and the app keeps running.
"""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

SHORT_CHARS = 300  # of the exception's text in the dialog; the rest is under Details
UNEXPECTED = ("Something went wrong inside the playground: {what}\n\nYour project is as it was "
              "before the last action; you can keep working and save it. If this happens "
              "again, please report it with the Details.")


def error_box(parent: QWidget | None, title: str, text: str, details: str = "") -> QMessageBox:
    """A warning with `text`; `details` (a traceback) behind its Details button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if details:
        box.setDetailedText(details)
    return box


def describe(error: BaseException) -> str:
    """'KeyError: 'x'' — the exception's type and the start of its text, on one line."""
    text = " ".join(str(error).split())
    if len(text) > SHORT_CHARS:
        text = text[:SHORT_CHARS - 1] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def unexpected_box(parent: QWidget | None, error: BaseException, details: str) -> QMessageBox:
    """The dialog for an exception nothing else handled."""
    return error_box(parent, "Unexpected error", UNEXPECTED.format(what=describe(error)),
                     details)


class ErrorReporter(QObject):
    """Shows an uncaught exception in a dialog: one dialog at a time, and once per distinct
    traceback (a failing paint would otherwise bring it back forever); the rest go to stderr
    only. `present` runs the dialog (tests replace it)."""

    raised = Signal(object, str)  # the exception and its traceback, to the window's thread

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self._showing = False
        self._shown: set[str] = set()
        self._previous: tuple | None = None
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(self, kind: type[BaseException], error: BaseException,
                   trace: TracebackType | None) -> None:
        """Print the traceback, as Python would, and show it in a dialog (from any thread)."""
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        details = "".join(traceback.format_exception(kind, error, trace))
        print(details, file=sys.stderr, end="")
        self.raised.emit(error, details)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(object, str)
    def _show(self, error: BaseException, details: str) -> None:
        if self._showing or details in self._shown:
            return
        self._showing = True
        self._shown.add(details)
        try:
            self.present(unexpected_box(self.window, error, details))
        finally:
            self._showing = False

    def present(self, box: QMessageBox) -> None:
        box.exec()
        box.deleteLater()
