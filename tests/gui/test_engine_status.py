"""The window's status line says which engine trains."""

from __future__ import annotations

from playground.gui.worker import RUNNING


def test_the_status_names_the_engine_and_a_dense_chain_moves_to_the_fast_one(window, qtbot):
    window.document.edit("Train long", lambda project: setattr(
        project, "training", project.training.replace(epochs=1_000_000)))
    window.controller.play()
    assert window.controller.state == RUNNING
    qtbot.waitUntil(lambda: "engine" in window.progress.text(), timeout=60_000)
    assert any(name in window.progress.text() for name in ("PyTorch engine", "fast engine"))
    qtbot.waitUntil(lambda: "fast engine (compiled)" in window.progress.text(), timeout=60_000)
    window.controller.pause()
