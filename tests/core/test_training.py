"""The training engine: it learns, stops for the right reason, and reproduces runs."""

import math

import numpy as np
import pytest
import torch

from playground.core.datafit import DataMismatch
from playground.core.datasets import DataConfig, make_dataset
from playground.core.layers import SpecError
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig, TrainConfigError
from playground.core.training.engine import Trainer
from playground.core.training.factory import make_trainer
from playground.core.training.perceptron import PerceptronTrainer
from playground.core.training.runtime import DeviceUnavailable, resolve_device


def mlp(*hidden: int, activation: str = "tanh", out: dict | None = None, inputs: int = 2):
    layers = [("Input", {"shape": [inputs]})]
    layers += [("Dense", {"units": n, "activation": activation}) for n in hidden]
    return sequential(*layers, ("Output", out or {"activation": "tanh",
                                                  "loss": "squared_error"}))


def trainer(spec=None, data=None, **config) -> Trainer:
    return Trainer(spec or mlp(4, 2), make_dataset(data or DataConfig(n_samples=200)),
                   TrainConfig(**config))


def test_same_seed_gives_the_same_run_bit_for_bit():
    runs = [trainer(epochs=5, seed=7) for _ in range(2)]
    for run in runs:
        run.train()
    first, second = (r.weights() for r in runs)
    assert all(np.array_equal(first[k], second[k]) for k in first)
    assert [r.batch_loss for r in runs[0].history] == [r.batch_loss for r in runs[1].history]


def test_another_seed_gives_another_run():
    a, b = trainer(epochs=2, seed=1), trainer(epochs=2, seed=2)
    a.train(), b.train()
    assert not np.array_equal(a.weights()["dense_1.weight"], b.weights()["dense_1.weight"])


@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(1, 100), (10, 10), (0, 1),
                                                             (1000, 1)])
def test_batch_size_from_online_to_full_batch(batch_size, steps_per_epoch):
    run = trainer(batch_size=batch_size, epochs=3)
    run.train()
    assert run.step == 3 * steps_per_epoch
    assert run.epoch == 3


def test_samples_are_reshuffled_every_epoch():
    run = trainer(batch_size=50, epochs=1)
    orders = []
    for _ in range(2):
        run._batches.clear()
        run.train_step()
        orders.append(run._batches[0].clone())
    assert not torch.equal(orders[0], orders[1])


def test_training_can_stop_between_any_two_steps_and_resume():
    run = trainer(epochs=2)
    for _ in range(3):
        assert run.train_step() is False
    assert (run.step, run.epoch) == (3, 0)
    run.set_live(learning_rate=0.5)
    assert run.optimizer.param_groups[0]["lr"] == 0.5
    snapshots = list(run.run())
    assert [s.epoch for s in snapshots] == [1, 2]
    assert snapshots[-1].stop_reason == "max_epochs"


def test_an_open_ended_run_passes_its_epochs_unless_the_limit_is_on():
    run = trainer(epochs=2)
    run.open_ended = True  # as the window's training process runs it
    for _ in range(3 * 10):  # 100 training points, batches of 10: three epochs
        run.train_step()
    assert run.epoch == 3 and not run.stopped
    run.set_live(epoch_limit=True)
    run.train_step()
    while run.step % 10:
        run.train_step()
    assert run.stop_reason == "max_epochs"
    assert run.message == "Stopped at epoch 4: the limit of 2 epochs a run was reached."


def test_the_stop_message_describes_the_current_run():
    run = trainer(epochs=2)
    run.train()
    assert run.message == "Stopped at epoch 2: the limit of 2 epochs a run was reached."
    run.resume()
    run.train()
    assert run.epoch == 4
    assert run.message == ("Stopped at epoch 4: the limit of 2 epochs a run was reached "
                           "(this run began at epoch 2).")


def test_only_learning_rate_and_regularisation_change_live():
    with pytest.raises(ValueError, match="can change while training"):
        trainer().set_live(batch_size=3)


