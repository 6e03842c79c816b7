"""Command line: `playground` opens the app; subcommands work headless.

    playground                       open the desktop app
    playground presets               list the presets
    playground train SOURCE [...]    train a project file or preset, write the results
    playground train SOURCE --data FILE   ... on your own data (.csv, .npz, IDX, image folder)
    playground eval SOURCE           print the metrics of the current weights as JSON
    playground sweep SOURCE --set learning_rate=0.001,0.01,0.1 --out DIR
                                     train one variant per value; a table as CSV and JSON
    playground export SOURCE --format F --out PATH   weights, ONNX, pt2, a script or CSV

User errors exit with status 2 and one line on stderr beginning 'error:'.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from playground.core.errors import PlaygroundError

if TYPE_CHECKING:
    from playground.core.project import Project

USER_ERROR = 2


class UserError(PlaygroundError):
    """Something the user can fix; printed as one line, no traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground",
        description="A neural-network playground. With no command, opens the desktop app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("presets", help="list the shipped presets with their titles")
    train = sub.add_parser("train", help="train a project file or preset")
    train.add_argument("source", metavar="SOURCE", help="a project file or a preset name")
    train.add_argument("--epochs", type=int, help="train at most this many epochs")
    train.add_argument("--seed", type=int, help="seed of the initial weights and sample order")
    _device_argument(train, "where to train")
    train.add_argument("--out", type=Path, help="folder for the results (default: runs/NAME)")
    train.add_argument("--engine", choices=("auto", "fast", "torch"), default="auto",
                       help="fast: compiled loops for chains of Dense layers on the CPU; "
                            "torch: PyTorch, for every network; auto (default): fast where "
                            "it applies")
    _data_arguments(train)
    sweep = sub.add_parser("sweep", help="train variants of a project that differ in one "
                                         "setting; write one row per variant (CSV and JSON)")
    sweep.add_argument("source", metavar="SOURCE", help="a project file or a preset name")
    sweep.add_argument("--set", required=True, dest="assignment", metavar="SETTING=V1,V2,…",
                       help="the setting and its values: learning_rate, batch_size, "
                            "regularization_rate, seed, momentum, activation (every hidden "
                            "layer), or LAYER.units / LAYER.activation")
    sweep.add_argument("--epochs", type=int, help="train each variant at most this many epochs")
    sweep.add_argument("--engine", choices=("auto", "fast", "torch"), default="auto",
                       help="the engine each variant trains on (default: auto)")
    sweep.add_argument("--processes", type=int, metavar="N",
                       help="train at most N variants at once (default: one per core)")
    sweep.add_argument("--out", type=Path, help="folder for the results (default: sweeps/NAME)")
    evaluate = sub.add_parser("eval", help="print metrics of the current weights as JSON")
    evaluate.add_argument("source", metavar="SOURCE", help="a project file or a preset name")
    _device_argument(evaluate, "where to evaluate")
    snapshot = sub.add_parser("snapshot", help="render the app with a project to a PNG")
    snapshot.add_argument("source", metavar="SOURCE", help="a project file or a preset name")
    snapshot.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    snapshot.add_argument("--size", type=_size, default=(1400, 860), metavar="WxH",
                          help="window size in pixels (default 1400x860)")
    export = sub.add_parser("export", help="export the model: weights, ONNX, torch.export, "
                                           "a standalone script, or the history as CSV")
    export.add_argument("source", metavar="SOURCE", help="a project file or a preset name")
    export.add_argument("--format", required=True, dest="fmt",
                        choices=("state_dict", "onnx", "pt2", "script", "csv"),
                        help="what to write")
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    _device_argument(export, "where to run the network while exporting")
    return parser


def _device_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"),
                        help=f"{what} (default: the project's setting, or the CPU where this "
                             "machine lacks that device)")


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    """--data FILE and how to read it: train on the user's own data."""
    group = parser.add_argument_group("your own data")
    group.add_argument("--data", type=Path, metavar="FILE",
                       help="train on a .csv, .npz, IDX images file or image folder instead")
    group.add_argument("--labels", type=Path, metavar="FILE",
                       help="the IDX labels file that goes with --data images.idx")
    group.add_argument("--label", metavar="COL",
                       help="CSV: the label column, by name or number (default: the last)")
    group.add_argument("--features", metavar="A,B",
                       help="CSV: the feature columns (default: every other numeric column)")
    group.add_argument("--task", choices=("auto", "binary", "multiclass", "regression"),
                       help="CSV: what to predict (default: auto)")
    group.add_argument("--grey", action="store_true",
                       help="images: make colour images grey (default: keep their colour)")
    group.add_argument("--standardize", action=argparse.BooleanOptionalAction,
                       help="scale each feature (and a regression's targets) by the training "
                            "split's mean and std (default: on for newly imported data; "
                            "--no-standardize trains on the raw values)")


