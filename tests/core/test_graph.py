"""Graph analysis: shapes, parameter counts and the problems a student is told about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from playground.core.graph import InvalidNetwork, NodeIssue, analyse, require_valid
from playground.core.layers import KINDS, conv_out
from playground.core.model import build_model
from playground.core.spec import NetworkSpec, sequential

BINARY: dict[str, Any] = {"units": 1}
TEN_CLASSES = {"units": 10, "task": "multiclass", "loss": "cross_entropy",
               "activation": "softmax"}


# ---- example networks ------------------------------------------------------------------------
def tf_playground_mlp() -> NetworkSpec:
    """The TensorFlow-playground default: 2 inputs, hidden 4 and 2, one output."""
    return sequential(
        ("Input", {"shape": [2]}),
        ("Dense", {"units": 4}),
        ("Dense", {"units": 2}),
        ("Output", BINARY),
    )


def small_cnn(**conv: Any) -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [1, 8, 8]}),
        ("Conv2d", {"filters": 4, "kernel": 3, **conv}),
        ("MaxPool2d", {}),
        ("Flatten", {}),
        ("Output", TEN_CLASSES),
    )


def recurrent(kind: str, return_sequences: bool, units: int = 8) -> NetworkSpec:
    rnn = {"units": units, "return_sequences": return_sequences}
    tail = [("Flatten", {})] if return_sequences else []
    return sequential(("Input", {"shape": [5, 3]}), (kind, rnn), *tail, ("Output", BINARY))


def merge_net() -> NetworkSpec:
    """x → a, x → b; a + b; concat(sum, x) → Output."""
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [3]}, layer_id="x")
    spec.add_layer("Dense", {"units": 3}, layer_id="a")
    spec.add_layer("Dense", {"units": 3}, layer_id="b")
    spec.add_layer("Add", layer_id="sum")
    spec.add_layer("Concat", layer_id="cat")
    spec.add_layer("Output", BINARY, layer_id="y")
    for source, target in [("x", "a"), ("x", "b"), ("a", "sum"), ("b", "sum"),
                           ("sum", "cat"), ("x", "cat"), ("cat", "y")]:
        spec.connect(source, target)
    return spec


def image_extras() -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [3, 9, 9]}),
        ("Conv2d", {"filters": 2, "kernel": 3, "stride": 2, "padding": 1}),
        ("BatchNorm", {}),
        ("AvgPool2d", {"kernel": 2, "stride": 1}),
        ("Dropout", {"rate": 0.2}),
        ("Flatten", {}),
        ("Dense", {"units": 5, "bias": False}),
        ("BatchNorm", {}),
        ("Output", {"units": 1, "bias": False, "task": "regression", "loss": "squared_error",
                    "activation": "linear"}),
    )


def shapes_of(spec: NetworkSpec) -> list[tuple[int, ...]]:
    info = require_valid(spec)
    return [info.shapes[layer.id] for layer in spec.layers]


def counts_of(spec: NetworkSpec) -> list[int]:
    info = require_valid(spec)
    return [info.param_counts[layer.id] for layer in spec.layers]


# ---- shapes and parameter counts -------------------------------------------------------------
def test_tf_playground_mlp() -> None:
    spec = tf_playground_mlp()
    info = require_valid(spec)
    assert info.ok and info.issues == ()
    assert info.order == ("input_1", "dense_1", "dense_2", "output_1")
    assert shapes_of(spec) == [(2,), (4,), (2,), (1,)]
    assert counts_of(spec) == [0, 2 * 4 + 4, 4 * 2 + 2, 2 * 1 + 1]
    assert info.total_params == 25
    assert info.input_shapes["dense_2"] == [(4,)]
    assert info.summary() == "4 layers, 25 parameters, valid"


def test_cnn_uses_the_output_size_rule() -> None:
    spec = small_cnn()
    # Conv: (8 − 3 + 0)/1 + 1 = 6; pool 2/2: (6 − 2)/2 + 1 = 3; 4 × 3 × 3 = 36 features.
    assert shapes_of(spec) == [(1, 8, 8), (4, 6, 6), (4, 3, 3), (36,), (10,)]
    assert counts_of(spec) == [0, 4 * (1 * 3 * 3 + 1), 0, 0, 36 * 10 + 10]
    assert analyse(spec).total_params == 410


def test_same_padding_keeps_the_size() -> None:
    spec = sequential(
        ("Input", {"shape": [3, 8, 8]}),
        ("Conv2d", {"filters": 5, "kernel": 5, "padding_mode": "same"}),
        ("Conv2d", {"filters": 2, "kernel": 3, "padding_mode": "same", "padding": 7}),
        ("Flatten", {}),
        ("Output", BINARY),
    )
    assert shapes_of(spec)[:3] == [(3, 8, 8), (5, 8, 8), (2, 8, 8)]
    assert counts_of(spec)[1:3] == [5 * (3 * 25 + 1), 2 * (5 * 9 + 1)]


def test_lecture_example_32x32x3_two_5x5_filters() -> None:
    spec = sequential(
        ("Input", {"shape": [3, 32, 32]}),
        ("Conv2d", {"filters": 2, "kernel": 5, "stride": 1}),
        ("Flatten", {}),
        ("Output", BINARY),
    )
    info = require_valid(spec)
    assert info.shapes["conv2d_1"] == (2, 28, 28)
    assert info.param_counts["conv2d_1"] == 2 * (5 * 5 * 3 + 1)
    assert info.shapes["flatten_1"] == (2 * 28 * 28,)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [(32, 5, 1, 0, 28), (8, 3, 1, 1, 8), (9, 3, 2, 1, 5), (7, 2, 2, 0, 3), (5, 5, 1, 0, 1)],
)
def test_conv_out(size: int, kernel: int, stride: int, padding: int, expected: int) -> None:
    assert conv_out(size, kernel, stride, padding) == expected


def test_stride_padding_pooling_batchnorm_dropout() -> None:
    spec = image_extras()
    assert shapes_of(spec) == [(3, 9, 9), (2, 5, 5), (2, 5, 5), (2, 4, 4), (2, 4, 4), (32,),
                               (5,), (5,), (1,)]
    assert counts_of(spec) == [0, 2 * (27 + 1), 2 * 2, 0, 0, 0, 32 * 5, 2 * 5, 5]


@pytest.mark.parametrize(
    ("kind", "gates", "units"), [("RNN", 1, 8), ("LSTM", 4, 4), ("GRU", 3, 6)]
)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_shapes(kind: str, gates: int, units: int, return_sequences: bool) -> None:
    info = require_valid(recurrent(kind, return_sequences, units))
    node = f"{kind.lower()}_1"
    assert info.shapes[node] == ((5, units) if return_sequences else (units,))
    assert info.param_counts[node] == gates * units * (3 + units + 1)


def test_dense_on_a_sequence_works_per_step() -> None:
    spec = sequential(("Input", {"shape": [5, 3]}), ("Dense", {"units": 7}), ("Flatten", {}),
                      ("Output", BINARY))
    assert shapes_of(spec) == [(5, 3), (5, 7), (35,), (1,)]
    assert counts_of(spec)[1] == 3 * 7 + 7


def test_add_and_concat() -> None:
    spec = merge_net()
    info = require_valid(spec)
    assert info.shapes["sum"] == (3,)
    assert info.shapes["cat"] == (6,)
    assert info.input_shapes["cat"] == [(3,), (3,)]
    assert info.param_counts["sum"] == info.param_counts["cat"] == 0
    assert info.param_counts["y"] == 6 + 1
    assert info.order == ("x", "a", "b", "sum", "cat", "y")


def test_concat_of_images_joins_channels() -> None:
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [1, 6, 6]})
    spec.add_layer("Conv2d", {"filters": 3, "padding_mode": "same"})
    spec.add_layer("Conv2d", {"filters": 2, "kernel": 5, "padding_mode": "same"})
    spec.add_layer("Concat")
    spec.add_layer("Flatten")
    spec.add_layer("Output", BINARY)
    for target in ("conv2d_1", "conv2d_2"):
        spec.connect("input_1", target)
        spec.connect(target, "concat_1")
    spec.chain("concat_1", "flatten_1", "output_1")
    info = require_valid(spec)
    assert info.shapes["concat_1"] == (5, 6, 6)
    assert info.shapes["flatten_1"] == (180,)


def test_concat_of_sequences_joins_features() -> None:
    """Concat promises to join along features; a sequence's features are its last axis."""
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [5, 3]})
    spec.add_layer("RNN", {"units": 8, "return_sequences": True})
    spec.add_layer("GRU", {"units": 4, "return_sequences": True})
    spec.add_layer("Concat")
    spec.add_layer("Flatten")
    spec.add_layer("Output", BINARY)
    for target in ("rnn_1", "gru_1"):
        spec.connect("input_1", target)
        spec.connect(target, "concat_1")
    spec.chain("concat_1", "flatten_1", "output_1")
    info = analyse(spec)
    assert info.issues == ()
    assert info.shapes["concat_1"] == (5, 12)


