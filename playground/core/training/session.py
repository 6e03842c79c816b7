"""The training process: the one place where models run, driven over a pipe.

Measured on a 2-core machine with `circle`: training in a thread of the GUI process ran at
0.25 of a bare PyTorch loop while the window redrew its views 25 times a second, because the
drawing (Python, pyqtgraph) and the training loop take turns holding the interpreter lock.
In a child process the two run side by side; and with every model computation here
(training, previews, probes, drawing-pad and latent inference) the window never imports
torch at all.

`serve` reads requests (see `protocol`), trains while a run plays, and sends an `Update`
with a frame only after the window has taken the previous one: a slow window never queues
frames. This module imports torch only inside functions, so that the window can start it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import deque
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from playground.core.datasets import Dataset
from playground.core.frames import PROBES
from playground.core.training import protocol as p
from playground.core.training import wire
from playground.core.training.protocol import (
    BackpropAnswer,
    BackpropJob,
    Event,
    ExportJob,
    Job,
    Preview,
    Request,
    Update,
)

if TYPE_CHECKING:
    from playground.core.export import ExportResult
    from playground.core.frames import Frame
    from playground.core.training.engine import TrainerBase

# The most frames a second the process makes (a little over 30, so that the window draws 30
# a second whatever the jitter of its polling)...
FRAME_INTERVAL = 1 / 32
FRAME_SHARE = 0.1  # ...and the most of its time that making frames may take (big networks)
FIRST_ANSWER_WAIT_S = 3.0  # the warm-up waits this long at most for the first preview
WEIGHTS_INTERVAL = 1.0  # a running run sends its weights at most this often (seconds)
# For tests: the process's first run fails at this step, as a bug in training would.
FAULT_AT_STEP = "PLAYGROUND_FAULT_AT_STEP"
KEPT_DATASETS = 2  # data sets kept by token (a run may still use the previous one)


def _here(job: Job) -> Job:
    """The job with a device this machine lacks replaced by the CPU: a project saved on a
    GPU machine previews and trains anywhere (the window says so; the project keeps it)."""
    from dataclasses import replace

    from playground.core.training.runtime import available

    device, _ = available(job.config.device)
    return job if device == job.config.device else \
        replace(job, config=job.config.replace(device=device))


def user_error_types() -> tuple[type[Exception], ...]:
    """The errors that mean "this network or setting cannot train", not a bug."""
    from playground.core.datafit import DataMismatch
    from playground.core.errors import PlaygroundError
    from playground.core.graph import InvalidNetwork
    from playground.core.layers import SpecError
    from playground.core.training.runtime import DeviceUnavailable

    return InvalidNetwork, DataMismatch, SpecError, DeviceUnavailable, PlaygroundError


def _describe(err: Exception) -> str:
    if isinstance(err, user_error_types()):
        return f"Cannot train yet: {err}"
    return "Training failed unexpectedly:\n" + traceback.format_exc(limit=3)


class _Sender:
    """Sends events from the serving thread and the heartbeat thread, one at a time."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def send(self, event: Event) -> None:
        with self._lock:
            self.conn.send(event)

    def beat(self) -> None:
        """The heartbeat thread: "alive" every HEARTBEAT_S until stopped or the pipe is gone."""
        while not self._stopped.wait(p.HEARTBEAT_S):
            try:
                self.send(Event(0, p.ALIVE))
            except (OSError, ValueError):
                return

    def stop(self) -> None:
        self._stopped.set()


class _Run:
    """One trainer and its run state."""

    def __init__(self, run_id: int, job: Job, dataset: Dataset, conn: _Sender,
                 probes: frozenset[str] = PROBES):
        from playground.core.spec import NetworkSpec
        from playground.core.training.factory import make_trainer, switch_engine

        self.id = run_id
        job = _here(job)
        # A network the fast engine trains starts on PyTorch until its kernels are compiled.
        self.trainer = make_trainer(NetworkSpec.from_dict(job.network), dataset, job.config,
                                    job.weights, reserve_core=True, epoch=job.epoch,
                                    wait_for_compile=False)
        self.trainer.open_ended = True  # the window trains until paused, or its epoch limit
        self._switch_engine = switch_engine  # ...and moves to it between two epochs
        self.steps_per_frame: int | None = job.steps_per_frame  # None: as fast as it goes
        self._steps_since_frame = 0
        self.conn = conn
        self.paused = True
        self.frame_wanted = True
        self.sample: Any = job.sample
        self.probes = probes  # what the views on screen draw
        self.fault_at = int(os.environ.pop(FAULT_AT_STEP, "0"))  # the first run only
        self._due = 0.0  # when the next frame is due (frames keep a steady cadence)
        self._last_weights = 0.0
        self._frame_gap = FRAME_INTERVAL
        self._sent_epoch = -1  # the history's records up to this epoch were sent
        self._previous: Frame | None = None  # the last frame sent, whose counts may be reused
        self._epochs: deque[tuple[float, int]] = deque(maxlen=64)

    def obey(self, request: Request) -> None:
        kind = request.kind
        if kind == p.FRAME:
            self.frame_wanted = True
        elif kind == p.PAUSE:
            self.paused = True
            self.post(self._resting(), with_weights=True, answer=request.id)
        elif kind == p.PLAY:
            if self.trainer.stopped:
                self.trainer.resume()
            self.paused = False
            # The first frame shows a frame's time of training (and its weights).
            self._due = max(self._due, time.perf_counter() + FRAME_INTERVAL)
        elif kind == p.STEP:
            self._step(request)
        elif kind == p.LIVE:
            self.trainer.set_live(**request.payload)
        elif kind == p.SPEED:
            self.steps_per_frame = request.payload
        elif kind == p.PROBE:
            self.sample = request.payload  # a test sample's index, or an image (a drawing)
            if self.paused:  # show it now; a running run shows it in its next frame
                self.post(self._resting(), with_weights=False)
        elif kind == p.VIEWS:
            shown = frozenset(request.payload) - self.probes
            self.probes = frozenset(request.payload)
            if shown and self.paused:  # a view came on screen: its data now
                self.post(self._resting(), with_weights=False)

    def _resting(self) -> str:
        return p.FINISHED if self.trainer.stopped else p.PAUSED

    def _step(self, request: Request) -> None:
        if self.trainer.stopped:
            self.trainer.resume()
        while not self._train_one() and request.payload == "epoch" and \
                not self.trainer.stopped:
            pass
        self.paused = True
        self.post(self._resting(), with_weights=True, answer=request.id)

    def _train_one(self, seconds: float = 0.0) -> bool:
        """One step, or steps for up to `seconds` ending at an epoch's end at the latest."""
        trainer = self.trainer
        if self.fault_at and trainer.step + 1 >= self.fault_at:
            raise RuntimeError(f"a fault injected at step {self.fault_at} ({FAULT_AT_STEP})")
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
        """Seconds until the next frame is due (a request wakes the loop sooner)."""
        if not self.frame_wanted:
            return FRAME_INTERVAL
        return max(0.0, self._due - time.perf_counter())

    def run_a_little(self) -> None:
        """Train for a few milliseconds (or the steps the speed setting allows a frame),
        then send a frame if one is wanted."""
        until = time.perf_counter() + 0.005
        if self.frame_wanted:  # end at the frame's time: a frame late by a chunk is a
            until = min(until, self._due)  # frame rate below 30 a second
        while (left := until - time.perf_counter()) > 0 and not self.trainer.stopped \
                and not self.held:
            if self.steps_per_frame is None:  # full speed: whole epochs on the fast engine
                self._train_one(left)
            else:
                self._train_one()
                self._steps_since_frame += 1
        if self.trainer.stopped:
            self.paused = True
            self.post(p.FINISHED, with_weights=True)
        elif self.frame_wanted and time.perf_counter() >= self._due:
            due = time.perf_counter() - self._last_weights >= WEIGHTS_INTERVAL
            self.post(p.RUNNING, with_weights=due)

    def post(self, state: str, with_weights: bool, answer: int = 0) -> None:
        from playground.core.probes import make_frame

        started = time.perf_counter()
        self.frame_wanted = False
        self._steps_since_frame = 0
        weights = None
        if with_weights:
            weights, self._last_weights = self.trainer.weights(), started
        history = self.trainer.history  # thins its older part: count by epochs, not places
        frame = make_frame(self.trainer, self._epochs_per_second(),
                           history.after(self._sent_epoch), self.sample,
                           live=state == p.RUNNING, previous=self._previous,
                           probes=self.probes)
        self._previous = frame
        cost = time.perf_counter() - started
        self._frame_gap = max(FRAME_INTERVAL, cost / FRAME_SHARE)
        # One gap after this frame was due (a frame a little late does not push back the
        # ones after it), or after now if it came more than a gap late.
        late = started - self._due
        self._due = (self._due if late < self._frame_gap else started) + self._frame_gap
        self._sent_epoch = history[-1].epoch if history else self._sent_epoch
        update = Update(frame, state, weights, self.trainer.step)
        self.conn.send(Event(answer, p.UPDATE, update, run=self.id))

    def _epochs_per_second(self) -> float:
        if len(self._epochs) < 2 or time.perf_counter() - self._epochs[-1][0] > 1.0:
            return 0.0
        (t0, e0), (t1, e1) = self._epochs[0], self._epochs[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0


class _Service:
    """The process's state: data sets by token, the current run, the previewed network."""

    def __init__(self, conn: Connection):
        self.reader = conn
        self.conn = _Sender(conn)
        self.datasets: dict[int, Dataset] = {}
        self.run: _Run | None = None
        self.viewer: TrainerBase | None = None  # the last preview's trainer (no optimiser)
        self.answered = threading.Event()  # set once a preview or a load was answered
        self.probes: frozenset[str] = PROBES  # what the views on screen draw

    def serve(self) -> None:
        pending: deque[Request] = deque()
        while True:
            if not pending:
                busy = self.run is not None and not self.run.paused
                if busy and self.run.held:  # slow motion: rest until a request or a frame
                    self.reader.poll(self.run.rest())
                if busy and not self.reader.poll():
                    self._guard_run(self.run.run_a_little)
                    continue
                try:
                    self._read(pending)
                except EOFError:  # the window went away
                    return
            request = pending.popleft()
            if request.kind == p.QUIT:
                return
            self.handle(request)

    def _read(self, pending: deque[Request]) -> None:
        """Every request waiting (at least one); a newer one of a superseding kind drops
        the older ones still queued."""
        incoming = [wire.receive(self.reader)]
        while self.reader.poll():
            incoming.append(wire.receive(self.reader))
        for request in incoming:
            if request.kind in p.SUPERSEDING:
                for old in [r for r in pending if r.kind == request.kind]:
                    pending.remove(old)
            pending.append(request)

    def handle(self, request: Request) -> None:
        kind = request.kind
        if kind == p.DATA:
            self.datasets[request.payload.token] = request.payload.dataset
            for token in sorted(self.datasets)[:-KEPT_DATASETS]:
                del self.datasets[token]
        elif kind == p.DEVICES:
            self._reply(request, available_devices())
        elif kind == p.LOAD:
            self._load(request)
        elif kind == p.UNLOAD:
            run, self.run = self.run, None
            trained = run is not None and run.trainer.step
            self._reply(request, (run.trainer.weights(), run.trainer.epoch) if trained else None)
        elif kind == p.EXPORT:
            self._reply(request, export_outcome(request.payload))
        elif kind == p.VIEWS:
            self.probes = frozenset(request.payload)
            if (run := self.run) is not None:
                self._guard_run(lambda: run.obey(request))
        elif kind in (p.PREVIEW, p.READ_IMAGE, p.DECODE, p.BACKPROP):
            try:
                self._reply(request, self._answer(request))
            except ValueError as err:  # the network cannot do this (yet): say why
                self.conn.send(Event(request.id, p.ERROR, str(err)))
            except Exception as err:  # noqa: BLE001 - every failure must reach the window
                self.conn.send(Event(request.id, p.ERROR, _describe(err)))
        elif self.run is not None:
            run = self.run
            self._guard_run(lambda: run.obey(request), request.id)
        elif kind in (p.PAUSE, p.STEP):
            self.conn.send(Event(request.id, p.ERROR, "Nothing is loaded to train."))
        if kind in (p.PREVIEW, p.LOAD):
            self.answered.set()

    def _load(self, request: Request) -> None:
        job: Job = request.payload
        self.run = None
        try:
            self.run = _Run(request.id, job, self.datasets[job.data_token], self.conn,
                            self.probes)
        except Exception as err:  # noqa: BLE001
            self.conn.send(Event(request.id, p.FAILED, _describe(err), run=request.id))
            return
        self.conn.send(Event(request.id, p.REPLY, p.READY, run=request.id))

    def _answer(self, request: Request) -> Any:
        if request.kind == p.PREVIEW:
            return self._preview(request.payload)
        if request.kind == p.BACKPROP:
            return self._backprop(request.payload)
        from playground.core.inference import decode_code, read_image

        trainer = self.run.trainer if self.run is not None else self.viewer
        if trainer is None:
            raise ValueError("the network cannot run yet; fix the problems shown on the "
                             "canvas")
        shape = tuple(trainer.spec.of_kind("Input")[0].params["shape"])
        if request.kind == p.READ_IMAGE:
            return read_image(trainer.model, trainer.head, shape, request.payload,
                              trainer.device)
        return decode_code(trainer.model, shape, request.payload, trainer.device)

    def _preview(self, job: Job) -> Preview:
        from playground.core.probes import make_frame
        from playground.core.spec import NetworkSpec
        from playground.core.training.engine import TrainerBase
        from playground.core.training.perceptron import PerceptronTrainer

        job = _here(job)
        rule = PerceptronTrainer if job.config.algorithm == "perceptron" else TrainerBase
        self.viewer = None
        trainer = rule(NetworkSpec.from_dict(job.network), self.datasets[job.data_token],
                       job.config, job.weights)
        trainer.count_from(job.epoch)
        self.viewer = trainer
        return Preview(make_frame(trainer, sample=job.sample, probes=self.probes),
                       trainer.weights())

    def _backprop(self, order: BackpropJob) -> BackpropAnswer:
        from playground.core.backprop import backprop_step, dense_chain
        from playground.core.spec import NetworkSpec
        from playground.core.training.engine import TrainerBase

        job = _here(order.job)
        try:
            trainer = TrainerBase(NetworkSpec.from_dict(job.network),
                                  self.datasets[job.data_token], job.config, job.weights)
            dense_chain(trainer.model)
        except user_error_types() as err:
            raise ValueError("The backprop inspector is not available for this network: "
                             f"{err}") from None
        x, y = trainer.dataset.x_train, trainer.dataset.y_train
        if x.ndim != 2 or not trainer.n_train:
            raise ValueError("The backprop inspector follows flat samples (a vector per "
                             "sample); this data set has none.")
        n = min(max(order.sample, 0), trainer.n_train - 1)
        step = backprop_step(trainer.model, trainer.head, x[n], y[n], job.config.learning_rate)
        return BackpropAnswer(step, n, trainer.n_train, trainer.head.loss, trainer.weights())

    def _guard_run(self, action: Any, answer: int = 0) -> None:
        """Run a piece of training; an error ends the run (one `failed` event)."""
        run = self.run
        try:
            action()
        except Exception as err:  # noqa: BLE001
            self.run = None
            self.conn.send(Event(answer, p.FAILED, _describe(err), run=run.id if run else 0))

    def _reply(self, request: Request, payload: Any) -> None:
        self.conn.send(Event(request.id, p.REPLY, payload))


def available_devices() -> dict[str, Any]:
    """Which devices this machine has, and what `auto` means here (see `GPU_WORTH`)."""
    import torch

    from playground.core.training.runtime import resolve_device

    gpu = resolve_device("auto").type
    auto = gpu if gpu == "cpu" else f"{gpu} for large steps, else cpu"
    return {"cpu": True, "cuda": torch.cuda.is_available(),
            "mps": torch.backends.mps.is_available(), "auto": auto}


def export_outcome(job: ExportJob) -> ExportResult | str:
    """Write the export; any failure becomes the message to show."""
    from playground.core.errors import PlaygroundError
    from playground.core.export import ExportError, export

    try:
        return export(job.project, job.fmt, job.path, job.history)
    except (PlaygroundError, ExportError) as err:
        return str(err)
    except Exception as err:  # noqa: BLE001 - any failure must end as a message
        traceback.print_exc()
        return (f"the export to {job.path} stopped with an unexpected error "
                f"({type(err).__name__}: {err}). Try another format, or report the problem "
                "if it happens again.")


def _lower_priority() -> None:
    """Give the calling thread the lowest CPU priority (Linux: a thread has its own nice
    value; elsewhere the call could name another process, so nothing is done)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError:
            pass  # not allowed here: the warm-up runs at normal priority


def _warm_up(answered: threading.Event) -> None:
    """Prepare the first run once the first preview is answered (which thus does not wait):
    a first optimiser imports torch's compiler stack, seconds on a busy machine, and the
    fast engine's kernels load from the disk cache (or compile), so that a run pressed a
    few seconds after the window opened starts on the fast engine at once. The thread runs
    at the lowest priority, so that these seconds of CPU never hold up the window (on two
    cores it would otherwise compete with the window and, say, an import's worker)."""
    answered.wait(FIRST_ANSWER_WAIT_S)
    _lower_priority()
    import torch

    from playground.core.training import fast

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    fast.compile_kernels()


# What a fork server imports once for every training process (imports only: no torch op
# runs there, so no thread pool is forked).
PRELOAD = ("torch", "playground.core.probes", "playground.core.training.factory")


def serve(conn: Connection, environ: dict[str, str] | None = None) -> None:
    """The training process: obey requests until told to quit or the window goes away.
    `environ` is the window's environment (a forked process starts with the server's)."""
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    service = _Service(conn)
    threading.Thread(target=_warm_up, args=(service.answered,), name="warm-up",
                     daemon=True).start()
    heart = threading.Thread(target=service.conn.beat, name="heartbeat", daemon=True)
    heart.start()
    try:
        service.serve()
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        pass
    finally:
        service.conn.stop()
        heart.join()

