"""The decision boundary: the network's output over the input plane, with the data on top.

Plane data shows the output as an image coloured like TensorFlow Playground (orange low, blue
high; one colour per class for multi-class) with a colour bar; 1-D data shows the prediction
as a curve through the target points. Items are made once and updated in `show_frame`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from playground.core.datasets import (
    KIND_PLANE,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    Dataset,
)
from playground.core.frames import Frame
from playground.core.scaling import scaled_targets
from playground.gui.plots.colormaps import class_lut, diverging_lut
from playground.gui.plots.points import (
    LUT_SIZE,
    PointPaint,
    positions,
    still_plot,
    symbol_size,
)

BAR_WIDTH = 14
MIN_SIZE = 150
MAX_UNIT_LINES = 4  # more lines than this hide the picture instead of explaining it
NO_PICTURE = "No picture for this kind of input"


def line_across(w: np.ndarray, b: float, extent: tuple[float, float, float, float]
                ) -> tuple[np.ndarray, np.ndarray] | None:
    """Two points of the line w₁x + w₂y + b = 0 at the edges of `extent` (None if w = 0)."""
    xmin, xmax, ymin, ymax = extent
    w1, w2 = float(w[0]), float(w[1])
    if abs(w2) >= abs(w1) and w2 != 0.0:
        xs = np.array([xmin, xmax])
        return xs, -(w1 * xs + b) / w2
    if w1 != 0.0:
        ys = np.array([ymin, ymax])
        return -(w2 * ys + b) / w1, ys
    return None


def _bar_colormap(lut: np.ndarray) -> pg.ColorMap:
    """A colour map for the bar showing `lut` as it is: steps for a short (class) table."""
    steps = lut[np.arange(LUT_SIZE) * len(lut) // LUT_SIZE]
    return pg.ColorMap(np.linspace(0.0, 1.0, LUT_SIZE), steps)


class BoundaryView(QWidget):
    """The output over the data's domain under the train (filled) and test (hollow) dots."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._frame: Frame | None = None
        self._task = TASK_BINARY
        self._plane = True
        self._extent: tuple[float, float, float, float] | None = None
        self._lut_classes: int | None = None  # the image's table: 0 for the value scale
        self._value_lut = diverging_lut(LUT_SIZE)
        self._build_controls()
        self._build_plot()
        self._build_layout()
        self.test_box.toggled.connect(self._on_test_toggled)
        self.discretise_box.toggled.connect(self._on_option_toggled)
        self.lines_box.toggled.connect(self._on_option_toggled)
        self.lines: list[pg.PlotCurveItem] = []
        self.point_labels: list[pg.TextItem] = []
        self._points: np.ndarray | None = None
        self._raw_plane = False

    # ---- construction ---------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.test_box = QCheckBox("Test points")
        self.test_box.setChecked(True)
        self.test_box.setToolTip("Draw the test points (hollow) over the output")
        self.discretise_box = QCheckBox("Discretise")
        self.discretise_box.setToolTip("Show the predicted class only: each side of the "
                                       "output's middle value in one solid colour")
        self.lines_box = QCheckBox("Unit lines")
        self.lines_box.setChecked(True)
        self.lines_box.setToolTip("Each unit of the first layer divides the plane along its "
                                  "line w₁x₁ + w₂x₂ + b = 0 (the perceptron's hyperplane); "
                                  f"drawn for layers of up to {MAX_UNIT_LINES} units")
        self.caption = QLabel("● train   ○ test")
        self.note = QLabel(NO_PICTURE)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)

    def _build_plot(self) -> None:
        palette = self.palette()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(palette.color(QPalette.ColorRole.Base))
        self.graphics.setMinimumSize(MIN_SIZE, MIN_SIZE)
        self.plot = self.graphics.addPlot(row=0, col=0, enableMenu=False)
        text = palette.color(QPalette.ColorRole.WindowText)
        still_plot(self.plot, text)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        # Unlike the data panel's preview, the points lie on their own class colours: train
        # dots get a white rim and test rings a plain inside, as in TensorFlow Playground.
        self.test_scatter = pg.ScatterPlotItem(brush=pg.mkBrush(palette.color(
            QPalette.ColorRole.Base)))
        self.train_scatter = pg.ScatterPlotItem(pen=pg.mkPen(QColor("white"), width=1))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(text, width=2), connect="finite")
        for item in (self.test_scatter, self.train_scatter, self.curve):
            self.plot.addItem(item)
        self._bar_levels: tuple[float, float] | None = None
        self._value_label = "output"
        self.color_bar = pg.ColorBarItem(values=(0.0, 1.0), width=BAR_WIDTH, interactive=False,
                                         colorMapMenu=False)
        for name in ("left", "right", "top", "bottom"):
            self.color_bar.getAxis(name).setPen(text)
        self.color_bar.axis.setTextPen(text)
        self.color_bar.axis.enableAutoSIPrefix(False)
        self.graphics.addItem(self.color_bar, row=0, col=1)
        self._paint = PointPaint()

    def _build_layout(self) -> None:
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.caption)
        toolbar.addStretch(1)
        toolbar.addWidget(self.test_box)
        toolbar.addWidget(self.discretise_box)
        toolbar.addWidget(self.lines_box)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.graphics)
        self.stack.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.stack, 1)

    # ---- data -----------------------------------------------------------------------------
    def set_dataset(self, dataset: Dataset) -> None:
        """Draw `dataset`'s points: coloured by class, or by target value for regression."""
        self._task = dataset.task
        # Imported regression targets are standardised: the output is in those units.
        standardised = scaled_targets(dataset.scaling)
        self._value_label = "output (standardised targets)" if standardised else "output"
        if self._lut_classes == 0:
            self.color_bar.axis.setLabel(self._value_label)
        left = self.plot.getAxis("left")
        if standardised and dataset.input_dim == 1:
            left.setLabel("standardised target")
        else:
            left.showLabel(False)
        self._raw_plane = tuple(dataset.feature_names) == ("x1", "x2")
        self.lines_box.setEnabled(self._raw_plane)
        self.discretise_box.setEnabled(self._task not in (TASK_REGRESSION, TASK_MULTICLASS))
        if not dataset.plottable:
            self.train_scatter.clear()
            self.test_scatter.clear()
            return
        self._plane = dataset.kind == KIND_PLANE
        size = symbol_size(len(dataset.points_train) + len(dataset.points_test))
        self._points = positions(dataset, dataset.points_train, dataset.y_train)
        self.train_scatter.setData(pos=positions(dataset, dataset.points_train, dataset.y_train),
                                   size=size, brush=self._paint.brushes(dataset, dataset.y_train))
        self.test_scatter.setData(pos=positions(dataset, dataset.points_test, dataset.y_test),
                                  size=size, pen=self._paint.pens(dataset, dataset.y_test))
        self._fit(dataset.extent)

    def _fit(self, extent: tuple[float, float, float, float]) -> None:
        """Show exactly `extent`, square for plane data."""
        self._extent = extent
        xmin, xmax, ymin, ymax = extent
        self.plot.setAspectLocked(self._plane)
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    # ---- frames ---------------------------------------------------------------------------
    def show_frame(self, frame: Frame) -> None:
        """Draw `frame`'s output (kept, so that the check boxes can redraw it)."""
        self._frame = frame
        self._redraw()

    def displayed(self) -> np.ndarray | None:
        """The values the image shows now (after discretising), or None when hidden."""
        return self.image.image if self.image.isVisible() else None

    def _redraw(self) -> None:
        frame = self._frame
        if frame is None:
            return
        if frame.output is None:
            self.image.hide()
            self.curve.hide()
            self.stack.setCurrentWidget(self.note)
            return
        self.stack.setCurrentWidget(self.graphics)
        self._plane = frame.output.ndim == 2
        if frame.extent != self._extent:
            self._fit(frame.extent)
        values = self._values(frame)
        if self._plane:
            self._show_image(values, frame.output_range, frame.extent)
        else:
            self._show_curve(values, frame.extent)
        self._show_lines(frame)
        self._label_points(frame)

    def _label_points(self, frame: Frame) -> None:
        """Write the network's output beside each point of a tiny training set."""
        values = frame.point_outputs
        wanted = values is not None and self._points is not None and \
            len(values) == len(self._points)
        count = len(values) if wanted else 0
        while len(self.point_labels) < count:
            label = pg.TextItem(anchor=(-0.15, 1.1), color=QColor("#202124"),
                                fill=pg.mkBrush(255, 255, 255, 200))
            label.setZValue(6)
            self.plot.addItem(label)
            self.point_labels.append(label)
        for index, label in enumerate(self.point_labels):
            label.setVisible(index < count)
            if index < count:
                label.setText(f"{float(values[index]):.3g}")
                label.setPos(*self._points[index])

    def _show_lines(self, frame: Frame) -> None:
        """The first layer's unit lines wᵀx + b = 0, across the plotted extent."""
        weights = frame.weights.get(frame.first_layer) if frame.first_layer else None
        wanted = self.lines_box.isChecked() and self._raw_plane and self._plane
        wanted = wanted and weights is not None and len(weights) <= MAX_UNIT_LINES
        rows = [] if weights is None or not wanted or weights.shape[1] != 2 else [
            (w, float(b)) for w, b in zip(weights, frame.biases.get(
                frame.first_layer, np.zeros(len(weights))), strict=True)]
        while len(self.lines) < len(rows):
            line = pg.PlotCurveItem(pen=pg.mkPen(QColor("#202124"), width=1.5,
                                                 style=Qt.PenStyle.DashLine))
            line.setZValue(5)
            self.plot.addItem(line)
            self.lines.append(line)
        for index, line in enumerate(self.lines):
            points = line_across(*rows[index], frame.extent) if index < len(rows) else None
            line.setVisible(points is not None)
            if points is not None:
                line.setData(*points)

    def _values(self, frame: Frame) -> np.ndarray:
        """The output as drawn: thresholded to its range's ends when discretising."""
        output = np.asarray(frame.output, dtype=np.float32)
        if not (self.discretise_box.isChecked() and self.discretise_box.isEnabled()):
            return output
        lo, hi = frame.output_range
        classes = np.where(output >= (lo + hi) / 2, np.float32(hi), np.float32(lo))
        return np.where(np.isnan(output), np.float32(np.nan), classes)

    def _show_image(self, values: np.ndarray, levels: tuple[float, float],
                    extent: tuple[float, float, float, float]) -> None:
        self.curve.hide()
        self._use_lut(levels)
        self.image.setImage(values, levels=levels, autoLevels=False)
        xmin, xmax, ymin, ymax = extent
        self.image.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.image.show()
        self.color_bar.show()

    def _use_lut(self, levels: tuple[float, float]) -> None:
        """Class colours for multi-class, else the orange-white-blue scale; a matching bar."""
        classes = int(round(levels[1])) + 1 if self._task == TASK_MULTICLASS else 0
        bar = (levels[0] - 0.5, levels[1] + 0.5) if classes else tuple(levels)
        if bar != self._bar_levels:  # new levels lay the bar's axis out again: only on change
            self._bar_levels = bar
            self.color_bar.setLevels(bar)
        if classes == self._lut_classes:
            return
        self._lut_classes = classes
        lut = class_lut(classes) if classes else self._value_lut
        self.image.setLookupTable(lut)
        self.color_bar.setColorMap(_bar_colormap(lut))
        ticks = [[(float(i), str(i)) for i in range(classes)]] if classes else None
        self.color_bar.axis.setTicks(ticks)
        self.color_bar.axis.setLabel("class" if classes else self._value_label)

    def _show_curve(self, values: np.ndarray, extent: tuple[float, float, float, float]
                    ) -> None:
        self.image.hide()
        self.color_bar.hide()
        self.curve.setData(np.linspace(extent[0], extent[1], len(values)), values)
        self.curve.show()

    # ---- check boxes ----------------------------------------------------------------------
    @Slot(bool)
    def _on_test_toggled(self, checked: bool) -> None:
        self.test_scatter.setVisible(checked)

    @Slot(bool)
    def _on_option_toggled(self, _checked: bool) -> None:
        self._redraw()
