"""Draw a view's live frames only while its dock is on screen, and have the training process
compute only what the views on screen draw.

A dock closed, or tabbed behind another, gets no drawing work at 30 frames a second; it keeps
the latest frame (each replaces the last) and draws that one when it comes to the front.
`ProbeDemand` tells the training process which probes (`core.frames.PROBES`) the docks on
screen draw from: the others are neither computed nor sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDockWidget

from playground.core.frames import Frame


class FrameGate(QObject):
    """Passes frames to `draw` while `dock` is on screen, and the latest one when it shows."""

    def __init__(self, dock: QDockWidget, draw: Callable[[Frame], None], probe: str = ""):
        super().__init__(dock)
        self.dock = dock
        self.probe = probe  # the probe of the frames the view draws ("": none of its own)
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


class ProbeDemand(QObject):
    """Asks for the probes of the views on screen whenever a dock shows or hides."""

    def __init__(self, gates: Sequence[FrameGate], ask: Callable[[frozenset[str]], None],
                 parent: QObject):
        super().__init__(parent)
        self._probes = {gate.dock: gate.probe for gate in gates if gate.probe}
        self._ask = ask
        self._shown = {dock: dock.isVisible() for dock in self._probes}
        for dock in self._probes:
            dock.visibilityChanged.connect(self._changed)
        self._tell()

    @Slot(bool)
    def _changed(self, visible: bool) -> None:
        self._shown[self.sender()] = visible
        self._tell()

    def _tell(self) -> None:
        self._ask(frozenset(probe for dock, probe in self._probes.items()
                            if self._shown[dock]))
