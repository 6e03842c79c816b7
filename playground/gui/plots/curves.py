"""Loss and accuracy over the epochs, live, with the values under the mouse.

Train and test curves are evaluated at each epoch's end at the same weights and in the same
way (on a fixed subsample of each split for big data, which the legend says), as in
TensorFlow Playground; the running mean of the batch losses during the epoch, taken at
changing weights, is an optional third curve ("Batch mean").

The history only grows during a run, so each call reads just the records it has not seen
(a new run, recognised by a different record at the last seen place, starts over, and so
does a history whose older part was thinned); long curves are drawn with at most `MAX_POINTS`
points, each stretch by its lowest and highest point, so that a spike always shows.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import TASK_REGRESSION
from playground.core.project import Project
from playground.core.training.history import exact_from
from playground.core.training.snapshots import EpochRecord
from playground.gui.plots.points import still_plot

MAX_POINTS = 2000
NICE_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)
_EPOCH = attrgetter("epoch")
TEST_COLOR = QColor("#1a73e8")
BATCH_COLOR = QColor(128, 128, 128)
# The curves: the record field each one draws, and the plot it is on.
LOSS_FIELDS = ("train_loss", "test_loss", "batch_loss")
ACCURACY_FIELDS = ("train_accuracy", "test_accuracy")
ACCURACY_RANGE = (0.0, 1.0)
SEPARATOR = " · "
# The plots may shrink this far (loss, accuracy), so that the docks fit a small window.
MIN_PLOT_HEIGHTS = (50, 70)
KEPT_ALPHA = 150  # kept runs are drawn faded under the current one
MAX_KEPT = 8


def describe_run(project: Project) -> str:
    """What sets a run apart: 'tanh · batch 10 · sgd η 0.03 · seed 0'."""
    training = project.training
    activations = dict.fromkeys(str(layer.params["activation"]) for layer in
                                project.network.layers if "activation" in layer.params
                                and layer.kind != "Output")
    if training.algorithm == "perceptron":
        return f"perceptron rule · seed {training.seed}"
    batch = {1: "online", 0: "full batch"}.get(training.batch_size,
                                               f"batch {training.batch_size}")
    rule = f"{training.optimizer} η {training.learning_rate:g}"
    if training.optimizer == "momentum":
        rule += f" α {training.momentum:g}"
    return SEPARATOR.join([*activations, batch, rule, f"seed {training.seed}"])


@dataclass(frozen=True)
class KeptRun:
    """An earlier run's train-loss curve, kept to compare with."""

    label: str
    epochs: np.ndarray
    losses: np.ndarray
    color: QColor


