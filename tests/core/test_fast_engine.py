"""The compiled engine for Dense chains: the PyTorch engine's results, picked automatically."""

import numpy as np
import pytest

from playground.core.datasets import DataConfig, make_dataset
from playground.core.probes import make_frame
from playground.core.spec import sequential
from playground.core.training import fast
from playground.core.training.config import TrainConfig
from playground.core.training.engine import Trainer
from playground.core.training.factory import (
    EngineUnavailable,
    engine_of,
    make_trainer,
    switch_engine,
)
from playground.core.training.fast.engine import FastTrainer
from playground.core.training.perceptron import PerceptronTrainer

TOLERANCE = 1e-4  # relative, after 10 epochs in float32
REGRESSION = {"activation": "linear", "loss": "squared_error", "task": "regression"}
SOFTMAX = {"activation": "softmax", "task": "multiclass", "units": 3}


@pytest.fixture(scope="module", autouse=True)
def compiled():
    assert fast.compile_kernels(), fast.failure()


def mlp(*hidden, activation="tanh", out=None, inputs=2, straight_through=False):
    dense = [("Dense", {"units": n, "activation": activation,
                        "straight_through": straight_through}) for n in hidden]
    return sequential(("Input", {"shape": [inputs]}), *dense,
                      ("Output", out or {"activation": "tanh", "loss": "squared_error"}))


def data(name="circle", **settings):
    return make_dataset(DataConfig(name=name, n_samples=200, **settings))


def both(spec, dataset, **settings):
    config = TrainConfig(**{"seed": 3, **settings})
    return Trainer(spec, dataset, config), FastTrainer(spec, dataset, config)


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), 1e-12)


def assert_same_run(torch_run, fast_run):
    assert (fast_run.epoch, fast_run.step) == (torch_run.epoch, torch_run.step)
    assert fast_run.stop_reason == torch_run.stop_reason
    expected, got = torch_run.weights(), fast_run.weights()
    assert list(got) == list(expected)
    for key, value in expected.items():
        assert got[key].dtype == value.dtype
        scale = max(float(np.abs(value).max()), 1e-12)
        assert float(np.abs(got[key] - value).max()) / scale <= TOLERANCE, key
    for a, b in zip(torch_run.history, fast_run.history, strict=True):
        assert (a.epoch, a.step, a.subsample) == (b.epoch, b.step, b.subsample)
        assert relative(a.batch_loss, b.batch_loss) <= TOLERANCE
        for name in ("train_loss", "test_loss"):  # where both engines drew a curve point
            if getattr(a, name) is not None and getattr(b, name) is not None:
                assert relative(getattr(a, name), getattr(b, name)) <= TOLERANCE
    for run in (torch_run, fast_run):  # a run's first and last epochs always have one
        assert not run.history or run.history[0].train_loss is not None
        assert run.stop_reason != "max_epochs" or run.history[-1].train_loss is not None
    final_torch, final_fast = torch_run.metrics(), fast_run.metrics()
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
        if final_torch[key] is not None:
            assert relative(final_torch[key], final_fast[key]) <= TOLERANCE, key


NETS = {
    "circle 2-4-2-1, SGD": (mlp(4, 2), data(), {"batch_size": 10}),
    "ReLU, Adam, L2, BCE": (
        mlp(8, 8, activation="relu",
            out={"activation": "sigmoid", "loss": "binary_cross_entropy"}),
        data("xor"), {"optimizer": "adam", "learning_rate": 0.01, "regularization": "l2",
                      "regularization_rate": 0.001, "batch_size": 7}),
    "sigmoid, momentum, L1, online": (
        mlp(3, activation="sigmoid"), data("gauss"),
        {"optimizer": "momentum", "regularization": "l1", "regularization_rate": 0.003,
         "batch_size": 1}),
    "step straight-through, full batch": (
        mlp(5, activation="step", straight_through=True), data(),
        {"batch_size": 0, "learning_rate": 0.1}),
    "step with zero gradient": (mlp(5, activation="step"), data(), {"batch_size": 20}),
    "linear regression": (mlp(6, activation="linear", out=REGRESSION, inputs=1), data("sine"),
                          {"learning_rate": 0.01}),
    "six layers of 8": (mlp(8, 8, 8, 8, 8, 8), data("spiral"), {}),
    "no hidden layer": (mlp(out={"activation": "sigmoid", "loss": "binary_cross_entropy"}),
                        data("gauss"), {"optimizer": "momentum"}),
    "no biases": (sequential(("Input", {"shape": [2]}), ("Dense", {"units": 3, "bias": False}),
                             ("Output", {"activation": "tanh", "loss": "squared_error",
                                         "bias": False})), data(), {}),
    "softmax, cross-entropy": (
        mlp(8, activation="relu", out={**SOFTMAX, "loss": "cross_entropy"}),
        data("multiclass-gauss"), {"optimizer": "adam", "learning_rate": 0.01}),
    "softmax, squared error": (
        mlp(8, activation="leaky_relu", out={**SOFTMAX, "loss": "squared_error"}),
        data("multiclass-gauss"), {}),
}


