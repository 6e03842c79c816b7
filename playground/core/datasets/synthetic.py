"""Plane and line data sets, following TensorFlow Playground's dataset.ts.

Every generator takes `(rng, n_samples, noise)` where `noise` is a fraction (slider percent / 100)
and returns `(points, targets)`: raw float64 coordinates `(N, 2)` or `(N, 1)` and float64
targets `(N,)` holding a class index for classification sets or a value for regression sets.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from playground.core.datasets.info import (
    KIND_LINE,
    KIND_PLANE,
    TASK_BINARY,
    TASK_MULTICLASS,
    TASK_REGRESSION,
    DatasetInfo,
    Generator,
    Recipe,
    Samples,
)

Rule = Callable[[np.ndarray], np.ndarray]

CLASS_RADIUS = 5.0  # half-width of the classification sets' sampling domain
REGRESS_RADIUS = 6.0  # half-width of the regression sets' sampling domain
LINE_RANGE = (-math.pi, math.pi)  # input range of the 1-D functions
XOR_PADDING = 0.3
LINEAR_MARGIN = 0.5  # the gap on each side of the line
LINEAR_OFFSET = 2.5  # how far the line may miss the origin
MOON_SCALE = 3.0
MOON_NOISE = 0.5  # gaussian std per unit of noise fraction, in unit-moon coordinates
BLOB_RADIUS = 3.0  # distance of the multiclass blob centres from the origin
LINE2X_RADIUS = 3.0  # x₁ of the x₂ = 2x₁ points is uniform in ±3, so x₂ stays within ±6
LINE2X_NOISE = 2.0  # gaussian std per unit of noise fraction, on both coordinates
REG_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


# ---- shared helpers --------------------------------------------------------------------------
def _class_counts(n: int, k: int) -> list[int]:
    """Split `n` samples over `k` classes as evenly as possible."""
    return [n // k + (i < n % k) for i in range(k)]


def _polar(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Points at `radius` and `angle` (measured as in TF playground: x = r sin t, y = r cos t)."""
    return np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])


