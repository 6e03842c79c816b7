"""Image data sets (channels × height × width, values in [0, 1]): bars, shapes and digits.

The generated sets make the lecture's point about convolution: what tells the classes apart
is a local pattern (an edge's orientation, a shape's outline) wherever it lies in the image.
Noise is pixel noise: gaussian with the noise fraction as its standard deviation.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from playground.core.datasets.info import (
    KIND_IMAGE,
    TASK_MULTICLASS,
    DatasetInfo,
    Recipe,
    Samples,
)
from playground.core.resources import resource_dir

BARS_SIZE = 8
SHAPES_SIZE = 12
DIGITS_FILE = "digits.npz"
DIGITS_MAX = 16  # the UCI digits count ink in 0..16 per pixel
MIN_INK = 0.6  # generated strokes have an intensity in [MIN_INK, 1]
# Bars: the coordinate each orientation is constant along, and the first positions allowed
# (a bar of thickness t covers positions p .. p + t − 1).
_BAR_COORDS = ("row", "column", "column - row", "row + column")
_BAR_POSITIONS = ((0, 6), (0, 6), (-3, 2), (4, 9))
SHAPE_RADIUS = (2.5, 4.5)  # half-size of a shape in pixels


def _pixel_noise(rng: np.random.Generator, images: np.ndarray, noise: float) -> np.ndarray:
    """`images` with gaussian pixel noise, clipped to [0, 1]; drawn even at zero noise, so
    that the noise setting changes only the noise, not which images come out."""
    return np.clip(images + rng.normal(0.0, noise, images.shape), 0.0, 1.0)


def _ink(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random stroke intensity per image, shaped to broadcast over (N, 1, H, W)."""
    return rng.uniform(MIN_INK, 1.0, (n, 1, 1, 1))


def bars(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """One bar per 8×8 image: horizontal, vertical, diagonal ╲ or anti-diagonal ╱ (classes
    0..3), 1 or 2 pixels thick, anywhere in the image."""
    rows, cols = np.mgrid[0:BARS_SIZE, 0:BARS_SIZE]
    coords = np.stack([rows, cols, cols - rows, rows + cols])  # (4, H, W)
    labels = np.arange(n) % len(_BAR_COORDS)
    low = np.array([p[0] for p in _BAR_POSITIONS])[labels]
    high = np.array([p[1] for p in _BAR_POSITIONS])[labels]
    start = rng.integers(low, high + 1)[:, None, None]
    thickness = rng.integers(1, 3, n)[:, None, None]
    along = coords[labels]
    mask = (along >= start) & (along < start + thickness)
    images = mask[:, None].astype(np.float64) * _ink(rng, n)
    return _pixel_noise(rng, images, noise), labels.astype(np.float64)


def shapes(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """One shape per 12×12 image: square outline, disc, triangle or plus (classes 0..3), of
    random size and position."""
    labels = np.arange(n) % 4
    radius = rng.uniform(*SHAPE_RADIUS, n)[:, None, None]
    centre = rng.uniform(radius[..., 0] + 0.5, SHAPES_SIZE - 0.5 - radius[..., 0], (2, n, 1))
    pixel = np.arange(SHAPES_SIZE) + 0.5
    dy = pixel[None, :, None] - centre[0][:, :, None]  # (N, H, 1)
    dx = pixel[None, None, :] - centre[1][:, :, None]  # (N, 1, W)
    ady, adx = np.abs(dy), np.abs(dx)
    outline = np.abs(np.maximum(ady, adx) - radius + 0.5) <= 0.5
    disc = dy**2 + dx**2 <= radius**2
    triangle = (ady <= radius) & (adx <= (dy + radius) / 2)
    plus = ((adx < 1) & (ady <= radius)) | ((ady < 1) & (adx <= radius))
    masks = np.stack(np.broadcast_arrays(outline, disc, triangle, plus))  # (4, N, H, W)
    images = masks[labels, np.arange(n)][:, None].astype(np.float64) * _ink(rng, n)
    return _pixel_noise(rng, images, noise), labels.astype(np.float64)


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """The shipped UCI digits: images (1797, 8, 8) in 0..16 and labels, both uint8."""
    path = resource_dir() / "datasets" / DIGITS_FILE
    with np.load(path, allow_pickle=False) as data:
        return data["images"], data["labels"]


def digits(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """A random choice of at most `n` of the 1797 handwritten digits, scaled to [0, 1]."""
    images, labels = _digits()
    chosen = rng.permutation(len(images))[:n]
    scaled = images[chosen, None].astype(np.float64) / DIGITS_MAX
    return _pixel_noise(rng, scaled, noise), labels[chosen].astype(np.float64)


def _image_info(name: str, title: str, shape: tuple[int, ...], classes: tuple[str, ...],
                text: str) -> DatasetInfo:
    return DatasetInfo(name, title, TASK_MULTICLASS, KIND_IMAGE, shape, len(classes), text,
                       classes)


ENTRIES: tuple[tuple[DatasetInfo, Recipe], ...] = (
    (_image_info("bars", "Bars (8×8)", (1, BARS_SIZE, BARS_SIZE),
                 ("horizontal", "vertical", "╲ diagonal", "╱ diagonal"),
                 "A bar in each image: horizontal, vertical, ╲ or ╱, anywhere. A 3×3 filter "
                 "spots an edge's orientation wherever it lies."),
     Recipe(bars)),
    (_image_info("shapes", "Shapes (12×12)", (1, SHAPES_SIZE, SHAPES_SIZE),
                 ("square", "disc", "triangle", "plus"),
                 "A square outline, a disc, a triangle or a plus, of any size and place."),
     Recipe(shapes)),
    (_image_info("digits", "Handwritten digits (8×8)", (1, 8, 8),
                 tuple("0123456789"),
                 "1797 handwritten digits 0–9 (UCI, Alpaydin & Kaynak 1998), 8×8 pixels; "
                 "the number of samples is at most 1797."),
     Recipe(digits)),
)
