"""The layer catalogue: every kind's parameters, shape rule and parameter count.

Shapes leave out the batch dimension: (features,), (time, features) or
(channels, height, width). Nothing here imports torch; `model.py` builds the modules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from playground.core.errors import PlaygroundError, shown

Shape = tuple[int, ...]

# The lecture's four activations first, then the extras.
ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT_ACTIVATIONS = (*ACTIVATIONS, "softmax")
# The values a bounded activation takes; the unbounded ones (ReLU, linear) have none.
ACTIVATION_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "step": (0.0, 1.0),
                     "softmax": (0.0, 1.0)}
TASKS = ("binary", "multiclass", "regression")
LOSSES = ("squared_error", "binary_cross_entropy", "cross_entropy")


def activation_range(name: str) -> tuple[float, float] | None:
    """Fixed colour levels for bounded activations (None: take them from the data)."""
    return ACTIVATION_RANGES.get(name)


class SpecError(PlaygroundError):
    """A spec, or an edit of it, is not acceptable; the message says why and what to do."""


class ShapeError(PlaygroundError):
    """A node cannot take the shape it is given; the message says how to fix it."""


@dataclass(frozen=True)
class Param:
    """One setting of a layer kind, with its type, default and allowed values."""

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: Any, where: str) -> Any:
        """Return the value converted to this parameter's type, or raise SpecError."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise SpecError(f"{where}: '{self.name}' must be true or false, not {value!r}")
            return value
        if self.choices is not None:
            if value not in self.choices:
                options = ", ".join(str(c) for c in self.choices)
                raise SpecError(f"{where}: '{self.name}' must be one of {options}; got {value!r}")
            return value
        if self.type is tuple:
            return _check_shape(value, where)
        return self._check_number(value, where)

    def _check_number(self, value: Any, where: str) -> int | float:
        number_ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not number_ok or (self.type is int and not float(value).is_integer()):
            raise SpecError(f"{where}: '{self.name}' must be a number ({self.help}); got {value!r}")
        value = self.type(value)
        if not math.isfinite(value):
            raise SpecError(f"{where}: '{self.name}' must be finite")
        low = -math.inf if self.minimum is None else self.minimum
        high = math.inf if self.maximum is None else self.maximum
        if not low <= value <= high:
            raise SpecError(
                f"{where}: '{self.name}' = {value} is out of range; use {_bound(low)} to "
                f"{_bound(high)}"
            )
        return value


def _check_shape(value: Any, where: str) -> tuple[int, ...]:
    ok = isinstance(value, list | tuple) and 1 <= len(value) <= 3
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    if not ok:
        raise SpecError(
            f"{where}: 'shape' must be 1 to 3 positive whole numbers, such as [2] (features), "
            f"[20, 1] (time steps, features) or [1, 8, 8] (channels, height, width); got {value!r}"
        )
    return tuple(value)


@dataclass(frozen=True)
class LayerKind:
    """A kind of node: what it means, its settings and how many inputs it takes."""

    name: str
    group: str
    summary: str
    params: tuple[Param, ...]
    shape_rule: Callable[[dict[str, Any], list[Shape]], Shape]
    param_count: Callable[[dict[str, Any], list[Shape], Shape], int]
    min_inputs: int = 1
    max_inputs: int | None = 1
    has_output: bool = True

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


# ---- shape helpers ---------------------------------------------------------------------------
def describe(shape: Shape) -> str:
    """A shape in words, as messages show it."""
    if len(shape) == 1:
        return f"{shape[0]} features"
    if len(shape) == 2:
        return f"a sequence of {shape[0]} steps × {shape[1]} features"
    return "an image of {} × {} × {} (channels × height × width)".format(*shape)


def _bound(value: float) -> str:
    """A range limit as the user typed it: whole numbers in full (2147483647, not 2.1e+09)."""
    return str(int(value)) if math.isfinite(value) and float(value).is_integer() else f"{value:g}"


def _need_rank(shape: Shape, ranks: Sequence[int], what: str, fix: str) -> None:
    if len(shape) not in ranks:
        raise ShapeError(f"needs {what} — got {describe(shape)}. {fix}")


