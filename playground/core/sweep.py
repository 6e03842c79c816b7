"""Sweeps: train one network many times, changing one setting, and compare the results.

A sweep picks one setting (the learning rate, the batch size, the regularisation rate, the
seed, the activation of every hidden layer, or one layer's units or activation) and a list of
values; every variant trains from its seeded initial weights in its own process (as many at
a time as the machine has cores), and each yields one row of final figures. Seeds as the
swept setting show how much of a result is luck.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from playground.core import files
from playground.core.datasets import Dataset
from playground.core.errors import PlaygroundError
from playground.core.layers import SpecError
from playground.core.project import Project
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig, TrainConfigError

TRAINING_SETTINGS = ("learning_rate", "batch_size", "regularization_rate", "seed", "momentum")
LAYER_SETTINGS = ("units", "activation")
MAX_VARIANTS = 64
# Below this many seconds of training left, a sweep trains its variants one after another:
# on a busy 2-core machine, starting worker processes (a fork of a process holding torch,
# their first steps) cost more than they saved. 16 learning rates × 300 epochs of circle:
# 2.1 s one after another, 2.8 s in two processes (means of three runs each).
POOL_WORTH = 2.0
SUGGESTED: dict[str, list[Any]] = {
    "learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
    "batch_size": [1, 5, 10, 25, 50, 0],
    "regularization_rate": [0.0, 0.001, 0.003, 0.01, 0.03, 0.1],
    "momentum": [0.0, 0.5, 0.9, 0.99],
    "seed": [0, 1, 2, 3, 4, 5],
    "activation": ["sigmoid", "tanh", "relu", "linear"],
    "units": [1, 2, 3, 4, 6, 8],
}


class SweepError(PlaygroundError):
    """A sweep cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class Variant:
    """One network to train: the swept setting's value and everything needed to train."""

    index: int
    value: Any
    network: dict[str, Any]
    config: TrainConfig


@dataclass(frozen=True)
class Result:
    """A variant's final figures (one row of the sweep's table) and its trained weights."""

    index: int
    setting: str
    value: Any
    train_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    epochs: int
    stop_reason: str | None
    train_seconds: float
    engine: str
    weights: dict[str, np.ndarray] = field(repr=False, compare=False)
    boundary: np.ndarray | None = field(default=None, repr=False, compare=False)
    levels: tuple[float, float] = (-1.0, 1.0)  # the boundary's value range, for colouring

    def row(self) -> dict[str, Any]:
        """The figures as plain data (no weights, no picture)."""
        data = asdict(self)
        del data["weights"], data["boundary"], data["levels"]
        return data


def parse_assignment(text: str) -> tuple[str, list[Any]]:
    """'learning_rate=0.001,0.003,0.01' → ('learning_rate', [0.001, 0.003, 0.01])."""
    name, sep, values = text.partition("=")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not name.strip() or not items:
        raise SweepError(f"'{text}' is not SETTING=VALUE,VALUE,… (such as "
                         "learning_rate=0.001,0.003,0.01)")
    return name.strip(), [_number(v) for v in items]


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def variants(project: Project, setting: str, values: list[Any],
             epochs: int | None = None) -> list[Variant]:
    """Every variant, each checked: a bad setting or value is a SweepError naming it."""
    if not values:
        raise SweepError("a sweep needs at least one value")
    if len(values) > MAX_VARIANTS:
        raise SweepError(f"{len(values)} values is too many; sweep at most {MAX_VARIANTS}")
    config = project.training if epochs is None else project.training.replace(epochs=epochs)
    if setting == "regularization_rate" and config.regularization == "none":
        config = config.replace(regularization="l2")  # a rate with no penalty changes nothing
    made = []
    for index, value in enumerate(values):
        spec = project.network.copy()
        try:
            changed = _apply(spec, config, setting, value)
        except (SpecError, TrainConfigError) as err:
            raise SweepError(f"{setting} = {value!r}: {err}") from None
        made.append(Variant(index, value, spec.to_dict(), changed))
    return made


def _apply(spec: NetworkSpec, config: TrainConfig, setting: str, value: Any) -> TrainConfig:
    hidden = [layer.id for layer in spec.of_kind("Dense")]
    if setting in TRAINING_SETTINGS:
        return config.replace(**{setting: value})
    if setting == "activation" and hidden:
        for layer in hidden:
            spec.set_params(layer, activation=value)
        return config
    layer, _, name = setting.partition(".")
    if name in LAYER_SETTINGS and spec.has_layer(layer) and \
            spec.layer(layer).kind in ("Dense", "Output"):
        spec.set_params(layer, **{name: value})
        return config
    per_layer = ", ".join(f"{layer}.units" for layer in hidden) or "none (no Dense layer)"
    raise SweepError(f"cannot sweep '{setting}'; choose one of {', '.join(TRAINING_SETTINGS)}, "
                     f"activation (every hidden layer), or a Dense layer's units or activation: "
                     f"{per_layer}")


