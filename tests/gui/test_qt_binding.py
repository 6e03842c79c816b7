"""The Qt binding itself must survive many signal emits (PySide6 6.12.0 does not)."""

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    value = Signal(object)
    flag = Signal(bool)


def test_ten_thousand_emits_keep_reference_counts_intact(qtbot):
    emitter = Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    emitter.flag.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(5_000):
        emitter.value.emit(i)
        emitter.flag.emit(True)
    assert len(received) == 10_000
    assert received[-2:] == [4_999, True]
    assert sys.getrefcount(True) >= before
