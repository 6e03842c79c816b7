"""The mouse wheel scrolls panels; it changes a spin box, combo box or slider only when that
control has keyboard focus (clicked or tabbed into).

One event filter on the QApplication covers every such control, in every window and dialog,
including those created later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

GUARDED = (QAbstractSpinBox, QComboBox, QAbstractSlider)
_WHEEL, _POLISH = QEvent.Type.Wheel, QEvent.Type.Polish


_GUARDED_CLASSES: dict[type, bool] = {}  # each class met, whether it is guarded


def is_guarded(widget: QObject) -> bool:
    """A value control that a stray wheel must not change (scroll bars are not). Answered
    per class once: an isinstance test of a Qt class costs microseconds, on every event."""
    cls = type(widget)
    guarded = _GUARDED_CLASSES.get(cls)
    if guarded is None:
        guarded = issubclass(cls, GUARDED) and not issubclass(cls, QScrollBar)
        _GUARDED_CLASSES[cls] = guarded
    return guarded


class WheelGuard(QObject):
    """Hands the wheel of an unfocused value control to the panel that scrolls around it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Every event of the application comes here: the class test first, since asking
        # the event's type makes a Python enum (~4 µs; ~15,000 events open the window).
        if not is_guarded(watched):
            return False
        kind = event.type()
        if kind != _WHEEL and kind != _POLISH:
            return False
        assert isinstance(watched, QWidget)
        if kind == _POLISH:
            # Focus by click or Tab only: a wheel passing over must not take the focus.
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if watched.hasFocus():
            return False
        assert isinstance(event, QWheelEvent)
        _scroll_around(watched, event)
        return True


def _scroll_around(widget: QWidget, event: QWheelEvent) -> None:
    """Scroll the nearest scroll area holding `widget` as if the wheel were over it."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is None:
        return
    delta = event.angleDelta()
    bar = parent.verticalScrollBar() if abs(delta.y()) >= abs(delta.x()) else \
        parent.horizontalScrollBar()
    if bar.isVisible():
        QApplication.sendEvent(bar, event)


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Guard every value control of `app` (once; later calls return the same guard)."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
