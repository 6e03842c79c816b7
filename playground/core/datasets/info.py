"""What a data set is (`DatasetInfo`) and how one is generated (`Recipe`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TASK_BINARY = "binary"
TASK_MULTICLASS = "multiclass"
TASK_REGRESSION = "regression"

KIND_PLANE = "plane"  # 2-D points, drawn on the plane, with derived input features
KIND_LINE = "line"  # 1-D inputs: fit a curve y = f(x)
KIND_IMAGE = "image"  # channels × height × width
KIND_SEQUENCE = "sequence"  # time steps × features
KIND_TABLE = "table"  # feature columns with no picture (imported data)

PLANE_RANGE = (-6.0, 6.0)  # plotting range of both axes for plane sets

Samples = tuple[np.ndarray, np.ndarray]
StringSamples = tuple[np.ndarray, np.ndarray, np.ndarray]  # ... and each sample's string key
Generator = Callable[[np.random.Generator, int, float], Samples]
SequenceGenerator = Callable[[np.random.Generator, int, float, int], Samples]


@dataclass(frozen=True)
class DatasetInfo:
    """What a data set is: its task, input kind and shape, and a description for a student.

    `input_shape` is one sample's raw shape: (2,) or (1,) for plane and line sets (before
    features), (channels, height, width) for images, (time steps, features) for sequences.
    For sequences it is the shape at the default length; the built set follows its config.
    `class_names` name the classes where plain numbers would not say what they are.
    """

    name: str
    title: str
    task: str
    kind: str
    input_shape: tuple[int, ...]
    n_classes: int
    description: str
    class_names: tuple[str, ...] = ()

    def class_name(self, index: int) -> str:
        """What class `index` is, in words where the set has them."""
        return self.class_names[index] if index < len(self.class_names) else str(index)


@dataclass(frozen=True)
class Recipe:
    """How to build a data set: its generator and, for plane and line sets, plotting range.

    A generator takes `(rng, n_samples, noise)` — plus the sequence length for sequence sets
    (`uses_length`) — where `noise` is a fraction (slider percent / 100), and returns
    `(samples, targets)`: float64 samples `(N, *shape)` and float64 targets `(N,)` holding a
    class index or a value. `y_range` is None for 1-D functions, whose vertical range comes
    from the targets. `ordered` sets keep their sample order (they are never shuffled).
    `by_string` generators return a third array, each sample's string of symbols as one
    integer: the split keeps every distinct string on one side, so that the test accuracy
    measures generalising to unseen strings rather than remembering seen ones.
    """

    generate: Generator | SequenceGenerator
    x_range: tuple[float, float] = PLANE_RANGE
    y_range: tuple[float, float] | None = PLANE_RANGE
    ordered: bool = False
    uses_length: bool = False
    by_string: bool = False

    def sample(self, rng: np.random.Generator, n: int, noise: float, length: int
               ) -> Samples | StringSamples:
        """Run the generator with the settings it takes."""
        if self.uses_length:
            return self.generate(rng, n, noise, length)  # type: ignore[call-arg]
        return self.generate(rng, n, noise)  # type: ignore[call-arg]
