"""Importing in a worker thread: the window keeps running, the progress shows, Cancel and
closing the window stop the import and leave the project as it was."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from playground.core.datasets.imports import load_path, read_table
from playground.core.project import imported_dataset
from playground.gui.import_worker import ImportJob
from tests.gui.conftest import wait_for_preview
from tests.gui.test_import_data import clicking

MNIST_SIZE = (60_000, 784)
MAX_GAP_S = 0.1  # the longest pause of the window's timer allowed while importing


@pytest.fixture(scope="module")
def mnist_sized(tmp_path_factory) -> Path:
    """60,000 samples of 784 bytes, ten classes (an MNIST-sized .npz, 47 MB)."""
    path = tmp_path_factory.mktemp("data") / "digits.npz"
    np.savez(path, x=np.resize(np.arange(251, dtype=np.uint8), MNIST_SIZE),
             y=np.arange(MNIST_SIZE[0]) % 10)
    return path


@pytest.fixture
def long_csv(tmp_path) -> Path:
    path = tmp_path / "long.csv"
    path.write_text("a,b,label\n" + "1.5,2.5,0\n3.5,4.5,1\n" * 50_000)
    return path


@pytest.fixture(autouse=True)
def collected_heap():
    """Start with the garbage of earlier tests collected and what they keep alive frozen
    (left out of the collector's passes): in a full test run a pass over all of it took
    0.4-1.4 s (measured), and one made in the import's worker held the window that long,
    which the app, whose heap is a single window's, does not see."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


class Ticker:
    """A 10 ms timer on the window's thread noting when it fired and what the import's
    progress dialog showed then."""

    def __init__(self, window, qtbot) -> None:
        self.window = window
        self.times: list[float] = []
        self.shown: list[tuple[str, int] | None] = []
        self.timer = QTimer(window)
        self.timer.timeout.connect(self.tick)
        self.timer.start(10)
        qtbot.waitUntil(lambda: len(self.times) >= 3)

    def tick(self) -> None:
        self.times.append(time.monotonic())
        progress = self.window.importer.progress
        self.shown.append(None if progress is None else
                          (progress.label.text(), progress.bar.value()))

    def longest_pause(self, first: int, last: int | None = None) -> float:
        return float(np.diff(self.times[first:last]).max())


def test_a_60k_import_keeps_the_window_responsive_and_shows_progress(
        window, qtbot, monkeypatch, mnist_sized):
    """From the start until the file is read (fitting the project to the data afterwards is
    not timed here). A busy machine stretches every pause: the bound grows with the time the
    same read takes on the test's own thread, which a read on the window's thread would
    freeze it for."""
    began = time.monotonic()
    load_path(mnist_sized)
    bound = max(MAX_GAP_S, (time.monotonic() - began) / 3)
    received: list = []
    monkeypatch.setattr(window.document, "import_data",
                        lambda data, dataset=None: received.append(data) or [])
    ticker = Ticker(window, qtbot)
    with qtbot.waitSignal(window.importer.finished, timeout=60_000,
                          check_params_cb=lambda worked: worked):
        assert window.importer.import_paths([mnist_sized])
        start = len(ticker.times) - 1
        window.importer.loaded.connect(lambda: ticker.times.append(time.monotonic()))
        progress = window.importer.progress
        assert progress.isVisible() and QApplication.activeModalWidget() is progress
        assert progress.label.text() == "Reading digits.npz…"
    ticker.timer.stop()
    assert len(ticker.times) - start >= 5
    assert ticker.longest_pause(start) < bound
    assert max(s[1] for s in ticker.shown if s) >= 50  # the bar followed the loader
    assert window.importer.progress is None
    [data] = received
    assert data.x.shape == MNIST_SIZE and data.class_names == tuple("0123456789")


def test_a_60k_set_is_made_the_projects_data_without_stopping_the_window(
        window, qtbot, mnist_sized):
    """Reading, shuffling, splitting and standardising happen in the worker; the window's
    thread swaps the data set in, sends it to the training process and draws the preview.
    Building the data set on the window's thread (as it once did, twice) would be one pause
    as long as the build."""
    began = time.monotonic()
    data = load_path(mnist_sized)
    read = time.monotonic() - began
    began = time.monotonic()
    imported_dataset(data, window.document.project.data)
    bound = max(MAX_GAP_S, (time.monotonic() - began) / 2, read / 3)
    del data
    previews = window.controller.previews
    ticker = Ticker(window, qtbot)
    start = len(ticker.times) - 1
    with qtbot.waitSignal(window.importer.finished, timeout=60_000,
                          check_params_cb=lambda worked: worked):
        assert window.importer.import_paths([mnist_sized])
    wait_for_preview(window.controller, qtbot, previews + 1)
    ticker.timer.stop()
    assert ticker.longest_pause(start) < bound
    dataset = window.document.dataset
    assert dataset.input_shape == (784,) and dataset.scaling is not None
    assert window.controller.last_frame is not None  # the preview of the fitted network


def test_a_csv_table_is_read_and_converted_in_the_worker(window, qtbot, monkeypatch,
                                                         long_csv):
    """The window's timer keeps firing while the chosen columns are converted."""
    received: list = []
    monkeypatch.setattr(window.document, "import_data",
                        lambda data, dataset=None: received.append(data) or [])
    window.importer.csv_dialog = clicking(window, qtbot)
    ticker = Ticker(window, qtbot)
    with qtbot.waitSignal(window.importer.finished, timeout=60_000,
                          check_params_cb=lambda worked: worked):
        window.importer.import_paths([long_csv])
    ticker.timer.stop()
    texts = [s[0] for s in ticker.shown if s]
    assert set(texts) == {"Reading long.csv…", "Converting long.csv…"}
    # Reading and converting together: the timer kept firing. A read on the window's thread
    # would be one pause as long as the same read takes here (and a third of the whole span
    # at the very least); the bound grows with those times, since a busy machine (or a
    # collector's pass over a full test run's objects, in the worker) stretches pauses too.
    began = time.monotonic()
    read_table(long_csv, lambda fraction: None)
    read = time.monotonic() - began
    assert len(ticker.times) >= 3
    span = ticker.times[-1] - ticker.times[0]
    assert ticker.longest_pause(0) < max(MAX_GAP_S, read, span / 3)
    [data] = received
    assert data.x.shape == (100_000, 2) and data.class_names == ("0", "1")


def test_cancel_stops_the_import_and_keeps_the_project(window, qtbot, long_csv):
    before = window.document.project.data, window.document.spec.to_dict()
    window.importer.csv_dialog = lambda *args: pytest.fail("a cancelled import went on")
    assert window.importer.import_paths([long_csv])
    job = window.importer._job
    with qtbot.waitSignal(job.progress, timeout=20_000):
        pass
    cancel = window.importer.progress.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    with qtbot.waitSignal(window.importer.finished, check_params_cb=lambda worked: not worked):
        cancel.click()
    assert window.importer.progress is None and not window.importer.running
    qtbot.waitUntil(lambda: not window.importer._jobs)  # the worker unwound and was waited on
    assert job.outcome is None
    assert (window.document.project.data, window.document.spec.to_dict()) == before
    assert window.statusBar().currentMessage() == "Import cancelled; the project is unchanged"


def test_closing_the_window_while_importing_leaves_no_thread(window, qtbot, long_csv):
    before = window.document.project.data
    assert window.importer.import_paths([long_csv])
    job = window.importer._job
    window.close()
    assert not window.isVisible() and job.is_finished() and not window.importer.running
    assert window.document.project.data == before and window.importer.progress is None
    QApplication.processEvents()  # the worker's last report is dropped


@pytest.mark.parametrize("make", ["csv", "npz", "folder"])
def test_loaders_report_progress_and_a_raise_from_it_stops_them(tmp_path, long_csv, make):
    """What the worker's Cancel relies on: reports come while reading, and an exception
    raised from one ends the loader."""
    if make == "csv":
        path, load = long_csv, read_table
    elif make == "npz":
        path, load = tmp_path / "d.npz", load_path
        np.savez(path, x=np.zeros((10, 2)), y=np.arange(10) % 2)
    else:
        from PIL import Image

        path, load = tmp_path / "pics", load_path
        for name in ("a", "b"):
            (path / name).mkdir(parents=True)
            for i in range(60):
                Image.new("L", (4, 4), i).save(path / name / f"{i}.png")
    reports: list[float] = []
    load(path, progress=reports.append)
    assert reports and all(0 < a <= b <= 1 for a, b in zip(reports, reports[1:], strict=False))

    class Stop(Exception):
        pass

    def stop(_fraction: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        load(path, progress=stop)


def test_an_unexpected_loader_failure_ends_as_a_message(qtbot):
    def broken(progress):
        raise KeyError("inner")

    job = ImportJob(broken, "odd.bin")
    with qtbot.waitSignal(job.done):
        job.start()
    job.wait()
    assert job.outcome.startswith("odd.bin: reading it stopped with an unexpected error "
                                  "(KeyError: 'inner')")