def thin(epochs: Sequence[float], values: Sequence[float], limit: int = MAX_POINTS
         ) -> tuple[np.ndarray, np.ndarray]:
    """At most `limit` points, as float arrays: a longer series is cut into stretches of
    equal length, each drawn by its lowest and highest point (in epoch order), plus the last
    point, so that a spike is never lost between two kept points."""
    x, y = np.asarray(epochs, dtype=np.float64), np.asarray(values, dtype=np.float64)
    n = len(x)
    if n <= limit:
        return x.copy(), y.copy()  # the curve keeps them: never the series' own buffers
    stretches = (limit - 1) // 2
    size = -(-n // stretches)
    rows = -(-n // size)
    padded = np.concatenate([y, np.full(rows * size - n, y[-1])]).reshape(rows, size)
    padded = np.where(np.isnan(padded), np.inf, padded)  # NaN neither lowest nor highest
    start = np.arange(rows) * size
    low = np.minimum(start + padded.argmin(axis=1), n - 1)
    high = np.minimum(start + np.where(np.isinf(padded), -np.inf, padded).argmax(axis=1),
                      n - 1)
    # Per stretch its two points in order; stretches follow one another, so the kept
    # indices only grow (no sort needed): drop a repeat where lowest and highest coincide.
    kept = np.stack([np.minimum(low, high), np.maximum(low, high)], axis=1).ravel()
    kept = np.append(kept[np.append(True, np.diff(kept) > 0)], n - 1)
    kept = kept[np.append(True, np.diff(kept) > 0)]
    return x[kept], y[kept]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^k at or above `value` (> 0): the axes
    grow in these steps, so their ticks are laid out again a few times a decade, not at
    every frame (a new layout of an axis costs more than drawing its curves)."""
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in NICE_STEPS if m * decade >= value * (1 - 1e-12))


def log_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Labelled ticks for a log axis showing exponents `low`..`high`: 1…9 or 1, 2, 5 per
    decade, or whole decades (every few for a wide range), never crowded like pyqtgraph's."""
    span = high - low
    mantissas = range(1, 10) if span <= 1 else (1, 2, 5) if span <= 3 else (1,)
    every = max(1, math.ceil(span / 6))
    ticks = []
    for decade in range(math.floor(low), math.ceil(high) + 1):
        if decade % every:
            continue
        for mantissa in mantissas:
            position = decade + math.log10(mantissa)
            if low <= position <= high:
                ticks.append((position, f"{mantissa * 10.0 ** decade:g}"))
    return ticks


def _format(value: float) -> str:
    return f"{value:.3g}"


class _Series:
    """One metric's (epoch, value) points in epoch order (epochs without a value skipped), in
    arrays that grow by doubling: a frame converts only its new records, not the history."""

    def __init__(self) -> None:
        self._epochs, self._values = np.empty(0), np.empty(0)
        self._count = 0

    @property
    def epochs(self) -> np.ndarray:
        return self._epochs[:self._count]

    @property
    def values(self) -> np.ndarray:
        return self._values[:self._count]

    def __len__(self) -> int:
        return self._count

    def since(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """The points from `epoch` on."""
        cut = int(np.searchsorted(self.epochs, epoch, side="left"))
        return self.epochs[cut:].copy(), self.values[cut:].copy()

    def extend(self, epochs: Sequence[float], values: Sequence[float | None]) -> None:
        """Add the points that have a value (arrays: every point has one)."""
        if isinstance(values, np.ndarray):
            new_epochs, new_values = np.asarray(epochs, np.float64), values
        else:
            pairs = [(e, v) for e, v in zip(epochs, values, strict=True) if v is not None]
            new_epochs, new_values = np.array(pairs, np.float64).reshape(-1, 2).T
        end = self._count + len(new_epochs)
        if end > len(self._epochs):
            size = max(end, 2 * len(self._epochs), 256)
            self._epochs = np.concatenate([self.epochs, np.empty(size - self._count)])
            self._values = np.concatenate([self.values, np.empty(size - self._count)])
        self._epochs[self._count:end], self._values[self._count:end] = new_epochs, new_values
        self._count = end

    def nearest(self, epoch: float) -> tuple[int, float] | None:
        """The point whose epoch is closest to `epoch`, or None when empty."""
        if not self._count:
            return None
        epochs = self.epochs
        i = int(np.searchsorted(epochs, epoch, side="left"))
        if i == self._count or (i > 0 and epoch - epochs[i - 1] <= epochs[i] - epoch):
            i -= 1
        return int(epochs[i]), float(self._values[i])


class CurvesView(QWidget):
    """Train (solid) and test (dashed) loss above accuracy, sharing the epoch axis."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._seen = 0
        self._last: EpochRecord | None = None
        self._ranges: tuple | None = None  # the loss plot's (x, y) ranges set last
        self._standardised = False  # the loss is that of standardised regression targets
        self._hover_epoch: float | None = None
        self.kept: list[KeptRun] = []
        self._kept_curves: list[pg.PlotDataItem] = []
        self._runs_kept = 0  # picks each kept run's colour
        self.run_label: Callable[[], str] = lambda: f"run {len(self.kept) + 1}"
        self._reset_series()
        palette = self.palette()
        self._text = palette.color(QPalette.ColorRole.WindowText)
        self._base = palette.color(QPalette.ColorRole.Base)
        self._build_plots()
        self._build_hover()
        self._build_layout()
        self.log_box.toggled.connect(self._on_log_toggled)
        self.loss_plot.getPlotItem().getViewBox().sigRangeChanged.connect(
            self._on_loss_range_changed)
        self.loss_plot.scene().sigMouseMoved.connect(self._on_loss_mouse_moved)
        self.accuracy_plot.scene().sigMouseMoved.connect(self._on_accuracy_mouse_moved)

    # ---- construction ---------------------------------------------------------------------
    def _reset_series(self) -> None:
        self._series = {name: _Series() for name in LOSS_FIELDS + ACCURACY_FIELDS}
        self._train_loss = self._series["train_loss"]
        self._subsample: int | None = None

    def _plot(self, label: str, min_height: int) -> pg.PlotWidget:
        plot = pg.PlotWidget(background=self._base, enableMenu=False)
        plot.setMinimumHeight(min_height)
        still_plot(plot.getPlotItem(), self._text)
        for name in ("left", "bottom"):
            plot.getAxis(name).setPen(self._text)
        plot.getAxis("left").setWidth(48)  # the same for both plots, so that their x agree
        plot.setLabel("left", label, color=self._text.name())
        return plot

    def _build_plots(self) -> None:
        self.loss_plot = self._plot("loss", MIN_PLOT_HEIGHTS[0])
        self.accuracy_plot = self._plot("acc", MIN_PLOT_HEIGHTS[1])
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.setYRange(*ACCURACY_RANGE, padding=0.1)
        axis = self.accuracy_plot.getAxis("left")
        axis.setTicks([[(v, f"{v:g}") for v in (0.0, 0.5, 1.0)]])
        axis.setStyle(hideOverlappingLabels=False)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setLabel("bottom", "epoch", color=self._text.name())
        self.loss_plot.getAxis("bottom").showLabel(False)
        # One-pixel pens and no grid: a repaint of 2000-point curves then takes ~6 ms, not 18.
        train_pen = pg.mkPen(self._text, width=1)
        test_pen = pg.mkPen(TEST_COLOR, width=1, style=Qt.PenStyle.DashLine)
        batch_pen = pg.mkPen(BATCH_COLOR, width=1, style=Qt.PenStyle.DotLine)
        self.train_loss_curve = self.loss_plot.plot(pen=train_pen)
        self.test_loss_curve = self.loss_plot.plot(pen=test_pen)
        self.batch_loss_curve = self.loss_plot.plot(pen=batch_pen)
        self.batch_loss_curve.hide()
        self.train_accuracy_curve = self.accuracy_plot.plot(pen=train_pen)
        self.test_accuracy_curve = self.accuracy_plot.plot(pen=test_pen)
        self.curves = {"train_loss": self.train_loss_curve, "test_loss": self.test_loss_curve,
                       "batch_loss": self.batch_loss_curve,
                       "train_accuracy": self.train_accuracy_curve,
                       "test_accuracy": self.test_accuracy_curve}

    def _build_hover(self) -> None:
        line_pen = pg.mkPen(self._text, width=1, style=Qt.PenStyle.DotLine)
        self.loss_line = pg.InfiniteLine(angle=90, movable=False, pen=line_pen)
        self.accuracy_line = pg.InfiniteLine(angle=90, movable=False, pen=line_pen)
        fill = QColor(self._base)
        fill.setAlpha(220)
        self.hover_text = pg.TextItem(color=self._text, fill=pg.mkBrush(fill),
                                      border=pg.mkPen(self._text))
        self.loss_plot.addItem(self.loss_line, ignoreBounds=True)
        self.loss_plot.addItem(self.hover_text, ignoreBounds=True)
        self.accuracy_plot.addItem(self.accuracy_line, ignoreBounds=True)
        self.hover_text.setZValue(100)
        self._hide_hover()

    def _build_layout(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(4, 0, 4, 0)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The legend, outside the plots so that it never hides a curve.
        self.caption = QLabel()
        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Show the loss on a logarithmic axis")
        self.batch_box = QCheckBox("Batch mean")
        self.batch_box.setToolTip("Also draw the running mean of the batch losses during each "
                                  "epoch (dotted): each batch's loss is taken at the weights "
                                  "of its own step, so it lags behind the train curve")
        self.batch_box.toggled.connect(self._on_batch_toggled)
        self._set_caption()
        # Run comparison, in a menu so that the view stays small enough for a small window.
        self.runs_button = QToolButton()
        self.runs_button.setText("Runs")
        self.runs_button.setAutoRaise(True)
        self.runs_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.runs_button.setToolTip("Keep runs' loss curves to compare later runs with")
        menu = QMenu(self.runs_button)
        self.keep_action = menu.addAction("Keep this run")
        self.keep_action.setToolTip("Keep this run's loss curve to compare the next runs with "
                                    "(Reset starts again from the same initial weights and "
                                    "sample order, as long as the seed stays)")
        self.clear_action = menu.addAction("Clear kept runs")
        self.keep_action.triggered.connect(self.keep_run)
        self.clear_action.triggered.connect(self.clear_runs)
        self.runs_button.setMenu(menu)
        self.runs_caption = QLabel()
        self.runs_caption.setWordWrap(True)
        self.runs_caption.setContentsMargins(4, 0, 4, 0)
        self.runs_caption.hide()
        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 4, 0)
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.runs_button)
        top.addWidget(self.batch_box)
        top.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.runs_caption)
        layout.addWidget(self.summary)
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.accuracy_plot, 2)

    def _set_caption(self) -> None:
        """The legend: what each curve is, and on how many samples it is evaluated."""
        text = (f"<span style='color:{self._text.name()}'>━━ train</span>&nbsp;&nbsp;"
                f"<span style='color:{TEST_COLOR.name()}'>╍╍ test</span>")
        where = "every sample"
        if self._subsample is not None:
            where = f"{self._subsample:,} random samples of each split"
            text += f" ({self._subsample:,} samples each)"
        if self.batch_box.isChecked():
            text += (f"&nbsp;&nbsp;<span style='color:{BATCH_COLOR.name()}'>┈┈ batch "
                     "mean</span>")
        if self._standardised:
            text += "&nbsp;&nbsp;(loss of the standardised targets)"
        self.caption.setText(text)
        self.caption.setToolTip(
            f"Train and test: loss and accuracy at each epoch's end, both at the same weights, "
            f"on {where}. Batch mean: the mean of the batch losses during the epoch, each at "
            "the weights of its own step.")

    # ---- data -----------------------------------------------------------------------------
    def set_task(self, task: str, standardised_targets: bool = False) -> None:
        """Show accuracy for classification only; the epoch label goes on the lowest plot;
        the legend says when the loss is that of standardised regression targets."""
        regression = task == TASK_REGRESSION
        self.accuracy_plot.setVisible(not regression)
        self.loss_plot.getAxis("bottom").showLabel(regression)
        self._standardised = standardised_targets
        self._set_caption()

    def show_history(self, history: Sequence[EpochRecord], now: EpochRecord | None = None
                     ) -> None:
        """Plot the per-epoch metrics; the summary gives `now` (the snapshot's record, exact
        on every sample) or else the last record."""
        self._take(history)
        for name, curve in self.curves.items():
            series = self._series[name]
            curve.setData(*thin(series.epochs, series.values))
        latest = now if now is not None else (history[-1] if history else None)
        self.summary.setText(self._summary(latest) if latest is not None else "")
        self._fit_ranges()
        if self._hover_epoch is not None:
            self.hover_at(self._hover_epoch)

    def _fit_ranges(self) -> None:
        """Show every drawn point: epochs from the first to a round number at or above the
        last, losses from 0 (or their least, on the log scale) to a round number at or above
        the largest. The range changes only when the data pass such a number, so the axes
        are not laid out again at every frame (pyqtgraph's auto-range would)."""
        drawn = {name: (curve.xData, curve.yData) for name, curve in self.curves.items()
                 if curve.isVisible() and curve.xData is not None and len(curve.xData)}
        if not drawn:
            return
        kept = [(run.epochs, run.losses) for run in self.kept]
        epochs = np.concatenate([xs for xs, _ in [*drawn.values(), *kept]])
        first, last = float(epochs.min()), float(epochs.max())
        x_range = (first, first + nice_ceiling(max(last - first, 1.0)))
        losses = np.concatenate([ys for name, (_, ys) in drawn.items() if name in LOSS_FIELDS]
                                + [ys for _, ys in kept] + [np.empty(0)])
        y_range = self._loss_range(losses[np.isfinite(losses)])
        if (x_range, y_range) == self._ranges:
            return
        self._ranges = (x_range, y_range)
        self.loss_plot.setXRange(*x_range, padding=0.01)
        if y_range is not None:
            self.loss_plot.setYRange(*y_range, padding=0.03)
        for plot in (self.loss_plot, self.accuracy_plot):  # lay out now, not in a 2nd paint
            plot.getViewBox().prepareForPaint()

    def _loss_range(self, losses: np.ndarray) -> tuple[float, float] | None:
        """The loss axis' range for these values (log10 of them on the log scale)."""
        if self.log_box.isChecked():
            losses = losses[losses > 0]
            if not len(losses):
                return None
            low, high = (math.floor(10 * math.log10(losses.min())) / 10,
                         math.ceil(10 * math.log10(losses.max())) / 10)  # tenths of a decade
            return (low, high if high > low else low + 0.1)
        if not len(losses):
            return None
        low, high = float(losses.min()), float(losses.max())
        low = 0.0 if low >= 0 else -nice_ceiling(-low)
        high = nice_ceiling(high) if high > 0 else 0.0
        return (low, high if high > low else low + 1.0)

    def clear(self) -> None:
        """Forget the history: empty curves, no summary (a reset or a new run)."""
        self._seen, self._last = 0, None
        self._reset_series()
        self._ranges = None
        for curve in self.curves.values():
            curve.setData([], [])
        self._set_caption()
        self.summary.setText("")
        self._hide_hover()

    def _take(self, history: Sequence[EpochRecord]) -> None:
        """Add the records not seen yet; start over when `history` is another run's."""
        seen = self._seen
        if seen and (len(history) < seen or history[seen - 1] is not self._last):
            at = bisect_left(history, self._last.epoch, key=_EPOCH)
            if at < len(history) and history[at] is self._last:
                seen = self._follow_thinning(history, at)
            else:  # another run
                self._reset_series()
                seen = 0
        self._add(history[seen:])
        if history and history[-1].subsample != self._subsample:
            self._subsample = history[-1].subsample
            self._set_caption()
        self._seen = len(history)
        self._last = history[-1] if history else None

    def _add(self, records: Sequence[EpochRecord]) -> None:
        epochs = list(map(_EPOCH, records))
        for name, series in self._series.items():
            series.extend(epochs, list(map(attrgetter(name), records)))

    def _follow_thinning(self, history: Sequence[EpochRecord], at: int) -> int:
        """The run's history thinned its older epochs (the last record seen is at `at`):
        redo the points before its exact part; returns how many records are now taken."""
        start = exact_from(history) or history[0].epoch
        exact = bisect_left(history, start, key=_EPOCH)
        kept = {name: series.since(start) for name, series in self._series.items()}
        self._reset_series()
        self._add(history[:exact])
        for name, series in self._series.items():
            series.extend(*kept[name])
        return max(exact, at + 1)

    @staticmethod
    def _summary(record: EpochRecord) -> str:
        parts = [f"epoch {record.epoch}"]
        for name, value in (("train loss", record.train_loss), ("test loss", record.test_loss),
                            ("train acc", record.train_accuracy),
                            ("test acc", record.test_accuracy)):
            if value is not None:
                parts.append(f"{name} {_format(value)}")
        return SEPARATOR.join(part.replace(" ", "\N{NO-BREAK SPACE}") for part in parts)

    # ---- run comparison -------------------------------------------------------------------
    @Slot()
    def keep_run(self) -> None:
        """Keep the current run's train loss as a faded curve, labelled by `run_label`."""
        if not len(self._train_loss):
            return
        if len(self.kept) == MAX_KEPT:
            self.kept.pop(0)
            self.loss_plot.removeItem(self._kept_curves.pop(0))
        color = pg.intColor(self._runs_kept, hues=MAX_KEPT, alpha=KEPT_ALPHA)
        self._runs_kept += 1
        epochs, losses = thin(self._train_loss.epochs, self._train_loss.values)
        run = KeptRun(self.run_label(), epochs, losses, color)
        curve = self.loss_plot.plot(epochs, losses, pen=pg.mkPen(color, width=2))
        curve.setZValue(-1)
        self.kept.append(run)
        self._kept_curves.append(curve)
        self._show_runs()

    @Slot()
    def clear_runs(self) -> None:
        for curve in self._kept_curves:
            self.loss_plot.removeItem(curve)
        self.kept, self._kept_curves = [], []
        self._runs_kept = 0
        self._show_runs()

    def _show_runs(self) -> None:
        """The legend of kept runs; every run starts from the seed's weights."""
        parts = [f"<span style='color:{run.color.name()}'>━━&nbsp;"
                 f"{run.label.replace(' ', '&nbsp;')}</span>" for run in self.kept]
        self.runs_caption.setText("Kept runs (same start weights for the same seed): "
                                  + " &nbsp;".join(parts))
        self.runs_caption.setVisible(bool(self.kept))
        self._fit_ranges()

    # ---- hover ----------------------------------------------------------------------------
    def hover_at(self, epoch: float) -> None:
        """Mark the epoch nearest to `epoch` and show its values (nothing when empty)."""
        batch = self._series["batch_loss"]
        anchor = batch if self.batch_box.isChecked() and len(batch) else self._train_loss
        nearest = anchor.nearest(epoch)
        if nearest is None:
            self._hide_hover()
            return
        self._hover_epoch = epoch
        at = nearest[0]
        lines = [f"epoch {at}"]
        shown = [("train loss", "train_loss"), ("test loss", "test_loss"),
                 ("train acc", "train_accuracy"), ("test acc", "test_accuracy")]
        if anchor is batch:
            shown.append(("batch mean", "batch_loss"))
        for name, field in shown:
            point = self._series[field].nearest(at)
            if point is not None:
                where = "" if point[0] == at else f" (epoch {point[0]})"
                lines.append(f"{name} {_format(point[1])}{where}")
        self.hover_text.setText("\n".join(lines))
        for line in (self.loss_line, self.accuracy_line):
            line.setPos(at)
            line.show()
        (x_low, x_high), (_, y_high) = self.loss_plot.viewRange()
        right_half = at > (x_low + x_high) / 2
        self.hover_text.setAnchor((1.0, 0.0) if right_half else (0.0, 0.0))
        self.hover_text.setPos(at, y_high)
        self.hover_text.show()

    def _hide_hover(self) -> None:
        self._hover_epoch = None
        for item in (self.loss_line, self.accuracy_line, self.hover_text):
            item.hide()

    def _hover_scene(self, plot: pg.PlotWidget, scene_pos: QPointF) -> None:
        view = plot.getPlotItem().getViewBox()
        if view.sceneBoundingRect().contains(scene_pos):
            self.hover_at(view.mapSceneToView(scene_pos).x())
        else:
            self._hide_hover()

    @Slot(object)
    def _on_loss_mouse_moved(self, scene_pos: QPointF) -> None:
        self._hover_scene(self.loss_plot, scene_pos)

    @Slot(object)
    def _on_accuracy_mouse_moved(self, scene_pos: QPointF) -> None:
        self._hover_scene(self.accuracy_plot, scene_pos)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        self._hide_hover()
        super().leaveEvent(event)

    # ---- check boxes ----------------------------------------------------------------------
    @Slot(bool)
    def _on_batch_toggled(self, checked: bool) -> None:
        self.batch_loss_curve.setVisible(checked)
        self._set_caption()
        self._fit_ranges()

    @Slot(bool)
    def _on_log_toggled(self, checked: bool) -> None:
        self.loss_plot.setLogMode(y=checked)
        if not checked:
            self.loss_plot.getAxis("left").setTicks(None)
        self._ranges = None
        self._fit_ranges()

    @Slot(object, object, object)
    def _on_loss_range_changed(self, *_args: object) -> None:
        """Fit the log ticks to the new range; keep the hover text at the top of the view."""
        if self.log_box.isChecked():
            ticks = log_ticks(*self.loss_plot.viewRange()[1])
            self.loss_plot.getAxis("left").setTicks([ticks] if len(ticks) > 1 else None)
        if self._hover_epoch is not None:
            self.hover_at(self._hover_epoch)
