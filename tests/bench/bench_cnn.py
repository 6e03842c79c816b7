"""CNN training on digits with the live feature maps on, against a bare PyTorch loop.

The live run goes through the real window (offscreen): the training process makes a frame
whenever the window has taken the previous one (at most 30 a second), every frame carrying
the chosen sample's feature maps, the filters, the confusion matrix and the misclassified
samples, and the window draws them in its Feature maps dock. The bare loop trains a plain
`nn.Sequential` copy of the same network on the same data, batch and optimiser. The figure is
live speed / bare-loop speed (target ≥ 0.9). It also prints what one frame costs.

    python tests/bench/bench_cnn.py [--epochs 30] [--repeats 3] [--device cuda]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __name__ == "__main__":  # the training process imports this file again: keep it light there
    import torch
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox
    from torch import nn

    from playground.core.image_probes import image_probe
    from playground.core.model import UnitLayer
    from playground.core.presets import load_preset
    from playground.core.probes import make_frame
    from playground.core.project import Project, ProjectError
    from playground.core.training.engine import Trainer
    from playground.gui.document import Document
    from playground.gui.main_window import MainWindow
    from playground.gui.worker import FINISHED

ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Identity",
               "leaky_relu": "LeakyReLU"}


def digits_cnn() -> Project:
    """The `digits-cnn` preset (a stand-in with the same shape if it is not shipped yet)."""
    try:
        return load_preset("digits-cnn")
    except ProjectError:
        from playground.core.datasets import DataConfig
        from playground.core.spec import sequential
        from playground.core.training.config import TrainConfig

        output = {"units": 10, "activation": "softmax", "task": "multiclass",
                  "loss": "cross_entropy"}
        spec = sequential(("Input", {"shape": [1, 8, 8]}),
                          ("Conv2d", {"filters": 8, "kernel": 3, "padding_mode": "same"}),
                          ("MaxPool2d", {}), ("Flatten", {}), ("Output", output))
        return Project(spec, DataConfig(name="digits", n_samples=1797),
                       TrainConfig(batch_size=32, optimizer="adam", learning_rate=0.01),
                       title="digits-cnn (stand-in)")


def sequential_copy(trainer: Trainer) -> nn.Sequential:
    """The trainer's chain as a textbook nn.Sequential with fresh weights of the same shapes."""
    layers: list[nn.Module] = []
    model = trainer.model
    for node in model.order:
        module = model.nodes[node]
        if isinstance(module, UnitLayer):
            layers.append(type(module.transform)(**_shape_args(module.transform)))
            if node != model.output_id:  # the loss works on the Output's field v
                layers.append(getattr(nn, ACTIVATIONS[module.act.name])())
        else:
            layers.append(type(module)(**_shape_args(module)))
    return nn.Sequential(*layers).to(trainer.device)


def _shape_args(module: nn.Module) -> dict:
    if isinstance(module, nn.Conv2d):
        return {"in_channels": module.in_channels, "out_channels": module.out_channels,
                "kernel_size": module.kernel_size, "stride": module.stride,
                "padding": module.padding}
    if isinstance(module, nn.Linear):
        return {"in_features": module.in_features, "out_features": module.out_features}
    if isinstance(module, nn.MaxPool2d | nn.AvgPool2d):
        return {"kernel_size": module.kernel_size, "stride": module.stride}
    return {}


def bare_loop(trainer: Trainer, epochs: int) -> float:
    """Seconds for `epochs` epochs of the plain loop: shuffle, forward, loss, backward, step."""
    model = sequential_copy(trainer)
    c = trainer.config
    optimizer = torch.optim.Adam(model.parameters(), lr=c.learning_rate) \
        if c.optimizer == "adam" else torch.optim.SGD(model.parameters(), lr=c.learning_rate)
    loss_fn = nn.CrossEntropyLoss()
    x, t, batch = trainer.x_train, trainer.t_train, trainer.batch_size
    generator = torch.Generator().manual_seed(0)
    _sync(trainer.device)
    started = time.perf_counter()
    for _ in range(epochs):
        for index in torch.randperm(len(x), generator=generator).to(x.device).split(batch):
            optimizer.zero_grad()
            loss_fn(model(x[index]), t[index]).backward()
            optimizer.step()
    _sync(trainer.device)
    return time.perf_counter() - started


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def window_for(project: Project) -> MainWindow:
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-cnn.ini"
    scratch.unlink(missing_ok=True)
    window = MainWindow(QSettings(str(scratch), QSettings.Format.IniFormat),
                        Document.untitled(project))
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.resize(1400, 860)
    window.show()
    window.deep.docks["Feature maps"].raise_()
    return window


