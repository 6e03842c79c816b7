"""Universal approximation: the hidden units' parts add up to the fit; a slider sets them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.presets import load_preset
from playground.gui.document import Document
from tests.gui.conftest import wait_for_preview


def open_sine(window, qtbot) -> None:
    window.set_document(Document.untitled(load_preset("sine-fit")))
    wait_for_preview(window.controller, qtbot)


def test_the_parts_sum_to_the_drawn_fit(window, qtbot):
    open_sine(window, qtbot)
    view = window.approximation
    assert window.approximation_dock.isVisible()  # brought forward for sine-fit
    frame = window.controller.last_frame
    parts = [curve for curve in view.parts if curve.isVisible()]
    assert len(parts) == 10
    total = sum(curve.getData()[1] for curve in parts) + frame.contribution_bias
    xs, fit = view.fit.getData()
    np.testing.assert_allclose(total, fit, atol=1e-5)
    np.testing.assert_allclose(xs, parts[0].getData()[0])
    assert "10 thin curves" in view.caption.text()
    assert len(view.targets.getData()[0]) == len(window.document.dataset.x_train)


def test_the_slider_sets_the_hidden_units_as_one_undo_step(window, qtbot):
    open_sine(window, qtbot)
    slider = window.approximation.units_slider
    assert slider.value() == 10
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_Left)
    QTest.keyClick(slider, Qt.Key.Key_Left)
    assert window.document.spec.layer("dense_1").params["units"] == 8
    wait_for_preview(window.controller, qtbot)
    assert sum(c.isVisible() for c in window.approximation.parts) == 8
    window.undo_action.trigger()
    assert window.document.spec.layer("dense_1").params["units"] == 9
    assert slider.value() == 9
    wait_for_preview(window.controller, qtbot)
    assert sum(c.isVisible() for c in window.approximation.parts) == 9


def test_other_networks_say_what_the_view_needs(window, qtbot):
    view = window.approximation
    window.approximation_dock.show()  # View → Approximation, for a network it does not fit
    window.approximation_dock.raise_()
    qtbot.waitUntil(lambda: "sine-fit" in view.caption.text())
    assert not view.plot.isVisible()
    assert not view.units_slider.isVisible()
