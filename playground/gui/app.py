"""Start the desktop app."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from playground.core.presets import list_presets


def build_window() -> QMainWindow:
    """The main window (the network canvas arrives with the next release)."""
    window = QMainWindow()
    window.setWindowTitle("Neural-network playground")
    names = "\n".join(f"• {info.title}" for info in list_presets())
    label = QLabel(f"The network canvas is on its way.\n\nPresets you can already train from "
                   f"the command line (playground train NAME):\n\n{names}")
    label.setMargin(24)
    window.setCentralWidget(label)
    window.resize(720, 480)
    return window


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("playground")
    window = build_window()
    window.show()
    return app.exec()