def test_snapshots_are_numpy_and_plain_numbers():
    snap = next(trainer(epochs=1).run())
    assert isinstance(snap.record.train_loss, float)
    assert set(snap.grad_norms) == {"dense_1", "dense_2", "output_1"}
    assert all(isinstance(v, float) and v > 0 for v in snap.grad_norms.values())


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_every_optimiser_and_penalty_lowers_the_loss(optimizer, regularization):
    run = trainer(optimizer=optimizer, regularization=regularization,
                  regularization_rate=0.001, epochs=15, learning_rate=0.03)
    first = run.evaluate()["train_loss"]
    run.train()
    assert run.history[-1].train_loss < 0.8 * first


def test_l2_penalty_shrinks_the_weights():
    plain, shrunk = trainer(epochs=20), trainer(epochs=20, regularization="l2",
                                                regularization_rate=0.3)
    plain.train(), shrunk.train()
    norm = lambda run: np.linalg.norm(run.weights()["dense_1.weight"])  # noqa: E731
    assert norm(shrunk) < 0.7 * norm(plain)


def test_divergence_stops_keeps_finite_weights_and_says_what_to_lower():
    spiral = DataConfig(name="spiral", n_samples=200)
    run = trainer(mlp(8, activation="relu", out={"activation": "linear",
                                                 "loss": "squared_error"}),
                  spiral, learning_rate=10.0, epochs=50)
    last = run.train()
    assert last.stop_reason == "diverged"
    assert "learning rate (now 10" in last.message
    assert all(np.isfinite(w).all() for w in run.weights().values())
    assert all(math.isfinite(r.train_loss) for r in run.history)


def test_early_stopping_restores_the_best_weights():
    data = DataConfig(name="circle", n_samples=60, noise=50, seed=3)
    run = trainer(mlp(32, 32), data, epochs=400, early_stopping_patience=5,
                  learning_rate=0.1)
    last = run.train()
    assert last.stop_reason == "early_stopping"
    assert run.epoch < 400
    best = min(r.test_loss for r in run.history)
    assert run.evaluate()["test_loss"] == pytest.approx(best, rel=1e-6)


def test_play_after_early_stopping_trains_on_instead_of_rolling_back_again():
    data = DataConfig(name="circle", n_samples=60, noise=50, seed=3)
    run = trainer(mlp(32, 32), data, epochs=400, early_stopping_patience=5,
                  learning_rate=0.1)
    assert run.train().stop_reason == "early_stopping"
    restored, epoch = run.weights(), run.epoch
    run.resume()  # the GUI's Play
    while not run.train_step():
        pass
    assert not run.stopped and run.epoch == epoch + 1
    assert any(not np.array_equal(run.weights()[k], restored[k]) for k in restored)


def regularised_net():
    """Dense → BatchNorm → Dropout: a forward pass in training mode draws a dropout mask
    and moves BatchNorm's running statistics."""
    return sequential(("Input", {"shape": [2]}), ("Dense", {"units": 8}), ("BatchNorm", {}),
                      ("Dropout", {"rate": 0.3}), ("Output", {"activation": "tanh",
                                                               "loss": "squared_error"}))


def test_the_gradient_norm_check_leaves_the_run_as_it_would_be_without_it():
    runs = []
    for threshold in (0.0, 1e-12):  # one after the other: dropout draws from torch's generator
        runs.append(trainer(regularised_net(), epochs=6, seed=2, grad_norm_threshold=threshold))
        runs[-1].train()
    assert [r.stop_reason for r in runs] == ["max_epochs", "max_epochs"]
    without, with_check = (r.weights() for r in runs)
    assert any("running_mean" in key for key in without)
    for key in without:  # weights and BatchNorm's running statistics, bit for bit
        np.testing.assert_array_equal(with_check[key], without[key], err_msg=key)
    assert runs[1].model.training  # back in training mode after the check