def _jitter(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Uniform noise in [-scale, scale] per coordinate."""
    return rng.uniform(-scale, scale, shape)


def _labels(counts: list[int]) -> np.ndarray:
    """Class indices 0, 1, ... repeated `counts[i]` times each."""
    return np.repeat(np.arange(len(counts), dtype=np.float64), counts)


def _label_noisy(rng: np.random.Generator, points: np.ndarray, scale: float, rule: Rule) -> Samples:
    """Keep `points` but compute targets with `rule` on a copy jittered by ±`scale` per axis."""
    return points, rule(points + _jitter(rng, points.shape, scale))


def _uniform_square(rng: np.random.Generator, n: int, radius: float) -> np.ndarray:
    """`n` points uniform in [-radius, radius]²."""
    return rng.uniform(-radius, radius, (n, 2))


def _gauss_std(noise: float) -> float:
    """TF playground's blob spread: variance goes linearly 0.5 -> 4 as noise goes 0 -> 0.5."""
    return math.sqrt(0.5 + 3.5 * noise / 0.5)


def _blobs(rng: np.random.Generator, n: int, centres: np.ndarray, std: float) -> Samples:
    """Gaussian blobs around `centres`; the class index is the centre's index."""
    counts = _class_counts(n, len(centres))
    means = np.repeat(centres, counts, axis=0)
    return means + rng.normal(0.0, std, means.shape), _labels(counts)


# ---- classification rules --------------------------------------------------------------------
def _inside_circle(points: np.ndarray) -> np.ndarray:
    return (np.hypot(points[:, 0], points[:, 1]) < CLASS_RADIUS * 0.5).astype(np.float64)


def _same_sign(points: np.ndarray) -> np.ndarray:
    return (points[:, 0] * points[:, 1] >= 0).astype(np.float64)


# ---- classification generators ---------------------------------------------------------------
def circle(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Positives inside radius 2.5, negatives in the ring 3.5..5; labels from noisy points."""
    n_in, n_out = _class_counts(n, 2)
    radius = np.concatenate([
        rng.uniform(0.0, CLASS_RADIUS * 0.5, n_in),
        rng.uniform(CLASS_RADIUS * 0.7, CLASS_RADIUS, n_out),
    ])
    points = _polar(radius, rng.uniform(0.0, 2 * math.pi, n))
    return _label_noisy(rng, points, CLASS_RADIUS * noise, _inside_circle)


def xor(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Uniform points pushed away from the axes; positive where x and y share a sign."""
    points = _uniform_square(rng, n, CLASS_RADIUS)
    points += np.where(points > 0, XOR_PADDING, -XOR_PADDING)
    return _label_noisy(rng, points, CLASS_RADIUS * noise, _same_sign)


def gauss(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Negatives around (-2, -2), positives around (2, 2)."""
    return _blobs(rng, n, np.array([[-2.0, -2.0], [2.0, 2.0]]), _gauss_std(noise))


def spiral(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Two interleaved spirals; the positive arm starts at angle 0, the negative at pi."""
    counts = _class_counts(n, 2)
    arms = []
    for count, delta in zip(counts, (math.pi, 0.0), strict=True):
        step = np.arange(count) / max(count, 1)
        arms.append(_polar(step * CLASS_RADIUS, 1.75 * step * 2 * math.pi + delta))
    points = np.concatenate(arms)
    return points + _jitter(rng, points.shape, noise), _labels(counts)


def moons(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Two interleaved half-moons (negatives below, positives above) scaled to about ±4.5."""
    counts = _class_counts(n, 2)
    angle = rng.uniform(0.0, math.pi, n)
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    is_upper = _labels(counts).astype(bool)
    points = np.where(is_upper[:, None], upper, lower)
    points += rng.normal(0.0, MOON_NOISE * noise, points.shape)
    return (points - [0.5, 0.25]) * MOON_SCALE, _labels(counts)


def linear(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Two classes split by a random line, at least the margin away from it. The line misses
    the origin by up to LINEAR_OFFSET, so a perceptron has to learn its bias too."""
    angle = rng.uniform(0.0, 2 * math.pi)
    normal = np.array([math.cos(angle), math.sin(angle)])
    offset = rng.uniform(-LINEAR_OFFSET, LINEAR_OFFSET)
    points = np.empty((0, 2))
    while len(points) < n:
        candidates = _uniform_square(rng, n, CLASS_RADIUS)
        away = np.abs(candidates @ normal - offset) >= LINEAR_MARGIN
        points = np.concatenate([points, candidates[away]])
    points = points[:n]
    labels = (points @ normal > offset).astype(np.float64)
    return points + _jitter(rng, points.shape, CLASS_RADIUS * noise), labels


def xor_points(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """The four corners of the unit square with XOR labels; ignores `n` and `noise`."""
    points = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return points, np.array([0, 1, 1, 0], dtype=np.float64)


def multiclass_gauss(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Three blobs on a circle of radius 3, at 0°, 120° and 240° from the top."""
    angles = np.arange(3) * 2 * math.pi / 3
    return _blobs(rng, n, _polar(np.full(3, BLOB_RADIUS), angles), _gauss_std(noise))


# ---- regression ------------------------------------------------------------------------------
def _plane(points: np.ndarray) -> np.ndarray:
    return (points[:, 0] + points[:, 1]) / 10.0


def _signed_gaussians(points: np.ndarray) -> np.ndarray:
    """The strongest (in absolute value) of six signed bumps falling 1 -> 0 over distance 2."""
    distance = np.linalg.norm(points[:, None, :] - REG_GAUSSIANS[None, :, :2], axis=2)
    values = REG_GAUSSIANS[:, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), strongest]


def _regress_2d(rule: Rule) -> Generator:
    """A plane regression generator: uniform points in ±6, targets of noisy points by `rule`."""

    def generate(rng: np.random.Generator, n: int, noise: float) -> Samples:
        points = _uniform_square(rng, n, REGRESS_RADIUS)
        return _label_noisy(rng, points, REGRESS_RADIUS * noise, rule)

    return generate


def line2x(rng: np.random.Generator, n: int, noise: float) -> Samples:
    """Points (x₁, 2x₁) with gaussian noise on both coordinates; the target is x₁ itself."""
    x = rng.uniform(-LINE2X_RADIUS, LINE2X_RADIUS, n)
    points = np.column_stack([x, 2 * x])
    return points + rng.normal(0.0, LINE2X_NOISE * noise, points.shape), x


def _function_1d(func: Callable[[np.ndarray], np.ndarray]) -> Generator:
    """A 1-D fitting generator: x uniform in [-pi, pi], targets func(x) plus gaussian noise."""

    def generate(rng: np.random.Generator, n: int, noise: float) -> Samples:
        x = rng.uniform(*LINE_RANGE, n)
        return x[:, None], func(x) + rng.normal(0.0, noise, n)

    return generate


def _abs_scaled(x: np.ndarray) -> np.ndarray:
    return np.abs(x) / math.pi * 2 - 1


def _step(x: np.ndarray) -> np.ndarray:
    return (x >= 0).astype(np.float64)


# ---- registry --------------------------------------------------------------------------------
def _plane_info(name: str, title: str, task: str, n_classes: int, text: str) -> DatasetInfo:
    return DatasetInfo(name, title, task, KIND_PLANE, (2,), n_classes, text)


def _line_info(name: str, title: str, text: str) -> DatasetInfo:
    return DatasetInfo(name, title, TASK_REGRESSION, KIND_LINE, (1,), 0, text)


ENTRIES: tuple[tuple[DatasetInfo, Recipe], ...] = (
    (_plane_info("circle", "Circle", TASK_BINARY, 2,
                 "A blue disc inside an orange ring: needs a curved boundary."),
     Recipe(circle)),
    (_plane_info("xor", "Exclusive or", TASK_BINARY, 2,
                 "Blue where x₁ and x₂ share a sign: no single line separates it."),
     Recipe(xor)),
    (_plane_info("gauss", "Gaussian", TASK_BINARY, 2,
                 "Two blobs that one straight line separates."),
     Recipe(gauss)),
    (_plane_info("spiral", "Spiral", TASK_BINARY, 2,
                 "Two interleaved spirals: the hardest plane set."),
     Recipe(spiral)),
    (_plane_info("moons", "Two moons", TASK_BINARY, 2,
                 "Two interlocking half-moons: a gently curved boundary."),
     Recipe(moons)),
    (_plane_info("linear", "Linear", TASK_BINARY, 2,
                 "Two classes split by a straight line with a clear gap."),
     Recipe(linear)),
    (_plane_info("xor-points", "XOR (4 points)", TASK_BINARY, 2,
                 "The classic four-point XOR problem a single neuron cannot solve."),
     Recipe(xor_points, x_range=(-0.5, 1.5), y_range=(-0.5, 1.5), ordered=True)),
    (_plane_info("multiclass-gauss", "Three blobs", TASK_MULTICLASS, 3,
                 "Three Gaussian blobs, one per class: a multi-class problem."),
     Recipe(multiclass_gauss)),
    (_plane_info("reg-plane", "Plane", TASK_REGRESSION, 0,
                 "A value that grows steadily along the diagonal: a tilted plane."),
     Recipe(_regress_2d(_plane))),
    (_plane_info("reg-gauss", "Multi Gaussian", TASK_REGRESSION, 0,
                 "Six positive and negative bumps to fit."),
     Recipe(_regress_2d(_signed_gaussians))),
    (_plane_info("line2x", "Line x₂ = 2x₁", TASK_REGRESSION, 0,
                 "Points on the line x₂ = 2x₁: two numbers that one number, x₁, describes. "
                 "Turn on autoencode to squeeze each point through one unit."),
     Recipe(line2x)),
    (_line_info("sine", "Sine", "Fit y = sin(x) on one period."),
     Recipe(_function_1d(np.sin), x_range=LINE_RANGE, y_range=None)),
    (_line_info("abs", "Absolute value", "Fit a V shape with a sharp corner at 0."),
     Recipe(_function_1d(_abs_scaled), x_range=LINE_RANGE, y_range=None)),
    (_line_info("step", "Step", "Fit a jump from 0 to 1 at x = 0."),
     Recipe(_function_1d(_step), x_range=LINE_RANGE, y_range=None)),
)
