"""Picking the step activation under backpropagation says why nothing will learn, and offers
straight-through or the perceptron rule one click away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.presets import load_preset
from playground.gui.document import Document


def pick_activation(window, layer_id: str, name: str) -> None:
    window.scene.select_only([layer_id])
    combo = window.inspector.editors["activation"]
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_step_units_under_backprop_get_a_hint_and_straight_through_one_click_away(window):
    hint = window.inspector.step_hint
    assert not hint.isVisibleTo(window.inspector)
    pick_activation(window, "dense_1", "step")
    assert hint.isVisibleTo(window.inspector)
    assert "zero gradient" in hint.text.text() and "dense_1" in hint.text.text()
    assert "zero gradient" in window.statusBar().currentMessage()  # seen from any tab
    assert not hint.perceptron.isVisibleTo(hint)  # hidden layers: not a perceptron
    stack = window.document.undo_stack
    steps = stack.count()
    QTest.mouseClick(hint.straight_through, Qt.MouseButton.LeftButton)
    assert window.document.spec.layer("dense_1").params["straight_through"] is True
    assert stack.count() == steps + 1 and stack.undoText() == "Use straight-through"
    assert not hint.isVisibleTo(window.inspector)
    window.undo_action.trigger()
    assert window.document.spec.layer("dense_1").params["straight_through"] is False
    assert window.document.spec.layer("dense_1").params["activation"] == "step"
    assert hint.isVisibleTo(window.inspector)


def test_a_single_step_unit_is_offered_the_perceptron_rule(window):
    window.set_document(Document.untitled(load_preset("perceptron-separable")))
    hint = window.inspector.step_hint
    assert not hint.isVisibleTo(window.inspector)  # the perceptron rule trains it already
    window.document.set_training(algorithm="backprop")
    assert hint.isVisibleTo(window.inspector) and hint.perceptron.isVisibleTo(hint)
    assert "perceptron rule" in hint.text.text()
    steps = window.document.undo_stack.count()
    QTest.mouseClick(hint.perceptron, Qt.MouseButton.LeftButton)
    assert window.document.project.training.algorithm == "perceptron"
    assert window.document.undo_stack.count() == steps + 1
    assert not hint.isVisibleTo(window.inspector)
