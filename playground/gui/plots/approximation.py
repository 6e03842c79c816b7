"""Universal approximation, made visible: the fit as a sum of its hidden units' parts.

For Input → one Dense layer → a linear Output on 1-D data (the `sine-fit` preset) the fit is
F(x) = Σᵢ αᵢ φ(wᵢx + bᵢ) + b. Each part is drawn as a thin curve, their sum (the network's
output) as a thick one through the target points; a slider sets the number of hidden units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from playground.core.datasets import Dataset
from playground.core.frames import Frame
from playground.core.layers import SpecError
from playground.core.scaling import scaled_targets
from playground.core.spec import NetworkSpec
from playground.gui.document import Document, follow
from playground.gui.plots.points import still_plot

MAX_UNITS = 32
PART_ALPHA = 150
NOT_AVAILABLE = ("Universal approximation shows a network of Input → one Dense layer → a "
                 "linear Output with one unit, on 1-D data: open the sine-fit preset "
                 "(File → New) to see it.")


def hidden_node(spec: NetworkSpec) -> str | None:
    """The single Dense layer between Input and Output, or None (the view explains only
    such a network)."""
    dense = spec.of_kind("Dense")
    return dense[0].id if len(dense) == 1 and len(spec.layers) == 3 else None


class ApproximationView(QWidget):
    """The fit F(x), the target points and each hidden unit's weighted part αᵢφ(wᵢx + bᵢ)."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        palette = self.palette()
        self._text = palette.color(QPalette.ColorRole.WindowText)
        self.plot = pg.PlotWidget(background=palette.color(QPalette.ColorRole.Base),
                                 enableMenu=False)
        still_plot(self.plot.getPlotItem(), self._text)
        self.plot.setLabel("bottom", "x")
        self.targets = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(QColor("#1a73e8")))
        self.fit = pg.PlotDataItem(pen=pg.mkPen(self._text, width=3))
        self.fit.setZValue(3)
        self.plot.addItem(self.targets)
        self.plot.addItem(self.fit)
        self.parts: list[pg.PlotDataItem] = []
        self._targets_note = ""
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.units_slider = QSlider(Qt.Orientation.Horizontal)
        self.units_slider.setRange(1, MAX_UNITS)
        self.units_slider.setTracking(False)  # one edit when released, not one per pixel
        self.units_slider.setToolTip("How many hidden units the sum F(x) has (one undo step)")
        self.units_label = QLabel()
        self.controls = QWidget()
        controls = QHBoxLayout(self.controls)
        controls.setContentsMargins(4, 0, 4, 0)
        controls.addWidget(QLabel("Hidden units"))
        controls.addWidget(self.units_slider, 1)
        controls.addWidget(self.units_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.controls)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 100)
        layout.addStretch(1)  # keeps the caption at the top while the plot is hidden
        self.units_slider.valueChanged.connect(self._on_units_chosen)
        self.units_slider.sliderMoved.connect(self._on_slider_moved)
        document.changed.connect(self._on_document_changed)
        self._on_document_changed()

    def set_document(self, document: Document) -> None:
        self.document = follow(self.document, document, self._on_document_changed)
        self._on_document_changed()

    def hidden_node(self) -> str | None:
        """The single Dense layer between Input and Output, or None."""
        return hidden_node(self.document.spec)

    def set_dataset(self, dataset: Dataset) -> None:
        self._targets_note = " (standardised, as the network learns them)" \
            if scaled_targets(dataset.scaling) else ""
        if dataset.input_dim == 1 and dataset.plottable:
            self.targets.setData(dataset.points_train[:, 0], dataset.y_train.ravel())
        else:
            self.targets.setData([], [])

    def show_frame(self, frame: Frame) -> None:
        parts = frame.contributions
        available = parts is not None and frame.output is not None
        self.plot.setVisible(available)
        if not available:
            self.caption.setText(NOT_AVAILABLE)
            return
        xs = np.linspace(frame.extent[0], frame.extent[1], parts.shape[1])
        while len(self.parts) < len(parts):
            curve = pg.PlotDataItem()
            self.plot.addItem(curve)
            self.parts.append(curve)
        for index, curve in enumerate(self.parts):
            curve.setVisible(index < len(parts))
            if index < len(parts):
                color = pg.intColor(index, hues=max(len(parts), 2), alpha=PART_ALPHA)
                curve.setPen(pg.mkPen(color, width=1))
                curve.setData(xs, parts[index])
        self.fit.setData(xs, frame.output)
        self.caption.setText(
            f"━ F(x) = Σᵢ αᵢφ(wᵢx + bᵢ) + b, the sum of the {len(parts)} thin curves (each "
            f"hidden unit's part) and b = {frame.contribution_bias:.3g}; ● the targets"
            f"{self._targets_note}")

    # ---- the slider -----------------------------------------------------------------------
    @Slot()
    def _on_document_changed(self) -> None:
        node = self.hidden_node()
        self.controls.setVisible(node is not None)
        if node is None:
            return
        units = int(self.document.spec.layer(node).params["units"])
        self.units_slider.blockSignals(True)
        self.units_slider.setValue(min(units, MAX_UNITS))
        self.units_slider.blockSignals(False)
        self.units_label.setText(f"{units:2d}")

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        self.units_label.setText(f"{value:2d}")

    @Slot(int)
    def _on_units_chosen(self, value: int) -> None:
        node = self.hidden_node()
        if node is None or self.document.spec.layer(node).params["units"] == value:
            return
        try:
            self.document.edit_spec(f"Use {value} hidden units",
                                    lambda spec: spec.set_params(node, units=value))
        except SpecError as err:
            self.caption.setText(str(err))
