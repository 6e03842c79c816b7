"""Gradient health: each layer's gradient norm over training (log scale) and dead ReLU units.

With saturating activations the lower layers' lines sit far below the upper ones: the
vanishing-gradient lesson. Step units have no slope at all; the view says so in words,
since a zero cannot be drawn on a log scale.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.core.frames import Frame
from playground.gui.plots.points import still_plot

MAX_POINTS = 4000  # per layer; older points are thinned beyond this


def layer_color(index: int, count: int) -> QColor:
    """Input-side layers purple, output-side layers orange (hues 270° → 390°, through red)."""
    share = index / max(count - 1, 1)
    return QColor.fromHsv(round(270 + 120 * share) % 360, 200, 230)


class GradientView(QWidget):
    """‖∂𝓔/∂W‖ per layer against the training step, from the frames it is shown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.plot = pg.PlotWidget(background=self.palette().color(QPalette.ColorRole.Base),
                                 enableMenu=False)
        still_plot(self.plot.getPlotItem(), text)
        self.plot.setLogMode(y=True)
        self.plot.setLabel("left", "‖∂𝓔/∂W‖")
        # Ticks say the norms themselves: pyqtgraph would otherwise rescale a log axis of
        # small norms and write "(x0.001)" beside it.
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.setLabel("bottom", "step")
        self.plot.setToolTip("Size of each layer's gradient at the latest update; lower layers "
                             "far below upper ones means the gradient vanishes on its way back")
        backdrop = self.palette().color(QPalette.ColorRole.Base)
        backdrop.setAlpha(210)
        self.legend = self.plot.addLegend(offset=(-4, 4), labelTextColor=text,
                                          brush=pg.mkBrush(backdrop), verSpacing=-6)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.series: dict[str, tuple[list[int], list[float]]] = {}
        self._last_step = -1

    def clear(self) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves, self.series, self._last_step = {}, {}, -1
        # A new run starts on a plain range, not the last run's steps (auto-range keeps
        # the range it had while there is nothing to fit).
        self.plot.getPlotItem().vb.setRange(xRange=(0, 1), yRange=(-3, 0), padding=0.02)
        self.plot.getPlotItem().vb.enableAutoRange()

    def show_frame(self, frame: Frame) -> None:
        snapshot = frame.snapshot
        if snapshot.step < self._last_step or set(snapshot.grad_norms) != set(self.series):
            self.clear()
        self._last_step = snapshot.step
        norms = snapshot.grad_norms
        for index, (node, norm) in enumerate(norms.items()):
            steps, values = self.series.setdefault(node, ([], []))
            if snapshot.step > 0 and norm > 0 and (not steps or steps[-1] != snapshot.step):
                steps.append(snapshot.step)
                values.append(norm)
                if len(steps) > MAX_POINTS:
                    del steps[::2], values[::2]
            self._curve(node, index, len(norms)).setData(np.array(steps), np.array(values))
        self.note.setText(self._note(frame))

    def _curve(self, node: str, index: int, count: int) -> pg.PlotDataItem:
        if node not in self.curves:
            self.curves[node] = self.plot.plot(pen=pg.mkPen(layer_color(index, count), width=2),
                                               name=node)
        return self.curves[node]

    @staticmethod
    def _note(frame: Frame) -> str:
        snapshot = frame.snapshot
        parts = []
        if snapshot.step > 0 and snapshot.grad_norms and not any(snapshot.grad_norms.values()):
            parts.append("Every gradient is exactly 0: a step unit's slope φ′ is 0 wherever it "
                         "exists, so backpropagation cannot change any weight. Use the "
                         "perceptron rule, set the weights by hand, or turn on the "
                         "straight-through estimator.")
        dead = {node: n for node, n in snapshot.dead_units.items() if n}
        if dead:
            parts.append("Dead ReLU units (never active on the training set): "
                         + ", ".join(f"{node} {n}" for node, n in dead.items()))
        elif snapshot.dead_units:
            parts.append("No dead ReLU units.")
        return "\n".join(parts)
