"""The bar above the canvas with what people change all the time, as in TensorFlow
Playground: Play, Step and Reset, the speed, the epoch counter, the learning rate, the
hidden layers' activation, the penalty and its rate, the batch size and the problem type.

Every control is bound to the core's schema (`TrainConfig`'s ranges and choices, the layer
catalogue's activations, the data sets' tasks) and edits the document as one undo step;
when the document changes (here, in the Training panel, by undo) the bar shows it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import DATASETS, DataConfigError
from playground.core.datasets.info import KIND_PLANE, TASK_REGRESSION
from playground.core.frames import Frame
from playground.core.layers import ACTIVATIONS, KINDS, SpecError
from playground.core.training.config import PARAMS
from playground.gui.document import Document, follow
from playground.gui.panels.inspector import CHOICE_NAMES
from playground.gui.panels.rate_combo import RateCombo
from playground.gui.panels.training_panel import MUTED, REGULARIZATION_NAMES

# Steps trained between two frames, slowest first; None: as fast as it goes.
SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 20, 50, 100, 300, 1000, None)
MIXED = "mixed"
PROBLEMS = {"classification": "Classification", "regression": "Regression"}


def speed_text(steps: int | None) -> str:
    if steps is None:
        return "fastest"
    return f"{steps:,} step{'' if steps == 1 else 's'}/frame"


def hidden_layers(document: Document) -> list[str]:
    """The layers whose activation the bar sets: every layer with a hidden activation (not
    the Output, whose activation follows its task)."""
    return [layer.id for layer in document.spec.layers
            if any(p.name == "activation" and p.choices == ACTIVATIONS
                   for p in KINDS[layer.kind].params)]


def problem_of(name: str) -> str | None:
    """'classification' or 'regression' for a plane data set, else None."""
    info = DATASETS.get(name)
    if info is None or info.kind != KIND_PLANE:
        return None
    return "regression" if info.task == TASK_REGRESSION else "classification"


class TopBar(QToolBar):
    """One row of captioned controls (`actions` as icons first, `tail` as text last);
    `message` carries what went wrong with an edit. In a narrow window the controls that do
    not fit move into the bar's » menu."""

    message = Signal(str)
    speedChanged = Signal(object)  # steps per frame, or None for as fast as it goes

    def __init__(self, document: Document, actions: list[QAction], tail: list[QAction],
                 parent: QWidget | None = None):
        super().__init__("Training", parent)
        self.setObjectName("toolbar-training")
        self.setMovable(False)
        self.setFloatable(False)
        self._document = document
        self._small = QFont(self.font())
        self._small.setPointSizeF(self._small.pointSizeF() * 0.85)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addActions(actions)
        self._build_speed()
        self.epoch = QLabel("000,000")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setFeature(QFont.Tag("tnum"), 1)
        self.epoch.setFont(big)
        self.epoch.setToolTip("Epochs trained: passes through the whole training set")
        self.epoch.setMinimumWidth(self.epoch.sizeHint().width())
        self._captioned("Epoch", self.epoch)
        self.learning_rate = self._rate("learning_rate", "Learning rate")
        self._captioned("Learning rate", self.learning_rate)
        self.activation = QComboBox()
        for name in ACTIVATIONS:
            self.activation.addItem(CHOICE_NAMES.get(name, name), name)
        self.activation.setToolTip("The activation φ of every hidden layer (the Output's "
                                   "follows its task); set one layer's in the Inspector")
        self.activation.activated.connect(self._on_activation)
        self._captioned("Activation", self.activation)
        self.regularization = QComboBox()
        for name in PARAMS["regularization"].choices or ():
            self.regularization.addItem(REGULARIZATION_NAMES.get(name, name), name)
        self.regularization.setToolTip("A penalty on the weights: L1 (Σ|w|) or L2 (½Σw²)")
        self.regularization.activated.connect(
            lambda i: self._set("regularization", self.regularization.itemData(i)))
        self._captioned("Regularisation", self.regularization)
        self.regularization_rate = self._rate("regularization_rate", "Regularisation rate")
        self._captioned("Reg. rate", self.regularization_rate)
        self.batch_size = QSpinBox()
        batch = PARAMS["batch_size"]
        self.batch_size.setRange(int(batch.minimum or 0), int(batch.maximum or 0))
        self.batch_size.setSpecialValueText("full")
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setToolTip("Samples per update: 1 = online learning, 0 = full batch")
        self.batch_size.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000000") + 28)
        self.batch_size.valueChanged.connect(lambda v: self._set("batch_size", v))
        self._captioned("Batch size", self.batch_size)
        self.problem = QComboBox()
        self.problem.activated.connect(self._on_problem)
        self._captioned("Problem type", self.problem)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        for action in tail:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            self.addWidget(button)
        for combo in (self.learning_rate, self.regularization_rate):
            combo.setMinimumContentsLength(6)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        document.changed.connect(self._refresh)
        self._refresh()

    # ---- construction ---------------------------------------------------------------------
    def _captioned(self, caption: str, widget: QWidget) -> None:
        """Add `widget` with a small caption above it."""
        host = QWidget()
        host.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(host)
        column.setContentsMargins(7, 0, 7, 0)
        column.setSpacing(0)
        label = QLabel(caption)
        label.setFont(self._small)
        label.setStyleSheet(f"color: {MUTED}")
        label.setToolTip(widget.toolTip())
        column.addWidget(label)
        column.addWidget(widget)
        self.addWidget(host)

    def _rate(self, field: str, caption: str) -> RateCombo:
        combo = RateCombo(field, caption)
        combo.setToolTip(f"{caption}: pick one or type a number and press Enter")
        combo.committed.connect(lambda value: self._set(field, value))
        combo.rejected.connect(self._on_rejected)
        return combo

    def _build_speed(self) -> None:
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setFixedWidth(90)
        self.speed.setToolTip("Training speed: from one update a frame (slow motion, to watch "
                              "each step) to as fast as it goes")
        self.speed_label = QLabel(speed_text(None))
        self.speed_label.setFont(self._small)
        self.speed_label.setMinimumWidth(
            QLabel().fontMetrics().horizontalAdvance(speed_text(1000)) + 4)
        self.speed.valueChanged.connect(self._on_speed)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.speed)
        row.addWidget(self.speed_label)
        host = QWidget()
        host.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        host.setToolTip(self.speed.toolTip())
        self._captioned("Speed", host)

    # ---- the document ---------------------------------------------------------------------
    @property
    def document(self) -> Document:
        return self._document

    def set_document(self, document: Document) -> None:
        self._document = follow(self._document, document, self._refresh)
        self._refresh()

    def editors(self) -> list[QWidget]:
        return [self.learning_rate, self.activation, self.regularization,
                self.regularization_rate, self.batch_size, self.problem, self.speed]

    @Slot()
    def _refresh(self) -> None:
        """Show the document's settings without emitting edits."""
        config = self._document.project.training
        for widget in self.editors():
            widget.blockSignals(True)
        try:
            self.learning_rate.show_value(config.learning_rate)
            self.regularization.setCurrentIndex(self.regularization.findData(
                config.regularization))
            self.regularization_rate.show_value(config.regularization_rate)
            self.batch_size.setValue(min(config.batch_size, self.batch_size.maximum()))
            self._show_activation()
            self._show_problem()
        finally:
            for widget in self.editors():
                widget.blockSignals(False)
        backprop = config.algorithm == "backprop"
        for widget in (self.learning_rate, self.regularization, self.batch_size):
            widget.setEnabled(backprop)
        self.regularization_rate.setEnabled(backprop and config.regularization != "none")

    def _show_activation(self) -> None:
        layers = hidden_layers(self._document)
        found = {self._document.spec.layer(i).params.get("activation") for i in layers}
        mixed = self.activation.findData(MIXED)
        if len(found) == 1:
            if mixed >= 0:
                self.activation.removeItem(mixed)
            self.activation.setCurrentIndex(self.activation.findData(found.pop()))
        else:
            if mixed < 0:
                self.activation.addItem("(mixed)" if found else "(none)", MIXED)
                mixed = self.activation.count() - 1
            self.activation.setCurrentIndex(mixed)
        self.activation.setEnabled(bool(layers))

    def _show_problem(self) -> None:
        name = self._document.project.data.name
        problem = problem_of(name)
        self.problem.clear()
        if problem is None:
            info = DATASETS.get(name)
            self.problem.addItem(info.kind.capitalize() if info else "Imported data", None)
            self.problem.setEnabled(False)
            self.problem.setToolTip("The problem type follows the data set: choose one in the "
                                    "Data panel")
            return
        for value, text in PROBLEMS.items():
            self.problem.addItem(text, value)
        self.problem.setCurrentIndex(self.problem.findData(problem))
        self.problem.setEnabled(True)
        self.problem.setToolTip("Classify the points, or fit a value over the plane (picks a "
                                "data set of that kind; choose which in the Data panel)")

    def show_frame(self, frame: Frame | None) -> None:
        epoch = 0 if frame is None else frame.snapshot.record.epoch
        self.epoch.setText(f"{epoch:07,}")

    # ---- edits ----------------------------------------------------------------------------
    def _set(self, field: str, value: Any) -> None:
        if refused := self._document.change_training(field, value):
            self.message.emit(refused)
            self._refresh()

    @Slot(str)
    def _on_rejected(self, text: str) -> None:
        self.message.emit(text)
        self._refresh()

    @Slot(int)
    def _on_activation(self, index: int) -> None:
        value = self.activation.itemData(index)
        layers = [i for i in hidden_layers(self._document)
                  if self._document.spec.layer(i).params.get("activation") != value]
        if value == MIXED or not layers:
            return

        def apply(spec: Any) -> None:
            for layer in layers:
                spec.set_params(layer, activation=value)

        try:
            self._document.edit_spec(f"Set hidden activation to {value}", apply)
        except SpecError as err:
            self.message.emit(str(err))
            self._refresh()

    @Slot(int)
    def _on_problem(self, index: int) -> None:
        wanted = self.problem.itemData(index)
        data = self._document.project.data
        if wanted is None or problem_of(data.name) == wanted:
            return
        name = next(n for n in DATASETS if problem_of(n) == wanted)
        try:
            messages = self._document.set_data(replace(data, name=name))
        except (DataConfigError, SpecError) as err:
            self.message.emit(str(err))
            self._refresh()
            return
        self.message.emit(" ".join([f"Data set: {DATASETS[name].title}.", *messages]))

    @Slot(int)
    def _on_speed(self, position: int) -> None:
        steps = SPEEDS[position]
        self.speed_label.setText(speed_text(steps))
        self.speedChanged.emit(steps)
