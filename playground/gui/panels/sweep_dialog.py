"""Training → Sweep…: train one network many times, changing one setting, and compare.

The sweep runs in its own process (core.sweep.SweepProcess); the dialog polls it and shows,
live, each variant's decision boundary as a small picture and the final training and test
loss against the setting. Clicking a picture opens that variant, trained, as the document.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.project import Project
from playground.core.spec import NetworkSpec
from playground.core.sweep import (
    Result,
    SweepError,
    SweepProcess,
    parse_assignment,
    settings_of,
    suggested_values,
    variants,
)
from playground.gui import theme
from playground.gui.plots.colormaps import class_lut, diverging_lut, to_qimage
from playground.gui.plots.tiles import TileGrid

POLL_MS = 50
TILE = 96
BLANK = np.full((2, 2), np.nan, dtype=np.float32)


def boundary_image(result: Result, classes: int) -> QImage:
    """The variant's decision boundary as the Output view colours it."""
    values = BLANK if result.boundary is None or result.boundary.ndim != 2 else result.boundary
    lut = class_lut(classes) if classes else diverging_lut()
    return to_qimage(values, result.levels, lut)


class SweepDialog(QDialog):
    """Choose a setting and its values, run the sweep, compare, open a variant."""

    openVariant = Signal(object)  # Project: the chosen variant, with its trained weights

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sweep a setting")
        self.project = project
        self.process: SweepProcess | None = None
        self.results: dict[int, Result] = {}
        self.values: list[Any] = []
        self.setting = ""
        self._shown: list[int] = []  # variant index of each tile
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._build()
        self._suggest()

    # ---- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.setting_box = QComboBox()
        self.setting_box.addItems(settings_of(self.project.network))
        self.setting_box.currentTextChanged.connect(self._suggest)
        self.values_edit = QLineEdit()
        self.values_edit.setToolTip("The values to try, separated by commas")
        self.epochs_box = QSpinBox(minimum=1, maximum=1_000_000)
        self.epochs_box.setValue(self.project.training.epochs)
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton("Stop", enabled=False)
        self.stop_button.clicked.connect(self.stop)
        form = QFormLayout()
        form.addRow("Setting", self.setting_box)
        form.addRow("Values", self.values_edit)
        form.addRow("Epochs", self.epochs_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch()
        self.status = QLabel("Each variant trains from its seeded initial weights.")
        self.status.setWordWrap(True)
        self.tiles = TileGrid(TILE)
        self.tiles.setToolTip("Each variant's decision boundary; click one to open it")
        self.tiles.clicked.connect(self._open)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.tiles)
        scroll.setMinimumHeight(TILE + 40)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(200)
        self.plot.addLegend(offset=(-10, 10))
        self.plot.setLabel("left", "final loss")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)  # the values as typed
        self.train_curve = self.plot.plot([], [], pen=pg.mkPen(theme.NEGATIVE, width=2),
                                          symbol="o", symbolBrush=theme.NEGATIVE,
                                          name="training loss")
        self.test_curve = self.plot.plot([], [], pen=pg.mkPen(theme.POSITIVE, width=2),
                                         symbol="s", symbolBrush=theme.POSITIVE,
                                         name="test loss")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.plot, 1)
        self.resize(760, 640)

    @Slot()
    def _suggest(self) -> None:
        values = suggested_values(self.setting_box.currentText())
        self.values_edit.setText(", ".join(str(v) for v in values))

    # ---- running --------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Check the choice, then start the sweep (stopping one that runs)."""
        self.stop()
        setting = self.setting_box.currentText()
        try:
            _, values = parse_assignment(f"{setting}={self.values_edit.text()}")
            variants(self.project, setting, values, self.epochs_box.value())
        except SweepError as err:
            self.status.setText(f"Cannot sweep: {err}")
            return
        self.setting, self.values, self.results = setting, values, {}
        self._show_results()
        self.process = SweepProcess(self.project, setting, values, self.epochs_box.value())
        self.status.setText(f"Training {len(values)} variants…")
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._timer.start()

    @Slot()
    def stop(self) -> None:
        """Stop a running sweep; the variants already trained stay."""
        self._timer.stop()
        if self.process is not None:
            self.process.close()
            self.process = None
            if len(self.results) < len(self.values):
                self.status.setText(f"Stopped after {len(self.results)} of "
                                    f"{len(self.values)} variants.")
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    @Slot()
    def _poll(self) -> None:
        if self.process is None:
            return
        for kind, payload in self.process.receive():
            if kind == "result":
                self.results[payload.index] = payload
                self.status.setText(f"Trained {len(self.results)} of {len(self.values)} "
                                    f"variants ({payload.engine} engine)…")
            elif kind == "error":
                self.status.setText(payload)
            elif kind == "done":
                self.status.setText(f"{len(self.results)} variants in {payload:.1f} s. "
                                    "Click one to open it.")
        self._show_results()
        if self.process.finished:
            self.stop()

    def _show_results(self) -> None:
        done = [self.results[i] for i in sorted(self.results)]
        classes = self.project.network.of_kind("Output")[0].params["units"] \
            if self.project.network.of_kind("Output")[0].params["task"] == "multiclass" else 0
        self._shown = [r.index for r in done]
        self.tiles.set_tiles([boundary_image(r, classes) for r in done],
                             [f"{r.value}" for r in done])
        x, ticks, log = self._axis(done)
        self.plot.setLogMode(x=log, y=False)
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.setLabel("bottom", self.setting)
        for curve, losses in ((self.train_curve, [r.train_loss for r in done]),
                              (self.test_curve, [r.test_loss for r in done])):
            y = np.array([np.nan if v is None or not math.isfinite(v) else v for v in losses])
            curve.setData(x, y, connect="finite")

    def _axis(self, done: list[Result]) -> tuple[np.ndarray, Any, bool]:
        """x positions of the results, ticks at the swept values, and whether x is
        logarithmic."""
        numbers = [v for v in self.values if isinstance(v, int | float)]
        if len(numbers) == len(self.values) and self.values:
            positive = all(v > 0 for v in numbers)
            log = positive and max(numbers) / min(numbers) >= 10
            at = [(math.log10(v) if log else v, str(v)) for v in numbers]  # the swept values
            return np.array([float(r.value) for r in done]), [at], log
        x = np.array([self.values.index(r.value) for r in done], dtype=float)
        return x, [[(i, str(v)) for i, v in enumerate(self.values)]], False

    @Slot(int)
    def _open(self, tile: int) -> None:
        """Open the clicked variant, trained, as the document."""
        result = self.results[self._shown[tile]]
        variant = variants(self.project, self.setting, [result.value],
                           self.epochs_box.value())[0]
        chosen = Project(NetworkSpec.from_dict(variant.network), self.project.data,
                         variant.config, f"{self.project.title} ({self.setting} = "
                         f"{result.value})", self.project.description, self.project.hint,
                         result.weights, imported=self.project.imported)
        self.openVariant.emit(chosen)

    def done(self, code: int) -> None:  # noqa: D401 - Qt's name
        self.stop()
        super().done(code)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.stop()
        super().closeEvent(event)
