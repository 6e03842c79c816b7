"""Data points on a plot: where each one goes and its colour (its class or target value)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from playground.core.datasets import KIND_PLANE, TASK_REGRESSION, Dataset
from playground.gui import theme
from playground.gui.plots.colormaps import diverging_lut, lut_indices

LUT_SIZE = 256


def symbol_size(n_points: int) -> float:
    """Smaller dots for big data sets, so that plots stay readable."""
    return 7.0 if n_points <= 1000 else 4.0 if n_points <= 10_000 else 2.0


def positions(dataset: Dataset, points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Plot coordinates: plane points as they are, 1-D points as (x, target)."""
    if dataset.kind == KIND_PLANE:
        return points
    return np.column_stack([points[:, 0], first_column(targets)])


def first_column(targets: np.ndarray) -> np.ndarray:
    """Each sample's first target value (an autoencoder's targets have several)."""
    return targets.reshape(len(targets), -1)[:, 0]


def value_limit(dataset: Dataset) -> float:
    """Half-width of the symmetric colour scale for regression targets."""
    targets = np.concatenate([dataset.y_train.ravel(), dataset.y_test.ravel()])
    peak = float(np.abs(targets).max()) if targets.size else 0.0
    return peak or 1.0


def color_indices(dataset: Dataset, targets: np.ndarray) -> np.ndarray:
    """Each point's entry in `color_table`: its class, or its (first) value on the ± scale."""
    if dataset.task == TASK_REGRESSION:
        limit = value_limit(dataset)
        return lut_indices(first_column(targets), (-limit, limit), LUT_SIZE)
    return targets.astype(np.intp)


def color_table(dataset: Dataset) -> list[QColor]:
    """Class colours, or the orange-white-blue value scale for regression."""
    if dataset.task == TASK_REGRESSION:
        return [QColor(*map(int, rgba)) for rgba in diverging_lut(LUT_SIZE)]
    return [theme.class_color(i) for i in range(dataset.n_classes)]


def still_plot(plot: pg.PlotItem, text: QColor) -> None:
    """A plot that shows rather than explores: no mouse panning, menu or buttons (make it
    with `enableMenu=False`: pyqtgraph then does not build the view box's menu at all)."""
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    for name in ("left", "bottom"):
        plot.getAxis(name).setTextPen(text)
    for name in ("left", "bottom", "right", "top"):
        # Ticks say the values themselves; pyqtgraph would rescale an axis of small or large
        # values and write the factor beside it, and redo its label at every range change
        # (of hidden axes too).
        plot.getAxis(name).enableAutoSIPrefix(False)


class PointPaint:
    """Brushes (filled train points) and pens (hollow test points) for a data set's colours."""

    def __init__(self, pen_width: float = 1.5):
        self.pen_width = pen_width
        self._cache: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}

    def _tables(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        key = (dataset.task, dataset.n_classes)
        if key not in self._cache:
            colors = color_table(dataset)
            self._cache[key] = (np.array([pg.mkBrush(c) for c in colors], dtype=object),
                                np.array([pg.mkPen(c, width=self.pen_width) for c in colors],
                                         dtype=object))
        return self._cache[key]

    def brushes(self, dataset: Dataset, targets: np.ndarray) -> np.ndarray:
        return self._tables(dataset)[0][color_indices(dataset, targets)]

    def pens(self, dataset: Dataset, targets: np.ndarray) -> np.ndarray:
        return self._tables(dataset)[1][color_indices(dataset, targets)]
