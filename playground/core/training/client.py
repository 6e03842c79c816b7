"""The window's handle on the training process: requests out, events in, never waiting.

See `protocol` for the conversation. This module imports neither torch nor Qt: the window
process stays light, and the GUI polls `events()` on a timer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
from typing import Any

from playground.core.training import wire
from playground.core.training.protocol import ALIVE, ANSWERED, SUPERSEDING, Event, Request
from playground.core.training.session import PRELOAD, serve


def _context() -> multiprocessing.context.BaseContext:
    """How training processes start. Where the platform has a fork server, it imports torch
    once and every training process forks from it ready to work: a restart after a crash,
    or the next window, takes a fraction of a second instead of the 2-3 s of importing torch
    again. Elsewhere each process is spawned afresh. (Nothing runs in the server but
    imports, so no thread pool is forked.)"""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


class TrainingClient:
    """Starts the training process and talks to it; every method returns at once."""

    def __init__(self) -> None:
        context = _context()
        self._conn, self._child = context.Pipe()
        # A forked process keeps the server's environment: hand it this one's.
        self.process = context.Process(target=serve, args=(self._child, dict(os.environ)),
                                       daemon=True, name="playground-training")
        self._started = threading.Event()  # set once `start` returned (or failed)
        self._ids = itertools.count(1)
        self.last_heard: float | None = None  # when the process last said anything
        self._waiting: dict[int, tuple[str, float]] = {}  # id → (kind, when sent)
        self._held: dict[str, Request] = {}  # the newest request of a superseding kind
        self._outbox: queue.SimpleQueue[Request | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="playground-training-writer",
                                        daemon=True)
        self._writer.start()

    @property
    def alive(self) -> bool:
        """Whether the process runs (or is still starting)."""
        return not self._started.is_set() or self.process.is_alive()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self._started.is_set() else None

    def request(self, kind: str, payload: Any = None) -> int:
        """Queue a request and return its id. A request of a superseding kind waits for the
        next `flush` and replaces any of its kind still waiting there."""
        message = Request(next(self._ids), kind, payload)
        if kind in SUPERSEDING:
            self._held[kind] = message
        else:
            self._send(message)
        return message.id

    def flush(self) -> None:
        """Send the held requests whose kind has no answer outstanding."""
        busy = {kind for kind, _ in self._waiting.values()}
        for kind in [k for k in self._held if k not in busy]:
            self._send(self._held.pop(kind))

    def events(self) -> list[Event]:
        """Every event that has arrived (an empty list when none has)."""
        events: list[Event] = []
        try:
            while self._conn.poll(0):
                event = self._conn.recv()
                self.last_heard = time.monotonic()
                if event.kind != ALIVE:
                    self._waiting.pop(event.id, None)
                    events.append(event)
        except (EOFError, OSError):
            pass  # the process is gone; `alive` says so
        return events

    def silent_for(self) -> float:
        """Seconds since the process last said anything (it says "alive" twice a second,
        busy or not); 0 while it starts (it imports torch first)."""
        return 0.0 if self.last_heard is None else time.monotonic() - self.last_heard

    def close(self, timeout: float = 2.0) -> None:
        """Ask the process to quit; end it if it does not (a stopped one is killed)."""
        self._send(Request(0, "quit"))
        self._outbox.put(None)
        self._started.wait()  # a start under way ends within the server's imports
        if self.process.pid is None:  # it never started
            self._writer.join(timeout)
            self._conn.close()
            return
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()  # SIGKILL also ends a stopped process
            self.process.join(timeout)
        self._writer.join(timeout)  # a writer stuck on a full pipe failed when it died
        self._conn.close()

    def _send(self, message: Request) -> None:
        if message.kind in ANSWERED:
            self._waiting[message.id] = (message.kind, time.monotonic())
        self._outbox.put(message)

    def _write(self) -> None:
        """The writer thread: starts the process (a fork server imports torch before its
        first fork: seconds the window does not wait), then sends; a full pipe (a stopped
        process) blocks this thread, not the window."""
        try:
            self.process.start()
        except OSError:
            return  # `alive` says it is gone; the window reports it and starts another
        finally:
            self._child.close()
            self._started.set()
        while (message := self._outbox.get()) is not None:
            try:
                wire.send(self._conn, message)  # a data set's arrays leave as they lie
            except (OSError, ValueError):
                return  # the process or the pipe is gone
