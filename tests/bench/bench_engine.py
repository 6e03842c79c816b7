"""Training throughput of the engine against a bare PyTorch loop, in one process.

Both train the same network on the same data with the same batch size, optimiser and
epoch count; the bare loop shuffles each epoch and does nothing else. The engine also
evaluates both splits after every epoch, as it does in the app. The figure is the ratio
engine speed / bare-loop speed (target ≥ 0.9).

With --fast it measures the compiled engine instead, in epochs per second against the bare
loop, for 2-4-2-1, 2-8-8-1 and six tanh layers of 8 units on `circle` (250 training points,
batch 10); the figure is `fast_over_bare` (targets: ≥ 30 for 2-4-2-1, ≥ 15 for six layers).
The last line is one JSON object.

    python tests/bench/bench_engine.py [--epochs N] [--repeats R]
    python tests/bench/bench_engine.py --fast [--repeats R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch
from torch import nn

from playground.core.datasets import DataConfig, make_dataset
from playground.core.spec import sequential
from playground.core.training import fast
from playground.core.training.config import TrainConfig
from playground.core.training.engine import Trainer
from playground.core.training.fast.engine import FastTrainer

CASES = {
    # TensorFlow Playground's default: 2-4-2-1 tanh, batch 10, 250 training points.
    "tf-playground 2-4-2-1, batch 10": ((4, 2), 10, 500),
    "mlp 2-256-256-128-1, batch 64": ((256, 256, 128), 64, 4000),
}


def spec_for(hidden: tuple[int, ...]):
    layers = [("Input", {"shape": [2]})]
    layers += [("Dense", {"units": n, "activation": "tanh"}) for n in hidden]
    return sequential(*layers, ("Output", {"activation": "tanh", "loss": "squared_error"}))


def bare_loop(trainer: Trainer, epochs: int) -> float:
    """A plain nn.Sequential copy of the same network, trained the textbook way."""
    layers: list[nn.Module] = []
    for node in trainer.model.order:
        module = trainer.model.nodes[node]
        layers += [nn.Linear(module.transform.in_features, module.transform.out_features),
                   nn.Tanh()]
    model = nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=trainer.config.learning_rate)
    x, t, batch = trainer.x_train, trainer.t_train, trainer.batch_size
    generator = torch.Generator().manual_seed(0)
    started = time.perf_counter()
    for _ in range(epochs):
        for index in torch.randperm(len(x), generator=generator).split(batch):
            optimizer.zero_grad()
            loss = 0.5 * ((model(x[index]) - t[index]) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()
    return time.perf_counter() - started


def engine(trainer: Trainer) -> float:
    started = time.perf_counter()
    trainer.train()
    return time.perf_counter() - started


FAST_CASES = {"2-4-2-1": (4, 2), "2-8-8-1": (8, 8), "six layers of 8": (8,) * 6}
FAST_SECONDS = 0.5  # about this long per fast run, and per bare run


def epochs_per_second(run, epochs: int) -> tuple[float, int]:
    """Epochs a second of `run(epochs)`, growing `epochs` until a run takes FAST_SECONDS."""
    while True:
        seconds = run(epochs)
        if seconds >= FAST_SECONDS / 4:
            return epochs / seconds, max(1, round(epochs * FAST_SECONDS / seconds))
        epochs *= 4


def compare_fast(repeats: int) -> dict:
    """The fast engine against the bare loop, in epochs per second, for each FAST_CASES net."""
    assert fast.compile_kernels(), fast.failure()
    data = make_dataset(DataConfig(name="circle", n_samples=500))
    figures = {}
    for name, hidden in FAST_CASES.items():
        config = TrainConfig(batch_size=10, learning_rate=0.03)
        counts = {"fast": 200, "bare": 5}
        rates: dict[str, list[float]] = {"fast": [], "bare": []}

        def run_fast(epochs: int, hidden=hidden, config=config) -> float:
            trainer = FastTrainer(spec_for(hidden), data, config.replace(epochs=epochs))
            return engine(trainer)

        def run_bare(epochs: int, hidden=hidden, config=config) -> float:
            return bare_loop(Trainer(spec_for(hidden), data, config), epochs)

        for _ in range(repeats):
            for kind, run in (("fast", run_fast), ("bare", run_bare)):
                rate, counts[kind] = epochs_per_second(run, counts[kind])
                rates[kind].append(rate)
        fast_rate, bare_rate = (statistics.median(rates[k]) for k in ("fast", "bare"))
        figures[name] = {"fast_epochs_per_s": round(fast_rate), "bare_epochs_per_s":
                         round(bare_rate, 1), "fast_over_bare": round(fast_rate / bare_rate, 1)}
        print(f"{name}: fast {fast_rate:,.0f} epochs/s, bare PyTorch loop {bare_rate:,.1f} "
              f"epochs/s; fast/bare = {fast_rate / bare_rate:.1f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--fast", action="store_true",
                        help="measure the compiled engine against the bare loop")
    args = parser.parse_args()
    if args.fast:
        print(f"torch {torch.__version__}, median of {args.repeats} alternating runs, "
              f"circle, 250 training points, batch 10")
        print(json.dumps({"bench": "engine --fast", **compare_fast(args.repeats)}))
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads at start, "
          f"{args.epochs} epochs, median of {args.repeats} alternating runs")
    for name, (hidden, batch, samples) in CASES.items():
        data = make_dataset(DataConfig(name="circle", n_samples=samples))
        config = TrainConfig(batch_size=batch, epochs=args.epochs, learning_rate=0.03)
        ratios, engine_times, bare_times = [], [], []
        for _ in range(args.repeats):
            trainer = Trainer(spec_for(hidden), data, config)
            bare_times.append(bare_loop(trainer, args.epochs))
            engine_times.append(engine(trainer))
            ratios.append(bare_times[-1] / engine_times[-1])
        steps = trainer.step
        print(f"{name}: {trainer.threads} thread(s), {steps} steps; "
              f"bare {steps / statistics.median(bare_times):,.0f} steps/s, "
              f"engine {steps / statistics.median(engine_times):,.0f} steps/s; "
              f"engine/bare = {statistics.median(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
