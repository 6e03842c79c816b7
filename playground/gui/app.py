"""Start the desktop app: the QApplication, its theme, and the main window."""

from __future__ import annotations

import os
import sys
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from playground.gui.platform_check import (
    forget_empty_platform,
    install_message,
    missing_libraries,
    uses_xcb,
)
from playground.gui.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from playground.gui.main_window import MainWindow

ORGANIZATION = "nn-playground"
APPLICATION = "playground"
# Set to 1 to time start-up: the app quits, printing nothing, as soon as the window is shown
# and the training process answers (packaging/README.md shows how it is used).
EXIT_AFTER_START = "PLAYGROUND_EXIT_AFTER_START"
WARM_TIMEOUT_MS = 60_000  # ...or with status 1 if it has not answered by then


def has_display() -> bool:
    """Whether a window can be shown (Linux needs X11 or Wayland, or a chosen Qt platform)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def application(offscreen: bool = False) -> QApplication:
    """The QApplication, created once, themed to follow the system's light or dark mode."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    forget_empty_platform()
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Neural-network playground")
    from playground.gui.theme import apply_theme

    apply_theme(app)
    install_wheel_guard(app)
    return app


def main() -> int:
    forget_empty_platform()
    if not has_display():
        print("error: no display to open the window on (DISPLAY is not set); run it on a "
              "desktop, or use 'playground snapshot SOURCE --out FILE.png' for a picture",
              file=sys.stderr)
        return 2
    missing = missing_libraries() if uses_xcb() else []
    if missing:
        print(install_message(missing), file=sys.stderr)
        return 2
    app = application()
    from playground.gui.error_dialog import ErrorReporter
    from playground.gui.main_window import MainWindow  # after the QApplication exists

    window = MainWindow(QSettings())
    reporter = ErrorReporter(window)
    reporter.install()  # an exception nothing caught becomes a dialog, not a crash
    window.show()
    window.controller.warm_up()  # import torch in the training process while the user looks
    if os.environ.get(EXIT_AFTER_START) == "1":
        window.controller.devicesKnown.connect(partial(_quit_when_warm, window, 0))
        QTimer.singleShot(WARM_TIMEOUT_MS, partial(_quit_when_warm, window, 1))
    try:
        return app.exec()
    finally:
        reporter.uninstall()


def _quit_when_warm(window: MainWindow, status: int, *_answer: object) -> None:
    """The training process answered (status 0), or did not in time (1): quit."""
    window.close()
    QApplication.exit(status)
