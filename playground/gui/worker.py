"""Play, pause, step and reset: the window's side of training.

Training runs in a child process (see `playground.core.training.session` for why and how);
this controller lives in the GUI thread, polls the pipe on a ~30 Hz timer, and hands each
frame to the views. A frame is only made after the previous one has been taken, so drawing
never falls behind and training speed does not depend on drawing speed.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from playground.core.errors import PlaygroundError
from playground.core.probes import Frame, make_frame
from playground.core.training.config import LIVE_SETTINGS
from playground.core.training.engine import TrainerBase
from playground.core.training.perceptron import PerceptronTrainer
from playground.core.training.session import (
    FINISHED,
    PAUSED,
    RUNNING,
    Job,
    RemoteTrainer,
    Update,
)
from playground.core.training.snapshots import EpochRecord
from playground.gui.document import Document, follow

POLL_MS = 33  # about 30 frames a second
IDLE = "idle"  # no run loaded; the other states are the training process's
__all__ = ["FINISHED", "IDLE", "PAUSED", "RUNNING", "TrainingController"]


class TrainingController(QObject):
    """Drives training of the open document; keeps one warm training process."""

    frameReady = Signal(object)  # Frame
    stateChanged = Signal(str)
    diverged = Signal(str)
    message = Signal(str)

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.state = IDLE
        self.last_frame: Frame | None = None
        self.history: list[EpochRecord] = []  # the run's epochs, gathered from its frames
        self.remote: RemoteTrainer | None = None
        self.loaded = False
        self._built_for: tuple | None = None
        self._live: dict[str, Any] = {}
        self._previewed: tuple[tuple, object] | None = None
        self.probe_sample: int | np.ndarray = 0  # what the image and sequence views look at
        self.steps_per_frame: int | None = None  # the speed setting; None: as fast as it goes
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        document.changed.connect(self._document_changed)

    def set_document(self, document: Document) -> None:
        self.stop_training()
        self.document = follow(self.document, document, self._document_changed)
        self.show_initial_frame()

    # ---- commands ------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start the training process now, so that the first Play is instant."""
        if self.remote is None or not self.remote.alive:
            self.remote = RemoteTrainer()

    @Slot()
    def play(self) -> None:
        if self.state == RUNNING or not (self.loaded or self._load()):
            return
        self._send("resume")
        self._set_state(RUNNING)

    @Slot()
    def pause(self) -> None:
        if self.state == RUNNING:
            self._send("pause")
            self._set_state(PAUSED)

    @Slot()
    def toggle(self) -> None:
        self.pause() if self.state == RUNNING else self.play()

    @Slot(str)
    def step(self, unit: str = "batch") -> None:
        """One batch or one epoch, then pause."""
        if self.loaded or self._load():
            self._send("step", unit)
            self._set_state(PAUSED)

    @Slot()
    def reset(self) -> None:
        """Stop, forget the trained weights and start again from the seeded initial ones."""
        self.stop_training()
        self.document.set_weights(None)
        self.show_initial_frame()

    def set_probe_sample(self, sample: int | np.ndarray, redraw: bool = True) -> None:
        """Choose the test sample (an index, or an image such as a drawing) whose feature
        maps or hidden states the views show; `redraw` remakes the preview when idle."""
        self.probe_sample = sample
        if self.loaded:
            self._send("probe", sample)
        elif redraw:
            self.show_initial_frame()

    def set_speed(self, steps_per_frame: int | None) -> None:
        """Train at most this many steps between two frames (None: as fast as it goes)."""
        self.steps_per_frame = steps_per_frame
        if self.loaded:
            self._send("speed", steps_per_frame)

    def sync_weights(self, timeout: float = 30.0) -> None:
        """Bring the weights reached so far into the document (for Save while training)."""
        if not self.loaded or self.remote is None or self.state != RUNNING:
            return
        self._send("pause")
        deadline = time.monotonic() + timeout
        while not self._drain(0.05) and time.monotonic() < deadline and self.remote.alive:
            pass
        self._send("resume")

    def stop_training(self) -> None:
        """End the current run, keeping the weights it reached; the process stays warm."""
        if self.loaded and self.remote is not None:
            self._drain()
            weights = self.remote.unload()
            if weights is not None:
                epoch = self.last_frame.snapshot.epoch if self.last_frame is not None else 0
                self.document.set_weights(weights, epoch)
        self.loaded = False
        self._timer.stop()
        self._set_state(IDLE)

    def shutdown(self) -> None:
        """Stop training and end the training process."""
        self.stop_training()
        if self.remote is not None:
            self.remote.close()
            self.remote = None

    def show_initial_frame(self) -> None:
        """Draw the untrained (or loaded) network once, without any training."""
        self._previewed = self._preview_key()
        trainer = self._make_trainer(quiet=True)
        if trainer is not None:
            self.last_frame = make_frame(trainer, sample=self.probe_sample)
            self.frameReady.emit(self.last_frame)

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

    def preview_weights(self) -> dict | None:
        """Every node's current weights (the seeded ones if untrained), or None if the
        network cannot be built."""
        trainer = self._make_trainer(quiet=True)
        return trainer.weights() if trainer is not None else None

    # ---- internals -----------------------------------------------------------------------
    def _fingerprint(self) -> tuple:
        project = self.document.project
        training = {k: v for k, v in project.training.to_dict().items()
                    if k not in LIVE_SETTINGS}
        return (self.document.spec.structure(), project.data, project.imported, training)

    def _live_settings(self) -> dict[str, Any]:
        return {k: getattr(self.document.project.training, k) for k in LIVE_SETTINGS}

    def _make_trainer(self, quiet: bool = False) -> TrainerBase | None:
        """A trainer without an optimiser in this process: for the first picture, and to
        check that a job is sound. (Building an optimiser costs the window ~70 MB.) The
        perceptron rule's own trainer starts from w = 0, as the rule does."""
        project = self.document.project
        rule = PerceptronTrainer if project.training.algorithm == "perceptron" else TrainerBase
        try:
            trainer = rule(project.network, self.document.dataset, project.training,
                           project.weights)
            trainer.count_from(project.trained_epochs)
            return trainer
        except PlaygroundError as err:  # a network, data or setting that cannot train
            if not quiet:
                self.message.emit(f"Cannot train yet: {err}")
            return None

    def _load(self) -> bool:
        if self._make_trainer() is None:
            return False
        if self.remote is None or not self.remote.alive:
            self.message.emit("Starting the training process…")
            self.warm_up()
        project = self.document.project
        self._send("load", Job(project.network.to_dict(), self.document.dataset,
                               project.training, project.weights, project.trained_epochs))
        if not isinstance(self.probe_sample, int) or self.probe_sample:
            self._send("probe", self.probe_sample)
        if self.steps_per_frame is not None:
            self._send("speed", self.steps_per_frame)
        self.history = []
        self.loaded = True
        self._built_for, self._live = self._fingerprint(), self._live_settings()
        self._timer.start()
        return True

    def _send(self, command: str, argument: Any = None) -> None:
        if self.remote is not None:
            self.remote.send(command, argument)

    @Slot()
    def _poll(self) -> None:
        if self.remote is None:
            return
        if not self.remote.alive:
            self.remote, self.loaded = None, False
            self._timer.stop()
            self._set_state(IDLE)
            self.message.emit("The training process stopped unexpectedly; press Play to "
                              "start again.")
            return
        self._drain()

    def _drain(self, timeout: float = 0.0) -> bool:
        """Apply what the child sent; ask for the next frame once one was taken.

        Returns whether weights arrived (waiting up to `timeout` for a first message)."""
        assert self.remote is not None
        latest: Update | None = None
        got_weights = False
        for kind, payload in self.remote.receive(timeout):
            if kind == "update":
                self.history.extend(payload.frame.history)
                if payload.weights is not None:
                    self.document.set_weights(payload.weights, payload.frame.snapshot.epoch)
                    got_weights = True
                latest = payload
                self._finish_if_done(payload)
            elif kind == "error":
                self.loaded = False
                self._set_state(IDLE)
                self.message.emit(payload)
        if latest is not None:
            self.last_frame = replace(latest.frame, history=tuple(self.history))
            self.frameReady.emit(self.last_frame)
            self._send("frame")
        return got_weights

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
            self._send("live", self._live)
