"""A long run's history stays bounded: the latest epochs exactly, older ones thinned so that
spikes and dips survive, every record with its own epoch number."""

from dataclasses import replace

from playground.core.datasets import DataConfig, make_dataset
from playground.core.spec import sequential
from playground.core.training import fast
from playground.core.training.config import TrainConfig
from playground.core.training.factory import make_trainer
from playground.core.training.history import MAX_RECORDS, History, exact_from, thinning_note
from playground.core.training.snapshots import EpochRecord


def record(epoch: int, loss: float) -> EpochRecord:
    return EpochRecord(epoch, epoch, None, None, None, None, 0.0, batch_loss=loss)


def test_a_long_history_keeps_its_spikes_dips_and_latest_epochs_in_bounded_size():
    history = History(recent=100, stretches=20)
    for epoch in range(1, 50_001):
        loss = {123: 99.0, 4567: -5.0}.get(epoch, 1.0 / epoch)
        history.append(record(epoch, loss))
        assert len(history) <= 20 * 14 + 200
    kept = {r.epoch: r.batch_loss for r in history}
    assert kept[123] == 99.0 and kept[4567] == -5.0  # the spike and the dip
    assert kept[1] == 1.0 and history[-1].epoch == 50_000
    assert [r.epoch for r in history[-100:]] == list(range(49_901, 50_001))
    epochs = [r.epoch for r in history]
    assert epochs == sorted(set(epochs))  # real epochs, in order, once each
    assert history.after(4567) == epochs.index(4567) + 1
    assert exact_from(history) <= 49_901
    assert "every epoch from" in thinning_note(history)


def test_a_short_history_is_kept_whole():
    history = History(record(e, 1.0) for e in range(1, 1001))
    assert len(history) == 1000 and exact_from(history) is None
    assert thinning_note(history) is None


def test_an_open_ended_fast_run_of_200000_epochs_keeps_a_bounded_history():
    assert fast.compile_kernels(), fast.failure()
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 2, "activation": "tanh"}),
                      ("Output", {"activation": "tanh", "loss": "squared_error"}))
    dataset = make_dataset(DataConfig(name="circle", n_samples=8))
    trainer = make_trainer(spec, dataset, TrainConfig(seed=1, batch_size=0, epochs=200_000),
                           engine="fast")
    trainer.open_ended = True
    trainer.train_for(0.001)
    spike = trainer.history[-1]
    trainer.history[-1] = replace(spike, batch_loss=1e6)  # a spike, as a diverging epoch has
    while trainer.epoch < 200_000:
        trainer.train_for(0.05)
    assert trainer.epoch >= 200_000 and trainer.history[-1].epoch == trainer.epoch
    assert len(trainer.history) <= MAX_RECORDS
    kept = {r.epoch: r for r in trainer.history}
    assert kept[spike.epoch].batch_loss == 1e6
    metrics = trainer.metrics()
    assert metrics["epochs"] == trainer.epoch and "history_kept" in metrics
