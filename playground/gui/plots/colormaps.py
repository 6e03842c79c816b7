"""Lookup tables for the live plots and a fast value-to-QImage conversion for thumbnails.

Tables are `(n, 4)` uint8 RGBA arrays, usable by `pg.ImageItem.setLookupTable` and by
`to_qimage`: a value v maps to entry ⌊(v − lo) · n / (hi − lo)⌋, clipped, as pyqtgraph does.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from PySide6.QtGui import QColor, QImage

from playground.gui import theme

# TensorFlow Playground's value scale: orange (negative), light grey-white at 0, blue (positive).
MIDDLE = QColor("#e8eaed")
DIVERGING_STOPS = (theme.NEGATIVE, MIDDLE, theme.POSITIVE)


def _rgba(color: QColor) -> tuple[int, int, int, int]:
    return color.red(), color.green(), color.blue(), color.alpha()


@cache
def diverging_lut(n: int = 256) -> np.ndarray:
    """`n` colours from orange (low values, the negative class) through white to blue
    (made once: read-only)."""
    stops = np.array([_rgba(c) for c in DIVERGING_STOPS], dtype=np.float64)
    t = np.linspace(0.0, len(stops) - 1.0, n)
    columns = [np.interp(t, np.arange(len(stops)), stops[:, k]) for k in range(4)]
    table = np.rint(np.stack(columns, axis=1)).astype(np.uint8)
    table.flags.writeable = False
    return table


def class_lut(k: int) -> np.ndarray:
    """One colour per class, `(k, 4)`: class 0 orange, class 1 blue, then the theme's others."""
    return np.array([_rgba(theme.class_color(i)) for i in range(k)], dtype=np.uint8)


def own_levels(values: np.ndarray, fallback: tuple[float, float]) -> tuple[float, float]:
    """Levels ±max|v| from these values alone, so that a unit whose outputs are unbounded
    (ReLU, linear) uses the whole colour scale however small they are (`fallback` when all
    are zero or not finite)."""
    values = np.asarray(values)
    finite = values[np.isfinite(values)]
    bound = float(np.abs(finite).max()) if finite.size else 0.0
    return (-bound, bound) if bound > 0 else fallback


def lut_indices(values: np.ndarray, levels: tuple[float, float], n: int) -> np.ndarray:
    """Lookup-table entries for `values` (NaN gives entry 0; mask it separately)."""
    lo, hi = levels
    scale = n / (hi - lo) if hi > lo else 0.0
    scaled = np.nan_to_num((np.asarray(values, dtype=np.float32) - lo) * scale,
                           nan=0.0, posinf=n - 1, neginf=0.0)
    return np.clip(scaled, 0, n - 1).astype(np.intp)


def to_qimage(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> QImage:
    """An RGBA image of `values` `(h, w)` whose row 0 is the bottom (y goes up); NaN is clear."""
    values = np.asarray(values, dtype=np.float32)
    if values.ndim != 2:
        raise ValueError(f"values must have shape (h, w), got {values.shape}")
    flipped = values[::-1]
    rgba = lut[lut_indices(flipped, levels, len(lut))]
    rgba[np.isnan(flipped)] = 0
    rgba = np.ascontiguousarray(rgba)
    height, width = flipped.shape
    image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: `rgba` goes away when this returns