def _import_data(project: Project, args: argparse.Namespace) -> None:
    """Swap the project's data for the file's, fitting the network's Input and Output."""
    from playground.core.datasets.imports import detect_format, load_path

    csv_options = {k: v for k, v in (("label", args.label), ("task", args.task)) if v}
    if args.features is not None:
        features = [f.strip() for f in args.features.split(",") if f.strip()]
        if not features:
            raise UserError("--features needs at least one column, by name or number, e.g. "
                            "--features 1,2 (leave the option out to use every numeric column)")
        csv_options["features"] = features
    if args.data is None:
        if csv_options or args.labels or args.grey:
            raise UserError("--label, --features, --task, --labels and --grey need --data FILE")
        return
    if csv_options and detect_format(args.data) != "csv":
        raise UserError("--label, --features and --task apply to CSV files only")
    if args.grey and detect_format(args.data) == "csv":
        raise UserError("--grey applies to images, not to a CSV table")
    imported = load_path(args.data, labels=args.labels, grey=args.grey, **csv_options)
    _note(f"imported {imported.summary()}")
    for change in project.import_data(imported):
        _note(change)
    # The preset's words describe its own data: the project is now about the file.
    network = project.title
    project.title = imported.source
    project.description = f"{imported.info.description} Network from '{network}'."
    project.hint = ""


def _standardize(project: Project, choice: bool | None) -> None:
    """--standardize / --no-standardize: applies to imported data only."""
    from dataclasses import replace

    from playground.core.datasets.imported import IMPORTED

    if choice is None:
        return
    if project.data.name != IMPORTED:
        raise UserError("--standardize and --no-standardize apply to your own data: add "
                        "--data FILE (the built-in data sets come scaled already)")
    project.data = replace(project.data, standardize=choice)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1400x860") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError("the size must be 320x240 to 8000x8000 pixels")
    return width, height


_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, lines: bool = False) -> str:
    """`text` with control characters (terminal escape sequences, bidi overrides, line
    breaks unless `lines`) shown as escapes such as \\x1b, so that a title or label cannot
    drive the terminal."""
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if (unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS)
        and not (lines and c == "\n") else c
        for c in text)


