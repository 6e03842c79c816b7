"""Icons drawn with QPainter: one per layer kind, and the window icon. No image files."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from playground.core.layers import KINDS
from playground.gui.theme import GROUP_COLORS

# Pictograms are drawn on a 32 × 32 grid and scaled to the icon's size.
_GRID = 32.0
_WHITE = QColor("white")
_FAINT = QColor(255, 255, 255, 90)


def _pen(width: float = 2.0, color: QColor = _WHITE) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _dot(p: QPainter, x: float, y: float, r: float = 2.4) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_WHITE)
    p.drawEllipse(QPointF(x, y), r, r)


def _arrow(p: QPainter, x1: float, y1: float, x2: float, y2: float, head: float = 4.0) -> None:
    """A line from (x1, y1) to (x2, y2) with a filled head at the end."""
    angle = math.atan2(y2 - y1, x2 - x1)
    back = QPointF(x2 - head * math.cos(angle), y2 - head * math.sin(angle))
    p.setPen(_pen())
    p.drawLine(QPointF(x1, y1), back)
    side = QPointF(-math.sin(angle), math.cos(angle)) * (head * 0.75)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_WHITE)
    p.drawPolygon([QPointF(x2, y2), back + side, back - side])


def _grid(p: QPainter, x: float, y: float, cells: int, cell: float, width: float = 1.3) -> None:
    p.setPen(_pen(width))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for i in range(cells + 1):
        p.drawLine(QPointF(x + i * cell, y), QPointF(x + i * cell, y + cells * cell))
        p.drawLine(QPointF(x, y + i * cell), QPointF(x + cells * cell, y + i * cell))


# ---- one pictogram per kind ------------------------------------------------------------------
def _input(p: QPainter) -> None:
    _arrow(p, 5, 16, 19, 16, head=5)
    p.setPen(_pen(2.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline([QPointF(26, 7), QPointF(22, 7), QPointF(22, 25), QPointF(26, 25)])


def _output(p: QPainter) -> None:
    p.setPen(_pen(1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(19, 16), 8, 8)
    p.drawEllipse(QPointF(19, 16), 4.2, 4.2)
    _dot(p, 19, 16, 1.6)
    _arrow(p, 4, 16, 12.5, 16, head=4)


def _dense(p: QPainter) -> None:
    left, right = (8.5, 16, 23.5), (12, 20)
    p.setPen(_pen(1.1, _FAINT))
    for y1 in left:
        for y2 in right:
            p.drawLine(QPointF(9, y1), QPointF(23, y2))
    for y in left:
        _dot(p, 9, y)
    for y in right:
        _dot(p, 23, y)


def _conv(p: QPainter) -> None:
    cell = 5.0
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_FAINT)
    p.drawRect(QRectF(6, 6, 3 * cell, 3 * cell))
    _grid(p, 6, 6, 4, cell, width=1.0)
    p.setPen(_pen(2.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(6, 6, 3 * cell, 3 * cell))


def _pool(mark: str) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        _grid(p, 3.5, 10, 2, 6, width=1.3)
        _arrow(p, 16.5, 16, 20.5, 16, head=3)
        p.setPen(_pen(1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(21.5, 10.5, 7, 11))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_WHITE)
        if mark == "max":
            p.drawPolygon([QPointF(25, 12.5), QPointF(27.3, 19), QPointF(22.7, 19)])
        else:
            p.drawRect(QRectF(23, 15, 4, 2))

    return draw


def _flatten(p: QPainter) -> None:
    p.setPen(_pen(1.4))
    for i in (2, 1, 0):
        p.setBrush(QColor(255, 255, 255, 60 + 50 * (2 - i)))
        p.drawRect(QRectF(4 + 3 * i, 8 + 3 * i, 9, 9))
    _arrow(p, 18, 16, 22.5, 16, head=3)
    p.setPen(_pen(2.2))
    p.drawLine(QPointF(26, 6), QPointF(26, 26))
    for y in (10, 14, 18, 22):
        p.drawLine(QPointF(24.5, y), QPointF(27.5, y))


def _recurrent(letter: str) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        centre, r = QPointF(16, 16), 9.0
        p.setPen(_pen(2.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        # Qt angles: 1/16 degree, counter-clockwise from 3 o'clock; leave a gap at the top right.
        p.drawArc(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), 75 * 16, 285 * 16)
        tip = QPointF(centre.x() + r, centre.y())  # the arc's end, heading upwards
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_WHITE)
        p.drawPolygon([tip + QPointF(0, -4.2), tip + QPointF(-3.8, 1.2), tip + QPointF(3.8, 1.2)])
        if letter:
            font = QFont()
            font.setBold(True)
            font.setPixelSize(11)
            p.setFont(font)
            p.setPen(_WHITE)
            p.drawText(QRectF(centre.x() - 6, centre.y() - 6, 12, 12),
                       Qt.AlignmentFlag.AlignCenter, letter)
        else:
            _dot(p, centre.x(), centre.y(), 2.6)

    return draw


def _dropout(p: QPainter) -> None:
    crossed = {(0, 1), (1, 2), (2, 0)}
    for row in range(3):
        for col in range(3):
            x, y = 8 + 8 * col, 8 + 8 * row
            if (row, col) in crossed:
                p.setPen(_pen(1.6))
                p.drawLine(QPointF(x - 2.4, y - 2.4), QPointF(x + 2.4, y + 2.4))
                p.drawLine(QPointF(x - 2.4, y + 2.4), QPointF(x + 2.4, y - 2.4))
            else:
                _dot(p, x, y, 2.6)


def _batchnorm(p: QPainter) -> None:
    xs = [-2.6 + 5.2 * i / 40 for i in range(41)]
    points = [QPointF(16 + x * 4.4, 24 - 15 * math.exp(-x * x / 1.2)) for x in xs]
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    p.setPen(_pen(1.4))
    p.drawLine(QPointF(4, 24.5), QPointF(28, 24.5))
    p.setPen(_pen(1.0, _FAINT))
    p.drawLine(QPointF(16, 9), QPointF(16, 24))
    p.setPen(_pen(2.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)


def _add(p: QPainter) -> None:
    p.setPen(_pen(2.0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(16, 16), 9, 9)
    p.drawLine(QPointF(16, 10.5), QPointF(16, 21.5))
    p.drawLine(QPointF(10.5, 16), QPointF(21.5, 16))


def _concat(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_WHITE)
    p.drawRect(QRectF(5, 7, 4.5, 8))
    p.setBrush(_FAINT)
    p.drawRect(QRectF(5, 17, 4.5, 8))
    p.setPen(_pen(1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline([QPointF(11.5, 11), QPointF(15, 11), QPointF(15, 16), QPointF(19, 16)])
    p.drawPolyline([QPointF(11.5, 21), QPointF(15, 21), QPointF(15, 16)])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_WHITE)
    p.drawRect(QRectF(21.5, 8, 5, 8))
    p.setBrush(_FAINT)
    p.drawRect(QRectF(21.5, 16, 5, 8))


_PICTOGRAMS: dict[str, Callable[[QPainter], None]] = {
    "Input": _input,
    "Output": _output,
    "Dense": _dense,
    "Conv2d": _conv,
    "MaxPool2d": _pool("max"),
    "AvgPool2d": _pool("avg"),
    "Flatten": _flatten,
    "RNN": _recurrent(""),
    "LSTM": _recurrent("L"),
    "GRU": _recurrent("G"),
    "Dropout": _dropout,
    "BatchNorm": _batchnorm,
    "Add": _add,
    "Concat": _concat,
}


# ---- rendering -------------------------------------------------------------------------------
def _render(size: int, scale: int, draw: Callable[[QPainter], None]) -> QPixmap:
    """A transparent pixmap of `size` logical pixels at device pixel ratio `scale`."""
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(size / _GRID, size / _GRID)
    draw(painter)
    painter.end()
    return pixmap


def _icon(size: int, draw: Callable[[QPainter], None]) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        icon.addPixmap(_render(size, scale, draw))
    return icon


def _tile(color: QColor, pictogram: Callable[[QPainter], None]) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(color))
        p.drawRoundedRect(QRectF(1, 1, 30, 30), 6, 6)
        pictogram(p)

    return draw


@cache
def layer_icon(kind: str, size: int = 32) -> QIcon:
    """The icon of a layer kind: its group's colour with a white pictogram."""
    color = GROUP_COLORS[KINDS[kind].group]
    return _icon(size, _tile(color, _PICTOGRAMS[kind]))


def _network(p: QPainter) -> None:
    layers = ((9.0, (10.0, 22.0)), (16.0, (8.0, 16.0, 24.0)), (23.0, (16.0,)))
    p.setPen(_pen(1.2, _FAINT))
    for (x1, ys1), (x2, ys2) in zip(layers, layers[1:], strict=False):
        for y1 in ys1:
            for y2 in ys2:
                p.drawLine(QPointF(x1, y1), QPointF(x2, y2))
    colors = (GROUP_COLORS["input/output"].lighter(180), _WHITE, QColor("#fbbc04"))
    for (x, ys), color in zip(layers, colors, strict=True):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        for y in ys:
            p.drawEllipse(QPointF(x, y), 2.8, 2.8)


@cache
def app_icon() -> QIcon:
    """The window icon: a small network of three layers on a blue tile."""
    icon = QIcon()
    draw = _tile(GROUP_COLORS["dense"], _network)
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(_render(size, 1, draw))
    return icon
