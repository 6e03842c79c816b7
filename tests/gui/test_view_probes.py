"""Frames carry the probes of the views on screen only: a hidden view costs the training
process nothing, and a view brought forward gets its data with the next frame."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

from playground.core.frames import HISTOGRAMS
from playground.gui.worker import PAUSED


def dock(window, title: str) -> QDockWidget:
    return window.findChild(QDockWidget, f"dock-{title}")


def has_histograms(frame) -> bool:
    return bool(frame.histograms)


def test_a_hidden_views_probe_is_left_out_and_showing_the_view_brings_it_back(window, qtbot):
    controller = window.controller
    activations = dock(window, "activations")
    dock(window, "curves").raise_()  # the Activations tab goes behind the Curves
    qtbot.waitUntil(lambda: HISTOGRAMS not in controller.probes)
    with qtbot.waitSignal(controller.frameReady, timeout=20_000) as idle:
        controller.show_initial_frame()
    assert idle.args[0].histograms == {} and idle.args[0].unit_maps  # the canvas still draws

    # Idle: bringing the view forward asks for a preview that has its data.
    with qtbot.waitSignal(controller.frameReady, timeout=20_000, check_params_cb=has_histograms):
        activations.raise_()
    assert set(window.activations.plots) == {"dense_1", "dense_2"}

    # Paused: frames leave the probe out while the view is hidden...
    dock(window, "curves").raise_()
    qtbot.waitUntil(lambda: HISTOGRAMS not in controller.probes)
    with qtbot.waitSignal(controller.frameReady, timeout=20_000,
                          check_params_cb=lambda f: f.snapshot.step >= 1) as stepped:
        controller.step("batch")
    assert controller.state == PAUSED and stepped.args[0].histograms == {}
    # ...and the process sends a frame with it as soon as the view shows.
    with qtbot.waitSignal(controller.frameReady, timeout=20_000, check_params_cb=has_histograms):
        activations.raise_()
