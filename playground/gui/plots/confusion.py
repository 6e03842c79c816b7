"""The confusion matrix of the test set and a gallery of the samples the network got wrong."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.core.frames import ImageProbe
from playground.gui import theme
from playground.gui.plots.tiles import INK, TileGrid, picture

CELL = 26
MARGIN = 22  # room for the class numbers on the left and on top


class MatrixWidget(QWidget):
    """Cells coloured by the share of their row (true class), with the count written in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Row: the true class · column: the class the network chose. "
                        "The diagonal is right; every other cell is a kind of mistake.")

    def set_matrix(self, matrix: np.ndarray) -> None:
        resized = matrix.shape != self.matrix.shape
        self.matrix = matrix
        if resized:
            self.updateGeometry()
            self.adjustSize()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        k = len(self.matrix)
        return QSize(MARGIN + k * CELL + 1, MARGIN + k * CELL + 1)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        rows = np.maximum(self.matrix.sum(axis=1, keepdims=True), 1)
        share = self.matrix / rows
        right, wrong = theme.POSITIVE, theme.NEGATIVE
        for i in range(len(self.matrix)):
            for rect, label in ((QRect(0, MARGIN + i * CELL, MARGIN - 2, CELL), str(i)),
                                (QRect(MARGIN + i * CELL, 0, CELL, MARGIN - 2), str(i))):
                painter.setPen(text)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            for j in range(len(self.matrix)):
                rect = QRect(MARGIN + j * CELL, MARGIN + i * CELL, CELL, CELL)
                base = QColor(right if i == j else wrong)
                base.setAlphaF(float(min(1.0, 0.08 + 0.92 * share[i, j])) if
                               self.matrix[i, j] else 0.0)
                painter.fillRect(rect, base)
                painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
                painter.drawRect(rect)
                if self.matrix[i, j]:
                    painter.setPen(QColor("white") if share[i, j] > 0.5 else text)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.matrix[i, j]))
        painter.end()


class ConfusionView(QWidget):
    """What the network confuses: the matrix, the accuracy it implies, and the mistakes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel("The confusion matrix appears for classification of images.")
        self.summary.setWordWrap(True)
        self.matrix = MatrixWidget()
        self.gallery_title = QLabel()
        self.gallery = TileGrid(40)
        self.gallery.setToolTip("True class → the network's answer. Click a sample to see its "
                                "feature maps.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.matrix)
        layout.addWidget(self.gallery_title)
        layout.addWidget(self.gallery)
        layout.addStretch(1)

    @Slot(object)
    def show_probe(self, probe: ImageProbe | None) -> None:
        if probe is None or probe.confusion is None:
            self.matrix.set_matrix(np.zeros((0, 0), dtype=np.int64))
            self.gallery.set_tiles([])
            self.gallery_title.setText("")
            return
        matrix = probe.confusion
        right = int(np.trace(matrix))
        self.summary.setText(f"Rows: true class, columns: the network's answer. "
                             f"{right} of {probe.evaluated} test samples right "
                             f"({right / max(probe.evaluated, 1):.1%}).")
        self.matrix.set_matrix(matrix)
        wrong = matrix.sum() - right
        shown = 0 if probe.mistake_images is None else len(probe.mistake_images)
        self.gallery_title.setText(
            f"<b>Misclassified</b> (true → answer): the first {shown} of {wrong}" if wrong
            else "<b>No test sample is misclassified.</b>")
        if shown:
            top = max(float(probe.mistake_images.max()), 1.0)
            self.gallery.set_tiles(
                [picture(image[0], (0.0, top), INK) for image in probe.mistake_images],
                [f"{t}→{p}" for t, p in zip(probe.mistake_labels, probe.mistaken_as,
                                            strict=True)])
        else:
            self.gallery.set_tiles([])
