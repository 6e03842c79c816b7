"""The training process through its client: jobs in, frames out, weights back, a clean exit."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from playground.core.datasets import DataConfig, make_dataset
from playground.core.presets import load_preset
from playground.core.training import protocol as p
from playground.core.training.client import TrainingClient
from playground.core.training.protocol import DataRef, Event, Job


def events_until(client: TrainingClient, done, timeout: float = 60.0) -> list[Event]:
    """Events (heartbeats aside) until `done(event)`, asking for a frame after each update
    as the window does."""
    seen: list[Event] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in client.events():
            seen.append(event)
            if event.kind == p.UPDATE:
                client.request(p.FRAME)
            if done(event):
                return seen
        client.flush()
        time.sleep(0.02)
    pytest.fail(f"no such event within {timeout} s; saw {[e.kind for e in seen]}")


@pytest.fixture(scope="module")
def client():
    process = TrainingClient()
    yield process
    process.close()
    assert not process.alive


def job(client: TrainingClient, epochs: int = 5, data: DataConfig | None = None) -> Job:
    project = load_preset("circle")
    token = int(time.monotonic() * 1000)
    client.request(p.DATA, DataRef(token, make_dataset(data or project.data)))
    training = project.training.replace(epochs=epochs, epoch_limit=True)
    return Job(project.network.to_dict(), token, training, None)


def updates(events: list[Event]) -> list:
    return [e.payload for e in events if e.kind == p.UPDATE]


def test_a_job_trains_to_the_end_and_sends_each_epoch_once(client):
    run = client.request(p.LOAD, job(client, epochs=5))
    client.request(p.PLAY)
    seen = updates(events_until(client, lambda e: e.kind == p.UPDATE and
                                e.payload.state == p.FINISHED))
    assert [r.epoch for u in seen for r in u.frame.history] == [1, 2, 3, 4, 5]
    last = seen[-1]
    assert last.frame.snapshot.stop_reason == "max_epochs"
    assert last.weights is not None and set(last.weights) >= {"dense_1.weight"}
    assert last.frame.output.shape == (100, 100)
    unload = client.request(p.UNLOAD)
    (answer,) = [e for e in events_until(client, lambda e: e.id == unload) if e.id == unload]
    weights, epoch = answer.payload
    assert (weights["dense_1.weight"] == last.weights["dense_1.weight"]).all() and epoch == 5
    assert run > 0


def test_a_step_by_epoch_pauses_after_one_epoch(client):
    client.request(p.LOAD, job(client, epochs=50))
    step = client.request(p.STEP, "epoch")
    update = events_until(client, lambda e: e.id == step)[-1].payload
    assert update.state == p.PAUSED and update.frame.snapshot.epoch == 1
    assert update.weights is not None
    client.request(p.LIVE, {"learning_rate": 0.5})
    client.flush()
    step = client.request(p.STEP, "batch")
    update = events_until(client, lambda e: e.id == step)[-1].payload
    assert update.frame.snapshot.step == 26


def test_without_its_epoch_limit_a_run_goes_on_until_paused(client):
    open_ended = replace(job(client, epochs=1), config=load_preset("circle").training.replace(
        epochs=1, epoch_limit=False))
    client.request(p.LOAD, open_ended)
    client.request(p.PLAY)
    seen = events_until(client, lambda e: e.kind == p.UPDATE and
                        e.payload.frame.snapshot.epoch >= 3)
    assert all(u.state == p.RUNNING for u in updates(seen))
    pause = client.request(p.PAUSE)
    events_until(client, lambda e: e.id == pause)


def test_the_speed_setting_trains_that_many_steps_between_frames(client):
    client.request(p.LOAD, job(client, epochs=1000))
    client.request(p.SPEED, 1)  # slow motion: one update a frame
    client.flush()
    client.request(p.PLAY)
    slow = [u.frame.snapshot.step for u in updates(events_until(
        client, lambda e: e.kind == p.UPDATE and e.payload.frame.snapshot.step >= 6))]
    assert np.diff(slow[1:]).tolist() == [1] * (len(slow) - 2)
    client.request(p.SPEED, None)  # as fast as it goes
    client.flush()
    start = slow[-1]
    fast = [u.frame.snapshot.step for u in updates(events_until(
        client, lambda e: e.kind == p.UPDATE and e.payload.frame.snapshot.step > start + 200))]
    assert max(np.diff([start, *fast])) > 1  # many steps a frame (one frame may do them all)
    pause = client.request(p.PAUSE)
    events_until(client, lambda e: e.id == pause)


def test_a_job_that_cannot_train_fails_once_and_the_process_lives_on(client):
    load = client.request(p.LOAD, job(client, data=DataConfig(name="reg-plane")))
    client.request(p.PLAY)
    failed = events_until(client, lambda e: e.kind == p.FAILED)[-1]
    assert failed.run == load and "regression data set" in failed.payload
    preview = client.request(p.PREVIEW, job(client))
    client.flush()
    answer = events_until(client, lambda e: e.id == preview)[-1]
    assert answer.kind == p.REPLY and answer.payload.frame.output.shape == (100, 100)
    assert client.alive


def test_newer_previews_supersede_older_ones(client):
    ids = [client.request(p.PREVIEW, job(client)) for _ in range(20)]
    client.flush()
    answers = [e for e in events_until(client, lambda e: e.id == ids[-1])
               if e.kind == p.REPLY]
    assert [e.id for e in answers] == [ids[-1]]


def test_an_unexpected_failure_while_exporting_ends_as_a_message(monkeypatch, tmp_path):
    import playground.core.export as export_module
    from playground.core.training.protocol import ExportJob
    from playground.core.training.session import export_outcome

    def broken(*args):
        raise RuntimeError("the tracer fell over")

    monkeypatch.setattr(export_module, "export", broken)
    outcome = export_outcome(ExportJob(load_preset("circle"), "onnx", tmp_path / "net.onnx"))
    assert "unexpected error (RuntimeError: the tracer fell over)" in outcome
    assert "Traceback" not in outcome