def test_live_frames_between_epochs_leave_the_run_as_it_would_be_without_them():
    from playground.core.probes import make_frame

    runs = []
    for framed in (False, True):  # one after the other: dropout draws from torch's generator
        run = trainer(regularised_net(), epochs=4, seed=2)
        for _snapshot in run.run():
            if framed:
                make_frame(run, live=True)
        runs.append(run.weights())
    for key in runs[0]:
        np.testing.assert_array_equal(runs[1][key], runs[0][key], err_msg=key)


def test_loss_plateau_stops_when_the_loss_barely_changes():
    last = trainer(epochs=500, loss_change_threshold=1e-3).train()
    assert last.stop_reason == "loss_plateau"
    assert last.epoch < 500


def test_gradient_norm_criterion_stops_near_a_minimum():
    data = DataConfig(name="reg-plane", n_samples=100)
    spec = sequential(("Input", {"shape": [2]}),
                      ("Output", {"activation": "linear", "loss": "squared_error",
                                  "task": "regression"}))
    last = trainer(spec, data, epochs=500, grad_norm_threshold=1e-3).train()
    assert last.stop_reason == "grad_norm"
    assert "gradient norm" in last.message


def test_step_activation_gets_exactly_zero_gradient_and_weights_stay():
    data = DataConfig(name="xor-points", train_fraction=1.0)
    spec = mlp(2, activation="step", out={"activation": "step", "loss": "squared_error"})
    run = trainer(spec, data, epochs=20, learning_rate=1.0)
    before = run.weights()
    last = run.train()
    after = run.weights()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert all(p.grad is not None and torch.count_nonzero(p.grad) == 0
               for p in run.model.parameters())
    assert set(last.grad_norms.values()) == {0.0}


def test_straight_through_estimator_lets_step_units_learn():
    spec = sequential(("Input", {"shape": [2]}),
                      ("Dense", {"units": 8, "activation": "step", "straight_through": True}),
                      ("Output", {"activation": "tanh", "loss": "squared_error"}))
    run = trainer(spec, DataConfig(name="gauss", n_samples=200), epochs=5)
    before = run.weights()["dense_1.weight"]
    run.train()
    assert not np.array_equal(before, run.weights()["dense_1.weight"])


def test_dead_relu_units_are_counted():
    run = trainer(mlp(4, activation="relu"), epochs=1)
    with torch.no_grad():
        run.model.nodes["dense_1"].transform.bias[:2] = -1000.0
    assert run.snapshot().dead_units == {"dense_1": 2}


def test_multiclass_with_cross_entropy_learns():
    out = {"units": 3, "task": "multiclass", "loss": "cross_entropy", "activation": "softmax"}
    run = trainer(mlp(8, out=out), DataConfig(name="multiclass-gauss", n_samples=300),
                  epochs=30, optimizer="adam", learning_rate=0.02)
    assert run.train().record.test_accuracy >= 0.9


def test_a_network_that_does_not_fit_the_data_says_how_to_fix_it():
    with pytest.raises(DataMismatch, match=r"set the Input shape to \[3\]"):
        trainer(data=DataConfig(features=("x1", "x2", "x1x2")))
    with pytest.raises(DataMismatch, match="regression data set"):
        trainer(data=DataConfig(name="reg-plane"))


def test_bad_training_settings_name_the_setting():
    with pytest.raises(TrainConfigError, match="'optimizer' must be one of sgd, momentum, adam"):
        TrainConfig(optimizer="rmsprop")
    with pytest.raises(TrainConfigError, match="'learning_rate' = -1.0 is out of range"):
        TrainConfig(learning_rate=-1)
    with pytest.raises(TrainConfigError, match=r"unknown training setting\(s\) \['lr'\]"):
        TrainConfig.from_dict({"lr": 0.1})