class SweepRun:
    """Iterating trains every variant, up to `processes` at a time (default: one per core, or
    one after another when a variant shows that little work is left), yielding each
    result as it finishes; `processes` then says how many processes trained. With
    `boundary`, results carry the decision-boundary picture."""

    def __init__(self, variants_: list[Variant], dataset: Dataset, setting: str,
                 engine: str = "auto", processes: int | None = None, boundary: bool = False):
        self._jobs = [(v, dataset, setting, engine, boundary) for v in variants_]
        self._asked = processes
        self.processes = 1

    def __iter__(self) -> Iterator[Result]:
        if not self._jobs:
            return
        # Train the first variant here: it checks the network and data, and the worker
        # processes inherit every module and the compiled kernels it loads.
        yield _train(self._jobs[0])
        jobs = self._jobs[1:]
        processes = max(1, min(self._asked or os.cpu_count() or 1, len(jobs)))
        if self._asked is None and processes > 1:
            started = time.perf_counter()  # a variant's work, without the first's start-up
            second = _train(jobs.pop(0))
            if (time.perf_counter() - started) * len(jobs) < POOL_WORTH:
                processes = 1  # too little work left to pay for starting worker processes
            yield second
        self.processes = processes = min(processes, max(1, len(jobs)))
        if processes == 1:
            yield from map(_train, jobs)
            return
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(processes) as pool:
            yield from pool.imap_unordered(_train, jobs)


def _train(job: tuple[Variant, Dataset, str, str, bool]) -> Result:
    """Train one variant to its end (in a worker process)."""
    import torch

    from playground.core.training.factory import engine_of, make_trainer

    variant, dataset, setting, engine, with_boundary = job
    torch.set_num_threads(1)
    trainer = make_trainer(NetworkSpec.from_dict(variant.network), dataset, variant.config,
                           engine=engine)
    final = trainer.train().record  # evaluated exactly for the final weights
    picture, levels = None, (-1.0, 1.0)
    if with_boundary:
        from playground.core.probes import output_range, pictures

        picture = pictures(trainer)[0]
        levels = output_range(trainer.head, dataset)
    return Result(variant.index, setting, variant.value, final.train_loss, final.test_loss,
                  final.train_accuracy, final.test_accuracy, trainer.epoch, trainer.stop_reason,
                  round(trainer.seconds, 3), engine_of(trainer), trainer.weights(), picture,
                  levels)


def settings_of(spec: NetworkSpec) -> list[str]:
    """Every setting a sweep of this network can change."""
    hidden = [layer.id for layer in spec.of_kind("Dense")]
    return [*TRAINING_SETTINGS, *(["activation"] if hidden else []),
            *(f"{layer}.units" for layer in hidden)]


def suggested_values(setting: str) -> list[Any]:
    """A sensible first list of values for a setting."""
    name = setting.rpartition(".")[2]
    return SUGGESTED.get(name, [])


class SweepProcess:
    """A sweep run in its own process (which starts the workers): results come back over a
    pipe as they finish, so a window polls it and never waits or imports torch."""

    def __init__(self, project: Project, setting: str, values: list[Any],
                 epochs: int | None = None):
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, project, setting, values,
                                                            epochs),
                                       daemon=True, name="playground-sweep")
        self.process.start()
        child.close()
        self.finished = False

    def receive(self) -> list[tuple[str, Any]]:
        """What arrived: ("result", Result), ("error", message) or ("done", seconds)."""
        messages = []
        try:
            while self._conn.poll():
                messages.append(self._conn.recv())
        except (EOFError, OSError):
            if not self.finished:
                messages.append(("error", "The sweep's process stopped unexpectedly."))
        self.finished = self.finished or any(k in ("done", "error") for k, _ in messages)
        return messages

    def close(self) -> None:
        """Stop the sweep (its workers too) and wait for its process."""
        try:
            self._conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        self._conn.close()


def _serve(conn: Any, project: Project, setting: str, values: list[Any],
           epochs: int | None) -> None:
    """The sweep's process: train every variant, send each result, stop when told to."""
    # The window ends this process with itself (daemonic), but it starts the workers: a
    # process may start children once it does not count itself as daemonic.
    multiprocessing.current_process().daemon = False
    started = time.perf_counter()
    try:
        todo = variants(project, setting, values, epochs)
        for result in SweepRun(todo, project.dataset(), setting, boundary=True):
            conn.send(("result", result))
            if conn.poll():
                return
        conn.send(("done", time.perf_counter() - started))
    except PlaygroundError as err:
        conn.send(("error", str(err)))
    except Exception as err:  # noqa: BLE001 - every failure must reach the window
        conn.send(("error", f"The sweep failed: {type(err).__name__}: {err}"))


def write_results(results: list[Result], folder: Path, about: dict[str, Any]) -> list[Path]:
    """sweep.csv (one row per variant, in the order of the values) and sweep.json, each
    written atomically; a failure raises SweepError with the fix."""
    rows = [r.row() for r in sorted(results, key=lambda r: r.index)]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    table = files.write_text(folder / "sweep.csv", buffer.getvalue(), SweepError)
    document = files.write_text(folder / "sweep.json",
                                json.dumps({**about, "rows": rows}, indent=2) + "\n", SweepError)
    return [table, document]


def best(results: list[Result]) -> Result:
    """The variant with the lowest test loss (training loss without a test split)."""
    def key(r: Result) -> float:
        loss = r.test_loss if r.test_loss is not None else r.train_loss
        return loss if loss is not None and np.isfinite(loss) else np.inf
    return min(results, key=key)