def _note(text: str) -> None:
    print(f"note: {printable(text)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from playground.gui.app import main as gui_main

        return gui_main()
    try:
        commands = {"presets": _presets, "train": _train, "eval": _eval, "snapshot": _snapshot,
                    "export": _export, "sweep": _sweep}
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except PlaygroundError as err:
        print(f"error: {printable(str(err))}", file=sys.stderr)
        return USER_ERROR


def _presets(_: argparse.Namespace) -> int:
    from playground.core.presets import list_presets

    infos = list_presets()
    width = max(len(info.name) for info in infos)
    for info in infos:
        print(f"{info.name:<{width}}  {printable(info.title)}")
    return 0


def _load(source: str, device: str | None) -> Project:
    """The project, set to run on `device` if given, else on its own device if this machine
    has it, else on the CPU (with a note)."""
    from playground.core.presets import open_source
    from playground.core.training.runtime import available

    project = open_source(source)
    if device is None:
        device, note = available(project.training.device)
        if note:
            _note(note)
    project.training = project.training.replace(device=device)
    return project


def _train(args: argparse.Namespace) -> int:
    from playground.core.files import check_target, write_text
    from playground.core.project import SUFFIX, save_project
    from playground.core.training.factory import make_trainer

    project = _load(args.source, args.device)
    _import_data(project, args)
    _standardize(project, args.standardize)
    changes = {k: v for k, v in (("epochs", args.epochs), ("seed", args.seed)) if v is not None}
    project.training = project.training.replace(**changes)
    out = args.out or Path("runs") / Path(args.source).stem
    saved, metrics_path = out / f"project{SUFFIX}", out / "metrics.json"
    for target in (saved, metrics_path):  # before training, not after it
        check_target(target, UserError)
    trainer = make_trainer(project.network, project.dataset(), project.training,
                           project.weights, epoch=project.trained_epochs, engine=args.engine)
    first = trainer.epoch
    progress = Progress(sys.stderr, trainer.epoch + project.training.epochs)
    for snapshot in trainer.run(snapshot_interval=progress.interval):
        progress.update(snapshot)
    progress.close()
    metrics = trainer.metrics()
    project.weights = trainer.weights()
    project.metrics = metrics  # with the history: `export --format csv` writes it
    # the run's speed and engine go to metrics.json, not into the project: it cannot tell
    metrics = {**metrics, **_speed(trainer, trainer.epoch - first)}
    path = save_project(project, saved)
    write_text(metrics_path, json.dumps(metrics, indent=2) + "\n", UserError)
    scaling = trainer.dataset.scaling
    print(printable(_summary(project.title, metrics, path,
                             scaling is not None and scaling.scales_targets), lines=True))
    return 0


def _speed(trainer: Any, epochs: int) -> dict[str, Any]:
    """Which engine trained, and how fast: this run's epochs per second of training time."""
    from playground.core.training.factory import engine_of

    rate = epochs / trainer.seconds if trainer.seconds > 0 else None
    return {"engine": engine_of(trainer),
            "epochs_per_second": None if rate is None else round(rate, 1)}


def _summary(title: str, metrics: dict[str, Any], path: Path, standardised: bool) -> str:
    """The run in a line or two; `standardised`: the losses are on standardised targets."""
    figures = [f"train loss {metrics['train_loss']:.4g}"]
    if metrics["test_loss"] is not None:
        figures.append(f"test loss {metrics['test_loss']:.4g}")
    if standardised:
        figures[-1] += " (of standardised targets)"
    if metrics["test_accuracy"] is not None:
        figures.append(f"test accuracy {metrics['test_accuracy']:.3f}")
    elif metrics["train_accuracy"] is not None:
        figures.append(f"train accuracy {metrics['train_accuracy']:.3f}")
    return (f"{title}: {', '.join(figures)} after {metrics['epochs']} epochs "
            f"({metrics['train_seconds']:.1f} s, {metrics['engine']} engine); "
            f"stopped: {metrics['stop_reason']}. "
            f"{metrics['message']}\nSaved the trained project to {path}")


def _sweep(args: argparse.Namespace) -> int:
    import time

    from playground.core.sweep import SweepRun, best, parse_assignment, variants, write_results

    project = _load(args.source, None)
    setting, values = parse_assignment(args.assignment)
    if args.processes is not None and args.processes < 1:
        raise UserError("--processes must be 1 or more")
    todo = variants(project, setting, values, args.epochs)
    started = time.perf_counter()
    sweep = SweepRun(todo, project.dataset(), setting, args.engine, args.processes)
    results = list(sweep)
    seconds = time.perf_counter() - started
    out = args.out or Path("sweeps") / Path(args.source).stem
    about = {"source": args.source, "setting": setting, "values": values,
             "epochs": todo[0].config.epochs, "seconds": round(seconds, 3),
             "processes": sweep.processes}
    paths = write_results(results, out, about)
    for r in sorted(results, key=lambda r: r.index):
        test = "" if r.test_loss is None else f", test loss {r.test_loss:.4g}"
        print(printable(f"{setting} = {r.value}: train loss {r.train_loss:.4g}{test} after "
                        f"{r.epochs} epochs ({r.engine}); stopped: {r.stop_reason}"))
    top = best(results)
    print(printable(f"Best: {setting} = {top.value}. {len(results)} variants in {seconds:.2f} s "
                    f"on {about['processes']} process(es); wrote {paths[0]} and {paths[1]}"))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from playground.core.training.factory import make_trainer

    project = _load(args.source, args.device)
    if project.weights is None:
        _note("the project has no trained weights; these are the seeded initial ones")
    trainer = make_trainer(project.network, project.dataset(), project.training,
                           project.weights, epoch=project.trained_epochs)
    print(json.dumps(trainer.metrics(), indent=2))
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from playground.gui.snapshot import render

    project = _load(args.source, None)
    try:
        path = render(project, args.out, args.size)
    except OSError as err:
        raise UserError(str(err)) from None
    print(printable(f"Wrote {path} ({args.size[0]}x{args.size[1]})"))
    return 0


def _export(args: argparse.Namespace) -> int:
    from playground.core.export import export

    project = _load(args.source, args.device)
    print(printable(export(project, args.fmt, args.out).message, lines=True))
    return 0


class Progress:
    """A one-line progress bar on a terminal; silent when the stream is piped."""

    WIDTH = 30
    REDRAW = 0.1  # seconds between redraws

    def __init__(self, stream: TextIO, total: int):
        self.stream, self.total = stream, total
        self.active = stream.isatty()

    @property
    def interval(self) -> float:
        """How often it wants a snapshot (each one evaluates both splits): only as often as
        it redraws, and never when piped (the trainer still gives the last one)."""
        return self.REDRAW if self.active else math.inf

    def update(self, snapshot: Any) -> None:
        if not self.active:
            return
        record = snapshot.record
        done = min(1.0, record.epoch / self.total)
        bar = "#" * round(done * self.WIDTH)
        text = f"\repoch {record.epoch}/{self.total} [{bar:<{self.WIDTH}}] " \
               f"loss {record.train_loss:.4g}"
        if record.test_accuracy is not None:
            text += f"  test acc {record.test_accuracy:.3f}"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")
