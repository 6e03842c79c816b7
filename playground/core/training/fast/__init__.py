"""The compiled engine for chains of Dense layers: what it can train and whether it is ready.

Importing this package does not import numba; `kernels_ready()` and `compile_kernels()` do.
Compiled code is cached on disk beside the package, or in the user's cache folder when the
package folder cannot be written (an installed or frozen app).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig

# Where the fast engine stops paying: it works sample by sample, PyTorch a batch at a time
# with ~1 ms of overhead a step. Measured on a 2-core machine (circle, 500 training points):
# fast/PyTorch time 0.11 for 1,185 parameters at batch 10, 0.26 for 4,417 at batch 10, 1.4 for
# 4,417 at batch 64, 0.9 for 17,025 at batch 10, 3.9 at batch 64, 10 for 99,585 at batch 64.
WORK_LIMIT = 150_000  # parameters × batch size up to which "auto" picks the fast engine
_lock = threading.Lock()
_ready = threading.Event()
_failure: str | None = None
_thread: threading.Thread | None = None
compile_seconds: float | None = None  # how long the last compile (or cache load) took


def refusal(spec: NetworkSpec, config: TrainConfig) -> str | None:
    """Why the fast engine cannot train this (None when it can)."""
    from playground.core.training.runtime import resolve_device

    if config.algorithm != "backprop":
        return "the perceptron rule runs on the PyTorch engine"
    if resolve_device(config.device).type != "cpu":
        return f"training on the {config.device} device runs on the PyTorch engine"
    inputs = spec.of_kind("Input")
    if len(inputs) != 1 or len(inputs[0].params["shape"]) != 1:
        return "it needs one flat input of features, not an image or a sequence"
    previous = inputs[0].id
    chain = [previous]
    while spec.outputs_of(previous):
        after = spec.outputs_of(previous)
        if len(after) != 1 or spec.inputs_of(after[0]) != [previous]:
            return "it trains a plain chain of layers, without branches or merges"
        previous = after[0]
        chain.append(previous)
    if len(chain) != len(spec.layers):
        return "it trains a plain chain of layers, without branches or merges"
    others = sorted({spec.layer(n).kind for n in chain[1:]} - {"Dense", "Output"})
    if others or spec.layer(chain[-1]).kind != "Output":
        return f"it trains Dense layers only, not {', '.join(others)}"
    return None


def pays_off(spec: NetworkSpec, config: TrainConfig, n_train: int) -> bool:
    """Whether the fast engine beats PyTorch on this network and batch size."""
    from playground.core.graph import require_valid

    batch = min(config.batch_size or n_train, n_train)
    return require_valid(spec).total_params * batch <= WORK_LIMIT


def _cache_dir() -> None:
    """Point numba's cache at a writable folder when the package's own is not."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    cache = Path(__file__).parent / "__pycache__"
    if os.access(cache if cache.exists() else cache.parent, os.W_OK):
        return
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    folder = Path(base) / "nn-playground" / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / "nn-playground-numba"
    os.environ["NUMBA_CACHE_DIR"] = str(folder)


def compile_kernels() -> bool:
    """Compile (or load from the disk cache) every kernel; True when they are usable."""
    global _failure, compile_seconds
    with _lock:
        if _ready.is_set() or _failure is not None:
            return _ready.is_set()
        started = time.perf_counter()
        try:
            _cache_dir()
            from playground.core.training.fast.warmup import warm_up

            warm_up()
        except Exception as err:  # noqa: BLE001 - no numba, no compiler: PyTorch trains
            _failure = f"the fast engine is unavailable ({type(err).__name__}: {err})"
            return False
        compile_seconds = time.perf_counter() - started
        _ready.set()
        return True


def kernels_ready() -> bool:
    """Whether the kernels are compiled in this process (never waits)."""
    return _ready.is_set()


def failure() -> str | None:
    """Why compiling failed, if it did."""
    return _failure


def compile_in_background() -> None:
    """Start compiling on a daemon thread, unless done, failed or under way."""
    global _thread
    if _ready.is_set() or _failure is not None or (_thread and _thread.is_alive()):
        return
    _thread = threading.Thread(target=compile_kernels, name="playground-compile", daemon=True)
    _thread.start()
