"""How the main window shares its size between the side columns, the canvas and the curves.

The columns and the curves grow with the window (a share of it, between a smallest and a
largest size, and never narrower than their panels need), so that a big screen gives the
Output view and the lecture views room too, not only the canvas; a window shrunk and grown
again gets its columns back. Once the user drags a separator (or a saved layout is
restored), the window leaves the sizes alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QStyle

# (share of the window, smallest, largest) in pixels.
LEFT = (0.2, 270, 380)
RIGHT = (0.3, 400, 620)
BOTTOM = (0.42, 280, 440)  # of the height the docks share
DATA_SHARE = 0.55  # of the left column, under the palette's tabs
AREAS = Qt.DockWidgetArea


def _share(total: int, rule: tuple[float, int, int]) -> int:
    share, low, high = rule
    return int(min(max(total * share, low), high))


class DockSizing(QObject):
    """Sizes the window's dock areas by the window's size until the user sizes them."""

    def __init__(self, window: QMainWindow, left: tuple[QDockWidget, QDockWidget],
                 bottom: QDockWidget):
        super().__init__(window)
        self.window = window
        self.left, self.bottom = left, bottom
        self.automatic = True
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.apply)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """A press on the window itself, not on a dock or the canvas, grabs a separator."""
        if watched is self.window and event.type() == QEvent.Type.MouseButtonPress:
            self.automatic = False
        return False

    def user_sized(self) -> None:
        """A saved layout was restored: keep its sizes."""
        self.automatic = False

    def follow_window(self) -> None:
        """The window was resized: size the docks again (once the layout has settled)."""
        if self.automatic:
            self._timer.start()

    def _docks(self, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        return [d for d in self.window.findChildren(QDockWidget)
                if self.window.dockWidgetArea(d) == area and not d.isFloating()]

    def _needed(self, area: Qt.DockWidgetArea) -> int:
        """The width a side column needs to show its panels without a sideways scroll bar."""
        bar = self.window.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        widths = [0]
        for dock in self._docks(area):
            holder = dock.widget()
            inner = holder.widget() if isinstance(holder, QScrollArea) else None
            widths.append(inner.minimumSizeHint().width() + bar if inner is not None
                          else dock.minimumSizeHint().width())
        return max(widths)

    @Slot()
    def apply(self) -> None:
        if not self.automatic or not self.window.isVisible():
            return
        width = self.window.width()
        height = self.window.centralWidget().height() + self.bottom.height()
        right = next((d for d in self._docks(AREAS.RightDockWidgetArea)
                      if d.isVisible() and not d.visibleRegion().isEmpty()), None)
        docks = [self.left[0]]
        sizes = [max(_share(width, LEFT), self._needed(AREAS.LeftDockWidgetArea))]
        if right is not None:
            docks.append(right)
            sizes.append(max(_share(width, RIGHT), self._needed(AREAS.RightDockWidgetArea)))
        self.window.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)
        column = self.left[0].height() + self.left[1].height()
        self.window.resizeDocks(list(self.left), [int(column * (1 - DATA_SHARE)),
                                                  int(column * DATA_SHARE)],
                                Qt.Orientation.Vertical)
        if self.bottom.isVisible():
            self.window.resizeDocks([self.bottom], [_share(height, BOTTOM)],
                                    Qt.Orientation.Vertical)
        self.window.layout().activate()  # lay the docks out now: the canvas fits to them
