"""The training process as the window sees it: failures are states, a dead or stopped
process never freezes the window, and a storm of changes computes one preview."""

from __future__ import annotations

import os
import shutil
import signal
import time

import numpy as np
import pytest

from playground.core.project import load_project
from playground.core.training import protocol as p
from playground.core.training.session import FAULT_AT_STEP
from playground.gui.worker import FAILED, IDLE, PAUSED, RUNNING
from tests.gui.conftest import wait_for_preview


@pytest.fixture
def faulty(monkeypatch):
    """The next training process fails in its first run, at step 3."""
    monkeypatch.setenv(FAULT_AT_STEP, "3")


def test_an_error_in_training_ends_the_run_with_one_message(faulty, window, qtbot):
    controller = window.controller
    messages: list[str] = []
    dialogs: list[str] = []
    controller.message.connect(messages.append)
    window.show_error = lambda title, text, details="": dialogs.append(title)
    controller.play()
    qtbot.waitUntil(lambda: controller.state == FAILED, timeout=30_000)
    # A looping failure would keep sending: the process's heartbeats arrive, no more messages.
    beats = controller.client.last_heard
    qtbot.waitUntil(lambda: controller.client.last_heard != beats, timeout=5_000)
    failures = [m for m in messages if "fault injected" in m]
    assert len(failures) == 1 and "Training failed unexpectedly" in failures[0]
    assert dialogs == ["Training failed"]  # one dialog, the traceback behind Details
    assert controller.state == FAILED and not controller.loaded
    assert window.document.project.weights is None  # the document is untouched
    controller.play()  # the fault is gone: Play trains again
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.step > 5, timeout=30_000)
    assert controller.state == RUNNING
    controller.pause()


def test_a_killed_process_is_reported_and_replaced(window, qtbot):
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.step > 0, timeout=30_000)
    with qtbot.waitSignal(controller.message, timeout=10_000,
                          check_params_cb=lambda text: "stopped unexpectedly" in text):
        os.kill(controller.client.pid, signal.SIGKILL)
    assert controller.state == IDLE and window.isVisible()
    wait_for_preview(controller, qtbot, previews=2)  # a new process drew the document
    controller.play()
    steps = controller.last_frame.snapshot.step
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.step > steps, timeout=30_000)
    controller.pause()


def test_a_hundred_setting_changes_compute_one_preview(window, qtbot):
    controller = window.controller
    before = controller.previews
    for i in range(100):
        window.document.set_training(learning_rate=0.01 + i / 1000)
    wait_for_preview(controller, qtbot, previews=before + 1)
    # The process answers in order: once a later question is answered, no other preview
    # is on its way.
    with qtbot.waitSignal(controller.devicesKnown, timeout=30_000):
        controller._ask(p.DEVICES)
    assert controller.previews == before + 1
    assert controller.last_frame is not None


def test_a_stopped_process_does_not_block_pause_or_save(window, qtbot, tmp_path):
    controller = window.controller
    messages: list[str] = []
    controller.message.connect(messages.append)
    controller.play()
    qtbot.waitUntil(lambda: controller.last_weights is not None, timeout=30_000)
    pid = controller.client.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        weights, step, _ = controller.last_weights
        started = time.monotonic()
        controller.pause()
        assert time.monotonic() - started < 0.2 and controller.state == PAUSED
        qtbot.waitUntil(lambda: any("not responding" in m for m in messages), timeout=10_000)
        notice = next(m for m in messages if "not responding" in m)
        assert f"step {step:,}" in notice
        started = time.monotonic()
        assert window._save_to(tmp_path / "stopped.playground")
        assert time.monotonic() - started < 1.0
        saved = load_project(tmp_path / "stopped.playground").weights
        assert saved is not None and step > 0
        for name, values in weights.items():
            np.testing.assert_array_equal(saved[name], values)
    finally:
        os.kill(pid, signal.SIGCONT)


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None,
                    reason="this machine may have a GPU")
def test_a_project_saved_for_a_gpu_trains_on_the_cpu_here_and_says_so(window, qtbot):
    from playground.core.presets import load_preset
    from playground.gui.document import Document

    controller = window.controller
    qtbot.waitUntil(lambda: controller._devices_known, timeout=30_000)
    project = load_preset("xor")
    project.training = project.training.replace(device="cuda")
    messages: list[str] = []
    controller.message.connect(messages.append)
    window.set_document(Document.untitled(project))
    assert any("set to train on CUDA" in m and "on the CPU" in m for m in messages)
    wait_for_preview(controller, qtbot, controller.previews + 1)
    assert controller.last_frame is not None and controller.state != FAILED
    controller.step("epoch")
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.epoch >= 1, timeout=30_000)
    assert window.document.project.training.device == "cuda"  # the project keeps it
