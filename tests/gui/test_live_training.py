"""Live training through the GUI: it learns, the views show it, and nothing is left running."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QGraphicsSceneHoverEvent

from playground.core.presets import load_preset
from playground.core.project import load_project
from playground.core.training.client import TrainingClient
from playground.gui.document import Document
from playground.gui.worker import FINISHED, IDLE, PAUSED, RUNNING, TrainingController
from tests.gui.conftest import wait_for_preview


@pytest.fixture
def processes(monkeypatch) -> list[TrainingClient]:
    """Every training process started during the test."""
    started: list[TrainingClient] = []
    original = TrainingClient.__init__

    def init(self: TrainingClient) -> None:
        original(self)
        started.append(self)

    monkeypatch.setattr(TrainingClient, "__init__", init)
    return started


@pytest.fixture
def controller(qtbot, processes):
    ctl = TrainingController(Document(load_preset("circle")))
    ctl.show_initial_frame()
    wait_for_preview(ctl, qtbot)
    yield ctl
    ctl.shutdown()
    assert not any(p.alive for p in processes)


def test_circle_trained_through_the_controller_reaches_095(controller, qtbot):
    controller.document.set_training(epoch_limit=True)
    controller.play()
    assert controller.state == RUNNING
    qtbot.waitUntil(lambda: controller.state == FINISHED, timeout=120_000)
    record = controller.last_frame.snapshot.record
    assert record.test_accuracy >= 0.95
    assert record.epoch == 200
    assert controller.document.project.weights is not None
    assert controller.document.dirty  # trained weights are unsaved work


def test_step_by_batch_and_by_epoch(controller, qtbot):
    with qtbot.waitSignal(controller.frameReady, timeout=10_000,
                          check_params_cb=lambda f: f.snapshot.step == 1):
        controller.step("batch")
    assert controller.state == PAUSED
    with qtbot.waitSignal(controller.frameReady, timeout=10_000,
                          check_params_cb=lambda f: f.snapshot.epoch == 1):
        controller.step("epoch")
    assert controller.last_frame.snapshot.step == 25  # 250 training points, batches of 10


def test_fifty_play_pause_reset_cycles_leave_nothing_running(controller, processes, qtbot):
    for _ in range(50):
        controller.play()
        controller.pause()
        controller.reset()
    assert not controller.loaded and controller.state == IDLE
    assert len(processes) == 1  # one warm process serves every run
    assert controller.document.project.weights is None
    controller.shutdown()
    assert not processes[0].alive


def test_a_live_learning_rate_change_reaches_the_running_trainer(controller, qtbot):
    controller.play()
    qtbot.waitUntil(lambda: controller.last_frame is not None
                    and controller.last_frame.snapshot.step > 0, timeout=10_000)
    controller.document.set_training(learning_rate=0.1)
    with qtbot.waitSignal(controller.frameReady, timeout=10_000):
        pass
    assert controller._live["learning_rate"] == 0.1
    controller.pause()
    qtbot.waitUntil(lambda: controller.document.project.weights is not None, timeout=10_000)
    assert controller.state == PAUSED


def test_an_architecture_edit_stops_training_and_says_so(controller, qtbot):
    controller.play()
    with qtbot.waitSignal(controller.message, timeout=10_000,
                          check_params_cb=lambda text: "Training stopped" in text):
        controller.document.edit_spec("units", lambda s: s.set_params("dense_1", units=6))
    assert not controller.loaded and controller.state == IDLE


def test_learning_rate_10_on_spiral_diverges_with_a_banner(window, qtbot):
    window.set_document(Document.untitled(load_preset("spiral")))
    window.document.set_training(learning_rate=10.0)
    with qtbot.waitSignal(window.controller.diverged, timeout=60_000) as blocker:
        window.play_action.trigger()
    assert "lower the learning rate (now 10" in blocker.args[0]
    assert window.training_panel.banner.isVisible()
    assert "diverged" in window.training_panel.banner_text.text()
    weights = window.document.project.weights
    assert weights is not None and all(np.isfinite(w).all() for w in weights.values())


def test_the_views_show_the_frame_they_were_given(window, qtbot):
    with qtbot.waitSignal(window.controller.frameReady, timeout=10_000) as blocker:
        window.controller.step("epoch")
    frame = blocker.args[0]
    np.testing.assert_array_equal(window.boundary.displayed(), frame.output)
    node = window.scene.nodes["dense_1"]
    assert len(node._thumbs) == 4 and node.height > 84
    edge = window.scene.edges[("dense_1", "dense_2")]
    np.testing.assert_array_equal(edge.weights, frame.weights["dense_2"])
    assert f"epoch {frame.snapshot.epoch}" in window.progress.text()


def test_closing_the_window_mid_training_stops_the_process(window, qtbot):
    window.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.last_frame.snapshot.step > 0, timeout=30_000)
    client = window.controller.client
    window.close()
    assert not client.alive and not client._writer.is_alive()
    assert window.prompts  # the trained weights were unsaved: the user was asked


def test_hovering_a_unit_picture_enlarges_it(window, qtbot):
    with qtbot.waitSignal(window.controller.frameReady, timeout=10_000):
        window.controller.step("batch")
    node = window.scene.nodes["dense_1"]
    hover = QGraphicsSceneHoverEvent(QEvent.Type.GraphicsSceneHoverMove)
    hover.setPos(node._thumb_rect(2).center())
    hover.setScenePos(node.scenePos() + node._thumb_rect(2).center())
    window.scene.sendEvent(node, hover)
    assert node._preview.isVisible()
    assert node._preview.pixmap().width() == 150
    assert not node.toolTip()  # the picture carries its caption; no tooltip covers it


def test_a_layer_too_large_to_draw_shows_a_weight_summary(window, qtbot):
    window.document.edit_spec("wider", lambda s: s.set_params("dense_1", units=16))
    window.document.edit_spec("wider", lambda s: s.set_params("dense_2", units=8))
    with qtbot.waitSignal(window.controller.frameReady, timeout=10_000):
        window.controller.step("batch")
    edge = window.scene.edges[("dense_1", "dense_2")]
    assert edge.weights.shape == (8, 16)
    assert "weights 8×16" in edge.toolTip()


def test_saving_while_training_saves_the_weights_reached_so_far(window, qtbot, tmp_path):
    window.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.last_frame.snapshot.epoch >= 3, timeout=30_000)
    path = tmp_path / "mid.playground"
    assert window._save_to(path)
    saved = load_project(path)
    assert saved.weights is not None
    assert window.controller.state == RUNNING  # saving did not stop training
    window.controller.pause()


def test_a_perceptron_project_is_previewed_from_zero_weights(window, qtbot):
    window.set_document(Document.untitled(load_preset("perceptron-separable")))
    wait_for_preview(window.controller, qtbot)
    frame = window.controller.last_frame
    assert not frame.weights["output_1"].any() and not frame.biases["output_1"].any()
