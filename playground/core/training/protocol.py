"""What the window and the training process say to each other (no torch, no Qt).

The window holds a `TrainingClient` (client.py); the training process runs `serve`
(session.py). They talk over one pipe:

- The window sends `Request`s. Each has an id, a kind and a payload of plain data (numpy
  arrays, dataclasses, dicts). Sending never waits: requests go through a writer thread.
- The process answers with `Event`s that carry the id of the request they answer (if any);
  events of a run (frames, its end, its failure) also carry the id of the `load` request
  that began it, so that late news of an ended run is told from news of the current one.
  The window polls for events on a timer and never waits for one.
- Kinds in `SUPERSEDING` keep only their newest request: the client holds one back while an
  older one of that kind is unanswered, and the process drops older ones it finds queued.
  A storm of setting changes therefore computes one preview, not a hundred.
- A failure inside a run ends that run: one `failed` event, and the process waits for the
  next request. The window's document is never touched by a failure.
- The process says `alive` twice a second from a thread of its own, busy or not; the window
  tells a stopped (or swapping) process by its silence (`TrainingClient.silent_for`) and
  says so instead of waiting.

A run's states, as the window shows them: idle (nothing loaded), loading, ready, running,
paused, finished, failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.backprop_numbers import BackpropStep
from playground.core.datasets import Dataset
from playground.core.project import Project
from playground.core.training.config import TrainConfig
from playground.core.training.snapshots import EpochRecord

IDLE, LOADING, READY = "idle", "loading", "ready"
RUNNING, PAUSED, FINISHED, FAILED = "running", "paused", "finished", "failed"
STATES = (IDLE, LOADING, READY, RUNNING, PAUSED, FINISHED, FAILED)

# Requests (window → process). Those marked ↩ are answered with one event of the same id.
DEVICES = "devices"  # ↩ which devices this machine has
DATA = "data"  # a data set and the token later requests name it by (sent once per change)
LOAD = "load"  # ↩ a Job: build the trainer of a new run (answered 'ready' or 'failed')
PLAY, PAUSE, STEP = "play", "pause", "step"  # ↩ (pause, step: a frame with the weights)
LIVE = "live"  # settings that may change while training runs
SPEED = "speed"  # the most steps between two frames (None: as fast as it goes)
PROBE = "probe"  # the test sample (an index) or drawing the probes look at
VIEWS = "views"  # the probes the views on screen draw (a set of core.frames.PROBES)
FRAME = "frame"  # the window took the last frame: the process may send the next
UNLOAD = "unload"  # ↩ end the run, answered with (the weights it reached, their epoch)
PREVIEW = "preview"  # ↩ a Job: a frame of the untrained (or loaded) network, no training
READ_IMAGE = "read_image"  # ↩ the answer and feature maps for one drawing
DECODE = "decode"  # ↩ what the layers after the bottleneck make of a code
BACKPROP = "backprop"  # ↩ a BackpropJob: every number of one update for one sample
EXPORT = "export"  # ↩ an ExportJob: answered with the ExportResult, or why it failed (str)
QUIT = "quit"
ANSWERED = frozenset({DEVICES, LOAD, PAUSE, STEP, UNLOAD, PREVIEW, READ_IMAGE, DECODE, BACKPROP,
                      EXPORT})
SUPERSEDING = frozenset({PREVIEW, PROBE, LIVE, SPEED, READ_IMAGE, DECODE, BACKPROP})

# Events (process → window).
UPDATE = "update"  # an Update of the run (unsolicited, or the answer to pause and step)
REPLY = "reply"  # the answer to a request; payload depends on the request's kind
ERROR = "error"  # a request could not be done; payload: the message (the run goes on)
ALIVE = "alive"  # a heartbeat, every HEARTBEAT_S seconds
HEARTBEAT_S = 0.5
# FAILED (a state name) is also an event: the run ended with an error; payload: the message


@dataclass(frozen=True)
class Request:
    id: int
    kind: str
    payload: Any = None


@dataclass(frozen=True)
class Event:
    id: int  # the request answered (0: none)
    kind: str
    payload: Any = None
    run: int = 0  # the id of the `load` request that began the run it belongs to (0: none)


@dataclass(frozen=True)
class DataRef:
    """A data set sent once, named by its token in later requests."""

    token: int
    dataset: Dataset


@dataclass(frozen=True)
class Job:
    """Everything the process needs to build a trainer (plain, picklable data)."""

    network: dict[str, Any]
    data_token: int
    config: TrainConfig
    weights: dict[str, np.ndarray] | None
    sample: int | np.ndarray = 0  # what the image, sequence and latent probes look at
    epoch: int = 0  # the epochs the weights were already trained for
    steps_per_frame: int | None = None  # the speed setting (None: as fast as it goes)


@dataclass(frozen=True)
class Update:
    """A frame of a run, its state, and the weights (at pauses, at the end, and now and
    then while running, so that the window always holds recent ones)."""

    frame: Any  # playground.core.frames.Frame
    state: str
    weights: dict[str, np.ndarray] | None = None
    step: int = 0  # the training step the weights are from


@dataclass(frozen=True)
class Preview:
    """The network drawn without training, and the weights it was drawn with."""

    frame: Any  # playground.core.frames.Frame
    weights: dict[str, np.ndarray]


@dataclass(frozen=True)
class BackpropJob:
    job: Job
    sample: int  # the training sample to follow through one update


@dataclass(frozen=True)
class BackpropAnswer:
    """One update's numbers for `sample` (of `samples` training samples), the loss's name,
    and the weights the numbers start from."""

    step: BackpropStep
    sample: int
    samples: int
    loss: str
    weights: dict[str, np.ndarray]


@dataclass(frozen=True)
class ExportJob:
    project: Project  # a copy, with the weights reached when Export was chosen
    fmt: str
    path: Path
    history: Sequence[EpochRecord] = ()
