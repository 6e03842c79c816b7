"""Previews of image and sequence samples with their labels (the data panel's other views)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from playground.gui.plots.colormaps import to_qimage
from playground.gui.plots.points import still_plot

GRID_COLUMNS = 6
IMAGE_SAMPLES = 24  # four rows of six
SEQUENCE_SAMPLES = 6
TILE_GAP = 6  # pixels between tiles
CAPTION_SCALE = 0.85  # caption font size relative to the widget's
SEQUENCE_SPACING = 1.35  # vertical distance between sequences, in units of their value span
# Black to white: pixel value 0 is black, 1 white.
GRAY_LUT = np.column_stack([np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1),
                            np.full(256, 255, dtype=np.uint8)])


def image_tile(image: np.ndarray) -> QImage:
    """A grey QImage of one sample `(C, H, W)` in [0, 1] (channels averaged), row 0 on top."""
    gray = np.asarray(image, dtype=np.float32).mean(axis=0)
    return to_qimage(gray[::-1], (0.0, 1.0), GRAY_LUT)  # to_qimage puts row 0 at the bottom


class ImageGrid(QWidget):
    """Sample images in a grid, each with its caption (class name) below it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles: list[QImage] = []
        self.captions: list[str] = []

    def set_samples(self, images: np.ndarray, captions: Sequence[str]) -> None:
        """Show `images` `(K, C, H, W)`, values in [0, 1], with one caption each."""
        self.tiles = [image_tile(image) for image in images]
        self.captions = list(captions)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, 260)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Square tiles packed from the top, as large as the width and height allow."""
        if not self.tiles:
            return
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * CAPTION_SCALE)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        rows = math.ceil(len(self.tiles) / GRID_COLUMNS)
        cell_w = self.width() / GRID_COLUMNS
        side = max(4.0, min(cell_w, self.height() / rows - metrics.height()) - TILE_GAP)
        cell_h = side + metrics.height() + TILE_GAP
        painter.setPen(self.palette().color(self.foregroundRole()))
        for index, (tile, caption) in enumerate(zip(self.tiles, self.captions, strict=True)):
            row, column = divmod(index, GRID_COLUMNS)
            left, top = column * cell_w, row * cell_h + TILE_GAP / 2
            painter.drawImage(QRectF(left + (cell_w - side) / 2, top, side, side), tile)
            text = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, int(cell_w) - 2)
            painter.drawText(QRectF(left, top + side, cell_w, metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


class SequencePlot(pg.PlotWidget):
    """A few sequences stacked top to bottom over the time steps, each labelled at its end.

    A sequence's colour is its class (or the text colour for values); a regression target is
    drawn as a dot one step after the sequence.
    """

    def __init__(self, background: QColor, text: QColor, parent: QWidget | None = None):
        super().__init__(parent, background=background, enableMenu=False)
        self._text = text
        plot = self.getPlotItem()
        still_plot(plot, text)
        plot.hideAxis("left")
        plot.setLabel("bottom", "time step t", color=text.name())
        self.curves = [plot.plot(symbol="o", symbolSize=4) for _ in range(SEQUENCE_SAMPLES)]
        self.targets = pg.ScatterPlotItem(symbol="o", size=9, pen=pg.mkPen(text, width=1))
        plot.addItem(self.targets)
        self.labels = [pg.TextItem(anchor=(0.0, 0.5), color=text) for _ in self.curves]
        for label in self.labels:
            plot.addItem(label)

    def set_samples(self, sequences: np.ndarray, captions: Sequence[str],
                    colors: Sequence[QColor], targets: np.ndarray | None = None) -> None:
        """Show the first feature of `sequences` `(K, T, F)` with captions and colours.

        `targets` `(K,)`, when given, are the values to predict after the last step.
        """
        values = np.asarray(sequences, dtype=np.float32)[:, :, 0]
        count, steps = values.shape
        shown = values if targets is None else np.column_stack([values, targets])
        span = float(np.ptp(shown)) or 1.0
        offsets = -np.arange(count) * span * SEQUENCE_SPACING
        t = np.arange(1, steps + 1)
        for index, (curve, label) in enumerate(zip(self.curves, self.labels, strict=True)):
            visible = index < count
            curve.setVisible(visible)
            label.setVisible(visible)
            if not visible:
                continue
            color = colors[index]
            curve.setData(t, values[index] + offsets[index], pen=pg.mkPen(color, width=1.5),
                          symbolBrush=color, symbolPen=None)
            label.setText(captions[index])
            anchor = float(np.mean(values[index])) if targets is None else float(targets[index])
            label.setPos(steps + 1.6, offsets[index] + anchor)
        if targets is None:
            self.targets.clear()
        else:
            self.targets.setData(x=np.full(count, steps + 1.0), y=targets + offsets,
                                 brush=pg.mkBrush(self._text))
        self.setRange(xRange=(0.5, steps + 1 + max(2.0, 0.3 * steps)),
                      yRange=(offsets[-1] + float(shown.min()) - 0.1 * span,
                              float(shown.max()) + 0.1 * span), padding=0)
