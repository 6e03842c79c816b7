"""Unit pictures in the nodes: readable for ReLU units, and the enlarged one never covered."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.theme import POSITIVE
from tests.gui.test_canvas_paint import pixels


def thumb_point(window, node, index: int) -> QPoint:
    return window.view.mapFromScene(node.mapToScene(node._thumb_rect(index).center()))


def test_every_live_relu_unit_reaches_the_full_positive_colour(window, qtbot):
    window.set_document(Document.untitled(load_preset("deep-relu")))
    nodes = window.scene.nodes
    qtbot.waitUntil(lambda: all(nodes[f"dense_{i}"]._thumbs for i in range(1, 7)))
    target = np.array([POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()])
    checked = 0
    for i in range(1, 7):
        node = nodes[f"dense_{i}"]
        for values, thumb in zip(node._maps, node._thumbs, strict=False):
            if not np.abs(values).max() > 0:
                continue  # a dead unit: flat grey says so
            distance = np.abs(pixels(thumb.toImage()).astype(int) - target).sum(axis=2)
            assert distance.min() < 40, f"{node.layer_id}: too pale to read"
            checked += 1
    assert checked >= 10


def test_the_enlarged_picture_is_not_covered_by_the_node_tooltip(window, qtbot):
    node = window.scene.nodes["dense_1"]
    qtbot.waitUntil(lambda: len(node._thumbs) == 4)
    window.view.fit()
    viewport = window.view.viewport()
    point = thumb_point(window, node, 1)
    QTest.mouseMove(viewport, point - QPoint(2, 0))
    QTest.mouseMove(viewport, point)
    qtbot.waitUntil(node._preview.isVisible)
    help_event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, help_event)
    assert not QToolTip.isVisible() or not QToolTip.text()
    far = window.view.mapFromScene(node.mapToScene(node.boundingRect().center()))
    QTest.mouseMove(viewport, far - QPoint(0, 30))
    qtbot.waitUntil(lambda: not node._preview.isVisible())
    assert node.toolTip().startswith("<b>Dense · dense_1</b>")
