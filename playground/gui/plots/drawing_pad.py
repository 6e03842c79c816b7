"""Draw a digit or shape with the mouse and see what the network makes of it, live.

The pad has the Input's resolution (8×8, 12×12, 28×28, …): the left button inks, the right
one erases. Each stroke is read by the network on the current weights through a core
function (numpy in, numpy out); while training runs, the drawing also goes to the training
process, whose frames then answer with the weights of that moment.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.core.frames import ImageProbe
from playground.gui import theme
from playground.gui.plots.feature_maps import MAP_TILE, MapSection
from playground.gui.plots.tiles import INK, SIGNED, picture, signed_levels

PAD_SIZE = 224
SOFT_EDGE = 0.45  # ink given to the four neighbours of a pixel drawn on pads of 12 px or more


class DrawingPad(QWidget):
    """A grid of pixels in [0, 1] painted with the mouse; `drawn` after every change."""

    drawn = Signal()

    def __init__(self, height: int = 8, width: int = 8, parent: QWidget | None = None):
        super().__init__(parent)
        self.ink = np.zeros((height, width), dtype=np.float32)
        self._last: tuple[int, int] | None = None
        self._value = 1.0
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left mouse button, erase with the right one")

    def set_size(self, height: int, width: int) -> None:
        if self.ink.shape != (height, width):
            self.ink = np.zeros((height, width), dtype=np.float32)
            self.update()

    def clear(self) -> None:
        self.ink[:] = 0.0
        self.update()
        self.drawn.emit()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(PAD_SIZE, PAD_SIZE)

    def _square(self) -> QRectF:
        side = min(self.width(), self.height()) - 1
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        square = self._square()
        h, w = self.ink.shape
        row = int((point.y() - square.top()) * h / square.height())
        col = int((point.x() - square.left()) * w / square.width())
        return (row, col) if 0 <= row < h and 0 <= col < w else None

    def cell_centre(self, row: int, col: int) -> QPointF:
        """Widget coordinates of a pixel's centre (for tests and tools)."""
        square = self._square()
        h, w = self.ink.shape
        return QPointF(square.left() + (col + 0.5) * square.width() / w,
                       square.top() + (row + 0.5) * square.height() / h)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._value = 1.0 if event.button() == Qt.MouseButton.LeftButton else 0.0
            self._last = None
            self._stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._stroke(event.position())

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:  # noqa: N802
        self._last = None

    def _stroke(self, point: QPointF) -> None:
        cell = self.cell_at(point)
        if cell is None:
            return
        start = self._last or cell
        steps = max(abs(cell[0] - start[0]), abs(cell[1] - start[1]), 1)
        for i in range(steps + 1):  # fill the gap since the last event
            self._paint(round(start[0] + (cell[0] - start[0]) * i / steps),
                        round(start[1] + (cell[1] - start[1]) * i / steps))
        self._last = cell
        self.update()
        self.drawn.emit()

    def _paint(self, row: int, col: int) -> None:
        if self._value == 0.0:
            self.ink[max(row - 1, 0):row + 2, max(col - 1, 0):col + 2] = 0.0
            return
        self.ink[row, col] = 1.0
        if min(self.ink.shape) >= 12:
            for r, c in ((row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)):
                if 0 <= r < self.ink.shape[0] and 0 <= c < self.ink.shape[1]:
                    self.ink[r, c] = max(self.ink[r, c], SOFT_EDGE)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        square = self._square()
        painter.drawImage(square, picture(self.ink, (0.0, 1.0), INK))
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        h, w = self.ink.shape
        if h <= 16:  # a visible pixel grid helps on coarse pads
            for i in range(1, h):
                y = square.top() + i * square.height() / h
                painter.drawLine(QPointF(square.left(), y), QPointF(square.right(), y))
            for j in range(1, w):
                x = square.left() + j * square.width() / w
                painter.drawLine(QPointF(x, square.top()), QPointF(x, square.bottom()))
        painter.drawRect(square)
        painter.end()


