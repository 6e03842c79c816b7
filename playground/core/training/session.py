"""Training in a child process, driven over a pipe: what keeps the app's window fluid.

Measured on a 2-core machine with `circle`: training in a thread of the GUI process ran at
0.25 of a bare PyTorch loop while the window redrew its views 25 times a second, because the
drawing (Python, pyqtgraph) and the training loop take turns holding the interpreter lock.
In a child process the two run side by side.

The child (`serve`) waits for a job, trains when told to, and sends an `Update` with a
`Frame` only after the parent has asked for the next one: a slow window never queues frames.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from playground.core.datasets import Dataset
from playground.core.probes import Frame, make_frame
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfig

RUNNING, PAUSED, FINISHED = "running", "paused", "finished"
FRAME_INTERVAL = 1 / 30  # the most frames a second the child makes
FRAME_SHARE = 0.1  # ...and the most of its time that making frames may take (big networks)


@dataclass(frozen=True)
class Job:
    """Everything the child needs to build a trainer (plain, picklable data)."""

    network: dict[str, Any]
    dataset: Dataset
    config: TrainConfig
    weights: dict[str, np.ndarray] | None
    epoch: int = 0  # the epochs the weights were already trained for


@dataclass(frozen=True)
class Update:
    """A frame, the state, and the weights when training paused or ended."""

    frame: Frame
    state: str
    weights: dict[str, np.ndarray] | None = None


class _Session:
    """One trainer and its run state inside the child."""

    def __init__(self, job: Job, conn: Connection):
        from playground.core.training.factory import make_trainer, switch_engine

        # A network the fast engine trains starts on PyTorch until its kernels are compiled.
        self.trainer = make_trainer(NetworkSpec.from_dict(job.network), job.dataset, job.config,
                                    job.weights, reserve_core=True, epoch=job.epoch,
                                    wait_for_compile=False)
        self.trainer.open_ended = True  # the window trains until paused, or its epoch limit
        self._switch_engine = switch_engine  # ...and moves to it between two epochs
        self.conn = conn
        self.paused = True
        self.frame_wanted = True
        self.sample: Any = 0  # the test sample the probes look at
        self._last_frame = 0.0
        self._frame_gap = FRAME_INTERVAL
        self._sent_history = 0
        self._previous: Frame | None = None  # the last frame sent, whose counts may be reused
        self._epochs: deque[tuple[float, int]] = deque(maxlen=64)
        self.steps_per_frame: int | None = None  # the speed setting; None: as fast as it goes
        self._steps_since_frame = 0

    def obey(self, command: str, argument: Any) -> None:
        if command == "frame":
            self.frame_wanted = True
        elif command == "pause":
            self.paused = True
            self.post(PAUSED, with_weights=True)
        elif command == "resume":
            if self.trainer.stopped:
                self.trainer.resume()
            self.paused = False
        elif command == "step":
            self._step(argument)
        elif command == "live":
            self.trainer.set_live(**argument)
        elif command == "speed":
            self.steps_per_frame = argument
        elif command == "probe":
            self.sample = argument  # a test sample's index, or an image (a drawing)
            if self.paused:  # show it now; a running session shows it in its next frame
                self.post(FINISHED if self.trainer.stopped else PAUSED, with_weights=False)

    def _step(self, unit: str) -> None:
        if self.trainer.stopped:
            self.trainer.resume()
        while not self._train_one() and unit == "epoch" and not self.trainer.stopped:
            pass
        self.paused = True
        self.post(FINISHED if self.trainer.stopped else PAUSED, with_weights=True)

    def _train_one(self, seconds: float = 0.0) -> bool:
        """One step, or steps for up to `seconds` ending at an epoch's end at the latest."""
        trainer = self.trainer
        finished_epoch = trainer.train_for(seconds) if seconds > 0 else trainer.train_step()
        if finished_epoch:
            self._epochs.append((time.perf_counter(), trainer.epoch))
            self.trainer = self._switch_engine(trainer)
        return finished_epoch

    @property
    def held(self) -> bool:
        """Whether the speed setting's steps for this frame are done (wait for the next)."""
        return self.steps_per_frame is not None and \
            self._steps_since_frame >= self.steps_per_frame

    def rest(self) -> float:
        """Seconds until the next frame is due (a command wakes the loop sooner)."""
        if not self.frame_wanted:
            return FRAME_INTERVAL
        return max(0.0, self._last_frame + self._frame_gap - time.perf_counter())

    def run_a_little(self) -> None:
        """Train for a few milliseconds (or the steps the speed setting allows a frame),
        then send a frame if one is wanted."""
        until = time.perf_counter() + 0.005
        while (left := until - time.perf_counter()) > 0 and not self.trainer.stopped \
                and not self.held:
            if self.steps_per_frame is None:  # full speed: whole epochs on the fast engine
                self._train_one(left)
            else:
                self._train_one()
                self._steps_since_frame += 1
        if self.trainer.stopped:
            self.paused = True
            self.post(FINISHED, with_weights=True)
        elif self.frame_wanted and time.perf_counter() - self._last_frame >= self._frame_gap:
            self.post(RUNNING, with_weights=False)

    def post(self, state: str, with_weights: bool) -> None:
        self._last_frame = time.perf_counter()
        self.frame_wanted = False
        self._steps_since_frame = 0
        weights = self.trainer.weights() if with_weights else None
        frame = make_frame(self.trainer, self._epochs_per_second(), self._sent_history,
                           self.sample, live=state == RUNNING, previous=self._previous)
        self._previous = frame
        cost = time.perf_counter() - self._last_frame
        self._frame_gap = max(FRAME_INTERVAL, cost / FRAME_SHARE)
        self._sent_history = len(self.trainer.history)
        self.conn.send(("update", Update(frame, state, weights)))

    def _epochs_per_second(self) -> float:
        if len(self._epochs) < 2 or time.perf_counter() - self._epochs[-1][0] > 1.0:
            return 0.0
        (t0, e0), (t1, e1) = self._epochs[0], self._epochs[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0


def serve(conn: Connection) -> None:
    """The child process: load jobs, obey commands, train, until told to quit."""
    session: _Session | None = None
    while True:
        busy = session is not None and not session.paused
        if busy and session.held:  # slow motion: rest until a command or the next frame
            conn.poll(session.rest())
        if not busy or conn.poll():
            try:
                command, argument = conn.recv()
            except EOFError:  # the parent went away
                return
            if command == "quit":
                return
            session = _handle(conn, session, command, argument)
        elif session is not None:
            _guard(conn, session.run_a_little)


def _handle(conn: Connection, session: _Session | None, command: str, argument: Any
            ) -> _Session | None:
    if command == "load":
        try:
            return _Session(argument, conn)
        except Exception as err:  # noqa: BLE001 - every failure must reach the window
            conn.send(("error", f"Cannot train: {err}"))
            return None
    if command == "unload":
        weights = session.trainer.weights() if session and session.trainer.step else None
        conn.send(("unloaded", weights))
        return None
    if session is not None:
        _guard(conn, lambda: session.obey(command, argument))
    return session


def _guard(conn: Connection, action: Any) -> None:
    """Run a piece of training; an unexpected error is reported, not fatal to the app."""
    try:
        action()
    except Exception:  # noqa: BLE001
        conn.send(("error", "Training failed unexpectedly:\n" + traceback.format_exc(limit=3)))


class RemoteTrainer:
    """The parent's handle on the child process: start it, send commands, read updates."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child,), daemon=True,
                                       name="playground-training")
        self.process.start()
        child.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, command: str, argument: Any = None) -> None:
        try:
            self._conn.send((command, argument))
        except (BrokenPipeError, OSError):
            pass  # the child is gone; `alive` says so

    def receive(self, timeout: float = 0.0) -> list[tuple[str, Any]]:
        """Every message waiting (after up to `timeout` seconds for the first)."""
        messages = []
        try:
            while self._conn.poll(timeout):
                messages.append(self._conn.recv())
                timeout = 0.0
        except (EOFError, OSError):
            pass
        return messages

    def unload(self, timeout: float = 30.0) -> dict[str, np.ndarray] | None:
        """Drop the current trainer and return the weights it reached (None if untrained)."""
        self.send("unload")
        deadline = time.monotonic() + timeout
        while self.alive and time.monotonic() < deadline:
            for kind, payload in self.receive(0.05):
                if kind == "unloaded":
                    return payload
        return None

    def close(self) -> None:
        """Ask the child to quit and wait for it (terminate it if it does not)."""
        self.send("quit")
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)
        self._conn.close()
