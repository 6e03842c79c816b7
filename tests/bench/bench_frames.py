"""What a frame costs the training process with every probe, against only the probes of the
views a window shows by default (the baseline is the same trainer in the same run).

Frames are made alternately both ways, 40 times each, after 20 training steps; the figures
are the median milliseconds to make one and the size of one pickled (what crosses the pipe).

    python tests/bench/bench_frames.py [--data FILE.npz]

`--data` adds the `circle` network fitted to an imported set (e.g. the 60,000 × 784 one of
bench_live.py --make-data). The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from pathlib import Path

from playground.core.datasets.imports import load_path
from playground.core.frames import IMAGE, PROBES
from playground.core.presets import load_preset
from playground.core.probes import make_frame
from playground.core.training.engine import TrainerBase
from playground.core.training.factory import make_trainer

REPEATS = 40


def trainer_for(preset: str, data: Path | None = None) -> TrainerBase:
    project = load_preset(preset)
    if data is not None:
        project.import_data(load_path(data))
    trainer = make_trainer(project.network, project.dataset(), project.training,
                           reserve_core=True, wait_for_compile=False)
    for _ in range(20):
        trainer.train_step()
    return trainer


def compare(trainer: TrainerBase, shown: frozenset[str]) -> dict[str, object]:
    """Median ms and pickled KB of a live frame with every probe and with `shown` only."""
    ways = {"all": PROBES, "shown": shown}
    frames: dict[str, object] = dict.fromkeys(ways)
    times: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(REPEATS):
        for way, probes in ways.items():
            started = time.perf_counter()
            frames[way] = make_frame(trainer, live=True, previous=frames[way], probes=probes)
            times[way].append(time.perf_counter() - started)
    row: dict[str, object] = {"shown_probes": sorted(shown)}
    for way, spent in times.items():
        row[f"{way}_ms"] = round(1000 * sorted(spent)[len(spent) // 2], 2)
        row[f"{way}_kb"] = round(len(pickle.dumps(frames[way])) / 1024, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="also the circle network on this .npz")
    args = parser.parse_args()
    cases = {"circle": (trainer_for("circle"), frozenset()),
             "digits-cnn, Feature maps in front": (trainer_for("digits-cnn"),
                                                   frozenset({IMAGE})),
             "digits-cnn, image views behind": (trainer_for("digits-cnn"), frozenset())}
    if args.data:
        cases["circle net on the imported set"] = (trainer_for("circle", args.data),
                                                   frozenset())
    figures = {}
    for name, (trainer, shown) in cases.items():
        figures[name] = row = compare(trainer, shown)
        print(f"{name}: {row['all_ms']} ms, {row['all_kb']} KB a frame with every probe; "
              f"{row['shown_ms']} ms, {row['shown_kb']} KB with {row['shown_probes']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