# One network per layer kind (each includes Input and Output).
NETWORK_FOR_KIND: dict[str, Callable[[], NetworkSpec]] = {
    "Input": tf_playground_mlp,
    "Output": image_extras,
    "Dense": tf_playground_mlp,
    "Conv2d": small_cnn,
    "MaxPool2d": small_cnn,
    "AvgPool2d": image_extras,
    "Flatten": small_cnn,
    "RNN": lambda: recurrent("RNN", False),
    "LSTM": lambda: recurrent("LSTM", True, 4),
    "GRU": lambda: recurrent("GRU", False, 6),
    "Dropout": image_extras,
    "BatchNorm": image_extras,
    "Add": merge_net,
    "Concat": merge_net,
}


def test_every_kind_has_a_network() -> None:
    assert set(NETWORK_FOR_KIND) == set(KINDS)


@pytest.mark.parametrize("kind", list(NETWORK_FOR_KIND))
def test_param_counts_match_torch(kind: str) -> None:
    spec = NETWORK_FOR_KIND[kind]()
    assert spec.of_kind(kind)
    info = require_valid(spec)
    model = build_model(spec)
    assert info.total_params == sum(p.numel() for p in model.parameters())
    for node, module in model.nodes.items():
        assert info.param_counts[node] == sum(p.numel() for p in module.parameters()), node


