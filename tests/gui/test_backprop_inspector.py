"""The backprop inspector: one sample, one update, every number as the core computes it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.backprop import backprop_step
from playground.core.presets import load_preset
from playground.core.training.engine import TrainerBase
from playground.gui.document import Document
from playground.gui.panels.backprop_formulas import number
from playground.gui.panels.backprop_inspector import BackpropInspector, _Unit


def core_step(document: Document, n: int):
    project = document.project
    trainer = TrainerBase(project.network, document.dataset, project.training, project.weights)
    data = document.dataset
    return backprop_step(trainer.model, trainer.head, data.x_train[n], data.y_train[n],
                         project.training.learning_rate)


def scene_texts(inspector: BackpropInspector) -> str:
    return "\n".join(item.text() for item in inspector.scene.items() if hasattr(item, "text"))


def click_unit(inspector: BackpropInspector, layer: int, unit: int) -> None:
    item = next(i for i in inspector.scene.items() if isinstance(i, _Unit)
                and (i.layer, i.unit) == (layer, unit))
    point = inspector.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(inspector.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point)


def open_inspector(window, qtbot) -> BackpropInspector:
    """The inspector, once the training process has sent its first numbers."""
    with qtbot.waitSignal(window.controller.backpropReady, timeout=30_000):
        inspector = window.backprop_inspector()
    qtbot.addWidget(inspector)
    return inspector


def test_the_numbers_shown_are_the_cores(window, qtbot):
    inspector = open_inspector(window, qtbot)
    inspector.show()
    with qtbot.waitSignal(inspector.computed, timeout=30_000):
        inspector.sample_box.setValue(3)
    step = core_step(window.document, 3)
    assert f"η = {number(step.learning_rate)}" in inspector.rate_text.text()
    hidden, output = step.layers[0], step.layers[-1]
    texts = scene_texts(inspector)  # forward: v and y beside every unit
    assert f"v {number(hidden.field[1])}" in texts and f"y {number(output.output[0])}" in texts
    click_unit(inspector, 0, 1)
    assert inspector.formula_text.text().endswith(
        f"= {number(hidden.field[1])}\ny = φ(v) = tanh({number(hidden.field[1])}) = "
        f"{number(hidden.output[1])}")
    QTest.mouseClick(inspector.next_button, Qt.MouseButton.LeftButton)  # the error
    assert f"e = z − y = {number(step.target[0])} − {number(output.output[0])} = " \
           f"{number(step.error[0])}" in inspector.formula_text.text()
    QTest.mouseClick(inspector.next_button, Qt.MouseButton.LeftButton)  # δ of the output
    assert f"δ = e·φ′(v) = {number(step.error[0])} × {number(output.slope[0])} = " \
           f"{number(output.delta[0])}" in inspector.formula_text.text()
    QTest.mouseClick(inspector.next_button, Qt.MouseButton.LeftButton)  # δ of dense_2
    middle = step.layers[-2]
    assert inspector.formula_text.text().startswith(f"{middle.node}, unit 1:  δ = φ′(v)·Σₖ")
    assert inspector.formula_text.text().endswith(f"= {number(middle.delta[0])}")
    assert f"δ {number(middle.delta[1])}" in scene_texts(inspector)
    assert not inspector.apply_button.isEnabled()
    while inspector.next_button.isEnabled():
        QTest.mouseClick(inspector.next_button, Qt.MouseButton.LeftButton)
    click_unit(inspector, 0, 0)
    assert f"Δb = η δ = {number(hidden.bias_change[0])}" in inspector.formula_text.text()
    assert f"Δw {number(hidden.weight_change[0, 1])}" in scene_texts(inspector)


def test_apply_update_adds_delta_w_and_is_one_undo_step(window, qtbot):
    inspector = open_inspector(window, qtbot)
    before = window.controller.preview_weights()
    step = core_step(window.document, 0)
    while inspector.next_button.isEnabled():
        inspector.next()
    with qtbot.waitSignal(inspector.computed, timeout=30_000):
        QTest.mouseClick(inspector.apply_button, Qt.MouseButton.LeftButton)
    after = window.document.project.weights
    for layer in step.layers:
        np.testing.assert_allclose(after[f"{layer.node}.weight"],
                                   before[f"{layer.node}.weight"] + layer.weight_change,
                                   rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(after[f"{layer.node}.bias"],
                                   before[f"{layer.node}.bias"] + layer.bias_change,
                                   rtol=1e-5, atol=1e-7)
    assert inspector.step.loss < step.loss  # the sample's error went down
    assert "after the update" in inspector.loss_text.text()
    window.undo_action.trigger()
    assert window.document.project.weights is None


def test_a_network_that_is_not_a_dense_chain_says_why(window, qtbot):
    window.set_document(Document.untitled(load_preset("circle")))
    window.document.edit_spec("add", lambda spec: spec.insert_on_edge(
        spec.add_layer("Dropout", layer_id="drop").id, "dense_1", "dense_2"))
    with qtbot.waitSignal(window.controller.answerFailed, timeout=30_000):
        inspector = window.backprop_inspector()
    qtbot.addWidget(inspector)
    assert "not available" in inspector.problem.text()
    assert "chain of Dense layers" in inspector.problem.text()
    assert not inspector.next_button.isEnabled()


def test_every_output_unit_shows_its_own_target_and_error(window, qtbot):
    """autoencoder-line has two outputs: each gets its own coordinate as target."""
    window.set_document(Document.untitled(load_preset("autoencoder-line")))
    inspector = open_inspector(window, qtbot)
    step = core_step(window.document, 0)
    x = window.document.dataset.x_train[0]
    np.testing.assert_allclose(step.target, window.document.dataset.y_train[0])
    assert step.error.shape == (2,) and step.target[1] != step.target[0]
    inspector.next()  # the error at the outputs
    texts = scene_texts(inspector)
    for j in range(2):
        assert f"z {number(step.target[j])}\ne {number(step.error[j])}" in texts
        click_unit(inspector, len(step.layers) - 1, j)
        assert f"e = z − y = {number(step.target[j])} − " \
               f"{number(step.layers[-1].output[j])}" in inspector.formula_text.text()
    assert inspector.sample_text.text().endswith(f"z = {number(x[0])}, {number(x[1])}")


def test_logistic_regression_shows_the_lectures_gradient(window, qtbot):
    window.set_document(Document.untitled(load_preset("logistic-regression")))
    inspector = open_inspector(window, qtbot)
    step = core_step(window.document, 0)
    while inspector.next_button.isEnabled():
        inspector.next()
    out = step.layers[-1]
    mu = step.target[0] - step.error[0]
    text = inspector.formula_text.text()
    assert f"∂𝓔/∂wⱼ = (μ − z) y = ({number(mu)} − {number(step.target[0])})" in text
    assert f"= ({number((mu - step.target[0]) * out.inputs[0])}, " \
           f"{number((mu - step.target[0]) * out.inputs[1])})" in text
    assert "Σₙ (μₙ − yₙ) xₙ" in text


def chosen_on_screen(inspector: BackpropInspector) -> bool:
    """Whether the highlighted unit and its numbers lie inside the visible part of the view."""
    unit = next(i for i in inspector.scene.items() if isinstance(i, _Unit)
                and (i.layer, i.unit) == inspector.selected)
    shown = inspector.view.mapFromScene(unit.sceneBoundingRect()).boundingRect()
    return inspector.view.viewport().rect().contains(shown)


def test_the_highlighted_unit_is_scrolled_into_view(window, qtbot):
    window.set_document(Document.untitled(load_preset("deep-relu")))  # wider than the dialog
    inspector = open_inspector(window, qtbot)
    inspector.show()
    qtbot.waitExposed(inspector)
    assert inspector.view.horizontalScrollBar().maximum() > 0  # the diagram does not fit
    assert inspector.selected == (0, 0) and chosen_on_screen(inspector)
    while inspector.next_button.isEnabled():  # the error and δ move to the output, and back
        inspector.next()
        assert chosen_on_screen(inspector), inspector.phase.title
    click_unit(inspector, 2, 7)
    assert inspector.selected == (2, 7) and chosen_on_screen(inspector)


def test_numbers_use_a_true_minus_and_zero_has_no_sign():
    assert (number(-1.5), number(-0.0), number(0.0)) == ("−1.5", "0", "0")
