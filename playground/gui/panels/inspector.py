"""The inspector: edits the selected node's label and settings with widgets from its schema."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core.layers import KINDS, Param, SpecError, output_size_text
from playground.gui.canvas.scene import NetworkScene, shape_text
from playground.gui.document import Document, follow
from playground.gui.panels.step_hint import StepHint
from playground.gui.theme import ERROR

# How choices read in the editors.
CHOICE_NAMES = {
    "step": "step (Heaviside)", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
    "leaky_relu": "leaky ReLU", "linear": "linear", "softmax": "softmax",
    "squared_error": "squared error ½Σe²", "binary_cross_entropy": "binary cross-entropy",
    "cross_entropy": "categorical cross-entropy", "binary": "binary classification",
    "multiclass": "multi-class classification", "regression": "regression",
    "valid": "valid (no padding)", "same": "same ((k − 1)/2)"}


def _size_rule(kind: str, params: dict[str, Any], inputs: list[tuple] | None) -> str:
    """The output-size rule with a Conv2d or pooling node's numbers, as a line of the title."""
    rule = output_size_text(kind, params, inputs[0]) if inputs else ""
    return f"<br>size: (input − filter + 2·padding) / stride + 1<br>= {rule}" if rule else ""


def _nice(name: str) -> str:
    return name.replace("_", " ").capitalize()


class Inspector(QWidget):
    """Shows the node selected on the canvas; each change is one undoable edit."""

    def __init__(self, document: Document, scene: NetworkScene):
        super().__init__()
        self.document, self.scene = document, scene
        self.layer_id: str | None = None
        self._title = QLabel()
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self._title.setWordWrap(True)
        self._form_host = QWidget()
        self._form = QFormLayout(self._form_host)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._problems = QLabel()
        self._problems.setWordWrap(True)
        self._problems.setStyleSheet(f"color: {ERROR.name()}")
        self.step_hint = StepHint(document)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        for widget in (self.step_hint, self._title, self._problems, self._form_host):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.editors: dict[str, QWidget] = {}
        document.changed.connect(self.refresh)
        scene.selectionChanged.connect(self.refresh)
        self.refresh()

    def set_document(self, document: Document) -> None:
        self.document = follow(self.document, document, self.refresh)
        self.step_hint.set_document(document)
        self.refresh()

    # ---- building the form ---------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        selected = self.scene.selected_ids()
        spec = self.document.spec
        layer_id = selected[0] if len(selected) == 1 and spec.has_layer(selected[0]) else None
        if layer_id is None:
            self.layer_id = None
            self._clear()
            info = self.document.info
            self._title.setText(f"<b>{len(selected) or 'No'} layer(s) selected</b><br>"
                                f"{info.summary()}<br><br>Select a layer to edit it; drag layers "
                                "from the palette onto the canvas.")
            self._problems.setText("\n".join(f"⚠ {i.message}" for i in info.issues
                                             if i.node_id is None))
            return
        if layer_id != self.layer_id or set(self.editors) != self._editor_names(layer_id):
            self.layer_id = layer_id
            self._build(layer_id)
        self._load(layer_id)

    def _editor_names(self, layer_id: str) -> set[str]:
        return {"label", *(p.name for p in KINDS[self.document.spec.layer(layer_id).kind].params)}

    def _clear(self) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self.editors = {}

    def _build(self, layer_id: str) -> None:
        self._clear()
        kind = KINDS[self.document.spec.layer(layer_id).kind]
        label = QLineEdit()
        label.setPlaceholderText("a name shown on the node")
        label.setToolTip("A name for this layer, shown on its node")
        label.editingFinished.connect(self._label_edited)
        self._form.addRow("Label", label)
        self.editors["label"] = label
        for param in kind.params:
            editor = self._editor(param)
            editor.setToolTip(param.help)
            self._form.addRow(_nice(param.name), editor)
            self.editors[param.name] = editor

    def _editor(self, param: Param) -> QWidget:
        name = param.name
        if param.type is bool:
            box = QCheckBox()
            box.toggled.connect(lambda value: self._set(name, value))
            return box
        if param.choices is not None:
            combo = QComboBox()
            for choice in param.choices:
                combo.addItem(CHOICE_NAMES.get(choice, choice), choice)
            combo.activated.connect(lambda i: self._set(name, combo.itemData(i)))
            return combo
        if param.type is tuple:
            line = QLineEdit()
            line.setPlaceholderText("e.g. 2  or  1, 8, 8")
            line.editingFinished.connect(lambda: self._set_shape(line))
            return line
        spin = QSpinBox() if param.type is int else QDoubleSpinBox()
        spin.setKeyboardTracking(False)
        if isinstance(spin, QDoubleSpinBox):
            spin.setDecimals(3)
            spin.setSingleStep(0.05)
        spin.setRange(param.minimum if param.minimum is not None else -1e9,
                      param.maximum if param.maximum is not None else 1e9)
        spin.valueChanged.connect(lambda value: self._set(name, value))
        return spin

    def _load(self, layer_id: str) -> None:
        """Show the node's current values without triggering edits."""
        layer = self.document.spec.layer(layer_id)
        info = self.document.info
        self._title.setText(
            f"<b>{layer.kind}</b> <span style='color:gray'>{layer.id}</span><br>"
            f"{KINDS[layer.kind].summary}<br>output: {shape_text(info.shapes.get(layer_id))}"
            f" · {info.param_counts.get(layer_id, 0):,} parameters"
            + _size_rule(layer.kind, layer.params, info.input_shapes.get(layer_id)))
        self._problems.setText("\n".join(f"⚠ {m}" for m in info.issues_for(layer_id)))
        for name, editor in self.editors.items():
            value = layer.label if name == "label" else layer.params[name]
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(value if name == "label" else ", ".join(str(v) for v in value))
            else:
                editor.setValue(value)
            editor.blockSignals(False)

    # ---- edits ---------------------------------------------------------------------------
    def _set(self, name: str, value: Any) -> None:
        layer_id = self.layer_id
        if layer_id is None or self.document.spec.layer(layer_id).params.get(name) == value:
            return
        self._apply(f"Set {name.replace('_', ' ')}",
                    lambda spec: spec.set_params(layer_id, **{name: value}))

    def _set_shape(self, line: QLineEdit) -> None:
        try:
            shape = [int(part) for part in line.text().replace("×", ",").split(",") if part.strip()]
        except ValueError:
            self._problems.setText("⚠ The shape is whole numbers separated by commas, "
                                   "such as 2 or 1, 8, 8.")
            return
        self._set("shape", tuple(shape))

    @Slot()
    def _label_edited(self) -> None:
        layer_id, text = self.layer_id, self.editors["label"].text().strip()
        if layer_id is None or self.document.spec.layer(layer_id).label == text:
            return
        self._apply("Rename", lambda spec: setattr(spec.layer(layer_id), "label", text))

    def _apply(self, text: str, mutate: Any) -> None:
        try:
            self.document.edit_spec(text, mutate)
        except SpecError as err:
            self._problems.setText(f"⚠ {err}")
            self.refresh()