# ---- problems --------------------------------------------------------------------------------
def only_issue(spec: NetworkSpec) -> NodeIssue:
    info = analyse(spec)
    assert len(info.issues) == 1, info.issues
    return info.issues[0]


def test_conv_after_dense_needs_an_image() -> None:
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 16}), ("Conv2d", {}),
                      ("Flatten", {}), ("Output", BINARY))
    issue = only_issue(spec)
    assert issue.node_id == "conv2d_1"
    assert issue.message.startswith("Conv2d 'conv2d_1' needs a 3-D input")
    assert "got 16 features" in issue.message
    assert "Feed it from an image Input or a Conv2d/pooling layer, or use Dense instead." \
        in issue.message
    # Shapes before the problem are still known; the nodes after it are skipped.
    info = analyse(spec)
    assert set(info.shapes) == {"input_1", "dense_1"}
    assert info.issues_for("conv2d_1") == [issue.message]
    assert info.issues_for("dense_1") == []


def test_label_names_the_node() -> None:
    spec = sequential(("Input", {"shape": [3]}), ("Conv2d", {}), ("Flatten", {}),
                      ("Output", BINARY))
    spec.layer("conv2d_1").label = "edges"
    assert only_issue(spec).message.startswith("Conv2d 'edges' needs a 3-D input")


@pytest.mark.parametrize(
    ("layers", "node", "message"),
    [
        ([("Input", {"shape": [1, 4, 4]}), ("Conv2d", {"kernel": 5}), ("Flatten", {})],
         "conv2d_1",
         "Conv2d 'conv2d_1' a 5×5 filter does not fit an input of 4×4 with padding 0: "
         "(4 − 5 + 2·0) / 1 + 1 < 1. Use a smaller kernel or more padding."),
        ([("Input", {"shape": [1, 3, 3]}), ("MaxPool2d", {"kernel": 4}), ("Flatten", {})],
         "maxpool2d_1",
         "MaxPool2d 'maxpool2d_1' a 4×4 window does not fit an input of 3×3. "
         "Use a smaller pooling window."),
        ([("Input", {"shape": [1, 8, 8]}), ("Conv2d", {"filters": 4})],
         "output_1",
         "Output 'output_1' needs a flat input (features) — got an image of 4 × 6 × 6 "
         "(channels × height × width). Add a Flatten layer before it."),
        ([("Input", {"shape": [3]}), ("LSTM", {})],
         "lstm_1",
         "LSTM 'lstm_1' needs a sequence (time steps × features) — got 3 features. Feed it "
         "from a sequence Input or a recurrent layer that returns sequences."),
        ([("Input", {"shape": [5, 3]}), ("BatchNorm", {}), ("Flatten", {})],
         "batchnorm_1",
         "BatchNorm 'batchnorm_1' needs features or an image — got a sequence of 5 steps × "
         "3 features. Use it after Dense or Conv2d."),
    ],
)
def test_shape_problems(layers: list[Any], node: str, message: str) -> None:
    issue = only_issue(sequential(*layers, ("Output", BINARY)))
    assert issue == NodeIssue(node, message)


