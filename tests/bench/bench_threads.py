"""Step time of MLPs with 1 and 2 intra-op threads, idle and with the other core busy.

The figures behind `playground.core.training.runtime.choose_threads`.

    python tests/bench/bench_threads.py
"""

from __future__ import annotations

import multiprocessing
import time

import torch
from torch import nn

CASES = {"2-4-2-1, batch 10": ([2, 4, 2, 1], 10),
         "64-128-128-10, batch 64": ([64, 128, 128, 10], 64),
         "784-512-512-10, batch 128": ([784, 512, 512, 10], 128),
         "784-512-512-10, batch 512": ([784, 512, 512, 10], 512)}


def step_time(widths: list[int], batch: int, threads: int, steps: int = 200) -> float:
    """Mean seconds per SGD step after a warm-up."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for a, b in zip(widths, widths[1:], strict=False):
        layers += [nn.Linear(a, b), nn.Tanh()]
    model = nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(batch, widths[0]), torch.randn(batch, widths[-1])

    def step() -> None:
        optimizer.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        optimizer.step()

    for _ in range(20):
        step()
    started = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - started) / steps


def spin(stop: multiprocessing.Event) -> None:
    while not stop.is_set():
        pass


def table(title: str) -> None:
    print(title)
    for name, (widths, batch) in CASES.items():
        one, two = (step_time(widths, batch, t) for t in (1, 2))
        print(f"  {name:<28} 1 thread {one * 1e3:7.2f} ms   2 threads {two * 1e3:7.2f} ms   "
              f"2/1 = {two / one:.2f}")


def main() -> None:
    table("idle machine:")
    stop = multiprocessing.Event()
    busy = multiprocessing.Process(target=spin, args=(stop,))
    busy.start()
    try:
        table("another process keeps one core busy (as a GUI thread does):")
    finally:
        stop.set()
        busy.join()


if __name__ == "__main__":
    main()
