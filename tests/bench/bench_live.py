"""Live training in the real window (offscreen), measured in one run.

1. Throughput on `circle` with every live view open, against the bare engine and a bare
   PyTorch loop on the same model, data and batch (target ≥ 0.9 of the bare loop).
2. Main-thread responsiveness while training: latency of a 10 ms timer probe, p50 and p99
   (target p99 < 50 ms), and the achieved redraw rate (target ≥ 25 Hz).
3. Epochs per second on `circle` with the live view on.
4. Memory: peak resident size of the app (window and training process together) over a long
   run with every view open (target < 600 MB) and its growth from the first to the last 20
   seconds (target < 5 %).

    python tests/bench/bench_live.py [--epochs 300] [--memory-seconds 120]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __name__ == "__main__":  # the training process imports this file again: keep it light there
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_engine import bare_loop

    from playground.core.datasets import make_dataset
    from playground.core.presets import load_preset
    from playground.core.training.engine import Trainer
    from playground.gui.document import Document
    from playground.gui.main_window import MainWindow
    from playground.gui.worker import FINISHED


def memory_mb() -> tuple[float, float]:
    """(RSS, PSS) of this process and its training process together, in MB.

    RSS counts pages of shared libraries (libtorch) once per process; PSS shares them out,
    so the PSS sum is the physical memory the app takes.
    """
    rss = pss = 0.0
    for pid in ["self", *(str(p.pid) for p in multiprocessing.active_children())]:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) / 1024
    return rss, pss


class Probe:
    """A 10 ms timer on the main thread; records how late each tick comes."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.timer.start()

    def tick(self) -> None:
        now = self.clock.elapsed()
        self.lateness.append(max(0, now - self.last - 10))
        self.last = now

    def percentile(self, q: float) -> float:
        data = sorted(self.lateness)
        return data[min(len(data) - 1, int(q * len(data)))] if data else float("nan")


def window_for(epochs: int) -> MainWindow:
    project = load_preset("circle")
    project.training = project.training.replace(epochs=epochs)
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-live.ini"
    window = MainWindow(QSettings(str(scratch), QSettings.Format.IniFormat),
                        Document.untitled(project))
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.resize(1400, 860)
    window.show()
    return window


def warm(app: QApplication, window: MainWindow) -> None:
    """Start the training process and take one step, so that timing starts warm."""
    window.controller.step("batch")
    while window.controller.last_frame is None or window.controller.last_frame.snapshot.step < 1:
        app.processEvents()
        time.sleep(0.001)


def live_run(app: QApplication, epochs: int) -> dict[str, float]:
    window = window_for(epochs)
    warm(app, window)
    frames = []
    window.controller.frameReady.connect(lambda f: frames.append(time.perf_counter()))
    probe = Probe()
    app.processEvents()
    probe.start()
    started = time.perf_counter()
    window.controller.play()
    while window.controller.state != FINISHED:
        app.processEvents()
        time.sleep(0.001)
    wall = time.perf_counter() - started
    probe.timer.stop()
    steps = window.controller.last_frame.snapshot.step
    rate = (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0
    result = {"wall": wall, "steps": steps, "epochs": epochs, "p50": probe.percentile(0.5),
              "p99": probe.percentile(0.99), "redraw_hz": rate}
    window.close()
    return result


def memory_run(app: QApplication, seconds: float) -> dict[str, float]:
    window = window_for(1_000_000)
    warm(app, window)
    samples: list[tuple[float, float, float]] = []
    started = time.perf_counter()
    window.controller.play()
    next_sample = started
    while time.perf_counter() - started < seconds:
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() >= next_sample:
            samples.append((time.perf_counter() - started, *memory_mb()))
            next_sample += 1.0
    window.close()
    result = {}
    for column, name in ((1, "rss"), (2, "pss")):
        result[f"{name}_peak"] = max(s[column] for s in samples)
        result[f"{name}_first"] = statistics.mean(s[column] for s in samples if s[0] < 20)
        result[f"{name}_last"] = statistics.mean(s[column] for s in samples
                                                 if s[0] > seconds - 20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-seconds", type=float, default=120.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.memory_seconds >= 40:  # first, while this process has done nothing else
        m = memory_run(app, args.memory_seconds)
        for name in ("pss", "rss"):
            first, last = m[f"{name}_first"], m[f"{name}_last"]
            print(f"4. memory ({name.upper()}, window + training process) over "
                  f"{args.memory_seconds:.0f} s: peak {m[f'{name}_peak']:.0f} MB; mean "
                  f"{first:.0f} MB in the first 20 s, {last:.0f} MB in the last 20 s "
                  f"(growth {100 * (last - first) / first:+.1f} %)")

    project = load_preset("circle")
    config = project.training.replace(epochs=args.epochs)
    data = make_dataset(project.data)
    runs = []
    for _ in range(args.repeats):
        engine = Trainer(project.network, data, config, reserve_core=True)
        bare = bare_loop(engine, args.epochs)
        started = time.perf_counter()
        engine.train()
        engine_wall = time.perf_counter() - started
        runs.append((bare, engine_wall, live_run(app, args.epochs)))
    steps = runs[0][2]["steps"]
    median = statistics.median
    bare, engine_wall = median(r[0] for r in runs), median(r[1] for r in runs)
    live = {k: median(r[2][k] for r in runs) for k in runs[0][2]}
    print(f"circle, {args.epochs} epochs, {steps} steps, batch 10, median of {args.repeats}")
    print(f"1. throughput: bare loop {steps / bare:,.0f} steps/s, bare engine "
          f"{steps / engine_wall:,.0f} steps/s, live window {steps / live['wall']:,.0f} steps/s"
          f" -> live/bare loop = {median(r[0] / r[2]['wall'] for r in runs):.3f}, "
          f"live/engine = {median(r[1] / r[2]['wall'] for r in runs):.3f}")
    print(f"2. main thread: timer lateness p50 {live['p50']:.0f} ms, p99 {live['p99']:.0f} ms;"
          f" redraws {live['redraw_hz']:.1f} per second")
    print(f"3. epochs per second with the live view: {args.epochs / live['wall']:.0f}")


if __name__ == "__main__":
    main()
