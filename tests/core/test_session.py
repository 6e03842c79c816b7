"""The training process: jobs in, frames out, weights back, and a clean exit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.core.datasets import DataConfig, make_dataset
from playground.core.presets import load_preset
from playground.core.training.session import FINISHED, Job, RemoteTrainer


def updates_until(remote: RemoteTrainer, state: str, timeout: float = 60.0) -> list:
    """Updates received until one in `state`, asking for a frame after each (as the GUI does)."""
    seen = []
    for _ in range(int(timeout / 0.05)):
        for kind, payload in remote.receive(0.05):
            assert kind == "update", payload
            seen.append(payload)
            remote.send("frame")
            if payload.state == state:
                return seen
    pytest.fail(f"no '{state}' update within {timeout} s")


@pytest.fixture(scope="module")
def remote():
    process = RemoteTrainer()
    yield process
    process.close()
    assert not process.alive


def job(epochs: int = 5, data: DataConfig | None = None) -> Job:
    project = load_preset("circle")
    dataset = make_dataset(data or project.data)
    training = project.training.replace(epochs=epochs, epoch_limit=True)
    return Job(project.network.to_dict(), dataset, training, None)


def test_a_job_trains_to_the_end_and_sends_each_epoch_once(remote):
    remote.send("load", job(epochs=5))
    remote.send("resume")
    updates = updates_until(remote, FINISHED)
    history = [r.epoch for u in updates for r in u.frame.history]
    assert history == [1, 2, 3, 4, 5]
    last = updates[-1]
    assert last.frame.snapshot.stop_reason == "max_epochs"
    assert last.weights is not None and set(last.weights) >= {"dense_1.weight"}
    assert last.frame.output.shape == (100, 100)
    weights = remote.unload()
    assert set(weights) == set(last.weights)
    assert (weights["dense_1.weight"] == last.weights["dense_1.weight"]).all()


def test_without_its_epoch_limit_a_run_goes_on_until_paused(remote):
    remote.send("load", replace(job(epochs=1), config=job().config.replace(
        epochs=1, epoch_limit=False)))
    remote.send("resume")
    seen = []
    while not seen or seen[-1].frame.snapshot.epoch < 3:
        seen += updates_until(remote, "running")
    assert all(u.state == "running" for u in seen)
    remote.send("pause")
    updates_until(remote, "paused")
    remote.unload()


def test_the_speed_setting_trains_that_many_steps_between_frames(remote):
    remote.send("load", job(epochs=1000))
    remote.send("speed", 1)  # slow motion: one update a frame
    remote.send("resume")
    steps = [u.frame.snapshot.step for _ in range(6) for u in updates_until(remote, "running")]
    assert np.diff(steps[1:]).tolist() == [1] * (len(steps) - 2)
    remote.send("speed", None)  # as fast as it goes
    fast = [u.frame.snapshot.step for _ in range(4) for u in updates_until(remote, "running")]
    assert max(np.diff(fast[1:])) > 1
    remote.unload()


def test_a_step_by_epoch_pauses_after_one_epoch(remote):
    remote.send("load", job(epochs=50))
    remote.send("step", "epoch")
    (update,) = updates_until(remote, "paused")
    assert update.frame.snapshot.epoch == 1 and update.weights is not None
    remote.send("live", {"learning_rate": 0.5})
    remote.send("step", "batch")
    (update,) = updates_until(remote, "paused")
    assert update.frame.snapshot.step == 26
    remote.unload()


def test_a_job_that_cannot_train_is_reported_not_fatal(remote):
    remote.send("load", job(data=DataConfig(name="reg-plane")))
    messages = remote.receive(30.0)
    assert messages[0][0] == "error" and "regression data set" in messages[0][1]
    assert remote.alive
    assert remote.unload() is None
