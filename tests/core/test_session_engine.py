"""The training process starts a Dense chain on PyTorch while the fast engine compiles, and
moves it over between two epochs without changing the run."""

import threading

import numpy as np

from playground.core.datasets import make_dataset
from playground.core.presets import load_preset
from playground.core.training import fast
from playground.core.training import protocol as p
from playground.core.training.engine import Trainer
from playground.core.training.protocol import Job, Request
from playground.core.training.session import _Run, _warm_up


class Pipe:
    """The parent's end of the pipe, reduced to the events the process sends."""

    def __init__(self):
        self.sent = []

    def send(self, event):
        self.sent.append(event)


def test_a_run_starts_on_pytorch_while_compiling_and_switches_between_epochs(monkeypatch):
    assert fast.compile_kernels(), fast.failure()
    monkeypatch.setattr(fast, "_ready", threading.Event())  # as if still compiling
    monkeypatch.setattr(fast, "compile_in_background", lambda: None)
    project = load_preset("circle")
    config = project.training.replace(epochs=6, epoch_limit=True, optimizer="adam",
                                      learning_rate=0.01)
    dataset = make_dataset(project.data)
    pipe = Pipe()
    session = _Run(1, Job(project.network.to_dict(), 1, config, None), dataset, pipe)
    session.obey(Request(2, p.STEP, "epoch"))
    session.obey(Request(3, p.STEP, "batch"))  # in the middle of epoch 2: no switch there
    fast._ready.set()
    session.obey(Request(4, p.PLAY))
    while not session.paused:
        session.run_a_little()
    updates = [event.payload for event in pipe.sent if event.kind == p.UPDATE]
    engines = [update.frame.engine for update in updates]
    assert engines[0] == "torch" and engines[-1] == "fast"
    final = updates[-1]
    assert final.state == p.FINISHED and final.frame.snapshot.epoch == 6
    assert [r.epoch for r in session.trainer.history] == [1, 2, 3, 4, 5, 6]
    reference = Trainer(project.network, dataset, config)
    reference.train()
    for key, value in reference.weights().items():
        assert np.allclose(final.weights[key], value, rtol=1e-4, atol=1e-6), key


def test_the_warm_up_readies_the_fast_engine_once_the_first_preview_is_answered(monkeypatch):
    """A run pressed a few seconds after the window opened starts on the fast engine."""
    monkeypatch.setattr(fast, "_ready", threading.Event())  # a fresh process
    answered = threading.Event()
    warm = threading.Thread(target=_warm_up, args=(answered,))
    warm.start()
    warm.join(0.2)
    assert warm.is_alive() and not fast.kernels_ready()  # the first preview comes first
    answered.set()
    warm.join(60)
    assert fast.kernels_ready()


def test_the_warm_up_thread_runs_at_the_lowest_priority_and_leaves_the_others_alone():
    """Its seconds of CPU must not hold up the window (or an import) on a small machine."""
    import os
    import sys

    from playground.core.training.session import _lower_priority

    seen = {}

    def warm():
        _lower_priority()
        seen["warm"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=warm)
    thread.start()
    thread.join()
    if sys.platform.startswith("linux"):
        assert seen["warm"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 19
