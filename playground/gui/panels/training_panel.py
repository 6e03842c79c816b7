"""The training panel: play, pause, step and reset, the live figures, and the settings.

Every settings control makes one undoable edit through the document (`set_training`, or
`edit_spec` for the Output's loss); when the document changes (an edit, undo, redo) the
controls are refreshed from the project with their signals blocked. The figures follow the
controller's frames.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets.base import MAX_SAMPLES
from playground.core.frames import Frame
from playground.core.graph import LOSSES_FOR_TASK
from playground.core.layers import SpecError
from playground.core.seeds import MAX_SEED
from playground.core.spec import NetworkSpec
from playground.gui.document import Document, follow
from playground.gui.panels.batch_mode import BatchModeButtons
from playground.gui.panels.rate_combo import RateCombo
from playground.gui.theme import ERROR
from playground.gui.worker import IDLE, RUNNING, TrainingController

MUTED = "#80868b"  # grey that reads on light and dark palettes
NONE_TEXT = "—"
FIGURES = (("step", "Step"), ("epochs_per_second", "Epochs/s"),
           ("train_loss", "Training loss"), ("test_loss", "Test loss"),
           ("train_accuracy", "Training accuracy"), ("test_accuracy", "Test accuracy"))
FIGURE_TIPS = {
    "epoch": "Epochs trained: passes through the whole training set",
    "step": "Weight updates made: one per batch",
    "epochs_per_second": "Training speed, measured while training runs",
    "train_loss": "The loss 𝓔̄ on the training points for the current weights",
    "test_loss": "The loss 𝓔̄ on the test points: what the network does on unseen data",
    "train_accuracy": "Share of training points classified correctly (classification only)",
    "test_accuracy": "Share of test points classified correctly (classification only)",
}
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}
REGULARIZATION_NAMES = {"none": "none", "l1": "L1", "l2": "L2"}
ALGORITHM_NAMES = {"backprop": "backpropagation", "perceptron": "perceptron rule"}
LOSS_NAMES = {"squared_error": "squared error ½Σe²",
              "binary_cross_entropy": "binary cross-entropy",
              "cross_entropy": "cross-entropy"}
MISSING_DEVICE = {"cuda": "no CUDA GPU on this machine",
                  "mps": "no Apple MPS device on this machine"}
# Settings the perceptron rule does not use: it adds yₙxₙ on each mistake, one sample at a time.
BACKPROP_ONLY = ("learning_rate", "batch_size", "optimizer", "momentum", "regularization",
                 "regularization_rate", "grad_norm_threshold", "loss_change_threshold",
                 "early_stopping_patience")
TIPS = {
    "learning_rate": "The learning rate η: the step size of each update. Pick one or type a "
                     "number from 0 to 1000 and press Enter",
    "batch_size": "Samples per update: 1 = online learning (one sample at a time), "
                  "0 = full batch (all training samples at once)",
    "optimizer": "How updates are made: plain SGD, SGD with momentum, or Adam",
    "momentum": "The momentum constant α: the share of the previous update carried into the "
                "next (SGD + momentum only)",
    "regularization": "A penalty on the weights: L1 (Σ|w|) or L2 (½Σw²)",
    "regularization_rate": "Strength λ of the penalty on the weights. Pick one or type a number "
                           "from 0 to 10 and press Enter",
    "epochs": "The epoch limit: with it on, a run stops after this many epochs; play again to "
              "train as many more",
    "epoch_limit": "Stop each run after the epochs set here; off: train until you pause "
                   "(as TensorFlow Playground does)",
    "grad_norm_threshold": "Stop when the gradient's norm ‖∇𝓔̄‖ falls below this (off = never)",
    "loss_change_threshold": "Stop when the epoch's loss changes by less than this "
                             "(off = never)",
    "early_stopping_patience": "Stop after this many epochs without a better test loss "
                               "(off = never)",
    "seed": "Seed of the initial weights and the sample order: the same seed gives the same run",
    "device": "Where to train: auto takes a GPU when there is one, else the CPU",
    "algorithm": "The learning rule: backpropagation of the loss's gradient, or Rosenblatt's "
                 "perceptron rule (Input straight to a step Output; it ignores the learning "
                 "rate, batch, optimiser, penalty and stopping thresholds)",
    "loss": "How the Output node measures errors (only the losses that suit its task)",
}
CAPTIONS = {"learning_rate": "Learning rate", "batch_size": "Batch size",
            "optimizer": "Optimiser", "momentum": "Momentum α",
            "regularization": "Regularisation", "regularization_rate": "Regularisation rate",
            "loss": "Loss", "algorithm": "Learning rule", "epochs": "Epoch limit",
            "early_stopping_patience": "Patience (epochs)",
            "grad_norm_threshold": "Stop: ‖gradient‖ <",
            "loss_change_threshold": "Stop: Δloss <",
            "seed": "Seed", "device": "Device"}
# The settings grid, two editors a row.
GRID = (("learning_rate", "batch_size"), ("optimizer", "momentum"),
        ("regularization", "regularization_rate"), ("loss", "algorithm"),
        ("epochs", "early_stopping_patience"), ("grad_norm_threshold", "loss_change_threshold"),
        ("seed", "device"))
COMBO_CHARS = 8  # combos are sized for this many characters and elide longer items
SMALL_TEXT = 0.9  # captions and the status line, relative to the panel's font size


def _loss_text(value: float | None) -> str:
    if value is None:
        return NONE_TEXT
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.3f}"
    return f"{value:.3g}"


def _dice_icon(size: int = 32) -> QIcon:
    """A die showing five, drawn with QPainter (no image files)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#5f6368"))
    painter.setBrush(QColor("white"))
    unit = size / 32
    painter.drawRoundedRect(QRectF(3 * unit, 3 * unit, 26 * unit, 26 * unit), 5 * unit, 5 * unit)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#202124"))
    for x, y in ((10, 10), (22, 10), (16, 16), (10, 22), (22, 22)):
        painter.drawEllipse(QPointF(x * unit, y * unit), 2.6 * unit, 2.6 * unit)
    painter.end()
    return QIcon(pixmap)


