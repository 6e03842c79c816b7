"""Activation histograms: each hidden layer's local fields v drawn over its φ(v) and φ′(v).

Bars show where the layer's fields fall over the training set (scaled so the tallest is 1);
where they pile up in the flat tails of sigmoid or tanh, φ′ is near 0 and the layer passes
almost no gradient back: saturation. The dead-ReLU count comes from the trainer's snapshot,
as in the Gradients view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.core.frames import SATURATED_SLOPE, FieldHistogram, Frame
from playground.gui.plots.points import still_plot

COLUMNS = 2
BAR_COLOR = QColor(26, 115, 232, 110)
PHI_COLOR = QColor("#202124")
SLOPE_COLOR = QColor("#e8710a")
Y_RANGE = (-1.1, 1.1)
Y_TICKS = [[(v, f"{v:g}") for v in (-1.0, 0.0, 1.0)]]  # φ's range: three labels never crowd
MIN_PLOT_HEIGHT = 120  # per histogram, title and axes included; more layers scroll
NONE_TEXT = "No hidden Dense layers: nothing to show."


def layer_title(node: str, histogram: FieldHistogram, dead: int | None) -> str:
    """'dense_1 · tanh · 12% saturated' (ReLU: inactive, with its dead units)."""
    share = f"{histogram.saturated:.0%}"
    if histogram.activation in ("relu", "leaky_relu"):
        text = f"{node} · {histogram.activation} · {share} inactive"
        return text + (f" · {dead} dead" if dead is not None else "")
    if histogram.activation in ("sigmoid", "tanh"):
        return f"{node} · {histogram.activation} · {share} saturated"
    return f"{node} · {histogram.activation}"


class _LayerPlot:
    """One layer's plot: the bars, φ and φ′."""

    def __init__(self, plot: pg.PlotItem, color: QColor):
        self.plot = plot
        self.color = color
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush=pg.mkBrush(BAR_COLOR),
                                    pen=pg.mkPen(None))
        self.phi = pg.PlotDataItem(pen=pg.mkPen(PHI_COLOR, width=2))
        self.slope = pg.PlotDataItem(pen=pg.mkPen(SLOPE_COLOR, width=2,
                                                  style=Qt.PenStyle.DashLine))
        for item in (self.bars, self.phi, self.slope):
            plot.addItem(item)

    def show(self, title: str, histogram: FieldHistogram) -> None:
        counts = histogram.counts.astype(np.float64)
        peak = counts.max() or 1.0
        self.bars.setOpts(x0=histogram.edges[:-1], x1=histogram.edges[1:], height=counts / peak)
        self.phi.setData(histogram.curve_v, np.clip(histogram.phi, *Y_RANGE))
        self.slope.setData(histogram.curve_v, np.clip(histogram.slope, *Y_RANGE))
        self.plot.setTitle(title, size="8pt", color=self.color)
        self.plot.setXRange(histogram.edges[0], histogram.edges[-1], padding=0)
        low = Y_RANGE[0] if histogram.phi.min() < 0 else -0.05
        self.plot.setYRange(low, Y_RANGE[1], padding=0)


class ActivationView(QWidget):
    """A small plot per hidden Dense layer, from the frames it is shown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        palette = self.palette()
        self._text = palette.color(QPalette.ColorRole.WindowText)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(palette.color(QPalette.ColorRole.Base))
        self.caption = QLabel(
            f"<span style='color:{BAR_COLOR.name()}'>▇ local fields v</span>&nbsp; "
            f"━ φ(v)&nbsp; <span style='color:{SLOPE_COLOR.name()}'>╍ φ′(v)</span>&nbsp; "
            f"(saturated: φ′ &lt; {SATURATED_SLOPE:g})")
        self.caption.setToolTip("Where each hidden layer's local fields fall over the training "
                                "set. Piled up where φ′ ≈ 0, the layer passes almost no "
                                "gradient back: the vanishing gradient.")
        self.note = QLabel(NONE_TEXT)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        # Deep networks scroll rather than squeeze each histogram to a sliver.
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.graphics)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        self.plots: dict[str, _LayerPlot] = {}

    def show_frame(self, frame: Frame) -> None:
        """Draw the frame's histograms (the window gates frames while the tab is hidden)."""
        histograms = frame.histograms
        if list(histograms) != list(self.plots):
            self._rebuild(list(histograms))
        self.note.setVisible(not histograms)
        self.scroll.setVisible(bool(histograms))
        self.graphics.setVisible(bool(histograms))
        dead = frame.snapshot.dead_units
        for node, histogram in histograms.items():
            self.plots[node].show(layer_title(node, histogram, dead.get(node)), histogram)

    def _rebuild(self, nodes: list[str]) -> None:
        self.graphics.clear()
        self.plots = {}
        for index, node in enumerate(nodes):
            plot = self.graphics.addPlot(row=index // COLUMNS, col=index % COLUMNS,
                                         enableMenu=False)
            still_plot(plot, self._text)
            plot.getAxis("left").setWidth(28)
            plot.getAxis("left").setTicks(Y_TICKS)
            self.plots[node] = _LayerPlot(plot, self._text)
        rows = -(-len(nodes) // COLUMNS)
        self.graphics.setMinimumHeight(rows * MIN_PLOT_HEIGHT)
