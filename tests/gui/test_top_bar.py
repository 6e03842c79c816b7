"""The top bar: the settings changed all the time, bound to the schema and the document."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.training.config import PARAMS
from playground.gui.panels.top_bar import SPEEDS


def pick(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def type_rate(combo, text: str) -> None:
    combo.lineEdit().selectAll()
    QTest.keyClicks(combo.lineEdit(), text)
    QTest.keyClick(combo.lineEdit(), Qt.Key.Key_Return)


def test_a_setting_changed_in_the_bar_shows_in_the_panel_and_back(window):
    bar, panel, document = window.top_bar, window.training_panel, window.document
    type_rate(bar.learning_rate, "0.3")
    assert document.project.training.learning_rate == 0.3
    assert panel.editors["learning_rate"].currentText() == "0.3"
    assert document.undo_stack.count() == 1  # one undo step
    panel.editors["batch_size"].setValue(25)
    assert bar.batch_size.value() == 25
    pick(panel.editors["regularization"], "l2")
    assert bar.regularization.currentData() == "l2" and bar.regularization_rate.isEnabled()
    document.undo_stack.undo()
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert bar.learning_rate.currentText() == "0.03" and bar.batch_size.value() == 10
    assert not bar.regularization_rate.isEnabled()


def test_the_bar_takes_its_ranges_and_choices_from_the_schema(window):
    bar = window.top_bar
    assert bar.batch_size.maximum() == PARAMS["batch_size"].maximum
    assert bar.learning_rate.validator_.top() == PARAMS["learning_rate"].maximum
    assert [bar.regularization.itemData(i) for i in range(bar.regularization.count())] == \
        list(PARAMS["regularization"].choices)


def test_a_rate_out_of_range_is_refused_with_a_message(window, qtbot):
    bar = window.top_bar
    pick(bar.regularization, "l2")
    with qtbot.waitSignal(bar.message) as blocker:
        type_rate(bar.regularization_rate, "99")
    assert "from 0 to 10" in blocker.args[0]
    assert window.document.project.training.regularization_rate == 0.0
    assert bar.regularization_rate.currentText() == "0"


def test_the_activation_sets_every_hidden_layer_in_one_step(window):
    bar, document = window.top_bar, window.document
    assert bar.activation.currentData() == "tanh"
    pick(bar.activation, "relu")
    spec = document.spec
    assert [spec.layer(i).params["activation"] for i in ("dense_1", "dense_2")] == \
        ["relu", "relu"]
    assert spec.layer("output_1").params["activation"] == "tanh"  # the Output keeps its own
    assert document.undo_stack.count() == 1
    document.edit_spec("one", lambda s: s.set_params("dense_1", activation="sigmoid"))
    assert bar.activation.currentData() == "mixed"
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert bar.activation.currentData() == "tanh"


def test_the_problem_type_switches_between_classification_and_regression(window):
    bar, document = window.top_bar, window.document
    assert bar.problem.currentData() == "classification"
    pick(bar.problem, "regression")
    assert document.dataset.task == "regression"
    assert document.spec.layer("output_1").params["task"] == "regression"
    document.undo_stack.undo()
    assert document.project.data.name == "circle"
    assert bar.problem.currentData() == "classification"


def test_the_bar_follows_a_new_document(window, qtbot):
    from playground.core.presets import load_preset
    from playground.gui.document import Document

    window.set_document(Document.untitled(load_preset("parity-lstm")))
    bar = window.top_bar
    assert bar.learning_rate.currentText() == "0.01" and bar.batch_size.value() == 32
    assert not bar.problem.isEnabled() and bar.problem.currentText() == "Sequence"


def test_the_speed_slider_sets_the_steps_a_frame(window):
    bar, controller = window.top_bar, window.controller
    assert controller.steps_per_frame is None and bar.speed_label.text() == "fastest"
    bar.speed.setValue(0)
    assert controller.steps_per_frame == SPEEDS[0] == 1
    assert bar.speed_label.text() == "1 step/frame"
    bar.speed.setValue(3)
    assert controller.steps_per_frame == 10 and bar.speed_label.text() == "10 steps/frame"