def test_an_absent_device_is_a_clear_error():
    if not torch.cuda.is_available():
        with pytest.raises(DeviceUnavailable, match="no CUDA device"):
            resolve_device("cuda")
    assert resolve_device("cpu").type == "cpu"


def perceptron(data: DataConfig, epochs: int = 100) -> PerceptronTrainer:
    spec = sequential(("Input", {"shape": [2]}),
                      ("Output", {"activation": "step", "loss": "squared_error"}))
    return make_trainer(spec, make_dataset(data), TrainConfig(algorithm="perceptron",
                                                              epochs=epochs))


def test_perceptron_converges_on_separable_data():
    run = perceptron(DataConfig(name="gauss", n_samples=200, seed=4))
    last = run.train()
    assert last.stop_reason == "converged"
    assert last.record.train_accuracy == 1.0
    assert last.record.mistakes == 0
    assert run.updates > 0


def test_perceptron_keeps_cycling_on_xor():
    run = perceptron(DataConfig(name="xor-points", train_fraction=1.0), epochs=30)
    last = run.train()
    assert last.stop_reason == "max_epochs"
    assert "not linearly separable" in last.message
    assert all(r.mistakes > 0 for r in run.history)


def test_perceptron_rule_is_mistake_driven_from_zero():
    run = perceptron(DataConfig(name="xor-points", train_fraction=1.0))
    assert run.w.tolist() == [0.0, 0.0] and run.b == 0.0
    first = run.update()
    assert first.mistake  # w = 0 puts every point on the boundary: y(wᵀx + b) = 0 ≤ 0
    y = 1.0 if run.dataset.y_train[first.index] else -1.0
    x = run.dataset.x_train[first.index]
    assert first.w_after.tolist() == (y * x).tolist() and first.b_after == y
    for _ in range(20):
        update = run.update()
        if not update.mistake:
            assert np.array_equal(update.w_before, update.w_after)


def test_perceptron_rule_refuses_hidden_layers():
    spec = mlp(2, activation="step", out={"activation": "step", "loss": "squared_error"})
    with pytest.raises(SpecError, match="single layer of step units"):
        make_trainer(spec, make_dataset(DataConfig()), TrainConfig(algorithm="perceptron"))


def test_an_exploding_loss_counts_as_divergence_even_without_nan():
    from playground.core.presets import load_preset

    project = load_preset("spiral")
    run = make_trainer(project.network, make_dataset(project.data),
                       project.training.replace(learning_rate=10.0))
    last = run.train()
    assert last.stop_reason == "diverged" and "jumped to" in last.message
    assert run.epoch == 0 and run.history == []


def test_live_snapshots_reuse_a_recent_evaluation_and_exact_ones_do_not():
    run = trainer(learning_rate=0.3)
    first = run.snapshot().record
    for _ in range(20):
        run.train_step()
    live = run.snapshot(reuse_within=3600.0).record
    assert live.step == 20 and live.train_loss == first.train_loss  # the figures are reused
    exact = run.snapshot().record
    assert exact.train_loss != first.train_loss
    assert run.snapshot(reuse_within=0.0).record.train_loss == exact.train_loss


def test_the_first_and_last_epochs_of_a_run_always_have_test_points(monkeypatch):
    from playground.core.training import engine

    monkeypatch.setattr(engine, "EVAL_SHARE", -1.0)  # evaluating is never affordable...
    monkeypatch.setattr(engine, "EVAL_GAP", math.inf)  # ...nor ever due
    run = trainer(epochs=6)
    run.train()
    tested = [r.epoch for r in run.history if r.test_loss is not None]
    assert tested == [1, 6]


