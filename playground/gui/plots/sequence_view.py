"""A recurrent network over time: hidden states, gates, and the gradient reaching each step.

For the chosen test sample: the hidden state hₜ as a heatmap (time across, units down), each
LSTM/GRU gate the same way, and per step on a log scale the error signal reaching the state
that carries the memory — ‖∂𝓔/∂hₜ‖ for an RNN or GRU, ‖∂𝓔/∂cₜ‖ for an LSTM's cell state: with
a plain RNN it shrinks towards the first steps (the vanishing gradient), with an LSTM much
less. One sample's signal can rise or fall either way; a dashed line beside it gives the
median over the first test samples, the trend. Below: prediction against target over the
first test samples.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.frames import SequenceProbe
from playground.gui import theme
from playground.gui.plots.feature_maps import SampleChooser
from playground.gui.plots.gradients import layer_color
from playground.gui.plots.points import still_plot
from playground.gui.plots.tiles import SIGNED

GATE_NAMES = {"input_gate": "input gate i", "forget_gate": "forget gate f",
              "output_gate": "output gate o", "reset_gate": "reset gate r",
              "update_gate": "update gate z"}
MAX_GATES = 3
TITLE_SIZE = "9pt"


class Heatmap(pg.PlotItem):
    """(T, units) values as an image: time steps across, units down, white = 0."""

    def __init__(self, title: str, text: QColor):
        super().__init__(enableMenu=False)
        self.text = text
        self.name(title)
        still_plot(self, text)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(SIGNED)
        self.addItem(self.image)
        self.invertY(True)
        self.setLabel("bottom", "t")
        self.setLabel("left", "unit")

    def name(self, title: str) -> None:
        self.setTitle(title, size=TITLE_SIZE, color=self.text)

    def show(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        # Step t is drawn over [t, t + 1) starting at 1, as the lecture counts steps.
        self.image.setImage(np.ascontiguousarray(values.T, dtype=np.float32), levels=levels)
        self.image.setRect(0.5, -0.5, values.shape[0], values.shape[1])


class SequenceView(QWidget):
    """States, gates and gradients per time step of one sample; predictions of many."""

    sampleChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.chooser = SampleChooser()
        self.chooser.chosen.connect(self.sampleChosen)
        self.node_box = QComboBox()
        self.node_box.setToolTip("Which recurrent layer the heatmaps show")
        self.node_box.currentIndexChanged.connect(self._redraw)
        self.note = QLabel("Hidden states appear here for networks with RNN, LSTM or GRU "
                           "layers.")
        self.note.setWordWrap(True)
        self.charts = pg.GraphicsLayoutWidget()
        self.charts.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.charts.setMinimumHeight(600)
        self.hidden = Heatmap("hidden state hₜ", text)
        self.charts.addItem(self.hidden, row=0, col=0, colspan=MAX_GATES)
        self.gates = [Heatmap("", text) for _ in range(MAX_GATES)]
        for k, gate in enumerate(self.gates):
            self.charts.addItem(gate, row=1, col=k)
            if k:  # the gates share the first one's unit axis: room for all three side by side
                gate.hideAxis("left")
        self.gradient = self.charts.addPlot(row=2, col=0, colspan=MAX_GATES,
                                            enableMenu=False)
        self._gradient_layout: tuple = ()
        still_plot(self.gradient, text)
        self.gradient.setLogMode(y=True)
        self.gradient.setLabel("bottom", "t")
        self.gradient.getAxis("left").setStyle(autoReduceTextSpace=False)  # ticks: log_ticks
        self.gradient.getAxis("left").enableAutoSIPrefix(False)  # the ticks give true values
        self.gradient.addLegend(offset=(-4, 4), labelTextColor=text)
        self.fit = self.charts.addPlot(row=3, col=0, colspan=MAX_GATES,
                                       enableMenu=False)
        self.fit.setTitle("prediction (blue), target (orange)",
                          size=TITLE_SIZE, color=text)
        still_plot(self.fit, text)
        self.fit.setLabel("bottom", "test sample")
        self.target_line = self.fit.plot()
        self.prediction_line = self.fit.plot()
        self._fit_style = ""
        self.gradient_lines: dict[str, pg.PlotDataItem] = {}
        self.median_lines: dict[str, pg.PlotDataItem] = {}
        self.probe: SequenceProbe | None = None
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.node_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.charts, 1)

    def set_count(self, count: int) -> None:
        self.chooser.set_count(count)

    @Slot(object)
    def show_probe(self, probe: SequenceProbe | None) -> None:
        self.probe = probe
        if probe is None:
            return
        self.chooser.show_index(probe.sample_index)
        if [self.node_box.itemText(i) for i in range(self.node_box.count())] != \
                list(probe.hidden):
            self.node_box.blockSignals(True)
            self.node_box.clear()
            self.node_box.addItems(list(probe.hidden))
            self.node_box.blockSignals(False)
        self.node_box.setVisible(len(probe.hidden) > 1)
        self._redraw()
        self._show_gradients(probe)
        if probe.predictions is not None:
            self._style_fit(probe.task)
            steps = np.arange(len(probe.predictions))
            self.prediction_line.setData(steps, probe.predictions)
            self.target_line.setData(steps, probe.targets)

    def _style_fit(self, task: str) -> None:
        """Lines for values over time (regression), dots for classes."""
        if task == self._fit_style:
            return
        self._fit_style = task
        for item, color, size in ((self.target_line, theme.NEGATIVE, 9),
                                  (self.prediction_line, theme.POSITIVE, 5)):
            if task == "regression":
                item.setPen(pg.mkPen(color, width=2))
                item.setSymbol(None)
            else:
                item.setPen(None)
                item.setSymbol("o")
                item.setSymbolSize(size)
                item.setSymbolPen(pg.mkPen(color, width=1.5) if size > 5 else None)
                item.setSymbolBrush(None if size > 5 else pg.mkBrush(color))

    @Slot()
    def _redraw(self) -> None:
        probe, node = self.probe, self.node_box.currentText()
        if probe is None or node not in probe.hidden:
            return
        steps = len(probe.hidden[node])
        self.chooser.about.setText(f"{steps} time steps · sample values "
                                   + " ".join(f"{v:.2g}" for v in probe.sample[:12, 0])
                                   + (" …" if steps > 12 else ""))
        hidden = probe.hidden[node]
        peak = max(float(np.abs(hidden).max()), 1e-6)
        self.hidden.show(hidden, (-max(peak, 1.0), max(peak, 1.0)))
        gates = list(probe.gates.get(node, {}).items())[:MAX_GATES]
        for k, heatmap in enumerate(self.gates):
            heatmap.setVisible(k < len(gates))
            if k < len(gates):
                name, values = gates[k]
                heatmap.name(GATE_NAMES.get(name, name))
                heatmap.show(values, (-1.0, 1.0))  # gates lie in (0, 1): white to blue
        self.note.setText("" if gates else
                          "A plain RNN has no gates: new inputs overwrite its state.")
        self.note.setVisible(bool(self.note.text()))

    def _show_gradients(self, probe: SequenceProbe) -> None:
        memory = tuple(probe.memory.get(node, "h") for node in probe.step_gradients)
        shown = len(probe.predictions) if probe.predictions is not None else 0
        layout = (memory, tuple(probe.median_gradients), shown)
        if set(self.gradient_lines) != set(probe.step_gradients) \
                or layout != self._gradient_layout:
            self._make_gradient_lines(probe, memory, shown)
            self._gradient_layout = layout
        for lines, values in ((self.gradient_lines, probe.step_gradients),
                              (self.median_lines, probe.median_gradients)):
            for node, norms in values.items():
                steps = np.arange(1, len(norms) + 1)
                positive = norms > 0  # a zero cannot be drawn on a log scale
                lines[node].setData(steps[positive], norms[positive])
        drawn = np.concatenate([n[n > 0] for values in (probe.step_gradients,
                                                        probe.median_gradients)
                                for n in values.values()] or [[]])
        if drawn.size:
            self.gradient.getAxis("left").setTicks([log_ticks(drawn.min(), drawn.max())])

    def _make_gradient_lines(self, probe: SequenceProbe, memory: tuple[str, ...],
                             shown: int) -> None:
        """A line per recurrent node for the chosen sample, a dashed one for the median of
        the first `shown` test samples, and the title and axis for the states they show."""
        for line in (*self.gradient_lines.values(), *self.median_lines.values()):
            self.gradient.removeItem(line)
        self.gradient.legend.clear()
        count = len(probe.step_gradients)
        self.gradient_lines, self.median_lines = {}, {}
        for k, (node, state) in enumerate(zip(probe.step_gradients, memory, strict=True)):
            color, prefix = layer_color(k, count), f"{node}: " if count > 1 else ""
            self.gradient_lines[node] = self.gradient.plot(
                pen=pg.mkPen(color, width=2), symbol="o", symbolSize=5,
                name=f"{prefix}{STATE_NAMES[state][0]}, this sample")
            if node in probe.median_gradients:
                self.median_lines[node] = self.gradient.plot(
                    pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                    name=f"{prefix}median of {shown} test samples")
        self.gradient.legend.setVisible(count > 1 or bool(self.median_lines))
        title, axis = gradient_title(set(memory))
        self.gradient.setTitle(title, size=TITLE_SIZE, color=self.hidden.text)
        self.gradient.setLabel("left", axis)


STATE_NAMES = {  # the memory state: its gradient's symbol, and what it is
    "h": ("‖∂𝓔/∂hₜ‖", "the hidden state hₜ"),
    "c": ("‖∂𝓔/∂cₜ‖", "the LSTM's cell state cₜ"),
}


def gradient_title(states: set[str]) -> tuple[str, str]:
    """The gradient chart's title (two short lines: the chart shares a narrow dock) and axis
    label for the memory states it shows."""
    if len(states) == 1:
        symbol, what = STATE_NAMES[next(iter(states))]
        return f"{symbol}: the error signal reaching<br>{what} at step t (log scale)", symbol
    return ("The error signal reaching the memory at step t:<br>‖∂𝓔/∂cₜ‖ for an LSTM, "
            "else ‖∂𝓔/∂hₜ‖ (log scale)", "‖∂𝓔/∂state‖")


def log_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Ticks of a log axis (positions are log₁₀): 1, 2, 5 × 10ᵏ over a short range,
    decades only over a long one."""
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    steps = (1, 2, 5) if last - first <= 2 else (1,)
    return [(float(np.log10(m * 10.0 ** k)), f"{m * 10.0 ** k:g}")
            for k in range(first, last + 1) for m in steps
            if low / 2.5 <= m * 10.0 ** k <= high * 2.5]
