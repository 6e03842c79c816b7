"""Big arrays over the training process's pipe without holding the window still.

`Connection.send` pickles a message into one bytes object first: for a 60,000 × 784 data set
that is a 188 MB copy made while holding the interpreter lock, which stops the window's
thread for about 0.3 s. `send` instead pickles the message without its large arrays
(pickle protocol 5, out of band) and writes each array's memory to the pipe as it lies; the
writes release the lock. `receive` reads such a message back into writable arrays.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

OUT_OF_BAND = 1 << 20  # buffers of at least this many bytes travel beside the pickle


@dataclass(frozen=True)
class Bulk:
    """A message pickled without its large buffers, which follow it: one per size."""

    head: bytes
    sizes: tuple[int, ...]


def send(conn: Connection, message: Any) -> None:
    """Send `message`; arrays of OUT_OF_BAND bytes or more go straight from their memory."""
    buffers: list[pickle.PickleBuffer] = []

    def aside(buffer: pickle.PickleBuffer) -> bool:
        """False (out of band) for a large buffer, which is kept aside."""
        if buffer.raw().nbytes < OUT_OF_BAND:
            return True
        buffers.append(buffer)
        return False

    head = pickle.dumps(message, protocol=5, buffer_callback=aside)
    if not buffers:
        conn.send_bytes(head)
        return
    raws = [buffer.raw() for buffer in buffers]
    conn.send_bytes(pickle.dumps(Bulk(head, tuple(raw.nbytes for raw in raws))))
    for raw in raws:
        conn.send_bytes(raw)


def receive(conn: Connection) -> Any:
    """The next message `send` sent (its large arrays writable, as a trainer needs them)."""
    message = pickle.loads(conn.recv_bytes())
    if not isinstance(message, Bulk):
        return message
    buffers = []
    for size in message.sizes:
        buffer = np.empty(size, np.uint8)
        conn.recv_bytes_into(buffer)
        buffers.append(buffer)
    return pickle.loads(message.head, buffers=buffers)
