"""How long the window stops drawing while it imports an MNIST-sized file.

A 60,000 × 784 ten-class `.npz` is generated in a temporary folder. The baseline reads it on
the calling thread (what the window froze for before imports ran in a worker); the measured
run imports it through the window's File → Import flow, with a 10 ms timer on the window's
thread, until the file is read (fitting the project to the data afterwards is not counted).
Prints `sync_read_s` (the baseline), `max_stall_ms` (the timer's longest pause, target < 100)
and `p99_ms` of the timer's intervals, one JSON object as the last line.

    python tests/bench/bench_import.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.core.datasets.imports import load_path  # noqa: E402
from playground.gui.main_window import MainWindow  # noqa: E402

SHAPE = (60_000, 784)


def import_once(app: QApplication, window: MainWindow, path: Path) -> list[float]:
    """The timer's intervals (s) from the start of an import until the file is read."""
    ticks: list[float] = []
    read: list[bool] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    window.importer.loaded.connect(lambda: (ticks.append(time.monotonic()), read.append(True)))
    timer.start(10)
    settle = time.monotonic() + 0.3
    while time.monotonic() < settle:
        app.processEvents()
    ticks.clear()
    ticks.append(time.monotonic())
    window.importer.import_paths([path])
    while not read:
        app.processEvents()
    timer.stop()
    window.importer.loaded.disconnect()
    return list(np.diff(ticks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digits.npz"
        np.savez(path, x=np.resize(np.arange(251, dtype=np.uint8), SHAPE),
                 y=np.arange(SHAPE[0]) % 10)
        window = MainWindow(QSettings(str(Path(folder) / "settings.ini"),
                                      QSettings.Format.IniFormat))
        window.document.import_data = lambda data: []  # time the read, not the fit
        window.show()
        sync, gaps = [], []
        for _ in range(args.repeats):
            began = time.monotonic()
            load_path(path)
            sync.append(time.monotonic() - began)
            gaps += import_once(app, window, path)
        window.controller.shutdown()
    print(json.dumps({
        "samples": SHAPE[0], "features": SHAPE[1], "repeats": args.repeats,
        "sync_read_s": round(statistics.median(sync), 3),
        "max_stall_ms": round(max(gaps) * 1000, 1),
        "p99_ms": round(float(np.percentile(gaps, 99)) * 1000, 1),
    }))


if __name__ == "__main__":
    main()
