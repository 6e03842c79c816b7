"""Activation histograms: each hidden layer's fields over its φ and φ′, saturation in words."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QDockWidget

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.plots.activations import MIN_PLOT_HEIGHT, layer_title
from tests.gui.conftest import wait_for_preview


def raise_dock(window, title: str) -> QDockWidget:
    dock = window.findChild(QDockWidget, f"dock-{title}")
    dock.raise_()
    return dock


def shown_histograms(window, qtbot):
    """Bring the Activations tab forward and wait for the frame with its histograms (a tab
    behind another gets none: the training process computes them once it shows)."""
    raise_dock(window, "activations")
    qtbot.waitUntil(lambda: bool(window.controller.last_frame.histograms))
    return window.controller.last_frame


def test_each_hidden_layer_gets_its_histogram_over_phi_and_its_slope(window, qtbot):
    view = window.activations
    frame = shown_histograms(window, qtbot)
    qtbot.waitUntil(lambda: list(view.plots) == ["dense_1", "dense_2"])
    for node, plot in view.plots.items():
        histogram = frame.histograms[node]
        heights = plot.bars.opts["height"]
        assert heights.max() == 1.0
        np.testing.assert_allclose(heights, histogram.counts / histogram.counts.max())
        xs, phi = plot.phi.getData()
        np.testing.assert_allclose(phi, np.tanh(xs), atol=1e-6)
        np.testing.assert_allclose(plot.slope.getData()[1], 1 - np.tanh(xs) ** 2, atol=1e-6)
        assert plot.plot.titleLabel.text.startswith(f"{node} · tanh · ")
        assert "saturated" in plot.plot.titleLabel.text


def test_relu_layers_name_their_dead_units_and_a_single_layer_has_nothing(window, qtbot):
    frame = shown_histograms(window, qtbot)
    title = layer_title("dense_1", frame.histograms["dense_1"], 2)
    assert title.startswith("dense_1 · tanh")
    relu = frame.histograms["dense_1"].__class__(
        "relu", *[getattr(frame.histograms["dense_1"], f) for f in
                  ("edges", "counts", "curve_v", "phi", "slope")], 0.25)
    assert layer_title("dense_1", relu, 2) == "dense_1 · relu · 25% inactive · 2 dead"
    raise_dock(window, "activations")
    window.set_document(Document.untitled(load_preset("perceptron-separable")))
    wait_for_preview(window.controller, qtbot)
    dock = raise_dock(window, "activations")
    dock.show()  # View → Activations: the tab draws the latest frame as it comes forward
    qtbot.waitUntil(window.activations.note.isVisible)
    assert not window.activations.graphics.isVisible()


def test_a_hidden_histogram_tab_draws_nothing_until_it_is_shown(window, qtbot):
    activations = raise_dock(window, "activations")
    qtbot.waitUntil(lambda: list(window.activations.plots) == ["dense_1", "dense_2"])
    raise_dock(window, "curves")  # a tab behind another is moved off screen, not hidden
    qtbot.waitUntil(lambda: activations.visibleRegion().isEmpty())
    previews = window.controller.previews
    window.set_document(Document.untitled(load_preset("vanishing-sigmoid")))
    wait_for_preview(window.controller, qtbot, previews + 1)
    assert window.controller.last_frame.histograms == {}  # nor computed for it
    assert list(window.activations.plots) == ["dense_1", "dense_2"]  # still the last drawn
    activations.raise_()
    qtbot.waitUntil(lambda: len(window.activations.plots) == 6)


def test_a_deep_network_scrolls_its_histograms_instead_of_squeezing_them(window, qtbot):
    window.resize(1280, 800)
    raise_dock(window, "activations")
    window.set_document(Document.untitled(load_preset("vanishing-sigmoid")))  # 6 layers
    view = window.activations
    qtbot.waitUntil(lambda: len(view.plots) == 6)
    QApplication.processEvents()
    label_height = QFontMetrics(view.font()).height()
    for plot in view.plots.values():
        box = plot.plot.getViewBox()
        assert plot.plot.height() >= MIN_PLOT_HEIGHT - 20  # less the layout's spacing
        assert box.height() >= 3 * label_height  # room for the labels -1, 0 and 1
        ticks = [value for value, _ in plot.plot.getAxis("left")._tickLevels[0]]
        pixels = sorted(box.mapViewToScene(QPointF(0, v)).y() for v in ticks
                        if box.viewRange()[1][0] <= v <= box.viewRange()[1][1])
        assert all(b - a >= label_height for a, b in zip(pixels, pixels[1:], strict=False))
    assert view.scroll.verticalScrollBar().maximum() > 0  # three rows do not fit: it scrolls
