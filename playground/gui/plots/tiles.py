"""Small pictures in a grid, each with a caption: feature maps, filters, digits, mistakes.

A tile is a 2-D array drawn pixel for pixel (no smoothing) with a lookup table and fixed
levels; the grid wraps to the widget's width and can be clicked.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.gui.plots.colormaps import diverging_lut, to_qimage

GAP = 6


def ink_lut(n: int = 256) -> np.ndarray:
    """White (0) to black (1): how digits and shapes are drawn on paper."""
    grey = np.linspace(255, 20, n).astype(np.uint8)
    return np.stack([grey, grey, grey, np.full(n, 255, np.uint8)], axis=1)


INK = ink_lut()
SIGNED = diverging_lut()


def picture(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> QImage:
    """An image whose first row is the top (as images and heatmaps are read)."""
    return to_qimage(np.flipud(np.asarray(values, dtype=np.float32)), levels, lut)


def signed_levels(values: np.ndarray) -> tuple[float, float]:
    """Symmetric levels around 0, so that white means 0 (blue positive, orange negative)."""
    peak = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    peak = peak if np.isfinite(peak) and peak > 0 else 1.0
    return -peak, peak


class TileGrid(QWidget):
    """Pictures of equal size in rows that wrap; `clicked` gives the index of a tile."""

    clicked = Signal(int)

    def __init__(self, tile: int = 40, parent: QWidget | None = None):
        super().__init__(parent)
        self.tile = tile
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_tiles(self, images: list[QImage], captions: list[str] | None = None) -> None:
        self.images, self.captions = images, captions or []
        self._fit_height()
        self.update()

    def _fit_height(self) -> None:
        """As tall as the rows that the current width makes (layouts inside scroll areas do
        not ask for a height for a width, so the grid sets its own)."""
        needed = self.heightForWidth(self.width())
        if needed != self.height() or needed != self.minimumHeight():
            self.setFixedHeight(needed)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()

    def _caption_height(self) -> int:
        return self.fontMetrics().height() if self.captions else 0

    def _cell(self) -> QSize:
        return QSize(self.tile + GAP, self.tile + self._caption_height() + GAP)

    def _columns(self, width: int) -> int:
        return max(1, (width + GAP) // self._cell().width())

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        rows = -(-len(self.images) // self._columns(width)) if self.images else 0
        return rows * self._cell().height()

    def sizeHint(self) -> QSize:  # noqa: N802
        width = self._cell().width() * min(max(len(self.images), 1), 8)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._cell().width(), self.heightForWidth(self.width()))

    def tile_rect(self, index: int) -> QRect:
        """Where tile `index` is drawn (its picture, without the caption)."""
        columns = self._columns(self.width())
        cell = self._cell()
        row, column = divmod(index, columns)
        return QRect(column * cell.width(), row * cell.height(), self.tile, self.tile)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        frame = self.palette().color(QPalette.ColorRole.Mid)
        for index, image in enumerate(self.images):
            rect = self.tile_rect(index)
            scaled = image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(rect.topLeft() + QPoint((rect.width() - scaled.width()) // 2,
                                                   (rect.height() - scaled.height()) // 2),
                           scaled)
            painter.drawImage(target, image)
            painter.setPen(frame)
            painter.drawRect(target.adjusted(0, 0, -1, -1))
            if index < len(self.captions):
                painter.setPen(text)
                below = QRect(rect.left() - GAP // 2, rect.bottom() + 1, rect.width() + GAP,
                              self._caption_height())
                painter.drawText(below, Qt.AlignmentFlag.AlignCenter, self.captions[index])
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        for index in range(len(self.images)):
            if self.tile_rect(index).contains(event.position().toPoint()):
                self.clicked.emit(index)
                return
        super().mousePressEvent(event)
