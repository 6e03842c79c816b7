"""Draw a view's live frames only while its dock is on screen.

A dock closed, or tabbed behind another, gets no drawing work at 30 frames a second; it keeps
the latest frame (each replaces the last) and draws that one when it comes to the front.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDockWidget

from playground.core.frames import Frame


class FrameGate(QObject):
    """Passes frames to `draw` while `dock` is on screen, and the latest one when it shows."""

    def __init__(self, dock: QDockWidget, draw: Callable[[Frame], None]):
        super().__init__(dock)
        self.dock = dock
        self._draw = draw
        self._pending: Frame | None = None
        dock.visibilityChanged.connect(self._shown)

    def on_screen(self) -> bool:
        return self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()

    def show_frame(self, frame: Frame) -> None:
        if self.on_screen():
            self._pending = None
            self._draw(frame)
        else:
            self._pending = frame

    @Slot(bool)
    def _shown(self, visible: bool) -> None:
        if visible and self._pending is not None:
            frame, self._pending = self._pending, None
            self._draw(frame)
