"""Render the main window with a project, offscreen, to a PNG (for docs and bug reports)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings

from playground.core.project import Project
from playground.gui.app import application

PREVIEW_WAIT_S = 120.0  # the training process starts first (it imports torch)


def render(project: Project, out: Path, size: tuple[int, int] = (1400, 860)) -> Path:
    """Show `project` in a fresh window of `size` and save a screenshot to `out`."""
    app = application(offscreen=True)
    from playground.gui.document import Document
    from playground.gui.main_window import MainWindow

    scratch = tempfile.TemporaryDirectory()
    settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, Document.untitled(project))
    window.resize(*size)
    window.show()
    controller = window.controller
    deadline = time.monotonic() + PREVIEW_WAIT_S
    while (not controller.previews or controller.previewing) and time.monotonic() < deadline:
        app.processEvents()  # the training process draws the network's first picture
        time.sleep(0.01)
    app.processEvents()
    window.view.fit()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise OSError(f"could not write the picture to {out}")
    window.document.undo_stack.setClean()
    window.close()
    scratch.cleanup()
    return out
