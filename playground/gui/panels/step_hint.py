"""A hint for step units under backpropagation: their gradient is zero, so nothing learns.

It names the step layers and offers, one click each, the straight-through estimator (train
them as if φ′ = 1) or, where the network is a single step unit, the perceptron rule.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from playground.core.layers import SpecError
from playground.core.spec import NetworkSpec
from playground.core.training.perceptron_spec import check_perceptron
from playground.gui.document import Document, follow
from playground.gui.theme import ERROR


def untrainable_steps(document: Document) -> list[str]:
    """Ids of the step layers backpropagation cannot train (no straight-through)."""
    if document.project.training.algorithm != "backprop":
        return []
    return [layer.id for layer in document.spec.layers
            if layer.params.get("activation") == "step"
            and not layer.params.get("straight_through", True)]


def perceptron_applies(spec: NetworkSpec) -> bool:
    try:
        check_perceptron(spec)
    except SpecError:
        return False
    return True


class StepHint(QFrame):
    """Shown while a step layer would be trained by backpropagation; hidden otherwise."""

    appeared = Signal(str)  # the hint in one line, for the status bar, as it comes up

    def __init__(self, document: Document):
        super().__init__()
        self.document = document
        self._steps: list[str] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.straight_through = QPushButton("Use straight-through")
        self.straight_through.setToolTip("Train the step units as if φ′ = 1 (the straight-"
                                         "through estimator); one undo step")
        self.perceptron = QPushButton("Use the perceptron rule")
        self.perceptron.setToolTip("Train the single step unit with Rosenblatt's mistake-"
                                   "driven rule instead of gradients; one undo step")
        buttons = QHBoxLayout()
        buttons.addWidget(self.straight_through)
        buttons.addWidget(self.perceptron)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.straight_through.clicked.connect(self.use_straight_through)
        self.perceptron.clicked.connect(self.use_perceptron)
        document.changed.connect(self.refresh)
        self.refresh()

    def set_document(self, document: Document) -> None:
        self.document = follow(self.document, document, self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        steps, before = untrainable_steps(self.document), self._steps
        self._steps = steps
        self.setVisible(bool(steps))
        if not steps:
            return
        names = ", ".join(self.document.spec.layer(i).name for i in steps)
        if steps != before:
            self.appeared.emit(f"Step units have zero gradient: backpropagation cannot train "
                               f"{names}. The Inspector offers straight-through.")
        self.text.setText(
            f"<span style='color:{ERROR.name()}'>⚠ Step units have zero gradient</span> "
            f"(φ′ = 0 wherever it is defined), so backpropagation cannot change the weights "
            f"into {names}: the output stays flat. Train them with the straight-through "
            "estimator" + (", or with the perceptron rule." if perceptron_applies(
                self.document.spec) else "."))
        self.perceptron.setVisible(perceptron_applies(self.document.spec))

    @Slot()
    def use_straight_through(self) -> None:
        steps = untrainable_steps(self.document)

        def apply(spec: NetworkSpec) -> None:
            for layer_id in steps:
                spec.set_params(layer_id, straight_through=True)

        if steps:
            self.document.edit_spec("Use straight-through", apply)

    @Slot()
    def use_perceptron(self) -> None:
        self.document.set_training(algorithm="perceptron")