def test_train_and_test_curves_are_evaluated_at_the_same_weights(monkeypatch):
    """Each evaluated epoch's train and test figures are the exact ones at its end weights;
    the running mean of the batch losses is kept apart, as `batch_loss`."""
    from playground.core.training import engine

    monkeypatch.setattr(engine, "EVAL_GAP", 0.0)  # a point every epoch
    run = trainer(mlp(8, 4), DataConfig(name="circle", n_samples=200), epochs=3,
                  learning_rate=0.3)
    for epoch in range(1, 4):
        while not run.train_step():
            pass
        record, exact = run.history[-1], run.evaluate()
        assert record.epoch == epoch and record.subsample is None  # small data: every sample
        for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
            assert getattr(record, name) == pytest.approx(exact[name], rel=1e-6), name
    first = run.history[0]
    assert first.batch_loss > first.train_loss  # the mean over the epoch lags behind


def test_big_data_curves_evaluate_a_fixed_seeded_subsample_of_each_split(monkeypatch):
    from playground.core.training import engine

    monkeypatch.setattr(engine, "CURVE_SAMPLES", 50)
    runs = [trainer(data=DataConfig(n_samples=400), epochs=2, seed=5) for _ in range(2)]
    for run in runs:
        run.train()
    first, again = (run.history[-1] for run in runs)
    assert first.subsample == 50 and first.train_loss == again.train_loss
    x, t = runs[0]._curve_splits[0]
    assert len(x) == 50 and first.train_loss == pytest.approx(
        runs[0]._evaluate_split(x, t, False)[0])


def test_live_snapshots_refresh_within_the_evaluation_budget_but_at_least_once_a_second(
        monkeypatch):
    from playground.core.training import engine

    run = trainer(learning_rate=0.3)
    first = run.snapshot(reuse_within=0.25).record
    monkeypatch.setattr(engine, "EVAL_SHARE", 0.0)  # every evaluation is over the budget
    for _ in range(20):
        run.train_step()
    run.seconds = first.seconds + 0.5
    assert run.snapshot(reuse_within=0.25).record.train_loss == first.train_loss  # too dear
    run.seconds = first.seconds + engine.METRICS_MAX_AGE
    assert run.snapshot(reuse_within=0.25).record.train_loss != first.train_loss  # too old


@pytest.mark.parametrize("output", [
    {"units": 3, "activation": "softmax", "task": "multiclass", "loss": "cross_entropy"},
    {"units": 1, "activation": "sigmoid", "task": "binary", "loss": "binary_cross_entropy"},
    {"units": 1, "activation": "tanh", "task": "binary", "loss": "squared_error"},
])
def test_a_training_step_minimises_the_mean_of_the_per_sample_losses(output):
    from playground.core.heads import Head

    head = Head.of(mlp(4, out=output))
    field = torch.randn(9, output["units"], generator=torch.Generator().manual_seed(0))
    labels = np.arange(9) % max(output["units"], 2)
    target = torch.as_tensor(head.targets(labels))
    act = torch.tanh if output["activation"] == "tanh" else torch.sigmoid
    expected = head.loss_per_sample(field, target, act).mean()
    assert float(head.mean_loss(field, target, act)) == pytest.approx(float(expected), rel=1e-6)


def test_live_figures_on_big_data_come_from_a_fixed_subsample_and_pauses_are_exact(
        monkeypatch):
    from playground.core.training import engine

    monkeypatch.setattr(engine, "CURVE_SAMPLES", 40)  # circle's 250 points count as big here
    t = trainer(data=DataConfig(name="circle", noise=0.2), learning_rate=0.1)
    for _ in range(20):
        t.train_step()
    live = t.snapshot(reuse_within=0.25)
    assert live.subsample == 40
    x, targets = t._curve_splits[0]  # the curves' subsample, the same every time
    assert len(x) == 40
    assert live.record.train_loss == pytest.approx(t._evaluate_split(x, targets, False)[0])
    exact = t.snapshot()
    assert exact.subsample == 0
    assert exact.record.train_loss == pytest.approx(
        t._evaluate_split(t.x_train, t.t_train, False)[0])
    assert t.metrics()["train_loss"] == pytest.approx(exact.record.train_loss)
