"""A main window on a preset, with its settings in a temporary file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.core.presets import load_preset
from playground.gui.canvas.palette import layer_mime_data
from playground.gui.canvas.view import NetworkView
from playground.gui.document import Document
from playground.gui.main_window import MainWindow
from playground.gui.worker import TrainingController


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings) -> MainWindow:
    win = MainWindow(settings, Document.untitled(load_preset("circle")))
    win.prompts = []  # each unsaved-changes question asked; answered "Discard"
    win.ask_unsaved = lambda: win.prompts.append(win.document.title) or \
        QMessageBox.StandardButton.Discard
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    wait_for_preview(win.controller, qtbot)
    return win


def wait_for_preview(controller: TrainingController, qtbot, previews: int = 1) -> None:
    """Wait until the newest preview asked for has come back, and `previews` in all (the
    first one comes once the training process has started: seconds on a busy machine)."""
    qtbot.waitUntil(lambda: controller.previews >= previews and not controller.previewing,
                    timeout=60_000)


def drop_layer(view: NetworkView, kind: str, scene_point: QPointF) -> None:
    """Drag `kind` from the palette and drop it at a scene point (real Qt drag events)."""
    mime = layer_mime_data(kind)
    pos = view.mapFromScene(scene_point)
    action, button, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, \
        Qt.KeyboardModifier.NoModifier
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        event = event_type(pos, action, mime, button, mods)
        QApplication.sendEvent(view.viewport(), event)
        assert event.isAccepted()
    drop = QDropEvent(QPointF(pos), action, mime, button, mods)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()


def drag_mouse(view: NetworkView, start: QPointF, end: QPointF) -> None:
    """Press at `start`, move in steps, release at `end` (scene coordinates)."""
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, 6):
        point = a + (b - a) * (i / 5)
        QTest.mouseMove(viewport, QPoint(point.x(), point.y()))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