def cyclic() -> NetworkSpec:
    """input → add → dense → add (a loop), and dense → output."""
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [4]})
    spec.add_layer("Add")
    spec.add_layer("Dense", {"units": 4})
    spec.add_layer("Output", BINARY)
    spec.chain("input_1", "add_1", "dense_1", "add_1")
    spec.connect("dense_1", "output_1")
    return spec


def test_cycle_is_reported_on_its_nodes() -> None:
    info = analyse(cyclic())
    for node, name in [("add_1", "Add 'add_1'"), ("dense_1", "Dense 'dense_1'")]:
        assert info.issues_for(node) == [
            f"{name} is part of a cycle (a loop of connections); remove one connection of "
            "the loop. Use an RNN layer for recurrence."
        ]
    assert not info.ok
    assert "add_1" not in info.order and "dense_1" not in info.order


def test_cycle_names_only_the_nodes_in_it() -> None:
    """The Output is fed by the loop but is not part of it."""
    info = analyse(cyclic())
    in_cycle = {i.node_id for i in info.issues if "cycle" in i.message}
    assert in_cycle == {"add_1", "dense_1"}


def test_summary_counts_every_layer_of_a_network_with_a_cycle() -> None:
    assert analyse(cyclic()).summary().startswith("4 layers, ")


def two_heads() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.add_layer("Output", BINARY)
    spec.connect("dense_2", "output_2")
    return spec


def no_output() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.remove_layer("output_1")
    return spec


def no_input() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.remove_layer("input_1")
    return spec


def dangling() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.add_layer("Dense", layer_id="spare")
    spec.connect("dense_1", "spare")
    return spec


def unfed() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.add_layer("Dense", layer_id="lonely")
    return spec


def island() -> NetworkSpec:
    spec = unfed()
    spec.add_layer("Dense", layer_id="after")
    spec.connect("lonely", "after")
    return spec


def two_into_dense() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.connect("input_1", "dense_2")
    return spec


def add_one_input() -> NetworkSpec:
    return sequential(("Input", {}), ("Add", {}), ("Output", BINARY))


def add_mismatch() -> NetworkSpec:
    spec = tf_playground_mlp()
    spec.set_params("dense_2", units=3)
    spec.add_layer("Add")
    spec.connect("dense_1", "add_1")
    spec.connect("dense_2", "add_1")
    spec.disconnect("dense_2", "output_1")
    spec.connect("add_1", "output_1")
    return spec


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (no_output, [(None, "The network has no Output node; drag one from the palette."),
                     *[(node, f"{name} does not lead to the Output; connect it onward or "
                              "delete it.")
                       for node, name in [("input_1", "Input 'input_1'"),
                                          ("dense_1", "Dense 'dense_1'"),
                                          ("dense_2", "Dense 'dense_2'")]]]),
        (no_input, [(None, "The network has no Input node; drag one from the palette."),
                    ("dense_1", "Dense 'dense_1' needs an input; connect a layer into it."),
                    ("dense_2", "Dense 'dense_2' is not fed by the Input; connect it to the "
                                "network or delete it."),
                    ("output_1", "Output 'output_1' is not fed by the Input; connect it to the "
                                 "network or delete it.")]),
        (two_heads, [(None, "The network has 2 Output nodes; it needs exactly one. Delete the "
                            "extra ones.")]),
        (dangling, [("spare", "Dense 'spare' does not lead to the Output; connect it onward "
                              "or delete it.")]),
        (unfed, [("lonely", "Dense 'lonely' needs an input; connect a layer into it.")]),
        (island, [("lonely", "Dense 'lonely' needs an input; connect a layer into it."),
                  ("after", "Dense 'after' is not fed by the Input; connect it to the network "
                            "or delete it.")]),
        (two_into_dense, [("dense_2", "Dense 'dense_2' takes one input but has 2; merge them "
                                      "first with an Add or Concat layer.")]),
        (add_one_input, [("add_1", "Add 'add_1' needs at least 2 inputs; connect a layer into "
                                   "it.")]),
        (add_mismatch, [("add_1", "Add 'add_1' needs inputs of one shape to add — got 4 "
                                  "features; 3 features. Match their sizes.")]),
    ],
)
def test_wiring_problems(build: Callable[[], NetworkSpec], expected: list[Any]) -> None:
    info = analyse(build())
    assert [(i.node_id, i.message) for i in info.issues] == expected
    assert info.summary().endswith(f", {len(expected)} problem(s)")


