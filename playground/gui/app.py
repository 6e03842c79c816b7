"""Start the desktop app: the QApplication, its theme, and the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ORGANIZATION = "nn-playground"
APPLICATION = "playground"


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
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Neural-network playground")
    from playground.gui.theme import apply_theme

    apply_theme(app)
    return app


def main() -> int:
    if not has_display():
        print("error: no display to open the window on (DISPLAY is not set); run it on a "
              "desktop, or use 'playground snapshot SOURCE --out FILE.png' for a picture",
              file=sys.stderr)
        return 2
    app = application()
    from playground.gui.main_window import MainWindow  # after the QApplication exists

    window = MainWindow(QSettings())
    window.show()
    window.controller.warm_up()  # import torch in the training process while the user looks
    return app.exec()
