"""The perceptron rule, update by update: the visited sample, the line before and after, w.

Under the perceptron rule each Step visits one sample. A mistake is ringed in red; the line
wᵀx + b = 0 before the update is dashed and after it solid, and the weight vector w is an
arrow from the origin (faded before, solid after; it is normal to the line). Below, the
mistakes of each epoch; the status says when the rule converged or why it never settles.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.core.datasets import Dataset
from playground.core.frames import Frame, PerceptronUpdate
from playground.core.training.history import exact_from
from playground.gui.plots.boundary import line_across
from playground.gui.plots.points import PointPaint, still_plot

MISTAKE = QColor("#d93025")
AFTER = QColor("#202124")
BEFORE = QColor("#80868b")
MARGIN = 0.15  # of the data's span, around the points and the origin
NOT_PERCEPTRON = ("This view follows the perceptron rule. Choose the rule “perceptron” in the "
                  "Training panel (a network of Input → Output with a step unit), or open the "
                  "perceptron-separable preset.")


MAX_ARROW = 2.0  # longest arrow drawn to scale, in spans of the data; longer ones shrink


def extent_of(points: np.ndarray) -> tuple[float, float, float, float]:
    """A box around the points (which may include arrow tips) and the origin."""
    low = np.minimum(points.min(axis=0), 0.0)
    high = np.maximum(points.max(axis=0), 0.0)
    pad = (high - low) * MARGIN + 1e-9
    return (float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]),
            float(high[1] + pad[1]))


def status_text(frame: Frame) -> str:
    """Converged, not separable, or what the latest visit did."""
    snapshot = frame.snapshot
    last = frame.history[-1] if frame.history else None
    if snapshot.stop_reason == "converged":
        if exact_from(frame.history) is not None:  # a long run's thinned history: no count
            return (f"Converged in epoch {snapshot.epoch}: every training point is on its "
                    "side.")
        updates = sum(r.mistakes or 0 for r in frame.history)
        return (f"Converged after {updates} updates (epoch {snapshot.epoch}): every training "
                "point is on its side.")
    if snapshot.stop_reason == "max_epochs" and last is not None:
        return (f"Not linearly separable? Still {last.mistakes} mistakes after the epoch "
                "limit — no line can split these points (XOR).")
    update = frame.perceptron
    if update is None or update.index < 0:
        return "w = 0, b = 0. Press Step (Ctrl+→) to visit one sample."
    if update.mistake:
        return (f"Sample {update.index} was a mistake, y(wᵀx + b) ≤ 0: w ← w + y·x, b ← b + y "
                f"(now w = {_vector(update.w_after)}, b = {update.b_after:g}).")
    return f"Sample {update.index} is on its side: no mistake, no update."


def _vector(w: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in w) + ")"


class PerceptronView(QWidget):
    """The latest perceptron update over the training points, and mistakes per epoch."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        base = palette.color(QPalette.ColorRole.Base)
        self._dataset: Dataset | None = None
        self._extent = (-1.0, 1.0, -1.0, 1.0)
        self._span = 1.0  # the data's larger side, for the arrows' scale
        self._paint = PointPaint()
        self.plane = pg.PlotWidget(background=base, enableMenu=False)
        still_plot(self.plane.getPlotItem(), text)
        self.plane.setAspectLocked(True)
        self.points = pg.ScatterPlotItem(size=8, pen=pg.mkPen(QColor("white"), width=1))
        self.ring = pg.ScatterPlotItem(size=20, brush=None, pen=pg.mkPen(MISTAKE, width=3))
        self.before_line = pg.PlotCurveItem(pen=pg.mkPen(BEFORE, width=2,
                                                         style=Qt.PenStyle.DashLine))
        self.after_line = pg.PlotCurveItem(pen=pg.mkPen(AFTER, width=2))
        self.before_arrow = self._arrow(BEFORE)
        self.after_arrow = self._arrow(AFTER)
        for item in (self.points, self.before_line, self.after_line, self.ring):
            self.plane.addItem(item)
        self.mistakes = pg.PlotWidget(background=base, enableMenu=False)
        still_plot(self.mistakes.getPlotItem(), text)
        self.mistakes.setTitle("mistakes per epoch", size="8pt", color=text)
        self.mistakes.getAxis("left").setWidth(28)
        self.mistakes.setMinimumHeight(80)
        self.mistakes.setMaximumHeight(130)
        self.mistake_bars = pg.PlotDataItem(pen=pg.mkPen(MISTAKE, width=2), symbol="o",
                                            symbolSize=5, symbolBrush=pg.mkBrush(MISTAKE))
        self.mistakes.addItem(self.mistake_bars)
        self.legend = QLabel("<span style='color:#80868b'>╍╍ line and w before</span>&nbsp; "
                             "━━ after&nbsp; <span style='color:#d93025'>◯ mistake</span>")
        self.status = QLabel(NOT_PERCEPTRON)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.status)
        layout.addWidget(self.legend)
        layout.addWidget(self.plane, 3)
        layout.addWidget(self.mistakes, 1)

    def _arrow(self, color: QColor) -> tuple[pg.PlotCurveItem, pg.ArrowItem]:
        shaft = pg.PlotCurveItem(pen=pg.mkPen(color, width=2))
        head = pg.ArrowItem(headLen=12, tailLen=0, pen=pg.mkPen(color), brush=pg.mkBrush(color))
        self.plane.addItem(shaft)
        self.plane.addItem(head)
        return shaft, head

    def set_dataset(self, dataset: Dataset) -> None:
        self._dataset = dataset
        x = dataset.x_train
        if x.ndim != 2 or x.shape[1] != 2 or not len(x):
            self.points.clear()
            return
        self.points.setData(pos=x, brush=self._paint.brushes(dataset, dataset.y_train))
        self._span = float((x.max(axis=0) - x.min(axis=0)).max()) or 1.0
        self._fit(x)

    def _fit(self, points: np.ndarray) -> None:
        """Show the box around `points` and the origin."""
        extent = extent_of(points)
        if extent != self._extent:
            self._extent = extent
            xmin, xmax, ymin, ymax = extent
            self.plane.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def show_frame(self, frame: Frame) -> None:
        update = frame.perceptron
        shown = update is not None and len(update.w_after) == 2 and self._dataset is not None
        for widget in (self.plane, self.mistakes, self.legend):
            widget.setVisible(shown)
        if not shown:
            self.status.setText(NOT_PERCEPTRON)
            return
        self.status.setText(status_text(frame))
        moved = frame.snapshot.step > 0
        tips = [t for t in (self._tip(update.w_before), self._tip(update.w_after))
                if t is not None]
        self._fit(np.vstack([self._dataset.x_train, *tips]))
        self._draw_line(self.before_line, update.w_before, update.b_before, moved)
        self._draw_line(self.after_line, update.w_after, update.b_after, True)
        self._draw_arrow(self.before_arrow, update.w_before, moved and update.mistake)
        self._draw_arrow(self.after_arrow, update.w_after, True)
        self._draw_ring(update, moved)
        epochs = [r.epoch for r in frame.history if r.mistakes is not None]
        counts = [r.mistakes for r in frame.history if r.mistakes is not None]
        self.mistake_bars.setData(epochs, counts)
        top = max(counts, default=1) or 1
        self.mistakes.setYRange(0, top, padding=0.1)
        self.mistakes.getAxis("left").setTicks([[(0, "0"), (top, str(top))]])

    def _draw_line(self, item: pg.PlotCurveItem, w: np.ndarray, b: float, wanted: bool) -> None:
        xmin, xmax, ymin, ymax = self._extent
        reach = (xmax - xmin) + (ymax - ymin)  # past the view's edges, whatever its aspect
        box = (xmin - reach, xmax + reach, ymin - reach, ymax + reach)
        points = line_across(w, b, box) if wanted else None
        item.setVisible(points is not None)
        if points is not None:
            item.setData(*points)

    def _draw_arrow(self, arrow: tuple[pg.PlotCurveItem, pg.ArrowItem], w: np.ndarray,
                    wanted: bool) -> None:
        shaft, head = arrow
        tip = self._tip(w)
        visible = wanted and tip is not None
        shaft.setVisible(visible)
        head.setVisible(visible)
        if visible:
            shaft.setData([0.0, tip[0]], [0.0, tip[1]])
            head.setPos(*tip)
            # ArrowItem points left at angle 0 and turns clockwise on screen (y grows up here)
            head.setStyle(angle=180.0 - math.degrees(math.atan2(tip[1], tip[0])))

    def _tip(self, w: np.ndarray) -> np.ndarray | None:
        """Where w's arrow ends: w itself, shortened beyond MAX_ARROW spans; None for 0."""
        norm = float(np.hypot(*w))
        if norm == 0.0:
            return None
        return np.asarray(w, dtype=float) * min(1.0, MAX_ARROW * self._span / norm)

    def _draw_ring(self, update: PerceptronUpdate, moved: bool) -> None:
        x = self._dataset.x_train if self._dataset is not None else None
        if moved and update.mistake and x is not None and 0 <= update.index < len(x):
            self.ring.setData(pos=x[update.index:update.index + 1])
        else:
            self.ring.setData([], [])