class AnswerBars(QWidget):
    """One bar per class, its height the network's probability; the best one in blue."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.values = np.zeros(0, dtype=np.float32)
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.float32)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 90)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        if not self.values.size:
            return
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        line = self.fontMetrics().height()
        width = self.width() / len(self.values)
        best = int(np.argmax(self.values))
        top, bottom = line, self.height() - line - 2
        for k, value in enumerate(self.values):
            height = (bottom - top) * float(np.clip(value, 0.0, 1.0))
            bar = QRectF(k * width + 3, bottom - height, width - 6, height)
            painter.fillRect(bar, theme.POSITIVE if k == best else QColor("#9aa0a6"))
            painter.setPen(text)
            painter.drawText(QRectF(k * width, bottom + 2, width, line),
                             Qt.AlignmentFlag.AlignCenter, str(k))
            if k == best:
                painter.drawText(QRectF(k * width - 10, bottom - height - line, width + 20,
                                        line), Qt.AlignmentFlag.AlignCenter, f"{value:.0%}")
        painter.end()


class DrawingPanel(QWidget):
    """The pad, Clear, the network's answer as bars, and the feature maps of the drawing."""

    drawingChanged = Signal(object)  # the drawing (C, H, W), or None when the pad is empty

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.pad = DrawingPad()
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Wipe the pad")
        self.clear_button.clicked.connect(self.pad.clear)
        self.answer = QLabel("Draw in the box: left button inks, right button erases.")
        self.answer.setWordWrap(True)
        self.bars = AnswerBars()
        self.sections: dict[str, MapSection] = {}
        self._channels = 1
        self._reader: Callable[[np.ndarray], None] = lambda _image: None
        side = QVBoxLayout()
        side.addWidget(self.answer)
        side.addWidget(self.bars)
        side.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.pad, 1)
        top.addLayout(side, 1)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addStretch(1)
        self.pad.drawn.connect(self._drawn)

    def set_input_shape(self, shape: tuple[int, ...]) -> None:
        """Follow the network's Input: (C, H, W)."""
        if len(shape) == 3:
            self._channels = shape[0]
            self.pad.set_size(shape[1], shape[2])

    def set_reader(self, reader: Callable[[np.ndarray], None]) -> None:
        """Who reads a drawing: it is given the drawing and answers later, through
        `show_answer` or `show_problem`."""
        self._reader = reader
        self.invalidate()

    def invalidate(self) -> None:
        """The weights or the network changed: read the drawing again with the new ones."""
        if self.pad.ink.any() and self.isVisible():
            self._read()

    def drawing(self) -> np.ndarray:
        return np.repeat(self.pad.ink[None], self._channels, axis=0)

    @Slot()
    def _drawn(self) -> None:
        empty = not self.pad.ink.any()
        self.drawingChanged.emit(None if empty else self.drawing())
        if empty:
            self.bars.set_values(np.zeros(0))
            self.answer.setText("Draw in the box: left button inks, right button erases.")
            self._show_maps({})
            return
        self._read()

    def _read(self) -> None:
        self._reader(self.drawing())

    @Slot(str)
    def show_problem(self, why: str) -> None:
        """The drawing could not be read (the network cannot run yet, say)."""
        self.answer.setText(f"Cannot read the drawing: {why}.")

    @Slot(object)
    def show_probe(self, probe: ImageProbe | None) -> None:
        """A training frame's answer for the drawing (sent as the chosen sample)."""
        if probe is not None and probe.sample_index < 0 and self.pad.ink.any():
            self.show_answer(probe.outputs, probe.feature_maps)

    @Slot(object, object)
    def show_answer(self, outputs: np.ndarray, maps: dict[str, np.ndarray]) -> None:
        if not self.pad.ink.any():
            return  # an answer for a drawing since wiped
        self.bars.set_values(outputs if outputs.size > 1 else np.array([1 - outputs[0],
                                                                        outputs[0]]))
        best = int(np.argmax(self.bars.values))
        self.answer.setText(f"The network says <b>{best}</b> "
                            f"({self.bars.values[best]:.0%} sure).")
        self._show_maps(maps)

    def _show_maps(self, maps: dict[str, np.ndarray]) -> None:
        if list(self.sections) != list(maps):
            for section in self.sections.values():
                section.setParent(None)
                section.deleteLater()
            self.sections = {node: MapSection(MAP_TILE) for node in maps}
            for section in self.sections.values():
                self._layout.insertWidget(self._layout.count() - 1, section)
        for node, values in maps.items():
            section = self.sections[node]
            section.title.setText(f"<b>{node}</b> on your drawing: {len(values)} maps")
            levels = signed_levels(values)
            section.grid.set_tiles([picture(m, levels, SIGNED) for m in values])