def conv_out(size: int, kernel: int, stride: int, padding: int | tuple[int, int]) -> int:
    """The lecture's output-size rule: (input − filter + 2·padding) / stride + 1, where
    `padding` is the same on both sides or (before, after)."""
    before, after = (padding, padding) if isinstance(padding, int) else padding
    return (size - kernel + before + after) // stride + 1


def conv_pads(params: dict[str, Any]) -> tuple[int, int]:
    """Zero pixels added (before, after) the image on each axis (top and left come first).

    'same' adds filter − 1 in all, so that stride 1 keeps the size; an even filter puts the
    odd pixel after the image (as TensorFlow and PyTorch do).
    """
    if params["padding_mode"] != "same":
        return params["padding"], params["padding"]
    total = params["kernel"] - 1
    return total // 2, total - total // 2


def output_size_text(kind: str, params: dict[str, Any], shape: tuple[int, ...]) -> str:
    """The lecture's rule with a Conv2d or pooling node's numbers, one line per axis size:
    '(8 − 3 + 2·1) / 1 + 1 = 8'. Empty for other kinds or non-image inputs."""
    if kind not in ("Conv2d", "MaxPool2d", "AvgPool2d") or len(shape) != 3:
        return ""
    kernel, stride = params["kernel"], params["stride"]
    pads = conv_pads(params) if kind == "Conv2d" else (0, 0)
    sizes = sorted(set(shape[1:]), key=shape[1:].index)
    return "; ".join(_rule(s, kernel, stride, pads) for s in sizes)


def _rule(size: int, kernel: int, stride: int, pads: tuple[int, int]) -> str:
    before, after = pads
    padding = f"2·{before}" if before == after else f"{before} + {after}"
    inner = f"({size} − {kernel} + {padding}) / {stride}"
    if (size - kernel + before + after) % stride:
        inner = f"⌊{inner}⌋"  # the window does not reach the last pixels
    return f"{inner} + 1 = {conv_out(size, kernel, stride, pads)}"


def _activation_params(default: str) -> tuple[Param, ...]:
    return (
        Param("activation", str, default, "the function φ applied to each unit", ACTIVATIONS),
        Param(
            "straight_through",
            bool,
            False,
            "train a step activation with the straight-through estimator (pretend φ′ = 1)",
        ),
    )


# ---- shape rules -----------------------------------------------------------------------------
def _input_shape(params: dict[str, Any], _: list[Shape]) -> Shape:
    return tuple(params["shape"])


def _dense_shape(params: dict[str, Any], shapes: list[Shape]) -> Shape:
    (shape,) = shapes
    _need_rank(shape, (1, 2), "a flat input (features)", "Add a Flatten layer before it.")
    return (*shape[:-1], params["units"])


def _conv_shape(params: dict[str, Any], shapes: list[Shape]) -> Shape:
    (shape,) = shapes
    _need_rank(
        shape,
        (3,),
        "a 3-D input (channels × height × width)",
        "Feed it from an image Input or a Conv2d/pooling layer, or use Dense instead.",
    )
    pads = conv_pads(params)
    kernel, stride = params["kernel"], params["stride"]
    height, width = (conv_out(s, kernel, stride, pads) for s in shape[1:])
    if height < 1 or width < 1:
        raise ShapeError(
            f"a {kernel}×{kernel} filter does not fit an input of {shape[1]}×{shape[2]} "
            f"with padding {pads[0]}: ({shape[1]} − {kernel} + 2·{pads[0]}) / {stride} + 1 < 1. "
            "Use a smaller kernel or more padding."
        )
    return (params["filters"], height, width)


def _pool_shape(params: dict[str, Any], shapes: list[Shape]) -> Shape:
    (shape,) = shapes
    _need_rank(
        shape,
        (3,),
        "a 3-D input (channels × height × width)",
        "Put pooling after a Conv2d layer or an image Input.",
    )
    kernel, stride = params["kernel"], params["stride"]
    height, width = (conv_out(s, kernel, stride, 0) for s in shape[1:])
    if height < 1 or width < 1:
        raise ShapeError(
            f"a {kernel}×{kernel} window does not fit an input of {shape[1]}×{shape[2]}. "
            "Use a smaller pooling window."
        )
    return (shape[0], height, width)


