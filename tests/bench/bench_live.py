"""Live training in the real window (offscreen), measured in one run.

1. Throughput on `circle` with every live view open, in epochs per second, against the same
   engine the window picks (the fast one for `circle`) training headless, and against a bare
   PyTorch loop on the same model, data and batch (fewer epochs: a rate). Targets:
   live_over_bare >= 0.95; live_over_fast >= 0.8 (the window costs the fast engine < 20 %).
2. Main-thread responsiveness while training: latency of a 10 ms timer probe, p50 and p99
   (target p99 < 30 ms), and the achieved redraw rate (target >= 30 Hz).
3. Epochs per second on `circle` with the live view on.
4. Memory: peak resident size of the app (window and training process together) over a long
   run with every view open (target < 600 MB) and its growth from the first to the last 20
   seconds (target < 5 %).

5. With --interact: the same while a node is dragged and the window resized (p99 < 50 ms).
6. With --data FILE (an .npz with x and y; --make-data FILE writes a 60,000 × 784 ten-class
   one): import, preview and training on it in the window, measured with the same timer
   probe: first_frame_s after Play (< 1.0), p99_ms (< 50) and max_stall_ms (< 100).

    python tests/bench/bench_live.py [--epochs 20000] [--memory-seconds 120] [--interact]
    python tests/bench/bench_live.py --make-data /tmp/big.npz
    python tests/bench/bench_live.py --data /tmp/big.npz

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __name__ == "__main__":  # the training process imports this file again: keep it light there
    from PySide6.QtCore import QElapsedTimer, QPointF, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_engine import bare_loop

    from playground.core.datasets import make_dataset
    from playground.core.presets import load_preset
    from playground.core.training.engine import Trainer
    from playground.core.training.factory import engine_of, make_trainer
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
    project.training = project.training.replace(epochs=epochs, epoch_limit=True)
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-live.ini"
    window = MainWindow(QSettings(str(scratch), QSettings.Format.IniFormat),
                        Document.untitled(project))
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.resize(1400, 860)
    window.show()
    return window


def warm(app: QApplication, window: MainWindow, engine: str = "fast") -> None:
    """Start the training process and step until it trains on `engine`, so that timing
    starts warm: a new process loads the fast engine's kernels in the background for about
    a second (training on PyTorch meanwhile), which would otherwise count in the first run."""
    controller = window.controller

    def trained() -> int:
        frame = controller.last_frame
        return frame.snapshot.step if controller.loaded and frame is not None else 0

    deadline = time.perf_counter() + 60
    while True:
        steps = trained()
        controller.step("epoch")
        while trained() <= steps:
            app.processEvents()
            time.sleep(0.001)
        if controller.last_frame.engine == engine or time.perf_counter() > deadline:
            return
        time.sleep(0.05)


class Interaction:
    """Drags a node to and fro and resizes the window, as a user might while training."""

    def __init__(self, window: MainWindow) -> None:
        self.window, self.ticks = window, 0
        self.timer = QTimer()
        self.timer.setInterval(40)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        self.ticks += 1
        node = next(iter(self.window.scene.nodes.values()))
        node.setPos(node.pos() + QPointF(8 if self.ticks % 20 < 10 else -8, 0))
        if self.ticks % 5 == 0:
            self.window.resize(1400 - 60 * (self.ticks % 2), 860)


def live_run(app: QApplication, epochs: int, interact: bool = False) -> dict[str, float]:
    window = window_for(epochs)
    warm(app, window)
    interaction = Interaction(window)
    if interact:
        interaction.timer.start()
    frames = []
    window.controller.frameReady.connect(lambda f: frames.append(time.perf_counter()))
    probe = Probe()
    app.processEvents()
    probe.start()
    first_epoch = window.controller.last_frame.snapshot.epoch  # a few taken by `warm`
    started = time.perf_counter()
    window.controller.play()
    while window.controller.state != FINISHED:
        app.processEvents()
        time.sleep(0.001)
    wall = time.perf_counter() - started
    probe.timer.stop()
    interaction.timer.stop()
    steps = window.controller.last_frame.snapshot.step
    rate = (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0
    epochs = window.controller.last_frame.snapshot.epoch - first_epoch
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


def make_data(path: Path, rows: int = 60_000, features: int = 784, classes: int = 10) -> None:
    """An MNIST-sized ten-class set: class means apart, noise around them (float32)."""
    import numpy as np

    rng = np.random.default_rng(0)
    y = rng.integers(0, classes, rows)
    means = rng.normal(0, 1, (classes, features)).astype(np.float32)
    x = means[y] + rng.normal(0, 2, (rows, features)).astype(np.float32)
    np.savez(path, x=x.astype(np.float32), y=y.astype(np.int64))


def data_run(app: QApplication, path: Path, seconds: float) -> dict[str, float]:
    """Import `path`, let the preview come, press Play, train: how late the window's timer
    ticks throughout, and how soon the first training frame comes."""
    window = window_for(1_000_000)
    warm(app, window)
    controller = window.controller
    probe = Probe()
    probe.start()
    started = time.perf_counter()
    previews = controller.previews
    assert window.importer.import_paths([path]), "the import failed"
    while controller.previews <= previews or controller.previewing:
        app.processEvents()
        time.sleep(0.001)
    preview_s = time.perf_counter() - started
    played = time.perf_counter()
    controller.play()
    while controller.last_frame is None or controller.last_frame.snapshot.step < 1 \
            or not controller.loaded:
        app.processEvents()
        time.sleep(0.001)
    first_frame = time.perf_counter() - played
    while time.perf_counter() - played < seconds:
        app.processEvents()
        time.sleep(0.001)
    probe.timer.stop()
    steps = controller.last_frame.snapshot.step
    window.close()
    return {"import_and_preview_s": round(preview_s, 3), "first_frame_s": round(first_frame, 3),
            "p99_ms": probe.percentile(0.99), "max_stall_ms": max(probe.lateness),
            "steps": steps, "train_seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-seconds", type=float, default=120.0)
    parser.add_argument("--interact", action="store_true",
                        help="drag a node and resize the window while training")
    parser.add_argument("--data", type=Path, help="measure import, preview and training of "
                        "this .npz in the window instead")
    parser.add_argument("--data-seconds", type=float, default=10.0)
    parser.add_argument("--make-data", type=Path, help="write a 60,000 × 784 set and stop")
    args = parser.parse_args()
    if args.make_data:
        make_data(args.make_data)
        return
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.data:
        figures = data_run(app, args.data, args.data_seconds)
        print(f"{args.data}: import and preview {figures['import_and_preview_s']:.2f} s, first "
              f"frame {figures['first_frame_s']:.2f} s after Play; timer lateness p99 "
              f"{figures['p99_ms']:.0f} ms, worst {figures['max_stall_ms']:.0f} ms")
        print(json.dumps(figures))
        return
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
    bare_epochs = min(args.epochs, 300)  # the bare PyTorch loop is slow: fewer epochs, a rate
    runs = []
    for _ in range(args.repeats):
        torch_engine = Trainer(project.network, data, config.replace(epochs=bare_epochs),
                               reserve_core=True)
        bare_rate = bare_epochs / bare_loop(torch_engine, bare_epochs)
        engine = make_trainer(project.network, data, config, reserve_core=True)
        started = time.perf_counter()
        engine.train()
        engine_rate = args.epochs / (time.perf_counter() - started)
        live = live_run(app, args.epochs, args.interact)
        runs.append((bare_rate, engine_rate, live["epochs"] / live["wall"], live))
    median = statistics.median
    live = {k: median(r[3][k] for r in runs) for k in runs[0][3]}
    bare_rate, engine_rate, live_rate = (median(r[i] for r in runs) for i in range(3))
    name = engine_of(engine)
    print(f"circle, {args.epochs} epochs ({live['steps']} steps), batch 10, "
          f"median of {args.repeats}; engine: {name}")
    print(f"1. epochs per second: bare PyTorch loop {bare_rate:,.0f}, the {name} engine alone "
          f"{engine_rate:,.0f}, the live window {live_rate:,.0f} -> live/bare loop = "
          f"{median(r[2] / r[0] for r in runs):.3f}, live/engine = "
          f"{median(r[2] / r[1] for r in runs):.3f}")
    print(f"2. main thread: timer lateness p50 {live['p50']:.0f} ms, p99 {live['p99']:.0f} ms;"
          f" redraws {live['redraw_hz']:.1f} per second")
    print(json.dumps({
        "preset": "circle", "interact": args.interact, "engine": name,
        "live_over_bare": round(median(r[2] / r[0] for r in runs), 3),
        f"live_over_{name}": round(median(r[2] / r[1] for r in runs), 3),
        "redraw_hz": round(live["redraw_hz"], 1), "p50_ms": live["p50"],
        "p99_ms": live["p99"], "epochs_per_second": round(live_rate, 1)}))

if __name__ == "__main__":
    main()