def live_run(app: QApplication, project: Project) -> dict[str, float]:
    """Train in the window with the Feature maps dock on screen; wall time and frames."""
    window = window_for(project)
    window.controller.step("batch")  # start the training process and warm it up
    while window.controller.last_frame is None or window.controller.last_frame.snapshot.step < 1:
        app.processEvents()
        time.sleep(0.001)
    frames: list[float] = []
    drawn = []
    window.controller.frameReady.connect(lambda f: frames.append(time.perf_counter()))
    window.controller.frameReady.connect(
        lambda f: drawn.append(bool(window.deep.feature_maps.sections)))
    first = window.controller.last_frame.snapshot.record
    waiting = QEventLoop()  # the window idles between polls, as it does in the app
    window.controller.stateChanged.connect(
        lambda state: waiting.quit() if state == FINISHED else None)
    started = time.perf_counter()
    window.controller.play()
    waiting.exec()
    wall = time.perf_counter() - started
    last = window.controller.last_frame.snapshot.record
    window.close()
    rate = (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0
    return {"wall": wall, "steps": last.step - first.step, "frames_hz": rate,
            "accuracy": last.test_accuracy or 0.0, "maps_drawn": float(all(drawn)),
            "update_seconds": last.seconds - first.seconds}


def frame_cost(trainer: Trainer, repeats: int = 20) -> tuple[float, float, float]:
    """Milliseconds, in this process, for a live frame that reuses the figures of the last
    evaluation, for one that evaluates afresh, and for the image probes alone."""
    previous = make_frame(trainer)
    image_probe(trainer, 0)

    def mean_ms(action) -> float:
        started = time.perf_counter()
        for _ in range(repeats):
            action()
        return 1e3 * (time.perf_counter() - started) / repeats

    return (mean_ms(lambda: make_frame(trainer, live=True, previous=previous)),
            mean_ms(lambda: make_frame(trainer)), mean_ms(lambda: image_probe(trainer, 0)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = digits_cnn()
    project.training = project.training.replace(epochs=args.epochs, device=args.device,
                                                early_stopping_patience=0,
                                                grad_norm_threshold=0.0,
                                                loss_change_threshold=0.0)
    data = project.dataset()
    runs = []
    for _ in range(args.repeats):
        engine = Trainer(project.network, data, project.training, reserve_core=True)
        bare = bare_loop(engine, args.epochs)
        started = time.perf_counter()
        engine.train()
        runs.append((bare, time.perf_counter() - started, live_run(app, project)))
    steps = runs[0][2]["steps"]
    live_frame, fresh_frame, probes = frame_cost(Trainer(project.network, data, project.training))
    median = statistics.median
    bare = median(r[0] for r in runs)
    live = {k: median(r[2][k] for r in runs) for k in runs[0][2]}
    bare_steps = engine.step
    print(f"{project.title}: {args.epochs} epochs, batch {engine.batch_size}, "
          f"{engine.threads} thread(s), device {engine.device}, median of {args.repeats}")
    print(f"throughput: bare loop {bare_steps / bare:,.0f} steps/s, live window with feature "
          f"maps {steps / live['wall']:,.0f} steps/s -> live/bare = "
          f"{median((r[2]['steps'] / r[2]['wall']) / (bare_steps / r[0]) for r in runs):.3f}"
          f"; the engine alone (same process as the bare loop) "
          f"{bare_steps / median(r[1] for r in runs):,.0f} steps/s -> engine/bare = "
          f"{median(r[0] / r[1] for r in runs):.3f}, live/engine = "
          f"{median((r[2]['steps'] / r[2]['wall']) / (bare_steps / r[1]) for r in runs):.3f}")
    print(f"frames: {live['frames_hz']:.1f} per second, feature maps drawn in every frame: "
          f"{bool(live['maps_drawn'])}; test accuracy at the end {live['accuracy']:.3f}")
    print(f"a live frame costs {live_frame:.1f} ms in the training process ({fresh_frame:.1f} ms "
          f"when it evaluates loss and accuracy afresh), its image probes {probes:.1f} ms")
    print(f"the updates alone took {live['update_seconds']:.2f} s of the live run's "
          f"{live['wall']:.2f} s in the training process (the bare loop took {bare:.2f} s): "
          "the rest is frames, the pipe and waiting for a core")


if __name__ == "__main__":
    main()