@pytest.mark.parametrize("net", NETS)
def test_ten_epochs_give_the_pytorch_engines_weights_and_losses(net):
    spec, dataset, settings = NETS[net]
    torch_run, fast_run = both(spec, dataset, epochs=10, **settings)
    torch_run.train(), fast_run.train()
    assert_same_run(torch_run, fast_run)


STOPS = {
    "early_stopping": (mlp(8, 8), data("xor", noise=30),
                       {"early_stopping_patience": 3, "learning_rate": 0.3}),
    "grad_norm": (mlp(8, 8), data("xor", noise=30), {"grad_norm_threshold": 0.1}),
    "loss_plateau": (mlp(8, 8), data("xor", noise=30), {"loss_change_threshold": 1e-3}),
    "diverged": (mlp(8, activation="relu", out=REGRESSION, inputs=1), data("sine"),
                 {"learning_rate": 0.3, "optimizer": "momentum", "seed": 1}),
}


@pytest.mark.parametrize("reason", STOPS)
def test_every_stopping_criterion_stops_at_the_same_epoch_with_the_same_message(reason):
    spec, dataset, settings = STOPS[reason]
    torch_run, fast_run = both(spec, dataset, epochs=300, **settings)
    torch_run.train(), fast_run.train()
    assert torch_run.stop_reason == reason
    assert_same_run(torch_run, fast_run)
    assert fast_run.message == torch_run.message


def test_single_steps_and_chunks_of_epochs_follow_the_same_sample_order():
    torch_run, fast_run = both(mlp(4, 2), data(), epochs=6, batch_size=30, optimizer="adam")
    for _ in range(11):  # 7 batches an epoch: stop in the middle of the second epoch
        assert torch_run.train_step() == fast_run.train_step()
    fast_run.train_for(1.0)
    while torch_run.epoch < fast_run.epoch:
        torch_run.train_step()
    assert_same_run(torch_run, fast_run)
    torch_run.train(), fast_run.train()
    assert_same_run(torch_run, fast_run)


def test_a_run_moves_from_pytorch_to_the_fast_engine_between_epochs():
    settings = {"epochs": 10, "optimizer": "adam", "learning_rate": 0.01}
    torch_run, whole = both(mlp(4, 2), data(), **settings)
    moving = Trainer(mlp(4, 2), data(), TrainConfig(seed=3, **settings))
    while moving.epoch < 4:
        moving.train_step()
    moved = FastTrainer.take_over(moving)
    moved.train(), torch_run.train()
    assert_same_run(torch_run, moved)


def test_weights_set_on_the_model_while_paused_are_trained_from():
    torch_run, fast_run = both(mlp(4, 2), data(), epochs=4)
    torch_run.train_step(), fast_run.train_step()
    edited = torch_run.weights()
    edited["dense_1.weight"] = edited["dense_1.weight"] * 0.5
    for run in (torch_run, fast_run):
        run.model.load_state_arrays(edited)
        run.train()
    assert_same_run(torch_run, fast_run)


def test_snapshots_do_not_show_which_engine_trained():
    torch_run, fast_run = both(mlp(4, 2), data(), epochs=3)
    torch_run.train(), fast_run.train()
    a, b = torch_run.snapshot(), fast_run.snapshot()
    assert a.record.epoch == b.record.epoch and a.stop_reason == b.stop_reason
    assert set(a.grad_norms) == set(b.grad_norms)
    for node, norm in a.grad_norms.items():
        assert relative(norm, b.grad_norms[node]) <= 1e-3
    assert a.dead_units == b.dead_units


