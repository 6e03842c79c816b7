"""Where training runs: device choice and the intra-op thread count.

Measured on a 2-core machine (torch 2.13, CPU): for a 2-4-2-1 MLP one step takes about
0.27 ms with 1 or 2 threads alike; while another process keeps one core busy, a 64-128-128-10
MLP takes 0.49 ms with 1 thread and 2.4 ms with 2, and a 784-512-512-10 MLP 4.4 ms against
11.6 ms. Only large steps on an otherwise idle machine gain from a second thread (1.7× for
784-512-512-10 at batch 512). So: one thread, unless the step is large and no window needs a
core of its own.
"""

from __future__ import annotations

import os

import torch

from playground.core.errors import PlaygroundError

_LARGE_STEP = 20_000_000  # parameters × batch size above which extra threads pay off
# `auto` picks a GPU only for steps at least this large (parameters × batch size). Below it
# a step is a handful of tiny kernels whose launch and copy costs (tens of µs each) exceed
# the CPU's whole step: a 2-4-2-1 MLP steps in ~0.3 ms on a CPU core. Above it the CPU's
# step grows with the work (a 784-512-512-10 MLP at batch 512, 3.4·10⁸, takes ~4-12 ms)
# while a GPU's stays near its launch floor. The same threshold as for extra CPU threads:
# where one CPU core stops being enough.
GPU_WORTH = _LARGE_STEP


class DeviceUnavailable(PlaygroundError):
    """A device was asked for that this machine does not have."""


def resolve_device(name: str, work: int | None = None) -> torch.device:
    """'auto' picks CUDA, then MPS, then the CPU, a GPU only for a step of at least
    GPU_WORTH `work` (parameters × batch size; None: any size); an explicit choice must
    exist."""
    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    if name == "auto":
        if work is not None and work < GPU_WORTH:
            return torch.device("cpu")
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        raise DeviceUnavailable(
            f"device '{name}' was asked for but this machine has no {name.upper()} device; "
            "use 'cpu' or 'auto'"
        )
    return torch.device(name)


def available(name: str) -> tuple[str, str]:
    """The device setting to use for a project saved with `name`, and a note when this
    machine lacks that device and the CPU stands in ('' otherwise)."""
    try:
        resolve_device(name)
    except DeviceUnavailable:
        return "cpu", (f"the project was set to train on {name.upper()}, which this machine "
                       "does not have; using the CPU")
    return name, ""


def choose_threads(params: int, batch: int, reserve_core: bool) -> int:
    """Intra-op threads for a model of `params` parameters trained at `batch` samples."""
    cores = os.cpu_count() or 1
    if params * batch < _LARGE_STEP:
        return 1
    return max(1, cores - 1) if reserve_core else cores


def configure_threads(params: int, batch: int, reserve_core: bool = False) -> int:
    """Apply `choose_threads` to torch and return the count used."""
    threads = choose_threads(params, batch, reserve_core)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads
