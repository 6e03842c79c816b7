"""Play, pause, step and reset: the window's side of training, and of every model answer.

All model computations run in the training process (see `playground.core.training.protocol`
for the conversation). This controller lives in the GUI thread: it sends requests through a
`TrainingClient` and applies the events it finds on a ~30 Hz timer. Nothing here waits for
the process: Save and stop use the weights received last, a process that stops answering is
reported as such, a failed run is a state, and a process that died is replaced.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from playground.core.datafit import check_fit
from playground.core.datasets import Dataset
from playground.core.frames import PROBES, Frame
from playground.core.graph import require_valid
from playground.core.training import protocol as p
from playground.core.training.client import TrainingClient
from playground.core.training.config import LIVE_SETTINGS
from playground.core.training.history import History
from playground.core.training.protocol import (
    FAILED,
    FINISHED,
    IDLE,
    LOADING,
    PAUSED,
    READY,
    RUNNING,
    BackpropJob,
    DataRef,
    Event,
    ExportJob,
    Job,
    Update,
)
from playground.gui.document import Document, follow

POLL_MS = 15  # a frame is drawn within 15 ms of its coming (the process makes 30 a second)
NOT_RESPONDING_S = 1.5  # this long without a heartbeat: the process is stopped or swapping
EXPORT_WAIT_S = 30.0  # closing the window lets an export this long finish its file
RESTARTS_PER_MINUTE = 3  # a process that keeps dying is not started again and again
__all__ = ["FAILED", "FINISHED", "IDLE", "LOADING", "PAUSED", "READY", "RUNNING",
           "TrainingController"]


class TrainingController(QObject):
    """Drives training of the open document; keeps one warm training process."""

    frameReady = Signal(object)  # Frame
    stateChanged = Signal(str)
    diverged = Signal(str)
    message = Signal(str)
    devicesKnown = Signal(object)  # {"cpu", "cuda", "mps": available, "auto": what it picks}
    imageRead = Signal(object, object)  # a drawing's answers (units,) and feature maps
    codeDecoded = Signal(object)  # what the network makes of the code asked about
    backpropReady = Signal(object)  # a BackpropAnswer
    exportDone = Signal(object)  # an ExportResult, or why the export failed (str)
    answerFailed = Signal(str, str)  # "read_image", "decode" or "backprop", and why

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.state = IDLE
        self.last_frame: Frame | None = None
        # The run's epochs, gathered from its frames; a long run's older epochs are thinned.
        self.history = History()
        self.client: TrainingClient | None = None
        self.loaded = False
        self.run_id = 0  # the id of the `load` request of the current run
        # The weights received last, with the step and the epoch they are from.
        self.last_weights: tuple[dict[str, np.ndarray], int, int] | None = None
        self.devices: dict[str, Any] = {"cpu": True, "cuda": False, "mps": False,
                                        "auto": "cpu"}
        self._devices_known = False  # until the process has said which devices it has
        self.previews = 0  # previews received (each one computed by the process)
        self.steps_per_frame: int | None = None  # the speed setting; None: as fast as it goes
        self.probe_sample: int | np.ndarray = 0  # what the image and sequence views look at
        self.probes: frozenset[str] = PROBES  # those the views on screen draw (set_probes)
        self._built_for: tuple | None = None
        self._live: dict[str, Any] = {}
        self._previewed: tuple[tuple, object] | None = None
        self._preview_weights: dict[str, np.ndarray] | None = None
        self._preview_id = 0  # the newest preview asked for
        self._preview_done = 0  # the newest preview answered (drawn, or found impossible)
        self._asked: dict[int, str] = {}  # ids of requests whose answers matter → kind
        self._unloading: tuple[int, Document, object] | None = None
        self._data: tuple[Dataset, int] | None = None  # the data set sent, and its token
        self._tokens = itertools.count(1)
        self._warned = False
        self._starts: deque[float] = deque(maxlen=RESTARTS_PER_MINUTE)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        document.changed.connect(self._document_changed)

    def set_document(self, document: Document) -> None:
        self.stop_training()
        self.document = follow(self.document, document, self._document_changed)
        self.show_initial_frame()
        self._note_missing_device()

    def _note_missing_device(self) -> None:
        """Say so when the project asks for a GPU this machine lacks (the training process
        uses the CPU instead; the project keeps its setting)."""
        device = self.document.project.training.device
        if device in ("cuda", "mps") and self._devices_known and not self.devices.get(device):
            self.message.emit(f"This project was set to train on {device.upper()}, which this "
                              "machine does not have: it trains on the CPU here.")

    # ---- commands ------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start the training process now, so that the first answer comes soon."""
        if self.client is not None and self.client.alive:
            return
        if self.client is not None:  # it died unnoticed
            self._close_client()
        self.client = TrainingClient()
        self._starts.append(time.monotonic())
        self._data = None
        self._ask(p.DEVICES)
        self._request(p.VIEWS, self.probes)
        self._timer.start()

    def _close_client(self, timeout: float = 2.0) -> None:
        """End the training process (one that died too: its pipe is closed)."""
        if self.client is not None:
            self.client.close(timeout)
            self.client = None

    @Slot()
    def play(self) -> None:
        if self.state == RUNNING or not (self.loaded or self._load()):
            return
        self._request(p.PLAY)
        self._set_state(RUNNING)

    @Slot()
    def pause(self) -> None:
        if self.state == RUNNING:
            self._request(p.PAUSE)
            self._set_state(PAUSED)

    @Slot()
    def toggle(self) -> None:
        self.pause() if self.state == RUNNING else self.play()

    @Slot(str)
    def step(self, unit: str = "batch") -> None:
        """One batch or one epoch, then pause."""
        if self.loaded or self._load():
            self._request(p.STEP, unit)
            self._set_state(PAUSED)

    @Slot()
    def reset(self) -> None:
        """Stop, forget the trained weights and start again from the seeded initial ones."""
        self.stop_training()
        self.document.set_weights(None)
        self.show_initial_frame()

    def set_speed(self, steps_per_frame: int | None) -> None:
        """Train at most this many steps between two frames (None: as fast as it goes)."""
        self.steps_per_frame = steps_per_frame
        if self.loaded:
            self._request(p.SPEED, steps_per_frame)

    def set_probe_sample(self, sample: int | np.ndarray, redraw: bool = True) -> None:
        """Choose the test sample (an index, or an image such as a drawing) whose feature
        maps or hidden states the views show; `redraw` remakes the preview when idle."""
        self.probe_sample = sample
        if self.loaded:
            self._request(p.PROBE, sample)
        elif redraw:
            self.show_initial_frame()

    def set_probes(self, probes: frozenset[str]) -> None:
        """Have frames carry only these of the `PROBES` (those of the views on screen). A
        view that comes on screen gets its data with the next frame: at once when paused,
        from a fresh preview when nothing is loaded."""
        shown = probes - self.probes
        if probes == self.probes:
            return
        self.probes = probes
        if self.client is not None:
            self._request(p.VIEWS, probes)
        if shown and not self.loaded and self._previewed is not None:
            self.show_initial_frame()

    def read_image(self, image: np.ndarray) -> None:
        """Ask for the network's answer to a drawing (C, H, W); `imageRead` brings it."""
        self._ask(p.READ_IMAGE, np.asarray(image, dtype=np.float32))

    def decode(self, code: np.ndarray) -> None:
        """Ask what the layers after the bottleneck make of a code; `codeDecoded` says."""
        self._ask(p.DECODE, np.asarray(code, dtype=np.float32))

    def backprop(self, sample: int) -> None:
        """Ask for every number of one update of the document's network on a training
        sample; `backpropReady` (or `answerFailed`) brings them."""
        self._ask(p.BACKPROP, BackpropJob(self._job(), sample))

    def export(self, job: ExportJob) -> None:
        """Write an export in the training process; `exportDone` says how it went."""
        self._ask(p.EXPORT, job)

    def sync_weights(self) -> None:
        """Put the weights received last into the document (for Save while training).
        Never waits: a process that does not answer is reported, its last weights kept."""
        if not self.loaded or self.last_weights is None:
            return
        weights, _, epoch = self.last_weights
        if weights is not self.document.project.weights:
            self.document.set_weights(weights, epoch)
        self._check_responding()

    def stop_training(self) -> None:
        """End the current run, keeping the weights it reached; the process stays warm.

        The document gets the weights received last at once; the run's final weights follow
        when the process answers, unless the document changed meanwhile."""
        if self.loaded and self.client is not None:
            self.sync_weights()
            unload = self._ask(p.UNLOAD)
            self._unloading = (unload, self.document, self.document.project.weights)
        self._end_run(IDLE)

    def shutdown(self) -> None:
        """Stop training and end the training process."""
        self.stop_training()
        self._timer.stop()
        # an export asked for is finished first
        self._close_client(EXPORT_WAIT_S if p.EXPORT in self._asked.values() else 2.0)

    def show_initial_frame(self) -> None:
        """Ask for a picture of the untrained (or loaded) network, without training. The
        newest request supersedes older ones still waiting."""
        self._previewed = self._preview_key()
        self._preview_id = self._ask(p.PREVIEW, self._job())

    def refresh_preview(self) -> None:
        """Redraw the preview if what it shows changed (moving a node or renaming it does
        not, and would otherwise rebuild the model on every drag)."""
        if self.loaded:
            return
        key, weights = self._previewed or ((), None)
        now_key, now_weights = self._preview_key()
        if self._previewed is None or key != now_key or weights is not now_weights:
            self.show_initial_frame()

    def _preview_key(self) -> tuple[tuple, object]:
        """What the preview depends on, and the weights object it was drawn from."""
        return ((*self._fingerprint(), self.document.project.training.to_dict()),
                self.document.project.weights)

    @property
    def previewing(self) -> bool:
        """Whether the newest preview asked for has not come back yet."""
        return self._preview_done != self._preview_id

    def preview_weights(self) -> dict | None:
        """Every node's weights as last previewed (the seeded ones if untrained), or None if
        no preview of a valid network has arrived."""
        return self._preview_weights

    # ---- internals -----------------------------------------------------------------------
    def _fingerprint(self) -> tuple:
        project = self.document.project
        training = {k: v for k, v in project.training.to_dict().items()
                    if k not in LIVE_SETTINGS}
        return (self.document.spec.structure(), project.data, project.imported, training)

    def _live_settings(self) -> dict[str, Any]:
        return {k: getattr(self.document.project.training, k) for k in LIVE_SETTINGS}

    def _job(self) -> Job:
        """The open document as a job for the process (its data set sent once)."""
        self.warm_up()
        assert self.client is not None
        dataset = self.document.dataset
        if self._data is None or self._data[0] is not dataset:
            self._data = (dataset, next(self._tokens))
            self.client.request(p.DATA, DataRef(self._data[1], dataset))
        project = self.document.project
        return Job(project.network.to_dict(), self._data[1], project.training,
                   project.weights, self.probe_sample, project.trained_epochs,
                   self.steps_per_frame)

    def _load(self) -> bool:
        try:
            require_valid(self.document.spec)
            check_fit(self.document.spec, self.document.dataset)
            job = self._job()
        except ValueError as err:  # an invalid network, or data that do not fit it
            self.message.emit(f"Cannot train yet: {err}")
            return False
        self.run_id = self._ask(p.LOAD, job)
        self.history, self.last_weights = History(), None
        self.loaded = True
        self._built_for, self._live = self._fingerprint(), self._live_settings()
        self._set_state(LOADING)
        return True

    def _request(self, kind: str, payload: Any = None) -> int:
        if self.client is None:
            return 0
        return self.client.request(kind, payload)

    def _ask(self, kind: str, payload: Any = None) -> int:
        """A request whose answer this controller acts on."""
        self.warm_up()
        request = self._request(kind, payload)
        if kind in p.SUPERSEDING:  # the older one's answer no longer matters
            self._asked = {i: k for i, k in self._asked.items() if k != kind}
        self._asked[request] = kind
        return request

    def _end_run(self, state: str) -> None:
        self.loaded, self.run_id = False, 0
        self._set_state(state)

    @Slot()
    def _poll(self) -> None:
        client = self.client
        if client is None:
            return
        if not client.alive:
            self._process_died(client)
            return
        latest: Update | None = None
        for event in client.events():
            latest = self._apply(event) or latest
        if latest is not None:  # the process makes the next frame while this one is drawn
            self._request(p.FRAME)  # not a held kind: it leaves at once
            self.last_frame = replace(latest.frame, history=tuple(self.history))
            self.frameReady.emit(self.last_frame)
        client.flush()
        self._check_responding()

    def _apply(self, event: Event) -> Update | None:
        """Act on one event; returns the run's update, if it is one."""
        kind = self._asked.pop(event.id, None)
        if kind == p.PREVIEW:
            self._preview_done = event.id
        if event.kind == p.UPDATE:
            return self._run_update(event)
        if event.kind == FAILED:
            if event.run == self.run_id and self.loaded:
                self._end_run(FAILED)
                self.message.emit(event.payload)
        elif event.kind == p.ERROR:
            if kind in (p.READ_IMAGE, p.DECODE, p.BACKPROP):
                self.answerFailed.emit(kind, event.payload)
        elif kind is not None:
            self._reply(kind, event.id, event.payload)
        return None

    def _run_update(self, event: Event) -> Update | None:
        if event.run != self.run_id or not self.loaded:
            return None  # news of a run that has ended
        update: Update = event.payload
        self.history.extend(update.frame.history)
        if update.weights is not None:
            epoch = update.frame.snapshot.epoch
            self.last_weights = (update.weights, update.step, epoch)
            if update.state != RUNNING:
                self.document.set_weights(update.weights, epoch)
        self._finish_if_done(update)
        return update

    def _reply(self, kind: str, request: int, payload: Any) -> None:
        if kind == p.PREVIEW and not self.loaded:
            self.previews += 1
            self.last_frame, self._preview_weights = payload.frame, payload.weights
            self.frameReady.emit(self.last_frame)
        elif kind == p.LOAD and request == self.run_id and self.state == LOADING:
            self._set_state(READY)
        elif kind == p.UNLOAD and self._unloading and self._unloading[0] == request:
            _, document, weights = self._unloading
            self._unloading = None
            if payload is not None and document is self.document and \
                    document.project.weights is weights:
                document.set_weights(*payload)
        elif kind == p.DEVICES:
            self.devices, self._devices_known = payload, True
            self.devicesKnown.emit(payload)
            self._note_missing_device()
        elif kind == p.READ_IMAGE:
            self.imageRead.emit(*payload)
        elif kind == p.DECODE:
            self.codeDecoded.emit(payload)
        elif kind == p.BACKPROP:
            self.backpropReady.emit(payload)
        elif kind == p.EXPORT:
            self.exportDone.emit(payload)

    def _check_responding(self) -> None:
        """Say once per stall that the process does not answer (never wait for it)."""
        waited = self.client.silent_for() if self.client is not None else 0.0
        if waited < NOT_RESPONDING_S:
            self._warned = False
            return
        if self._warned:
            return
        self._warned = True
        kept = (f"the weights received last (step {self.last_weights[1]:,}) are kept, and "
                "Save saves them" if self.last_weights else "nothing is lost")
        self.message.emit(f"The training process is not responding ({waited:.0f} s; it may "
                          f"be stopped or swapping): {kept}.")

    def _process_died(self, client: TrainingClient) -> None:
        """Say so, keep the weights received last, start a new process, reload."""
        code = client.process.exitcode
        self._close_client()
        if self.loaded:
            self.sync_weights()
        self._end_run(IDLE)
        for kind in self._asked.values():
            if kind == p.EXPORT:
                self.exportDone.emit(f"the training process stopped during the export (exit "
                                     f"code {code}); export again.")
            elif kind in (p.READ_IMAGE, p.DECODE, p.BACKPROP):
                self.answerFailed.emit(kind, "the training process stopped; try again")
        self._asked.clear()
        if len(self._starts) == RESTARTS_PER_MINUTE and \
                time.monotonic() - self._starts[0] < 60:
            self._timer.stop()
            self.message.emit(f"The training process stopped unexpectedly (exit code {code}) "
                              "again and again; it is not started any more. Save your work "
                              "and restart the app.")
            return
        self.message.emit(f"The training process stopped unexpectedly (exit code {code}); "
                          "a new one is starting and the document is reloaded. Press Play "
                          "to train again.")
        self.show_initial_frame()

    def _finish_if_done(self, update: Update) -> None:
        if update.state != FINISHED or self.state == FINISHED:
            return
        self._set_state(FINISHED)
        snapshot = update.frame.snapshot
        if snapshot.stop_reason == "diverged":
            self.diverged.emit(snapshot.message)
        else:
            self.message.emit(snapshot.message)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    @Slot()
    def _document_changed(self) -> None:
        if not self.loaded:
            return
        if self._fingerprint() != self._built_for:
            self.stop_training()
            self.message.emit("Training stopped: the network, the data or a setting that needs "
                              "a fresh start changed. Press play to train the edited network.")
        elif self._live_settings() != self._live:
            self._live = self._live_settings()
            self._request(p.LIVE, self._live)
