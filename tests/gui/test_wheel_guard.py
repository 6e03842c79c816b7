"""The wheel scrolls the panels; it never changes a setting the user has not clicked into."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QScrollArea,
    QWidget,
)

from playground.gui.wheel_guard import is_guarded


def wheel(widget: QWidget, notches: int = -1) -> QWheelEvent:
    """One wheel turn over the middle of `widget` (negative: towards the user, scroll down)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


def value(widget: QWidget) -> object:
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    assert isinstance(widget, QAbstractSlider)
    return widget.value()


def dock_scroll(window, title: str) -> tuple[QDockWidget, QScrollArea]:
    dock = window.findChild(QDockWidget, f"dock-{title}")
    dock.raise_()
    scroll = dock.widget()
    assert isinstance(scroll, QScrollArea)
    return dock, scroll


@pytest.mark.parametrize("title", ["training", "data", "inspector"])
def test_the_wheel_over_an_unfocused_control_scrolls_the_panel_instead(window, qtbot, title):
    window.scene.select_only(["dense_1"])  # the Inspector shows the node's settings
    _dock, scroll = dock_scroll(window, title)
    scroll.setMaximumHeight(160)  # short enough to scroll whatever the window's layout
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)
    window.view.setFocus()
    controls = [w for w in scroll.widget().findChildren(QWidget)
                if is_guarded(w) and w.isVisibleTo(scroll) and w.isEnabled()]
    assert len(controls) >= 2
    bar = scroll.verticalScrollBar()
    for control in controls:
        before = value(control)
        bar.setValue(bar.minimum())
        wheel(control)
        wheel(control, +2)  # and back up past the top
        assert value(control) == before, control.toolTip()
        assert not control.hasFocus()
        bar.setValue(bar.minimum())
        wheel(control)
        assert bar.value() > bar.minimum(), control.toolTip()
        assert value(control) == before


def test_a_focused_control_still_takes_the_wheel(window, qtbot):
    _dock, scroll = dock_scroll(window, "training")
    spin = next(w for w in scroll.widget().findChildren(QAbstractSpinBox)
                if w.isVisibleTo(scroll) and w.isEnabled())
    assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel does not give focus
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    before = spin.text()
    wheel(spin, +1)
    assert spin.text() != before
