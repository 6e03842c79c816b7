"""Learning dynamics: batch modes one click apart, kept runs overlaid, same start weights."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.presets import load_preset
from playground.core.training.snapshots import EpochRecord
from playground.gui.document import Document
from playground.gui.worker import FINISHED, PAUSED
from tests.gui.conftest import wait_for_preview


def first_epoch(window, qtbot) -> float:
    """Reset, train one epoch, and return its training loss at the epoch's end."""
    window.reset_action.trigger()
    window.controller.step("epoch")
    qtbot.waitUntil(lambda: window.controller.state == PAUSED
                    and bool(window.controller.history),
                    timeout=15_000)
    return window.controller.history[0].train_loss


def test_online_mini_batch_and_full_batch_are_one_click_apart(window):
    modes = window.training_panel.batch_mode
    training = lambda: window.document.project.training  # noqa: E731
    assert modes.buttons[1].isChecked() and training().batch_size == 10
    QTest.mouseClick(modes.buttons[0], Qt.MouseButton.LeftButton)
    assert training().batch_size == 1 and modes.buttons[0].isChecked()
    QTest.mouseClick(modes.buttons[2], Qt.MouseButton.LeftButton)
    assert training().batch_size == 0
    assert window.training_panel.editors["batch_size"].text() == "full batch"
    QTest.mouseClick(modes.buttons[1], Qt.MouseButton.LeftButton)
    assert training().batch_size == 10  # the mini-batch size used before
    window.undo_action.trigger()
    assert training().batch_size == 0 and modes.buttons[2].isChecked()


def test_kept_runs_overlay_with_labels_and_start_from_the_same_weights(window, qtbot):
    curves = window.curves
    loss = first_epoch(window, qtbot)
    curves.keep_action.trigger()
    # Same seed: same weights and sample order. One of the two epochs may run on the fast
    # engine (once its kernels are loaded), whose float64 sums agree to float32's noise.
    assert first_epoch(window, qtbot) == pytest.approx(loss, rel=1e-6)
    window.document.edit_spec("relu", lambda spec: [spec.set_params(n, activation="relu")
                                                    for n in ("dense_1", "dense_2")])
    relu_loss = first_epoch(window, qtbot)
    assert relu_loss != loss
    curves.keep_action.trigger()
    assert [run.label for run in curves.kept] == [
        "tanh · batch 10 · sgd η 0.03 · seed 0", "relu · batch 10 · sgd η 0.03 · seed 0"]
    assert [list(run.losses) for run in curves.kept] == [[loss], [relu_loss]]
    assert all(c.isVisible() for c in curves._kept_curves)
    caption = curves.runs_caption.text()
    assert "same start weights" in caption and "relu&nbsp;·&nbsp;batch&nbsp;10" in caption
    curves.clear_action.trigger()
    assert not curves.kept and not curves.runs_caption.isVisible()


def test_the_reason_training_stopped_is_shown_for_the_current_run(window, qtbot):
    window.document.set_training(epochs=1, epoch_limit=True)
    window.controller.step("epoch")
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=20_000)
    status = window.training_panel.status
    assert status.text() == "Stopped at epoch 1: the limit of 1 epoch a run was reached."
    assert status.isVisible()
    window.controller.step("epoch")  # the next run: one more epoch
    qtbot.waitUntil(lambda: "epoch 2" in status.text(), timeout=20_000)
    assert status.text() == ("Stopped at epoch 2: the limit of 1 epoch a run was reached "
                             "(this run began at epoch 1).")


def test_without_the_epoch_limit_play_trains_past_the_epoch_count(window, qtbot):
    window.document.set_training(epochs=1)
    assert not window.document.project.training.epoch_limit  # the window's default
    window.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.last_frame.snapshot.epoch >= 3, timeout=30_000)
    assert window.controller.state == "running"
    window.play_action.trigger()
    assert window.controller.state == PAUSED


def test_kept_runs_belong_to_their_project(window, qtbot, tmp_path):
    curves = window.curves
    long_run = [EpochRecord(e, 10 * e, 1.0 / e, None, None, None, 0.1 * e) for e in
                range(1, 201)]
    curves.show_history(long_run)
    curves.keep_action.trigger()
    assert len(curves.kept) == 1
    window.set_document(Document.untitled(load_preset("xor")))  # File → New
    wait_for_preview(window.controller, qtbot, window.controller.previews + 1)
    assert not curves.kept and not curves.runs_caption.isVisible()
    kept_items = [item for item in curves.loss_plot.getPlotItem().listDataItems()
                  if item.xData is not None and len(item.xData) == len(long_run)]
    assert not kept_items  # nothing of circle's run is drawn over xor
    curves.show_history(long_run[:5])
    curves.keep_action.trigger()
    drawn = [item.xData for item in curves.loss_plot.getPlotItem().listDataItems()
             if item.xData is not None and len(item.xData)]
    assert max(xs.max() for xs in drawn) == 5  # the epoch axis is xor's own
    path = tmp_path / "xor.playground"
    window.document.save(path)
    assert window.open_path(path)  # File → Open
    assert not curves.kept