def _flatten_shape(_: dict[str, Any], shapes: list[Shape]) -> Shape:
    return (math.prod(shapes[0]),)


def _same_shape(_: dict[str, Any], shapes: list[Shape]) -> Shape:
    return shapes[0]


def _batchnorm_shape(_: dict[str, Any], shapes: list[Shape]) -> Shape:
    _need_rank(shapes[0], (1, 3), "features or an image", "Use it after Dense or Conv2d.")
    return shapes[0]


def _recurrent_shape(params: dict[str, Any], shapes: list[Shape]) -> Shape:
    (shape,) = shapes
    _need_rank(
        shape,
        (2,),
        "a sequence (time steps × features)",
        "Feed it from a sequence Input or a recurrent layer that returns sequences.",
    )
    return (shape[0], params["units"]) if params["return_sequences"] else (params["units"],)


def _add_shape(_: dict[str, Any], shapes: list[Shape]) -> Shape:
    if any(s != shapes[0] for s in shapes):
        got = "; ".join(describe(s) for s in shapes)
        raise ShapeError(f"needs inputs of one shape to add — got {got}. Match their sizes.")
    return shapes[0]


def concat_axis(rank: int) -> int:
    """Concat joins features (the last axis) of vectors and sequences, channels of images."""
    return 0 if rank == 3 else rank - 1


def _concat_shape(_: dict[str, Any], shapes: list[Shape]) -> Shape:
    ranks = {len(s) for s in shapes}
    axis = concat_axis(len(shapes[0]))
    rest = {s[:axis] + s[axis + 1:] for s in shapes}
    if len(ranks) != 1 or len(rest) != 1:
        got = "; ".join(describe(s) for s in shapes)
        raise ShapeError(
            "joins inputs along features (or channels) and needs the other sizes to match "
            f"— got {got}."
        )
    joined = list(shapes[0])
    joined[axis] = sum(s[axis] for s in shapes)
    return tuple(joined)


def _output_shape(params: dict[str, Any], shapes: list[Shape]) -> Shape:
    return _dense_shape(params, shapes)


# ---- parameter counts ------------------------------------------------------------------------
def _no_params(*_: Any) -> int:
    return 0


def _dense_count(params: dict[str, Any], shapes: list[Shape], _: Shape) -> int:
    return shapes[0][-1] * params["units"] + (params["units"] if params["bias"] else 0)


def _conv_count(params: dict[str, Any], shapes: list[Shape], _: Shape) -> int:
    per_filter = shapes[0][0] * params["kernel"] ** 2
    return params["filters"] * (per_filter + 1)


def _batchnorm_count(_: dict[str, Any], shapes: list[Shape], __: Shape) -> int:
    return 2 * shapes[0][0]


def _recurrent_count(gates: int) -> Callable[[dict[str, Any], list[Shape], Shape], int]:
    def count(params: dict[str, Any], shapes: list[Shape], _: Shape) -> int:
        units, features = params["units"], shapes[0][-1]
        return gates * units * (features + units + 1)

    return count


# ---- the catalogue ---------------------------------------------------------------------------
_UNITS = Param("units", int, 4, "number of units (neurons)", minimum=1, maximum=4096)
_BIAS = Param("bias", bool, True, "add a bias b (the weight of a constant +1 input)")
_RNN_PARAMS = (
    Param("units", int, 8, "size of the hidden state h", minimum=1, maximum=1024),
    *_activation_params("tanh"),
    Param("return_sequences", bool, False, "output h at every time step, not only the last"),
)
_POOL_PARAMS = (
    Param("kernel", int, 2, "window size in pixels", minimum=1, maximum=16),
    Param("stride", int, 2, "step between windows in pixels", minimum=1, maximum=16),
)


def _recurrent(name: str, gates: int, summary: str) -> LayerKind:
    return LayerKind(name, "recurrent", summary, _RNN_PARAMS, _recurrent_shape,
                     _recurrent_count(gates))