def play_look(state: str) -> tuple[QStyle.StandardPixmap, str]:
    """The Play/Pause control's icon and text for a training state."""
    if state == RUNNING:
        return QStyle.StandardPixmap.SP_MediaPause, "Pause"
    return QStyle.StandardPixmap.SP_MediaPlay, "Play"


class TrainingPanel(QWidget):
    """Runs the controller and edits the project's `TrainConfig` and the Output's loss."""

    def __init__(self, document: Document, controller: TrainingController,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self.controller = controller
        self.editors: dict[str, QWidget] = {}
        self.figures: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self._error_shown = False
        self._build_controls()
        self._build_figures()
        self._build_banner()
        self._build_settings()
        self._build_layout()
        controller.frameReady.connect(self._show_figures)
        controller.stateChanged.connect(self._on_state_changed)
        controller.diverged.connect(self._on_diverged)
        controller.message.connect(self._on_message)
        document.changed.connect(self._on_document_changed)
        self._on_state_changed(controller.state)
        self._show_figures(controller.last_frame)
        self._refresh()

    # ---- construction ---------------------------------------------------------------------
    def _tool_button(self, icon: QStyle.StandardPixmap, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    def _build_controls(self) -> None:
        pixmap = QStyle.StandardPixmap
        self.play_button = self._tool_button(pixmap.SP_MediaPlay, "Play", "")
        self.play_button.clicked.connect(self.controller.toggle)
        self.step_button = self._tool_button(pixmap.SP_MediaSkipForward, "Step",
                                             "Train one batch or one epoch, then pause")
        self.step_button.clicked.connect(self._on_step)
        self.step_unit = QComboBox()
        self.step_unit.addItem("batch", "batch")
        self.step_unit.addItem("epoch", "epoch")
        self.step_unit.setItemData(0, "Step makes one update on one batch",
                                   Qt.ItemDataRole.ToolTipRole)
        self.step_unit.setItemData(1, "Step trains one whole epoch",
                                   Qt.ItemDataRole.ToolTipRole)
        self.step_unit.setToolTip("What one press of Step trains: a batch or an epoch")
        self.reset_button = self._tool_button(pixmap.SP_BrowserReload, "Reset",
                                              "Re-initialise the weights with the seed")
        self.reset_button.clicked.connect(self._on_reset)

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * SMALL_TEXT)
        return font

    def _build_figures(self) -> None:
        small = self._small_font()
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 2.2)
        big.setWeight(QFont.Weight.Light)
        medium = QFont(self.font())
        medium.setPointSizeF(medium.pointSizeF() * 1.35)
        for font in (big, medium):
            font.setFeature(QFont.Tag("tnum"), 1)  # digits of one width: figures do not jitter
        self._figure_grid = QGridLayout()
        self._figure_grid.setHorizontalSpacing(12)
        self._figure_grid.setVerticalSpacing(0)
        self.figures["epoch"] = self._figure(big, FIGURE_TIPS["epoch"])
        self._figure_grid.addWidget(self._caption("Epoch", small, FIGURE_TIPS["epoch"]),
                                    0, 0, 1, 2)
        self._figure_grid.addWidget(self.figures["epoch"], 1, 0, 1, 2)
        for index, (name, caption) in enumerate(FIGURES):
            row, column = 2 + 2 * (index // 2), index % 2
            self._figure_grid.addWidget(self._caption(caption, small, FIGURE_TIPS[name]),
                                        row, column)
            self.figures[name] = self._figure(medium, FIGURE_TIPS[name])
            self._figure_grid.addWidget(self.figures[name], row + 1, column)
        self.subsample_note = self._caption("", small, "Evaluating every sample each frame "
                                            "would slow training; pause for exact figures")
        self.subsample_note.hide()
        self._figure_grid.addWidget(self.subsample_note, 2 + 2 * len(FIGURES) // 2, 0, 1, 2)
        self._figure_grid.setColumnStretch(0, 1)
        self._figure_grid.setColumnStretch(1, 1)

    @staticmethod
    def _caption(text: str, font: QFont, tip: str) -> QLabel:
        label = QLabel(text)
        label.setFont(font)
        label.setStyleSheet(f"color: {MUTED}")
        label.setToolTip(tip)
        return label

    @staticmethod
    def _figure(font: QFont, tip: str) -> QLabel:
        label = QLabel()
        label.setFont(font)
        label.setToolTip(tip)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_banner(self) -> None:
        self.banner = QFrame()
        self.banner.setObjectName("divergedBanner")
        self.banner.setStyleSheet(f"QFrame#divergedBanner {{ background: {ERROR.name()}; "
                                  "border-radius: 4px; } QLabel, QToolButton { color: white; } "
                                  "QToolButton { border: none; font-weight: bold; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setToolTip("Training diverged: the loss became too large or not a "
                                    "number. Lower the learning rate and press Reset")
        self.banner_close = QToolButton()
        self.banner_close.setText("×")
        self.banner_close.setToolTip("Hide this message")
        self.banner_close.clicked.connect(self.banner.hide)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 6, 4, 6)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.banner_close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setFont(self._small_font())
        self.status.setToolTip("What training and the last settings change said")
        self._show_status("")

    def _build_settings(self) -> None:
        self._add_rate_combo("learning_rate")
        batch = self._spin(0, MAX_SAMPLES, "batch_size")
        batch.setSpecialValueText("full batch")
        self.batch_mode = BatchModeButtons(lambda size: self._set("batch_size", size))
        self._add_choice("optimizer", OPTIMIZER_NAMES)
        momentum = QDoubleSpinBox()
        momentum.setRange(0.0, 0.999)
        momentum.setDecimals(3)
        momentum.setSingleStep(0.05)
        self._add_editor("momentum", momentum, momentum.valueChanged)
        self._add_choice("regularization", REGULARIZATION_NAMES)
        self._add_rate_combo("regularization_rate")
        self._spin(1, 1_000_000, "epochs")
        limit = QCheckBox()
        self._add_editor("epoch_limit", limit, limit.toggled)
        self._threshold("grad_norm_threshold", 0.001)
        self._threshold("loss_change_threshold", 0.0001)
        self._spin(0, 1_000_000, "early_stopping_patience").setSpecialValueText("off")
        self._spin(0, MAX_SEED, "seed")
        self.new_seed_button = QToolButton()
        self.new_seed_button.setIcon(_dice_icon())
        self.new_seed_button.setToolTip("Roll a new random seed: new initial weights")
        self.new_seed_button.clicked.connect(self._on_new_seed)
        self._add_device_combo()
        self._add_choice("algorithm", ALGORITHM_NAMES)
        loss = QComboBox()
        loss.activated.connect(self._on_loss_chosen)
        self._prepare(loss, "loss")

    def _prepare(self, editor: QWidget, field: str) -> None:
        """Register an editor with its tooltip; combos may shrink to the dock's width."""
        editor.setToolTip(TIPS[field])
        if isinstance(editor, QComboBox):
            editor.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(COMBO_CHARS)
        self.editors[field] = editor

    def _add_editor(self, field: str, editor: QWidget, signal: Any) -> None:
        """An editor whose `signal` carries the new value of `field`."""
        self._prepare(editor, field)
        signal.connect(lambda value: self._set(field, value))

    def _add_choice(self, field: str, names: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        for value, text in names.items():
            combo.addItem(text, value)
        self._prepare(combo, field)
        combo.activated.connect(lambda index: self._set(field, combo.itemData(index)))
        return combo

    def _spin(self, low: int, high: int, field: str) -> QSpinBox:
        """A spin box that reports its value when editing is done, not at every keystroke."""
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setKeyboardTracking(False)
        self._add_editor(field, spin, spin.valueChanged)
        return spin

    def _threshold(self, field: str, step: float) -> None:
        spin = QDoubleSpinBox()
        spin.setRange(0.0, 1e3)
        spin.setDecimals(6)
        spin.setSingleStep(step)
        spin.setSpecialValueText("off")
        spin.setKeyboardTracking(False)
        self._add_editor(field, spin, spin.valueChanged)

    def _add_rate_combo(self, field: str) -> None:
        """An editable combo of suggested rates that also takes a typed number."""
        combo = RateCombo(field, CAPTIONS[field])
        self._prepare(combo, field)
        combo.committed.connect(lambda value: self._set(field, value))
        combo.rejected.connect(self._on_rate_rejected)

    def _add_device_combo(self) -> None:
        combo = QComboBox()
        combo.addItem("auto", "auto")
        for name in ("cpu", "cuda", "mps"):
            combo.addItem(name, name)
        self._prepare(combo, "device")
        combo.activated.connect(lambda index: self._set("device", combo.itemData(index)))
        self.controller.devicesKnown.connect(self._show_devices)
        self._show_devices(self.controller.devices)

    @Slot(object)
    def _show_devices(self, devices: dict) -> None:
        """What this machine has, as the training process found it: what `auto` picks, and
        the devices that are missing greyed out."""
        combo = self.editors["device"]
        combo.setItemText(0, f"auto ({devices['auto']})")
        model = combo.model()
        for index in range(1, combo.count()):
            name = combo.itemData(index)
            item = model.item(index)
            item.setEnabled(bool(devices[name]))
            item.setToolTip("" if devices[name] else MISSING_DEVICE[name])

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.setSpacing(4)
        controls.addWidget(self.play_button)
        controls.addWidget(self.step_button)
        controls.addWidget(self.step_unit)
        controls.addStretch(1)
        controls.addWidget(self.reset_button)
        settings = QGridLayout()
        settings.setHorizontalSpacing(10)
        settings.setVerticalSpacing(2)
        small = self._small_font()
        for row, pair in enumerate(GRID):
            for column, field in enumerate(pair):
                caption = QLabel(CAPTIONS[field])
                caption.setFont(small)
                caption.setToolTip(TIPS[field])
                caption.setBuddy(self.editors[field])
                self.captions[field] = caption
                settings.addWidget(caption, 2 * row, column)
                settings.addWidget(self._field_widget(field), 2 * row + 1, column)
        settings.setColumnStretch(0, 1)
        settings.setColumnStretch(1, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(self._figure_grid)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(line)
        layout.addWidget(self.batch_mode)
        layout.addLayout(settings)
        layout.addStretch(1)

    def _field_widget(self, field: str) -> QWidget:
        """The editor; the seed with its dice button, the epochs with the limit's switch."""
        if field not in ("seed", "epochs"):
            return self.editors[field]
        host = QWidget()
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        if field == "epochs":
            row.addWidget(self.editors["epoch_limit"])
        row.addWidget(self.editors[field], 1)
        if field == "seed":
            row.addWidget(self.new_seed_button)
        return host

    # ---- the document ---------------------------------------------------------------------
    @property
    def document(self) -> Document:
        return self._document

    def set_document(self, document: Document) -> None:
        """Show and edit another document; the controller is rebound by the main window."""
        self._document = follow(self._document, document, self._on_document_changed)
        self._show_status("")
        self._refresh()

    @Slot()
    def _on_document_changed(self) -> None:
        if self._error_shown:  # the project moved on: an error about an earlier edit is stale
            self._show_status("")
        self._refresh()

    def _refresh(self) -> None:
        """Show the project's training settings and loss without emitting edits."""
        config = self._document.project.training
        for widget in self.editors.values():
            widget.blockSignals(True)
        try:
            for field, editor in self.editors.items():
                if field == "loss":
                    self._show_loss()
                elif isinstance(editor, RateCombo):
                    editor.show_value(getattr(config, field))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(editor.findData(getattr(config, field)))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(getattr(config, field))
                elif isinstance(editor, QSpinBox):
                    editor.setValue(min(getattr(config, field), editor.maximum()))
                elif isinstance(editor, QDoubleSpinBox):
                    editor.setValue(getattr(config, field))
        finally:
            for widget in self.editors.values():
                widget.blockSignals(False)
        self.batch_mode.show_batch(config.batch_size)
        self._enable(config.algorithm == "backprop", config.optimizer == "momentum",
                     config.regularization != "none")
        self.editors["epochs"].setEnabled(config.epoch_limit)

    def _output_id(self) -> str | None:
        outputs = self._document.spec.of_kind("Output")
        return outputs[0].id if len(outputs) == 1 else None

    def _show_loss(self) -> None:
        """Offer the losses that suit the Output's task, and select its loss."""
        combo = self.editors["loss"]
        assert isinstance(combo, QComboBox)
        out_id = self._output_id()
        combo.setEnabled(out_id is not None)
        if out_id is None:
            combo.clear()
            combo.setToolTip("The loss belongs to the Output node: the network needs exactly "
                             "one Output")
            return
        params = self._document.spec.layer(out_id).params
        choices = list(LOSSES_FOR_TASK[params["task"]])
        if params["loss"] not in choices:  # an invalid loss from a file: show it as it is
            choices.append(params["loss"])
        if [combo.itemData(i) for i in range(combo.count())] != choices:
            combo.clear()
            for loss in choices:
                combo.addItem(LOSS_NAMES[loss], loss)
        combo.setCurrentIndex(combo.findData(params["loss"]))
        combo.setToolTip(f"{TIPS['loss']}; the task is {params['task']}")

    def _enable(self, backprop: bool, momentum: bool, penalty: bool) -> None:
        """Grey out the settings the chosen learning rule and optimiser do not use."""
        self.batch_mode.setEnabled(backprop)
        for field in BACKPROP_ONLY:
            enabled = backprop and (field != "momentum" or momentum) \
                and (field != "regularization_rate" or penalty)
            self.editors[field].setEnabled(enabled)
            self.captions[field].setEnabled(enabled)

    # ---- edits ----------------------------------------------------------------------------
    def _set(self, field: str, value: Any) -> None:
        """Change one training setting as one undoable edit, unless it is unchanged."""
        if refused := self._document.change_training(field, value):
            self._show_status(refused, error=True)
            self._refresh()

    @Slot(str)
    def _on_rate_rejected(self, message: str) -> None:
        self._show_status(message, error=True)
        self._refresh()

    def _edit_network(self, text: str, mutate: Callable[[NetworkSpec], object]) -> None:
        """An undoable network edit; says so when it leaves the network invalid."""
        try:
            self._document.edit_spec(text, mutate)
        except SpecError as err:
            self._show_status(str(err), error=True)
            self._refresh()
            return
        info = self._document.info
        if not info.ok:
            problems = " ".join(issue.message for issue in info.issues)
            self._show_status(f"The network is now invalid: {problems}", error=True)

    @Slot(int)
    def _on_loss_chosen(self, index: int) -> None:
        combo = self.editors["loss"]
        assert isinstance(combo, QComboBox)
        loss, out_id = combo.itemData(index), self._output_id()
        if out_id is None or self._document.spec.layer(out_id).params["loss"] == loss:
            return
        self._edit_network("Set loss", lambda spec: spec.set_params(out_id, loss=loss))

    @Slot()
    def _on_new_seed(self) -> None:
        current = self._document.project.training.seed
        seed = random.randrange(MAX_SEED)
        while seed == current:
            seed = random.randrange(MAX_SEED)
        self._set("seed", seed)

    # ---- the controller -------------------------------------------------------------------
    @Slot()
    def _on_reset(self) -> None:
        self.banner.hide()
        self.controller.reset()

    @Slot()
    def _on_step(self) -> None:
        self.controller.step(self.step_unit.currentData())

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        running = state == RUNNING
        icon, text = play_look(state)
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(text)
        self.play_button.setToolTip("Pause training" if running else
                                    "Train until paused, or until a stopping criterion set "
                                    "below holds")
        if state in (RUNNING, IDLE):  # a fresh start or a reset: earlier news is stale
            self.banner.hide()
            if not self._error_shown:
                self._show_status("")

    @Slot(object)
    def _show_figures(self, frame: Frame | None) -> None:
        """The frame's epoch, step, speed, losses and accuracies (dashes before any frame)."""
        if frame is None:
            self.figures["epoch"].setText(f"{0:07,}")
            for name, _ in FIGURES:
                self.figures[name].setText(NONE_TEXT)
            return
        record = frame.snapshot.record
        self.figures["epoch"].setText(f"{record.epoch:07,}")
        speed = frame.epochs_per_second
        self.figures["step"].setText(f"{record.step:,}")
        self.figures["epochs_per_second"].setText(f"{speed:,.1f}" if speed > 0 else NONE_TEXT)
        self.figures["train_loss"].setText(_loss_text(record.train_loss))
        self.figures["test_loss"].setText(_loss_text(record.test_loss))
        for name in ("train_accuracy", "test_accuracy"):
            value = getattr(record, name)
            self.figures[name].setText(NONE_TEXT if value is None else f"{value:.1%}")
        subsample = frame.snapshot.subsample
        self.subsample_note.setText(f"Losses and accuracies: a subsample of {subsample:,} per "
                                    "split while training runs; exact when paused")
        self.subsample_note.setVisible(subsample > 0)

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        self.banner_text.setText(message)
        self.banner.show()

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self._show_status(text)

    def _show_status(self, text: str, error: bool = False) -> None:
        self._error_shown = error and bool(text)
        self.status.setStyleSheet(f"color: {ERROR.name() if error else MUTED}")
        self.status.setText(text)
        self.status.setVisible(bool(text))