@pytest.mark.parametrize(
    ("output", "messages"),
    [
        ({"task": "binary", "loss": "cross_entropy", "activation": "softmax"},
         ["a binary task needs the binary_cross_entropy or squared_error loss, not "
          "cross_entropy.",
          "softmax is for multiclass tasks; use sigmoid, tanh or linear."]),
        ({"task": "binary", "loss": "cross_entropy", "activation": "sigmoid"},
         ["a binary task needs the binary_cross_entropy or squared_error loss, not "
          "cross_entropy."]),
        ({"task": "regression", "loss": "binary_cross_entropy"},
         ["a regression task needs the squared_error loss, not binary_cross_entropy."]),
        ({"task": "binary", "loss": "binary_cross_entropy", "activation": "tanh"},
         ["the binary_cross_entropy loss needs a sigmoid or linear output activation, not "
          "tanh."]),
        ({"task": "multiclass", "units": 3, "loss": "cross_entropy", "activation": "sigmoid"},
         ["the cross_entropy loss needs a softmax or linear output activation, not sigmoid."]),
        ({"task": "multiclass", "units": 1, "loss": "cross_entropy", "activation": "softmax"},
         ["a multiclass task needs one unit per class (at least 2)."]),
        ({"task": "binary", "units": 2},
         ["a binary task has 1 output unit, not 2; set units to 1."]),
        ({"task": "binary", "loss": "squared_error", "activation": "softmax"},
         ["softmax is for multiclass tasks; use sigmoid, tanh or linear."]),
        ({"task": "regression", "loss": "squared_error", "activation": "softmax", "units": 3},
         ["softmax is for multiclass tasks; use sigmoid, tanh or linear."]),
    ],
)
def test_output_settings_must_agree(output: dict[str, Any], messages: list[str]) -> None:
    spec = sequential(("Input", {}), ("Output", output))
    info = analyse(spec)
    assert [(i.node_id, i.message) for i in info.issues] == [
        ("output_1", f"Output 'output_1': {m}") for m in messages
    ]


@pytest.mark.parametrize(
    "output",
    [
        {"task": "binary", "loss": "binary_cross_entropy", "activation": "sigmoid"},
        {"task": "binary", "loss": "binary_cross_entropy", "activation": "linear"},
        {"task": "binary", "loss": "squared_error", "activation": "step"},
        {"task": "multiclass", "units": 3, "loss": "cross_entropy", "activation": "softmax"},
        {"task": "multiclass", "units": 3, "loss": "squared_error", "activation": "softmax"},
        {"task": "regression", "loss": "squared_error", "activation": "tanh", "units": 2},
    ],
)
def test_consistent_outputs_are_valid(output: dict[str, Any]) -> None:
    assert analyse(sequential(("Input", {}), ("Output", output))).ok


def test_require_valid_raises_with_the_issues() -> None:
    spec = two_into_dense()
    spec.set_params("output_1", loss="cross_entropy")
    with pytest.raises(InvalidNetwork) as err:
        require_valid(spec)
    assert err.value.issues == analyse(spec).issues
    assert [i.node_id for i in err.value.issues] == ["dense_2", "output_1"]
    assert str(err.value) == " ".join(i.message for i in err.value.issues)  # each ends in "."
    assert isinstance(err.value, ValueError)


def test_build_model_refuses_an_invalid_network() -> None:
    with pytest.raises(InvalidNetwork, match="The network has no Output node"):
        build_model(no_output())


def test_summary_formats_large_counts() -> None:
    spec = sequential(("Input", {"shape": [1000]}), ("Dense", {"units": 1000}),
                      ("Output", BINARY))
    assert analyse(spec).summary() == "3 layers, 1,002,001 parameters, valid"
