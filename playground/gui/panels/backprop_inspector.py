"""Backprop inspector: one training sample, one update of a dense network, phase by phase.

Next and Back walk through the forward pass (v and y per unit), the error at the outputs,
the local gradients δ layer by layer backwards, and the weight changes Δw = η δ y. The
network is drawn with the numbers beside its units; click a unit to see its formula with the
numbers put in. "Apply update" adds Δw to the project's weights as one undo step. The
numbers are computed in the training process; the dialog asks and draws what comes back.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QPen, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.backprop_numbers import BackpropStep
from playground.core.training.protocol import BackpropAnswer
from playground.gui.document import Document
from playground.gui.panels.backprop_formulas import (
    Phase,
    delta_label,
    formula,
    number,
    phases,
    sample_text,
    unit_label,
)
from playground.gui.theme import ERROR
from playground.gui.worker import TrainingController

COLUMN = 250.0  # scene distance between layers
ROW = 74.0  # between units of a layer
RADIUS = 13.0
MAX_UNITS_DRAWN = 12  # wider layers draw their first units only
HIGHLIGHT = QColor("#1a73e8")
EDGE = QColor(150, 150, 150, 110)


class _Unit(QGraphicsEllipseItem):
    """A clickable unit of the diagram."""

    def __init__(self, inspector: BackpropInspector, layer: int, unit: int, centre: QPointF):
        super().__init__(QRectF(centre.x() - RADIUS, centre.y() - RADIUS, 2 * RADIUS,
                                2 * RADIUS))
        self.inspector, self.layer, self.unit = inspector, layer, unit
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to see this unit's formula with its numbers")

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.inspector.select_unit(self.layer, self.unit)
        event.accept()


class BackpropInspector(QDialog):
    """Steps through one backpropagation update of the document's network."""

    computed = Signal()  # the numbers of the chosen sample arrived and are shown

    def __init__(self, document: Document, controller: TrainingController,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Backprop step")
        self.document = document
        self.controller = controller
        self.step: BackpropStep | None = None
        self.answer: BackpropAnswer | None = None
        self.phase_index = 0
        self.selected = (0, 0)  # (layer, unit); layer 0 is the first Dense layer
        self._loss_before: float | None = None
        self._chosen: QRectF | None = None  # the chosen unit and its numbers, in the scene
        self._build()
        controller.backpropReady.connect(self._show_answer)
        controller.answerFailed.connect(self._failed)
        self._load()

    # ---- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.sample_box = QSpinBox()
        self.sample_box.setToolTip("Which training sample to follow through the update")
        self.sample_text = QLabel()
        self.rate_text = QLabel()
        self.phase_text = QLabel()
        bold = QFont(self.phase_text.font())
        bold.setBold(True)
        self.phase_text.setFont(bold)
        self.formula_text = QLabel()
        self.formula_text.setWordWrap(True)
        self.formula_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula_text.setStyleSheet(f"color: {HIGHLIGHT.name()}")
        larger = QFont(self.formula_text.font())
        larger.setPointSizeF(larger.pointSizeF() * 1.15)
        self.formula_text.setFont(larger)
        self.loss_text = QLabel()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR.name()}")
        self.problem.hide()
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(self.view.renderHints().Antialiasing)
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        self.apply_button = QPushButton("Apply update")
        self.apply_button.setToolTip("Add Δw to the network's weights (one undo step)")
        close = QPushButton("Close")
        top = QHBoxLayout()
        top.addWidget(QLabel("Sample"))
        top.addWidget(self.sample_box)
        top.addWidget(self.sample_text, 1)
        top.addWidget(self.rate_text)
        buttons = QHBoxLayout()
        for button in (self.back_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.loss_text)
        layout.addWidget(self.phase_text)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.formula_text)
        layout.addLayout(buttons)
        self.sample_box.valueChanged.connect(self._on_sample_changed)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.apply_button.clicked.connect(self.apply_update)
        close.clicked.connect(self.accept)
        self.resize(980, 640)

    # ---- the model and the numbers --------------------------------------------------------
    def _load(self) -> None:
        """Ask for the numbers of the chosen sample, from the document's current (or seeded)
        weights."""
        project = self.document.project
        rate = project.training.learning_rate
        note = "" if project.training.optimizer == "sgd" else \
            f" — plain gradient descent; training itself uses {project.training.optimizer}"
        self.rate_text.setText(f"η = {number(rate)} (learning rate){note}")
        self.controller.backprop(self.sample_box.value())

    @Slot(object)
    def _show_answer(self, answer: BackpropAnswer) -> None:
        self.answer, self.step = answer, answer.step
        self.sample_box.blockSignals(True)
        self.sample_box.setRange(0, answer.samples - 1)
        self.sample_box.setValue(answer.sample)
        self.sample_box.blockSignals(False)
        self.problem.hide()
        self.sample_box.setEnabled(True)
        self.sample_text.setText(sample_text(self.document.dataset.x_train[answer.sample],
                                             answer.step.target))
        self._show()
        self.computed.emit()

    @Slot(str, str)
    def _failed(self, kind: str, why: str) -> None:
        if kind == "backprop":
            self._show_problem(why)

    def _show_problem(self, text: str) -> None:
        self.step = None
        self.problem.setText(text)
        self.problem.show()
        for widget in (self.sample_box, self.back_button, self.next_button, self.apply_button):
            widget.setEnabled(False)
        self.scene.clear()

    @property
    def phase(self) -> Phase:
        assert self.step is not None
        return phases(self.step)[self.phase_index]

    # ---- navigation -----------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        if self.step is not None and self.phase_index < len(phases(self.step)) - 1:
            self.phase_index += 1
            self._show()

    @Slot()
    def back(self) -> None:
        if self.phase_index > 0:
            self.phase_index -= 1
            self._show()

    def select_unit(self, layer: int, unit: int) -> None:
        """Show the formula of this unit (layer -1: an input, which has none)."""
        if layer >= 0:
            self.selected = (layer, unit)
            self._show()

    @Slot(int)
    def _on_sample_changed(self, _value: int) -> None:
        self._loss_before = None
        self._load()

    # ---- apply ----------------------------------------------------------------------------
    @Slot()
    def apply_update(self) -> None:
        """w ← w + Δw, b ← b + Δb for every layer: one undoable edit of the weights."""
        if self.step is None or self.answer is None:
            return
        base = self.document.project.weights or self.answer.weights
        merged = dict(base)
        for layer in self.step.layers:
            key = f"{layer.node}.weight"
            merged[key] = (merged[key] + layer.weight_change).astype(base[key].dtype)
            if f"{layer.node}.bias" in merged:
                bias = merged[f"{layer.node}.bias"]
                merged[f"{layer.node}.bias"] = (bias + layer.bias_change).astype(bias.dtype)
        self._loss_before = self.step.loss
        n = self.sample_box.value()
        self.document.edit(f"Apply one backprop step (sample {n})",
                           lambda project: setattr(project, "weights", merged))
        self._load()  # the numbers after the update

    # ---- drawing --------------------------------------------------------------------------
    def _show(self) -> None:
        step = self.step
        if step is None:
            return
        phase = self.phase
        if phase.layer >= 0 and self.selected[0] != phase.layer:
            self.selected = (phase.layer, 0)
        layer, unit = self.selected
        self.phase_text.setText(phase.title)
        text = formula(step, self.answer.loss, phase, layer, unit)
        name = step.layers[layer].node
        self.formula_text.setText(f"{name}, unit {unit + 1}:  {text}")
        count = len(phases(step))
        self.back_button.setEnabled(self.phase_index > 0)
        self.next_button.setEnabled(self.phase_index < count - 1)
        self.apply_button.setEnabled(phase.kind == "change")
        change = ""
        if self._loss_before is not None:
            change = f"   — after the update: {number(self._loss_before)} → {number(step.loss)}"
        self.loss_text.setText(f"This sample's error 𝓔(n) = {number(step.loss)}{change}")
        self._draw(step, phase)

    def _centres(self, step: BackpropStep) -> list[list[QPointF]]:
        widths = [len(step.layers[0].inputs)] + [len(layer.field) for layer in step.layers]
        columns = []
        for c, width in enumerate(widths):
            shown = min(width, MAX_UNITS_DRAWN)
            top = -(shown - 1) * ROW / 2
            columns.append([QPointF(c * COLUMN, top + r * ROW) for r in range(shown)])
        return columns

    def _draw(self, step: BackpropStep, phase: Phase) -> None:
        self.scene.clear()
        centres = self._centres(step)
        layer, unit = self.selected
        for index, data in enumerate(step.layers):
            below, here = centres[index], centres[index + 1]
            for j, end in enumerate(here):
                for i, start in enumerate(below):
                    focus = self._edge_in_focus(phase.kind, index, j, i)
                    pen = QPen(HIGHLIGHT if focus else EDGE, 2.0 if focus else 1.0)
                    self.scene.addLine(start.x() + RADIUS, start.y(), end.x() - RADIUS,
                                       end.y(), pen)
                    if focus:
                        value = data.weight_change[j, i] if phase.kind == "change" \
                            else data.weights[j, i]
                        name = "Δw" if phase.kind == "change" else "w"
                        self._text(f"{name} {number(value)}", start + (end - start) * 0.5,
                                   HIGHLIGHT)
        for i, centre in enumerate(centres[0]):
            self._unit(-1, i, centre, False)
            self._text(f"x{i + 1} = {number(step.layers[0].inputs[i])}",
                       centre + QPointF(-RADIUS - 4, -RADIUS - 18), None)
        self._chosen = None
        for index in range(len(step.layers)):
            for j, centre in enumerate(centres[index + 1]):
                chosen = (index, j) == (layer, unit)
                area = self._unit(index, j, centre, chosen)
                label = unit_label(step, phase.kind, index, j)
                if self._delta_shown(phase, index):
                    label += "\n" + delta_label(step, index, j)
                area |= self._text(label, centre + QPointF(RADIUS + 4, -RADIUS), None)
                if chosen:
                    self._chosen = area
        self.view.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._show_chosen()

    def _show_chosen(self) -> None:
        """Scroll the chosen unit, with its numbers, into view."""
        if self._chosen is not None:
            self.view.ensureVisible(self._chosen, 40, 40)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._show_chosen()  # now that the view has its size

    def _edge_in_focus(self, kind: str, index: int, j: int, i: int) -> bool:
        """Incoming edges of the chosen unit (forward, Δw); its outgoing ones for hidden δ."""
        layer, unit = self.selected
        if kind == "delta" and layer == index - 1:
            return i == unit
        return kind in ("forward", "change") and layer == index and j == unit

    def _delta_shown(self, phase: Phase, index: int) -> bool:
        return phase.kind == "change" or (phase.kind == "delta" and index >= phase.layer)

    def _unit(self, layer: int, unit: int, centre: QPointF, chosen: bool) -> QRectF:
        """Draw a unit; returns where it is."""
        item = _Unit(self, layer, unit, centre)
        item.setBrush(QBrush(HIGHLIGHT if chosen else QColor("white")))
        item.setPen(QPen(QColor("#202124"), 1.5))
        self.scene.addItem(item)
        return item.sceneBoundingRect()

    def _text(self, text: str, at: QPointF, color: QColor | None) -> QRectF:
        """Black text at `at`; coloured (an edge's number) on a white patch, centred.
        Returns where it is."""
        item = self.scene.addSimpleText(text)
        if color is None:
            item.setPos(at)
            return item.sceneBoundingRect()
        item.setBrush(QBrush(color))
        box = item.boundingRect()
        item.setPos(at - box.center())
        patch = self.scene.addRect(item.sceneBoundingRect().adjusted(-2, -1, 2, 1),
                                   QPen(Qt.PenStyle.NoPen), QBrush(QColor(255, 255, 255, 230)))
        patch.setZValue(1)
        item.setZValue(2)
        return patch.sceneBoundingRect()
