"""The training panel drives the controller, shows its figures and edits the training settings."""

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.panels.training_panel import TrainingPanel
from playground.gui.worker import TrainingController
from tests.gui.conftest import wait_for_preview


@pytest.fixture
def document():
    return Document(load_preset("circle"))


@pytest.fixture
def controller(document, qtbot):
    ctl = TrainingController(document)
    with qtbot.waitSignal(ctl.devicesKnown, timeout=60_000):  # the training process is up
        ctl.warm_up()
    yield ctl
    ctl.shutdown()


@pytest.fixture
def panel(qtbot, document, controller):
    widget = TrainingPanel(document, controller)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def epoch_shown(panel) -> int:
    return int(panel.figures["epoch"].text().replace(",", ""))


def pick(combo: QComboBox, value) -> None:
    """Choose the item holding `value` as a user does: current item, then `activated`."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def output_loss(document) -> str:
    return document.spec.of_kind("Output")[0].params["loss"]


def test_play_trains_and_the_epoch_counts_up_then_pause(qtbot, panel, controller, document):
    document.set_training(epochs=100_000)  # no stop while the test watches
    initial = panel.figures["epoch"].text()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert controller.state == "running"
    assert panel.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: panel.figures["epoch"].text() != initial, timeout=10000)
    first = epoch_shown(panel)
    assert first > 0
    qtbot.waitUntil(lambda: epoch_shown(panel) > first, timeout=10000)
    assert panel.figures["train_loss"].text() != "—"
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert controller.state == "paused"
    assert panel.play_button.text() == "Play"


def test_step_by_epoch_trains_exactly_one_epoch(qtbot, panel, controller, document):
    pick(panel.step_unit, "epoch")
    with qtbot.waitSignal(controller.frameReady, timeout=10000,
                          check_params_cb=lambda frame: frame.snapshot.epoch == 1) as blocker:
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    batches = -(-len(document.dataset.x_train) // document.project.training.batch_size)
    assert blocker.args[0].snapshot.step == batches
    assert controller.state == "paused"
    assert panel.figures["epoch"].text() == "000,001"
    assert panel.figures["step"].text() == str(batches)


def test_learning_rate_from_the_list_is_one_undo_step(qtbot, panel, document):
    combo = panel.editors["learning_rate"]
    assert combo.currentText() == "0.03"
    steps = document.undo_stack.count()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the next value of the list: 0.1
    assert combo.currentText() == "0.1"
    assert document.project.training.learning_rate == 0.1
    assert document.undo_stack.count() == steps + 1
    document.undo_stack.undo()
    assert document.project.training.learning_rate == 0.03
    assert combo.currentText() == "0.03"


def test_a_typed_learning_rate_is_validated(qtbot, panel, document):
    line = panel.editors["learning_rate"].lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "0.25")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert document.project.training.learning_rate == 0.25
    steps = document.undo_stack.count()
    line.selectAll()
    qtbot.keyClicks(line, "fast")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert document.project.training.learning_rate == 0.25
    assert document.undo_stack.count() == steps
    assert "'fast' is not a number" in panel.status.text()
    assert panel.status.isVisible()
    assert line.text() == "0.25"


def test_momentum_and_penalty_rate_follow_their_switches(panel, document):
    momentum, rate = panel.editors["momentum"], panel.editors["regularization_rate"]
    assert not momentum.isEnabled() and not rate.isEnabled()
    pick(panel.editors["optimizer"], "momentum")
    assert document.project.training.optimizer == "momentum"
    assert momentum.isEnabled()
    pick(panel.editors["optimizer"], "adam")
    assert not momentum.isEnabled()
    pick(panel.editors["regularization"], "l2")
    assert document.project.training.regularization == "l2"
    assert rate.isEnabled()
    pick(panel.editors["regularization"], "none")
    assert not rate.isEnabled()


def test_the_perceptron_rule_greys_out_what_it_ignores(panel):
    pick(panel.editors["algorithm"], "perceptron")
    assert not panel.editors["learning_rate"].isEnabled()
    assert not panel.editors["batch_size"].isEnabled()
    assert panel.editors["epoch_limit"].isEnabled() and panel.editors["seed"].isEnabled()


def test_the_epoch_limit_is_a_switch_that_is_off_by_default(panel, document):
    limit, epochs = panel.editors["epoch_limit"], panel.editors["epochs"]
    assert not limit.isChecked() and not epochs.isEnabled()
    limit.click()
    assert document.project.training.epoch_limit and epochs.isEnabled()
    document.undo_stack.undo()
    assert not limit.isChecked() and not epochs.isEnabled()


def test_batch_size_zero_is_full_batch(panel, document):
    spin = panel.editors["batch_size"]
    spin.setValue(0)
    assert document.project.training.batch_size == 0
    assert spin.text() == "full batch"
    document.undo_stack.undo()
    assert spin.value() == 10


def test_unavailable_devices_cannot_be_chosen(panel):
    combo = panel.editors["device"]
    cuda = combo.model().item(combo.findData("cuda"))
    assert cuda.isEnabled() == torch.cuda.is_available()
    if not torch.cuda.is_available():
        assert cuda.toolTip() == "no CUDA GPU on this machine"


def test_the_dice_rolls_a_new_seed(qtbot, panel, document):
    qtbot.mouseClick(panel.new_seed_button, Qt.MouseButton.LeftButton)
    seed = document.project.training.seed
    assert seed != 0
    assert panel.editors["seed"].value() == seed


def test_loss_offers_the_task_s_losses_and_reports_an_invalid_network(qtbot, panel, document,
                                                                      controller):
    combo = panel.editors["loss"]
    offered = {combo.itemData(i) for i in range(combo.count())}
    assert offered == {"squared_error", "binary_cross_entropy"}
    assert combo.currentData() == "squared_error"
    # Binary cross-entropy is a valid loss for a binary task, so the edit is made, but the
    # circle's tanh output does not suit it: the network becomes invalid and the panel says so.
    pick(combo, "binary_cross_entropy")
    assert output_loss(document) == "binary_cross_entropy"
    assert not document.info.ok
    assert panel.status.isVisible()
    assert "network is now invalid" in panel.status.text()
    assert "sigmoid or linear" in panel.status.text()
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert controller.state == "idle"
    assert panel.status.text().startswith("Cannot train yet")
    document.undo_stack.undo()
    assert output_loss(document) == "squared_error"
    assert combo.currentData() == "squared_error"


def test_divergence_shows_the_banner_until_reset(qtbot, panel, controller):
    assert not panel.banner.isVisible()
    controller.diverged.emit("Training diverged: the loss is not a number.")
    assert panel.banner.isVisible()
    assert panel.banner_text.text() == "Training diverged: the loss is not a number."
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert not panel.banner.isVisible()
    controller.diverged.emit("again")
    qtbot.mouseClick(panel.banner_close, Qt.MouseButton.LeftButton)
    assert not panel.banner.isVisible()


def test_set_document_edits_the_new_document(panel, document, controller):
    other = Document(load_preset("circle"))
    other.set_training(learning_rate=0.3, epochs=50)
    panel.set_document(other)
    assert panel.editors["learning_rate"].currentText() == "0.3"
    assert panel.editors["epochs"].value() == 50
    panel.editors["epochs"].setValue(70)
    assert other.project.training.epochs == 70
    assert document.project.training.epochs == 200
    document.set_training(epochs=5)  # the old document no longer drives the panel
    assert panel.editors["epochs"].value() == 70


def test_a_reopened_project_shows_the_epochs_its_weights_were_trained_for(qtbot, tmp_path):
    from playground.core.model import build_model
    from playground.core.project import load_project, save_project

    project = load_preset("circle")
    document = Document(project)
    document.set_weights(build_model(project.network, seed=4).state_arrays(), 12)
    reopened = load_project(save_project(project, tmp_path / "p.playground"))
    assert reopened.trained_epochs == 12
    controller = TrainingController(Document(reopened))
    try:
        controller.show_initial_frame()
        wait_for_preview(controller, qtbot)
        assert controller.last_frame.snapshot.epoch == 12
    finally:
        controller.shutdown()
