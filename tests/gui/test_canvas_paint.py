"""What the canvas leaves on screen: nothing outside its items, after edits and training.

The pictures come from the window's backing store (what the screen shows, built from partial
repaints), not from a fresh render, so lines an item draws outside its bounding rectangle
show up as leftovers here exactly as they do for the user.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from playground.gui.canvas.items import NodeItem
from playground.gui.worker import PAUSED

TOLERANCE = 24  # colour distance from the background that counts as drawn (antialiasing: 2 px)


def pixels(image: QImage) -> np.ndarray:
    """The image as an (h, w, 3) array of red, green, blue."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    rows = data.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width(), :3].copy()  # own the pixels: `image` goes away


def on_screen(window) -> np.ndarray:
    """The canvas as the screen shows it now (after the pending repaints)."""
    for _ in range(3):
        QApplication.processEvents()
    viewport = window.view.viewport()
    corner = viewport.mapTo(window, QPoint(0, 0))
    shot = window.screen().grabWindow(window.winId(), corner.x(), corner.y(),
                                      viewport.width(), viewport.height())
    return pixels(shot.toImage())


def background(window) -> np.ndarray:
    """The canvas with no items: the background and its grid."""
    items = [i for i in window.scene.items() if i.isVisible() and i.parentItem() is None]
    for item in items:
        item.hide()
    image = pixels(window.view.viewport().grab().toImage())
    for item in items:
        item.show()
    return image


def item_mask(window, shape: tuple[int, ...], kinds: tuple[type, ...] = ()) -> np.ndarray:
    """Where the visible items (of `kinds`, default all) may draw, in viewport pixels."""
    mask = np.zeros(shape[:2], dtype=bool)
    view = window.view
    for item in window.scene.items():
        if not item.isVisible() or (kinds and not isinstance(item, kinds)):
            continue
        rect: QRect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        rect.adjust(-2, -2, 2, 2)
        mask[max(0, rect.top()):max(0, rect.bottom() + 1),
             max(0, rect.left()):max(0, rect.right() + 1)] = True
    return mask


def assert_nothing_left_over(window, step: str) -> None:
    shown = on_screen(window)
    drawn = np.abs(shown.astype(int) - background(window).astype(int)).max(axis=2) > TOLERANCE
    stray = drawn & ~item_mask(window, shown.shape)
    ys, xs = np.nonzero(stray)
    assert not stray.any(), f"after {step}: {stray.sum()} pixels drawn outside every item, " \
                            f"e.g. at {list(zip(xs[:5], ys[:5], strict=True))}"


def weight_colour_pixels(window) -> int:
    """Pixels outside the nodes in the colours of positive or negative weights."""
    shown = on_screen(window)
    outside = ~item_mask(window, shown.shape, (NodeItem,))
    saturation = shown.max(axis=2).astype(int) - shown.min(axis=2)
    return int((outside & (saturation > 80)).sum())


def test_weight_lines_leave_nothing_behind_and_keep_their_colours(window, qtbot):
    scene = window.scene
    qtbot.waitUntil(lambda: all(e.weights is not None for e in scene.edges.values()))
    assert_nothing_left_over(window, "opening")
    window.controller.step("epoch")  # training: the pictures grow the nodes, weights change
    qtbot.waitUntil(lambda: window.controller.state == PAUSED
                    and bool(window.controller.history), timeout=20_000)
    qtbot.waitUntil(lambda: scene.nodes["dense_1"].height > 84)
    assert_nothing_left_over(window, "training")
    coloured = weight_colour_pixels(window)
    assert coloured > 300

    window.document.set_training(learning_rate=0.1)  # a setting: the lines keep their weights
    assert all(e.weights is not None for e in scene.edges.values())
    assert weight_colour_pixels(window) > coloured * 0.8
    assert_nothing_left_over(window, "a setting change")

    x, y = window.document.spec.layer("dense_1").position
    window.document.edit_spec("Move", lambda s: s.move({"dense_1": (x + 30, y + 90)}))
    assert_nothing_left_over(window, "moving a node")
    window.document.edit_spec("Rename", lambda s: setattr(s.layer("dense_2"), "label",
                                                          "a much longer name"))
    assert_nothing_left_over(window, "renaming a node")
    window.document.edit_spec("Delete", lambda s: s.remove_layer("dense_2"))
    assert_nothing_left_over(window, "deleting a node")
    window.undo_action.trigger()
    assert_nothing_left_over(window, "undo")

