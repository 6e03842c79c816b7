"""Messages with big arrays cross the training process's pipe beside their pickle."""

from __future__ import annotations

import multiprocessing
import threading

import numpy as np

from playground.core.training import wire
from playground.core.training.protocol import Request


def test_big_arrays_arrive_whole_and_writable_small_messages_as_before():
    sender, receiver = multiprocessing.Pipe()
    big = np.arange(3 * wire.OUT_OF_BAND // 4, dtype=np.float32).reshape(-1, 3)
    small = np.arange(5.0)
    messages = [Request(1, "data", {"x": big, "y": small, "view": big[::2]}),
                Request(2, "frame")]
    writer = threading.Thread(target=lambda: [wire.send(sender, m) for m in messages])
    writer.start()  # a big message fills the pipe: it is read while it is written
    first, second = wire.receive(receiver), wire.receive(receiver)
    writer.join()
    np.testing.assert_array_equal(first.payload["x"], big)
    np.testing.assert_array_equal(first.payload["view"], big[::2])
    np.testing.assert_array_equal(first.payload["y"], small)
    assert first.payload["x"].flags.writeable  # a trainer may take it as it is
    assert second == Request(2, "frame")