_CATALOGUE = (
    LayerKind(
        "Input", "input/output", "The data entering the network: features, sequence or image.",
        (Param("shape", tuple, (2,), "features; time × features; or channels × height × width"),),
        _input_shape, _no_params, min_inputs=0, max_inputs=0,
    ),
    LayerKind(
        "Output", "input/output",
        "The prediction y = φ(Wx + b), compared with the targets by the loss.",
        (
            Param("units", int, 1, "outputs: 1 for binary or one value, K for K classes",
                  minimum=1, maximum=4096),
            Param("activation", str, "sigmoid", "the output function φ", OUTPUT_ACTIVATIONS),
            Param("task", str, "binary", "what the network predicts", TASKS),
            Param("loss", str, "binary_cross_entropy", "how errors are measured", LOSSES),
            _BIAS,
            Param("straight_through", bool, False,
                  "train a step output with the straight-through estimator (pretend φ′ = 1)"),
        ),
        _output_shape, _dense_count, has_output=False,
    ),
    LayerKind(
        "Dense", "dense", "Fully connected: each unit computes y = φ(Σᵢ wᵢxᵢ + b).",
        (_UNITS, *_activation_params("tanh"), _BIAS), _dense_shape, _dense_count,
    ),
    LayerKind(
        "Conv2d", "convolution", "Learned filters slid over the image: one feature map each.",
        (
            Param("filters", int, 8, "number of filters = output feature maps",
                  minimum=1, maximum=512),
            Param("kernel", int, 3, "filter size in pixels", minimum=1, maximum=15),
            Param("stride", int, 1, "step between filter positions", minimum=1, maximum=8),
            Param("padding_mode", str, "valid",
                  "'same' pads filter − 1 pixels in all (the odd one after the image)",
                  ("valid", "same")),
            Param("padding", int, 0, "zero pixels added on each side (valid mode)",
                  minimum=0, maximum=8),
            *_activation_params("relu"),
        ),
        _conv_shape, _conv_count,
    ),
    LayerKind("MaxPool2d", "convolution", "Keeps the largest value in each window.",
              _POOL_PARAMS, _pool_shape, _no_params),
    LayerKind("AvgPool2d", "convolution", "Keeps the average of each window.",
              _POOL_PARAMS, _pool_shape, _no_params),
    LayerKind("Flatten", "convolution", "Unrolls an image or sequence into one feature vector.",
              (), _flatten_shape, _no_params),
    _recurrent("RNN", 1, "hₜ = φ(W xₜ + U hₜ₋₁ + b): a memory carried through time."),
    _recurrent("LSTM", 4, "A recurrent layer with input, forget and output gates."),
    _recurrent("GRU", 3, "A recurrent layer with update and reset gates."),
    LayerKind(
        "Dropout", "regularisation", "Zeroes a random share of activations while training.",
        (Param("rate", float, 0.5, "share of activations dropped", minimum=0.0, maximum=0.95),),
        _same_shape, _no_params,
    ),
    LayerKind("BatchNorm", "regularisation", "Normalises each feature over the batch.",
              (), _batchnorm_shape, _batchnorm_count),
    LayerKind("Add", "merge", "Adds its inputs element by element (a residual connection).",
              (), _add_shape, _no_params, min_inputs=2, max_inputs=None),
    LayerKind("Concat", "merge", "Joins its inputs side by side along features or channels.",
              (), _concat_shape, _no_params, min_inputs=2, max_inputs=None),
)

KINDS: dict[str, LayerKind] = {kind.name: kind for kind in _CATALOGUE}
GROUPS = ("input/output", "dense", "convolution", "recurrent", "regularisation", "merge")


def default_params(kind: str) -> dict[str, Any]:
    """The default settings of a layer kind."""
    return {p.name: p.default for p in KINDS[kind].params}


def check_params(kind: str, params: dict[str, Any], where: str) -> dict[str, Any]:
    """Check and convert parameter values for a kind; unknown names are errors."""
    known = {p.name: p for p in KINDS[kind].params}
    checked = {}
    for name, value in params.items():
        if name not in known:
            options = ", ".join(known) or "none"
            raise SpecError(f"{where}: {kind} has no setting '{shown(name)}' (it has: {options})")
        checked[name] = known[name].check(value, where)
    return checked
