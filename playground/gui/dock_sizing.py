"""How the main window shares its size between the side columns, the canvas and the curves.

The columns and the curves grow with the window (a share of it, between a smallest and a
largest size), so that a big screen gives the Output view and the lecture views room too,
not only the canvas. Once the user drags a separator (or a saved layout is restored), the
window leaves the sizes alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow

# (share of the window, smallest, largest) in pixels.
LEFT = (0.2, 270, 380)
RIGHT = (0.3, 400, 620)
BOTTOM = (0.36, 240, 380)  # of the height the docks share
DATA_SHARE = 0.55  # of the left column, under the palette's tabs
TOLERANCE = 4  # pixels a dock may differ from the size set and still count as untouched


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
        self._set: dict[str, int] | None = None  # the sizes last set
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.apply)

    def user_sized(self) -> None:
        """A saved layout was restored: keep its sizes."""
        self.automatic = False

    def follow_window(self) -> None:
        """The window was resized: size the docks again (once the layout has settled)."""
        if self.automatic:
            self._timer.start()

    def _right_dock(self) -> QDockWidget | None:
        """The visible dock of the right column (the Output or a lecture view)."""
        area = Qt.DockWidgetArea.RightDockWidgetArea
        return next((d for d in self.window.findChildren(QDockWidget)
                     if self.window.dockWidgetArea(d) == area and d.isVisible()
                     and not d.isFloating()), None)

    def _least(self, area: Qt.DockWidgetArea) -> int:
        """The least width of a side column, or height of the bottom row."""
        sizes = [d.minimumSizeHint() for d in self.window.findChildren(QDockWidget)
                 if self.window.dockWidgetArea(d) == area and not d.isFloating()]
        bottom = area == Qt.DockWidgetArea.BottomDockWidgetArea
        return max((s.height() if bottom else s.width() for s in sizes), default=0)

    def _measure(self) -> dict[str, int]:
        right = self._right_dock()
        return {"left": self.left[0].width(), "right": right.width() if right else 0,
                "bottom": self.bottom.height() if self.bottom.isVisible() else 0}

    def _touched(self) -> bool:
        """Whether the user moved a separator since the sizes were last set. (A window too
        small for its docks squeezes them to their least sizes: that is not the user's.)"""
        if self._set is None:
            return False
        now = self._measure()
        areas = Qt.DockWidgetArea
        least = {"left": self._least(areas.LeftDockWidgetArea),
                 "right": self._least(areas.RightDockWidgetArea),
                 "bottom": self._least(areas.BottomDockWidgetArea)}
        return any(size and now[key] and abs(now[key] - size) > TOLERANCE
                   and now[key] > least[key] + TOLERANCE for key, size in self._set.items())

    @Slot()
    def apply(self) -> None:
        if not self.automatic or not self.window.isVisible():
            return
        if self._touched():
            self.automatic = False
            return
        width = self.window.width()
        height = self.window.centralWidget().height() + self.bottom.height()
        horizontal = Qt.Orientation.Horizontal
        right = self._right_dock()
        docks, sizes = [self.left[0]], [_share(width, LEFT)]
        if right is not None:
            docks.append(right)
            sizes.append(_share(width, RIGHT))
        self.window.resizeDocks(docks, sizes, horizontal)
        column = self.left[0].height() + self.left[1].height()
        self.window.resizeDocks(list(self.left), [int(column * (1 - DATA_SHARE)),
                                                  int(column * DATA_SHARE)],
                                Qt.Orientation.Vertical)
        if self.bottom.isVisible():
            self.window.resizeDocks([self.bottom], [_share(height, BOTTOM)],
                                    Qt.Orientation.Vertical)
        self.window.layout().activate()  # lay the docks out now, to measure what was set
        self._set = self._measure()
