"""Every preset is a valid project whose own settings deliver what it promises."""

import numpy as np
import pytest
import torch

from playground.core.backprop import backprop_step
from playground.core.datafit import check_fit
from playground.core.datasets import make_dataset
from playground.core.graph import analyse
from playground.core.heads import Head
from playground.core.model import build_model
from playground.core.presets import LECTURE_ORDER, list_presets, load_preset, preset_names
from playground.core.probes import GRID, unit_contributions
from playground.core.project import ProjectError
from playground.core.training.factory import make_trainer

REQUIRED = {"circle", "xor", "gauss", "spiral", "moons", "reg-plane", "reg-gauss",
            "vanishing-sigmoid", "deep-relu",
            "perceptron-separable", "perceptron-xor", "xor-handset", "sine-fit"}


def train(name: str):
    project = load_preset(name)
    run = make_trainer(project.network, make_dataset(project.data), project.training,
                       project.weights)
    return run, run.train()


def test_the_required_presets_ship_in_lecture_order():
    assert REQUIRED <= set(preset_names())
    assert preset_names()[: len(LECTURE_ORDER)] == list(LECTURE_ORDER)


@pytest.mark.parametrize("info", list_presets(), ids=lambda i: i.name)
def test_each_preset_is_valid_and_explained(info):
    project = load_preset(info.name)
    assert analyse(project.network).ok
    check_fit(project.network, make_dataset(project.data))
    assert len(info.title) > 5 and len(info.description) > 60 and info.hint


def test_circle_is_tensorflow_playgrounds_default():
    project = load_preset("circle")
    layers = project.network.layers
    assert [layer.kind for layer in layers] == ["Input", "Dense", "Dense", "Output"]
    assert layers[0].params["shape"] == (2,)
    assert project.data.features == ("x1", "x2")
    assert [(layer.params["units"], layer.params["activation"]) for layer in layers[1:]] == [
        (4, "tanh"), (2, "tanh"), (1, "tanh")]
    assert layers[3].params["loss"] == "squared_error"
    t, d = project.training, project.data
    assert (t.batch_size, t.learning_rate, d.n_samples, d.train_fraction) == (10, 0.03, 500, 0.5)


@pytest.mark.parametrize(("name", "accuracy"), [("circle", 0.95), ("xor", 0.95),
                                                ("spiral", 0.9), ("gauss", 0.95),
                                                ("moons", 0.95)])
def test_classification_presets_learn(name, accuracy):
    _, last = train(name)
    assert last.record.test_accuracy >= accuracy


@pytest.mark.parametrize(("name", "loss"), [("sine-fit", 0.01), ("reg-plane", 1e-4),
                                            ("reg-gauss", 0.05)])
def test_regression_presets_fit(name, loss):
    _, last = train(name)
    assert last.record.test_loss < loss


def test_handset_xor_is_exact_without_training():
    project = load_preset("xor-handset")
    model = build_model(project.network)
    model.load_state_arrays(project.weights)
    data = make_dataset(project.data)
    out = model(torch.as_tensor(data.x_train)).detach().numpy()[:, 0]
    assert data.x_train.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert out.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_handset_xor_trained_by_backprop_does_not_move():
    project = load_preset("xor-handset")
    run, last = train("xor-handset")
    assert last.record.train_accuracy == 1.0
    assert all(np.array_equal(project.weights[k], v) for k, v in run.weights().items())


def test_perceptron_presets_converge_or_cycle_as_promised():
    assert train("perceptron-separable")[1].stop_reason == "converged"
    last = train("perceptron-xor")[1]
    assert last.stop_reason == "max_epochs" and last.record.train_accuracy < 1.0


def test_perceptron_separable_gives_updates_worth_counting_and_the_seed_changes_them():
    """The hint: count the updates it needs; change the seed and count again."""
    project = load_preset("perceptron-separable")
    data = project.dataset()
    counts = []
    for seed in range(4):
        run = make_trainer(project.network, data, project.training.replace(seed=seed))
        assert run.train().stop_reason == "converged"
        counts.append(run.updates)
    assert min(counts) >= 3 and len(set(counts)) >= 3


def test_an_unknown_preset_lists_the_real_ones():
    with pytest.raises(ProjectError, match="no preset called 'nope'.*circle"):
        load_preset("nope")


def first_steps_gradients(name: str) -> dict[str, float]:
    project = load_preset(name)
    run = make_trainer(project.network, make_dataset(project.data), project.training)
    for _ in range(5):
        run.train_step()
    return run.snapshot().grad_norms


def test_deep_sigmoid_gradients_vanish_and_relu_ones_do_not():
    sigmoid, relu = first_steps_gradients("vanishing-sigmoid"), first_steps_gradients("deep-relu")
    assert sigmoid["dense_1"] < 0.01 * sigmoid["dense_6"]
    assert relu["dense_1"] > 0.1 * relu["dense_6"]
    assert train("vanishing-sigmoid")[1].record.test_accuracy < 0.7
    assert train("deep-relu")[1].record.test_accuracy >= 0.95


def test_sine_fit_units_add_up_to_the_fit():
    run, _ = train("sine-fit")
    parts, bias = unit_contributions(run.model, run.dataset)
    assert parts.shape == (10, GRID)
    _, grid_x = run.dataset.grid(GRID)
    fit = run.model(torch.as_tensor(grid_x)).detach().numpy()[:, 0]
    np.testing.assert_allclose(parts.sum(axis=0) + bias, fit, atol=1e-5)
    np.testing.assert_allclose(fit, np.sin(grid_x[:, 0]), atol=0.2)  # it does fit sin(x)
    circle = load_preset("circle")
    with pytest.raises(ValueError, match="one Dense layer"):
        unit_contributions(build_model(circle.network), make_dataset(circle.data))


def test_logistic_regression_is_one_sigmoid_unit_on_cross_entropy_after_the_linear_model():
    names = preset_names()
    assert names.index("reg-plane") < names.index("logistic-regression") \
        < names.index("perceptron-separable")
    project = load_preset("logistic-regression")
    assert [layer.kind for layer in project.network.layers] == ["Input", "Output"]
    out = project.network.layers[-1].params
    assert (out["units"], out["activation"], out["loss"]) == (1, "sigmoid",
                                                             "binary_cross_entropy")
    run, last = train("logistic-regression")
    assert last.record.test_accuracy >= 0.95
    assert run.history[-1].train_loss < run.history[0].train_loss / 10


def test_logistic_regressions_update_is_the_lectures_gradient():
    """Δw = −η Σₙ (μₙ − yₙ) xₙ for one sample n (μ = σ(wᵀx + b))."""
    project = load_preset("logistic-regression")
    data = make_dataset(project.data)
    model = build_model(project.network, project.training.seed).double()
    x, y = data.x_train[0].astype(np.float64), int(data.y_train[0])
    step = backprop_step(model, Head.of(project.network), x, y, 0.1)
    w = model.nodes["output_1"].transform.weight.detach().numpy()[0]
    b = float(model.nodes["output_1"].transform.bias.detach())
    mu = 1 / (1 + np.exp(-(w @ x + b)))
    np.testing.assert_allclose(step.layers[0].weight_change[0], -0.1 * (mu - y) * x)
    np.testing.assert_allclose(step.layers[0].bias_change, [-0.1 * (mu - y)])
