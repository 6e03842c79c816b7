"""What the live views draw: a `Frame` and the probe results it carries.

Plain dataclasses of numpy arrays, made in the training process and drawn by the window;
this module imports no torch, so that the window never does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.core.training.snapshots import EpochRecord, Snapshot

SATURATED_SLOPE = 0.05  # |φ′(v)| below this passes (almost) no gradient
# The probes only some views draw, by the Frame field they fill: a frame carries those of
# the views on screen (the canvas, the Output and the curves always get theirs).
HISTOGRAMS, IMAGE, SEQUENCE, LATENT, CONTRIBUTIONS = (
    "histograms", "image", "sequence", "latent", "contributions")
PROBES = frozenset({HISTOGRAMS, IMAGE, SEQUENCE, LATENT, CONTRIBUTIONS})


@dataclass(frozen=True)
class ImageProbe:
    """What the image views draw (numpy only).

    `outputs` are the network's answers for the sample: class probabilities (softmax of v
    under cross-entropy, else φ(v)). `confusion[i, j]` counts test samples of class i
    predicted as j, over all `evaluated` test samples. `mistakes` are indices into the
    test set, `mistake_labels` their true and `mistaken_as` their predicted classes, and
    `mistake_images` the images. A drawing sent as the sample has index −1 and no label.
    """

    sample_index: int
    sample: np.ndarray  # (C, H, W)
    label: int | None
    outputs: np.ndarray  # (units,)
    feature_maps: dict[str, np.ndarray] = field(default_factory=dict)  # node → (C, H, W)
    filters: dict[str, np.ndarray] = field(default_factory=dict)  # node → (out, in, k, k)
    confusion: np.ndarray | None = None  # (K, K) int64
    evaluated: int = 0
    mistakes: np.ndarray | None = None  # (m,) int64
    mistake_labels: np.ndarray | None = None  # (m,) int64
    mistaken_as: np.ndarray | None = None  # (m,) int64
    mistake_images: np.ndarray | None = None  # (m, C, H, W)
    counted_with: int = 0  # the trainer's evaluation number when the mistakes were counted


@dataclass(frozen=True)
class SequenceProbe:
    """What the sequence views draw (numpy only).

    `hidden[node]` is (T, units); `gates[node][name]` too (LSTM: input/forget/output gate,
    GRU: reset/update gate); `step_gradients[node][t]` is ‖∂𝓔/∂mₜ‖ for t = 1..T, where
    `memory[node]` names the state m: "c" (an LSTM's cell state) or "h" (RNN, GRU).
    `predictions` and `targets` (n,) over the first test samples: the value for regression,
    φ(v) of the single unit for binary tasks, the class index otherwise;
    `median_gradients[node][t]` the median of ‖∂𝓔/∂mₜ‖ over those n samples.
    """

    sample_index: int
    sample: np.ndarray  # (T, F)
    hidden: dict[str, np.ndarray] = field(default_factory=dict)
    gates: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    step_gradients: dict[str, np.ndarray] = field(default_factory=dict)
    memory: dict[str, str] = field(default_factory=dict)
    predictions: np.ndarray | None = None
    targets: np.ndarray | None = None
    task: str = "regression"
    median_gradients: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class LatentProbe:
    """What the autoencoder view draws (numpy only).

    `originals` and `reconstructions` are (n, *input shape); `codes` (m, units) of the first
    test samples when the bottleneck has at most 3 units, with their class `labels` (or None).
    """

    node: str
    units: int
    originals: np.ndarray
    reconstructions: np.ndarray
    codes: np.ndarray | None = None
    labels: np.ndarray | None = None


@dataclass(frozen=True)
class FieldHistogram:
    """One hidden layer: counts of v per bin and its activation's φ and φ′ on the same axis."""

    activation: str
    edges: np.ndarray  # BINS + 1 bin edges over [−FIELD_BOUND, FIELD_BOUND]
    counts: np.ndarray  # values of v (samples × units) per bin
    curve_v: np.ndarray  # where φ and φ′ are sampled
    phi: np.ndarray
    slope: np.ndarray
    saturated: float  # share of values with |φ′(v)| < SATURATED_SLOPE


@dataclass(frozen=True)
class PerceptronUpdate:
    """One visit of one sample: whether it was a mistake and the weights around it."""

    index: int  # the sample visited (−1: none yet)
    mistake: bool
    w_before: np.ndarray
    b_before: float
    w_after: np.ndarray
    b_after: float


@dataclass(frozen=True)
class Frame:
    """One picture of training for the live views (no tensors, safe across threads)."""

    snapshot: Snapshot
    history: tuple[EpochRecord, ...]  # from the training process: only the records not yet sent
    epochs_per_second: float
    # The model's prediction over the data's plotting domain: (GRID, GRID) for plane data
    # (row i is y, column j is x, as Dataset.grid orders them), (GRID,) for 1-D data, None
    # for other inputs. Binary and regression: φ(v) of the single output; multi-class: the
    # predicted class index.
    output: np.ndarray | None
    extent: tuple[float, float, float, float]
    output_range: tuple[float, float]
    # Every hidden Dense node's units over the same domain: (units, 34, 34) on the plane
    # (every UNIT_STRIDE-th grid point), or (units, GRID) for 1-D data.
    unit_maps: dict[str, np.ndarray] = field(default_factory=dict)
    unit_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Weight matrices (out × in) of Dense and Output nodes, and their biases.
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    biases: dict[str, np.ndarray] = field(default_factory=dict)
    # The Dense or Output node fed straight by the Input: with inputs (x₁, x₂) each of its
    # units draws the line wᵀx + b = 0 on the plane (the perceptron's hyperplane).
    first_layer: str | None = None
    # For tiny training sets (the four XOR points): the network's output φ(v) at each point.
    point_outputs: np.ndarray | None = None
    # The perceptron rule's latest visit of a sample (None under backprop).
    perceptron: PerceptronUpdate | None = None
    # Universal approximation (Input → one Dense → linear Output, 1-D data): each hidden
    # unit's αᵢφ(wᵢx + bᵢ) over the grid, (units, GRID), and the output bias b.
    contributions: np.ndarray | None = None
    contribution_bias: float = 0.0
    # Each hidden Dense layer's local fields v over the training set, as a histogram.
    histograms: dict[str, FieldHistogram] = field(default_factory=dict)
    # What the probes found where they apply, for the test sample chosen in the window:
    # feature maps (images), states over time (recurrent), codes (autoencoders).
    image: ImageProbe | None = None
    sequence: SequenceProbe | None = None
    latent: LatentProbe | None = None
    # Which engine trains: "fast" (compiled, Dense chains) or "torch"; "" before a step.
    engine: str = ""
