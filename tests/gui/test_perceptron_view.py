"""The perceptron view: each Step visits one sample; mistakes are ringed, lines move."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.worker import FINISHED
from tests.gui.conftest import wait_for_preview


def open_preset(window, name: str, qtbot) -> None:
    window.set_document(Document.untitled(load_preset(name)))
    wait_for_preview(window.controller, qtbot)


def step_once(window, qtbot) -> None:
    before = window.controller.last_frame.snapshot.step if window.controller.loaded else 0
    QTest.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.controller.last_frame.snapshot.step == before + 1,
                    timeout=15_000)


def test_stepping_shows_each_mistake_with_the_line_before_and_after(window, qtbot):
    open_preset(window, "perceptron-separable", qtbot)
    view = window.perceptron_view
    assert window.perceptron_dock.isVisible()  # brought forward for a perceptron project
    assert "Press Step" in view.status.text()
    step_once(window, qtbot)  # from w = 0 the first sample is always a mistake
    update = window.controller.last_frame.perceptron
    assert update.mistake and not update.w_before.any()
    ringed = np.column_stack(view.ring.getData())
    np.testing.assert_allclose(ringed[0], window.document.dataset.x_train[update.index])
    assert view.after_line.isVisible() and not view.before_line.isVisible()  # w = 0: no line
    assert f"Sample {update.index} was a mistake" in view.status.text()
    while True:  # step on to a second mistake: now both lines and both arrows show
        step_once(window, qtbot)
        update = window.controller.last_frame.perceptron
        if update.mistake:
            break
        assert len(view.ring.getData()[0]) == 0 and "no update" in view.status.text()
    assert view.before_line.isVisible() and view.after_line.isVisible()
    assert view.before_arrow[0].isVisible() and view.after_arrow[0].isVisible()
    xs, ys = view.after_line.getData()
    w, b = update.w_after, update.b_after
    np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0.0, atol=1e-9)
    label = 1.0 if window.document.dataset.y_train[update.index] > 0 else -1.0
    np.testing.assert_allclose(update.w_after - update.w_before,
                               label * window.document.dataset.x_train[update.index])


def test_separable_data_converge_and_the_view_says_after_how_many_updates(window, qtbot):
    open_preset(window, "perceptron-separable", qtbot)
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=30_000)
    history = window.controller.history
    updates = sum(r.mistakes for r in history)
    text = window.perceptron_view.status.text()
    assert text.startswith(f"Converged after {updates} updates (epoch {history[-1].epoch})")
    epochs, mistakes = window.perceptron_view.mistake_bars.getData()
    assert list(mistakes) == [r.mistakes for r in history] and mistakes[-1] == 0


def test_xor_never_settles_and_the_view_says_it_is_not_separable(window, qtbot):
    open_preset(window, "perceptron-xor", qtbot)
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.state == FINISHED, timeout=30_000)
    last = window.controller.history[-1]
    assert last.mistakes > 0
    assert window.perceptron_view.status.text().startswith(
        f"Not linearly separable? Still {last.mistakes} mistakes after the epoch limit")


def test_a_backprop_project_explains_what_the_view_is_for(window):
    assert "perceptron rule" in window.perceptron_view.status.text()
    assert not window.perceptron_view.plane.isVisible()


def test_a_thinned_history_gives_no_update_count():
    from dataclasses import replace

    from playground.core.datasets import make_dataset
    from playground.core.probes import make_frame
    from playground.core.training.perceptron import PerceptronTrainer
    from playground.core.training.snapshots import EpochRecord
    from playground.gui.plots.perceptron import status_text

    project = load_preset("perceptron-separable")
    trainer = PerceptronTrainer(project.network, make_dataset(project.data), project.training)
    frame = make_frame(trainer)
    converged = replace(frame.snapshot, stop_reason="converged")
    records = [EpochRecord(e, e, None, None, None, None, 0.0, mistakes=1) for e in (1, 2, 50)]
    whole = status_text(replace(frame, snapshot=converged, history=tuple(records[:2])))
    thinned = status_text(replace(frame, snapshot=converged, history=tuple(records)))
    assert whole.startswith("Converged after 2 updates")
    assert thinned.startswith("Converged in epoch") and "updates" not in thinned