@pytest.mark.parametrize("net, name", [
    (mlp(4, 2), "circle"),  # binary, tanh units
    (mlp(5, activation="relu", out=SOFTMAX | {"loss": "cross_entropy"}), "multiclass-gauss"),
    (mlp(3, activation="sigmoid", out={"activation": "sigmoid",
                                       "loss": "binary_cross_entropy"}), "xor-points"),
    (mlp(6, activation="step", straight_through=True), "xor"),
    (mlp(6, 3, activation="leaky_relu", out=REGRESSION), "reg-plane"),
], ids=["binary", "multiclass", "four points", "step units", "regression"])
def test_live_frames_do_not_show_which_engine_trained(net, name):
    """The fast engine draws the output, the unit pictures and the weights from its flat
    buffer, the PyTorch engine with the model: the same pictures."""
    torch_run, fast_run = both(net, data(name), epochs=5, batch_size=10)
    torch_run.train(), fast_run.train()
    a, b = make_frame(torch_run), make_frame(fast_run)
    assert b.engine == "fast" and a.engine == "torch"
    assert (a.first_layer, a.extent, a.output_range) == (b.first_layer, b.extent, b.output_range)
    if name == "multiclass-gauss":  # classes: the same but where two classes tie
        assert np.mean(a.output == b.output) > 0.999
    else:
        np.testing.assert_allclose(b.output, a.output, atol=1e-5)
    assert a.unit_maps.keys() == b.unit_maps.keys() == a.unit_ranges.keys() and a.unit_maps
    for node, picture in a.unit_maps.items():
        assert picture.shape == b.unit_maps[node].shape == (picture.shape[0], 34, 34)
        np.testing.assert_allclose(b.unit_maps[node], picture, atol=1e-5)
        np.testing.assert_allclose(b.unit_ranges[node], a.unit_ranges[node], rtol=1e-5)
    for got, expected in ((b.weights, a.weights), (b.biases, a.biases)):
        assert got.keys() == expected.keys()
        for node, value in expected.items():
            assert got[node].dtype == value.dtype == np.float32
            np.testing.assert_allclose(got[node], value, rtol=1e-4, atol=1e-6)
    if name == "xor-points":
        assert a.point_outputs is not None and a.point_outputs.shape == (torch_run.n_train,)
        np.testing.assert_allclose(b.point_outputs, a.point_outputs, atol=1e-5)


def test_auto_picks_the_fast_engine_for_dense_chains_and_pytorch_for_the_rest():
    dataset = data()
    assert engine_of(make_trainer(mlp(4, 2), dataset, TrainConfig())) == "fast"
    assert engine_of(make_trainer(mlp(4, 2), dataset, TrainConfig(), engine="torch")) == "torch"
    perceptron = make_trainer(mlp(out={"activation": "step", "loss": "squared_error"}),
                              dataset, TrainConfig(algorithm="perceptron"))
    assert isinstance(perceptron, PerceptronTrainer)
    dropout = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 4}),
                         ("Dropout", {"rate": 0.2}),
                         ("Output", {"activation": "tanh", "loss": "squared_error"}))
    assert engine_of(make_trainer(dropout, dataset, TrainConfig())) == "torch"
    with pytest.raises(EngineUnavailable, match="it trains Dense layers only, not Dropout"):
        make_trainer(dropout, dataset, TrainConfig(), engine="fast")
    wide = mlp(256, 256)  # 66,817 parameters: PyTorch's batched steps win at batch 64
    assert engine_of(make_trainer(wide, dataset, TrainConfig(batch_size=64))) == "torch"
    assert engine_of(make_trainer(wide, dataset, TrainConfig(batch_size=64), engine="fast")) \
        == "fast"


def test_a_run_started_while_compiling_switches_only_when_asked_to():
    run = make_trainer(mlp(4, 2), data(), TrainConfig(epochs=3), wait_for_compile=False)
    assert engine_of(run) == "fast"  # compiled already in this process: no detour
    started = Trainer(mlp(4, 2), data(), TrainConfig(epochs=3))
    assert switch_engine(started) is started  # not started by "auto" while compiling
    started.switch_when_compiled = True
    started.train_step()
    assert switch_engine(started) is started  # in the middle of an epoch
    while not started._batches and started.epoch < 1 or started._batches:
        started.train_step()
    assert engine_of(switch_engine(started)) == "fast"


def test_compiled_code_is_cached_in_the_users_folder_when_the_package_is_read_only(
        monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # restored (or removed again) afterwards
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fast.os, "access", lambda path, mode: False)
    fast._cache_dir()
    assert fast.os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "nn-playground" / "numba")
    assert (tmp_path / "nn-playground" / "numba").is_dir()


def test_play_after_early_stopping_trains_on_with_fresh_patience_on_both_engines():
    spec, dataset, settings = STOPS["early_stopping"]
    torch_run, fast_run = both(spec, dataset, epochs=300, **settings)
    for run in (torch_run, fast_run):
        run.train()
        run.resume()
        run.train()
    assert_same_run(torch_run, fast_run)


def test_big_splits_draw_the_curves_from_the_same_subsample():
    torch_run, fast_run = both(mlp(4, 2), make_dataset(DataConfig(n_samples=5000)), epochs=3,
                               batch_size=100)
    torch_run.train(), fast_run.train()
    assert fast_run.history[0].subsample == 2000
    assert_same_run(torch_run, fast_run)


def test_an_open_ended_run_trains_past_its_epochs_in_whole_chunks():
    torch_run, fast_run = both(mlp(4, 2), data(), epochs=2)
    torch_run.open_ended = fast_run.open_ended = True  # the window's runs, until paused
    while fast_run.epoch <= 4:
        fast_run.train_for(0.01)
    while torch_run.epoch < fast_run.epoch:
        torch_run.train_step()
    assert not fast_run.stopped and not torch_run.stopped
    assert_same_run(torch_run, fast_run)
