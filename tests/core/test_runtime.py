"""Thread choice follows the measurements in runtime.py; the CLI progress bar is tty-only."""

import io

import pytest

from playground.cli import Progress
from playground.core.training import runtime
from playground.core.training.snapshots import EpochRecord, Snapshot


@pytest.mark.parametrize(("params", "batch", "reserve", "threads"), [
    (25, 10, False, 1),            # TF Playground's net: a second thread never helps
    (26_000, 64, False, 1),        # mid-size MLP: 4x slower with 2 threads under load
    (670_000, 512, False, 2),      # large steps on an idle machine: 1.7x faster with 2
    (670_000, 512, True, 1),       # ...but the GUI keeps one core for itself
])
def test_threads_follow_the_measurements(monkeypatch, params, batch, reserve, threads):
    monkeypatch.setattr(runtime.os, "cpu_count", lambda: 2)
    assert runtime.choose_threads(params, batch, reserve_core=reserve) == threads


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def snapshot(epoch: int, stop: str | None = None) -> Snapshot:
    return Snapshot(EpochRecord(epoch, epoch * 10, 0.25, 0.3, 0.9, 0.875, 1.0), stop_reason=stop)


def test_progress_bar_draws_on_a_terminal_only():
    terminal, pipe = FakeTerminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = Progress(stream, total=4)
        bar.update(snapshot(2))
        bar.update(snapshot(4, stop="max_epochs"))
        bar.close()
    assert pipe.getvalue() == ""
    last = terminal.getvalue().split("\r")[-1]
    assert last.startswith("epoch 4/4 [" + "#" * 30 + "] loss 0.25  test acc 0.875")
