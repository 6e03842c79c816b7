"""The gradient view plots each layer's gradient norm and says when gradients are zero."""

from __future__ import annotations

import numpy as np

from playground.core.datasets import DataConfig, make_dataset
from playground.core.presets import load_preset
from playground.core.probes import make_frame
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig
from playground.core.training.factory import make_trainer
from playground.gui.plots.gradients import GradientView


def frames(trainer, steps: int):
    for _ in range(steps):
        trainer.train_step()
        yield make_frame(trainer)


def test_each_layer_gets_a_curve_of_its_gradient_norms(qtbot):
    view = GradientView()
    qtbot.addWidget(view)
    project = load_preset("vanishing-sigmoid")
    run = make_trainer(project.network, make_dataset(project.data), project.training)
    shown = list(frames(run, 4))
    for frame in shown:
        view.show_frame(frame)
    assert set(view.curves) == set(shown[-1].snapshot.grad_norms)
    steps, values = view.curves["dense_1"].getData()  # the plot draws log10 of the norms
    assert steps.tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(10 ** values, [f.snapshot.grad_norms["dense_1"] for f in shown])
    first, last = view.curves["dense_1"].getData()[1], view.curves["dense_6"].getData()[1]
    assert np.all(first < last - 2)  # two decades apart: the vanishing gradient, as drawn


def test_zero_gradients_of_step_units_are_explained_and_a_new_run_clears(qtbot):
    view = GradientView()
    qtbot.addWidget(view)
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 2, "activation": "step"}),
                      ("Output", {"activation": "step", "loss": "squared_error"}))
    data = make_dataset(DataConfig(name="xor-points", train_fraction=1.0))
    run = make_trainer(spec, data, TrainConfig(epochs=5))
    for frame in frames(run, 2):
        view.show_frame(frame)
    assert "exactly 0" in view.note.text() and "straight-through" in view.note.text()
    assert view.curves["dense_1"].getData()[0] is None or \
        len(view.curves["dense_1"].getData()[0]) == 0  # nothing to draw on a log scale
    fresh = make_trainer(spec, data, TrainConfig(epochs=5))
    view.show_frame(make_frame(fresh))
    assert view.series["dense_1"] == ([], [])


def test_a_new_run_starts_on_a_plain_range_with_the_norms_written_out(qtbot):
    """Not the last run's steps (an empty plot keeps the range it had), and ticks that say
    the norms themselves rather than a rescaled axis with "(x0.001)" beside it."""
    view = GradientView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    project = load_preset("circle")
    run = make_trainer(project.network, make_dataset(project.data), project.training)
    for _ in range(300):
        run.train_step()
    for frame in frames(run, 3):
        view.show_frame(frame)
    box = view.plot.getPlotItem().vb
    qtbot.waitUntil(lambda: box.viewRange()[0][0] > 250)  # the run's steps, once drawn
    axis = view.plot.getAxis("left")
    assert axis.autoSIPrefixScale == 1.0 and "x0" not in axis.labelString()
    fresh = make_trainer(project.network, make_dataset(project.data), project.training)
    view.show_frame(make_frame(fresh))  # step 0: nothing to draw yet
    qtbot.wait_exposed(view)
    view.repaint()
    assert box.viewRange()[0][1] <= 1.1
