"""The network spec: building, editing, checking parameters and the JSON round trip."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from playground.core.layers import KINDS, SpecError, default_params
from playground.core.spec import EdgeSpec, NetworkSpec, sequential


# ---- example networks ------------------------------------------------------------------------
def mlp() -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [2]}),
        ("Dense", {"units": 4, "activation": "tanh"}),
        ("Dense", {"units": 2, "activation": "relu", "bias": False}),
        ("Output", {"units": 1}),
    )


def cnn() -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [1, 8, 8]}),
        ("Conv2d", {"filters": 4, "kernel": 3, "padding_mode": "same"}),
        ("MaxPool2d", {}),
        ("Dropout", {"rate": 0.25}),
        ("Flatten", {}),
        ("Output", {"units": 10, "task": "multiclass", "loss": "cross_entropy",
                    "activation": "softmax"}),
    )


def dag() -> NetworkSpec:
    """Two branches added, then concatenated with the input; merge inputs in a chosen order."""
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [3]}, layer_id="x", label="features", position=(1.5, -2))
    spec.add_layer("Dense", {"units": 3}, layer_id="a", position=(100.123, 50.0))
    spec.add_layer("Dense", {"units": 3, "activation": "sigmoid"}, layer_id="b")
    spec.add_layer("Add", layer_id="sum")
    spec.add_layer("Concat", layer_id="cat")
    spec.add_layer("Output", {"units": 1, "task": "regression", "loss": "squared_error",
                              "activation": "linear"}, layer_id="y")
    for source, target in [("x", "a"), ("x", "b"), ("b", "sum"), ("a", "sum"),
                           ("sum", "cat"), ("x", "cat"), ("cat", "y")]:
        spec.connect(source, target)
    return spec


def json_round_trip(spec: NetworkSpec) -> NetworkSpec:
    return NetworkSpec.from_dict(json.loads(json.dumps(spec.to_dict())))


# ---- serialisation ---------------------------------------------------------------------------
@pytest.mark.parametrize("build", [mlp, cnn, dag], ids=["mlp", "cnn", "dag"])
def test_json_round_trip_keeps_everything(build: Any) -> None:
    spec = build()
    again = json_round_trip(spec)
    assert again.to_dict() == spec.to_dict()
    assert [layer.kind for layer in again.layers] == [layer.kind for layer in spec.layers]
    assert again.edges == spec.edges


def test_round_trip_keeps_edge_order_labels_and_positions() -> None:
    again = json_round_trip(dag())
    # The order of a merge node's inputs is the order of its edges.
    assert again.inputs_of("sum") == ["b", "a"]
    assert again.inputs_of("cat") == ["sum", "x"]
    assert again.layer("x").label == "features"
    assert again.layer("x").name == "Input 'features'"
    assert again.layer("a").name == "Dense 'a'"
    assert again.layer("x").position == (1.5, -2.0)
    assert again.layer("a").position == (100.12, 50.0)  # stored to 2 decimals


def test_to_dict_layout() -> None:
    data = sequential(("Input", {"shape": [2]}), ("Output", {})).to_dict()
    assert data == {
        "layers": [
            {"id": "input_1", "kind": "Input", "params": {"shape": (2,)},
             "position": [0.0, 0.0]},
            {"id": "output_1", "kind": "Output", "params": default_params("Output"),
             "position": [220.0, 0.0]},
        ],
        "edges": [{"source": "input_1", "target": "output_1"}],
    }


def test_copy_is_independent() -> None:
    spec = mlp()
    clone = spec.copy()
    clone.set_params("dense_1", units=7)
    clone.remove_layer("dense_2")
    assert spec.layer("dense_1").params["units"] == 4
    assert len(spec.layers) == 4 and len(spec.edges) == 3


# ---- adding layers ---------------------------------------------------------------------------
def test_add_layer_fills_defaults_and_numbers_ids() -> None:
    spec = NetworkSpec()
    first = spec.add_layer("Dense", {"units": 6})
    second = spec.add_layer("Dense")
    pool = spec.add_layer("MaxPool2d")
    assert (first.id, second.id, pool.id) == ("dense_1", "dense_2", "maxpool2d_1")
    assert first.params == {"units": 6, "activation": "tanh", "straight_through": False,
                             "bias": True}
    assert second.params == default_params("Dense")
    assert pool.params == {"kernel": 2, "stride": 2}


def test_add_layer_converts_whole_floats_and_shapes() -> None:
    spec = NetworkSpec()
    dense = spec.add_layer("Dense", {"units": 3.0})
    image = spec.add_layer("Input", {"shape": [1, 8, 8]})
    drop = spec.add_layer("Dropout", {"rate": 0})
    assert dense.params["units"] == 3 and isinstance(dense.params["units"], int)
    assert image.params["shape"] == (1, 8, 8)
    assert drop.params["rate"] == 0.0 and isinstance(drop.params["rate"], float)


def test_new_id_fills_the_first_gap() -> None:
    spec = sequential(("Dense", {}), ("Dense", {}), ("Dense", {}))
    spec.remove_layer("dense_2")
    assert spec.new_id("Dense") == "dense_2"


def test_every_kind_can_be_added_with_defaults() -> None:
    spec = NetworkSpec()
    for kind in KINDS:
        assert spec.add_layer(kind).params == default_params(kind)
    assert len(spec.layers) == len(KINDS) == 14


def test_add_layer_rejects_unknown_kind() -> None:
    with pytest.raises(SpecError, match="unknown layer kind 'Dens'; choose one of Input, Output"):
        NetworkSpec().add_layer("Dens")


def test_add_layer_rejects_duplicate_id() -> None:
    spec = NetworkSpec()
    spec.add_layer("Dense", layer_id="hidden")
    with pytest.raises(SpecError, match="a layer with id 'hidden' already exists"):
        spec.add_layer("Dense", layer_id="hidden")
    assert len(spec.layers) == 1


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("Dense", {"colour": "red"},
         "dense_1: Dense has no setting 'colour' (it has: units, activation, straight_through, "
         "bias)"),
        ("Flatten", {"size": 3}, "flatten_1: Flatten has no setting 'size' (it has: none)"),
        ("Dense", {"units": 0}, "dense_1: 'units' = 0 is out of range; use 1 to 4096"),
        ("Dense", {"units": 5000}, "dense_1: 'units' = 5000 is out of range; use 1 to 4096"),
        ("Dropout", {"rate": 0.99}, "dropout_1: 'rate' = 0.99 is out of range; use 0 to 0.95"),
        ("Conv2d", {"kernel": 16}, "conv2d_1: 'kernel' = 16 is out of range; use 1 to 15"),
        ("Conv2d", {"stride": 0}, "conv2d_1: 'stride' = 0 is out of range; use 1 to 8"),
        ("MaxPool2d", {"kernel": 17}, "maxpool2d_1: 'kernel' = 17 is out of range; use 1 to 16"),
        ("LSTM", {"units": 1025}, "lstm_1: 'units' = 1025 is out of range; use 1 to 1024"),
        ("Dense", {"units": 2.5},
         "dense_1: 'units' must be a number (number of units (neurons)); got 2.5"),
        ("Dense", {"units": "4"},
         "dense_1: 'units' must be a number (number of units (neurons)); got '4'"),
        ("Dense", {"units": True},
         "dense_1: 'units' must be a number (number of units (neurons)); got True"),
        ("Dropout", {"rate": float("nan")}, "dropout_1: 'rate' must be finite"),
        ("Dense", {"bias": 1}, "dense_1: 'bias' must be true or false, not 1"),
        ("Dense", {"activation": "swish"},
         "dense_1: 'activation' must be one of step, sigmoid, tanh, relu, leaky_relu, linear; "
         "got 'swish'"),
        ("Output", {"task": "ranking"},
         "output_1: 'task' must be one of binary, multiclass, regression; got 'ranking'"),
        ("Input", {"shape": [0, 3]}, "input_1: 'shape' must be 1 to 3 positive whole numbers"),
        ("Input", {"shape": [1, 2, 3, 4]}, "input_1: 'shape' must be 1 to 3 positive whole"),
        ("Input", {"shape": 2},
         "such as [2] (features), [20, 1] (time steps, features) or [1, 8, 8] (channels, "
         "height, width); got 2"),
    ],
)
def test_add_layer_rejects_bad_settings(kind: str, params: dict[str, Any], message: str) -> None:
    spec = NetworkSpec()
    with pytest.raises(SpecError) as err:
        spec.add_layer(kind, params)
    assert message in str(err.value)
    assert spec.layers == []


def test_set_params_checks_and_names_the_label() -> None:
    spec = NetworkSpec()
    spec.add_layer("Dense", layer_id="h1", label="hidden")
    spec.set_params("h1", units=9, activation="relu")
    assert spec.layer("h1").params["units"] == 9
    assert spec.layer("h1").params["activation"] == "relu"
    with pytest.raises(SpecError, match=r"^hidden: 'units' = -1 is out of range; use 1 to 4096$"):
        spec.set_params("h1", units=-1)
    assert spec.layer("h1").params["units"] == 9
    with pytest.raises(SpecError, match="there is no layer 'h2' in this network"):
        spec.set_params("h2", units=3)


# ---- connecting ------------------------------------------------------------------------------
@pytest.fixture
def loose() -> NetworkSpec:
    spec = NetworkSpec()
    spec.add_layer("Input")
    spec.add_layer("Dense")
    spec.add_layer("Dense")
    spec.add_layer("Output")
    return spec


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("dense_1", "dense_1", "Dense 'dense_1': a layer cannot feed itself"),
        ("output_1", "dense_1", "Output 'output_1' is the network's end; it has no output"),
        ("dense_1", "input_1", "Input 'input_1' takes no inputs; connect into the next layer"),
        ("dense_1", "nowhere", "there is no layer 'nowhere' in this network"),
        ("nowhere", "dense_1", "there is no layer 'nowhere' in this network"),
    ],
)
def test_connect_rejects(loose: NetworkSpec, source: str, target: str, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        loose.connect(source, target)
    assert loose.edges == []


def test_connect_rejects_duplicate_edge(loose: NetworkSpec) -> None:
    loose.connect("input_1", "dense_1")
    with pytest.raises(SpecError, match="Input 'input_1' is already connected to Dense 'dense_1'"):
        loose.connect("input_1", "dense_1")
    assert loose.edges == [EdgeSpec("input_1", "dense_1")]


def test_connect_and_queries(loose: NetworkSpec) -> None:
    loose.chain("input_1", "dense_1", "output_1")
    loose.connect("input_1", "dense_2")
    assert loose.outputs_of("input_1") == ["dense_1", "dense_2"]
    assert loose.inputs_of("output_1") == ["dense_1"]
    assert [layer.id for layer in loose.of_kind("Dense")] == ["dense_1", "dense_2"]
    assert loose.has_layer("dense_2") and not loose.has_layer("dense_3")


def test_remove_layer_removes_touching_edges(loose: NetworkSpec) -> None:
    loose.chain("input_1", "dense_1", "dense_2", "output_1")
    loose.connect("input_1", "dense_2")
    loose.remove_layer("dense_2")
    assert [layer.id for layer in loose.layers] == ["input_1", "dense_1", "output_1"]
    assert loose.edges == [EdgeSpec("input_1", "dense_1")]
    with pytest.raises(SpecError, match="there is no layer 'dense_2'"):
        loose.remove_layer("dense_2")


def test_disconnect_returns_index_and_connect_restores_order() -> None:
    spec = dag()
    before = list(spec.edges)
    index = spec.disconnect("b", "sum")
    assert index == 2
    assert EdgeSpec("b", "sum") not in spec.edges
    assert spec.inputs_of("sum") == ["a"]
    spec.connect("b", "sum", index=index)  # undo
    assert spec.edges == before
    assert spec.inputs_of("sum") == ["b", "a"]


def test_disconnect_unknown_edge() -> None:
    with pytest.raises(SpecError, match="'y' is not connected to 'x'"):
        dag().disconnect("y", "x")


# ---- reading malformed data ------------------------------------------------------------------
def _good() -> dict[str, Any]:
    return json.loads(json.dumps(mlp().to_dict()))


def _edit(change: Any) -> dict[str, Any]:
    data = _good()
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "the network must be an object with 'layers' and 'edges'"),
        ("network", "the network must be an object with 'layers' and 'edges'"),
        ({"edges": []}, "the network needs a list of 'layers' and a list of 'edges'"),
        ({"layers": {}, "edges": []}, "the network needs a list of 'layers' and a list of"),
        (_edit(lambda d: d.update(edges={"a": 1})), "needs a list of 'layers' and a list of"),
        (_edit(lambda d: d["layers"][1].pop("kind")), "layer #2 needs at least an 'id' and a"),
        (_edit(lambda d: d["layers"][0].pop("id")), "layer #1 needs at least an 'id' and a"),
        (_edit(lambda d: d["layers"].append("Dense")), "layer #5 needs at least an 'id' and a"),
        (_edit(lambda d: d["layers"][1].update(params=[4])),
         "layer 'dense_1': 'params' must be an object"),
        (_edit(lambda d: d["layers"][2].update(position="left")),
         "layer 'dense_2': 'position' must be [x, y]"),
        (_edit(lambda d: d["layers"][2].update(position=[3])),
         "layer 'dense_2': 'position' must be [x, y]"),
        (_edit(lambda d: d["layers"][2].update(position=5)),
         "layer 'dense_2': 'position' must be [x, y]"),
        (_edit(lambda d: d["layers"][1]["params"].update(units=-3)),
         "dense_1: 'units' = -3 is out of range; use 1 to 4096"),
        (_edit(lambda d: d["layers"][1].update(kind="Dens")), "unknown layer kind 'Dens'"),
        (_edit(lambda d: d["layers"][2].update(id="dense_1")),
         "a layer with id 'dense_1' already exists"),
        (_edit(lambda d: d["edges"].append({"source": "dense_2", "target": "ghost"})),
         "there is no layer 'ghost' in this network"),
        (_edit(lambda d: d["edges"].append({"source": "dense_2"})),
         "edge #4 needs a 'source' and a 'target'"),
        (_edit(lambda d: d["edges"].append(["dense_1", "output_1"])),
         "edge #4 needs a 'source' and a 'target'"),
        (_edit(lambda d: d["edges"].append(d["edges"][0])),
         "Input 'input_1' is already connected to Dense 'dense_1'"),
    ],
)
def test_from_dict_rejects_malformed(data: Any, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        NetworkSpec.from_dict(data)


def test_from_dict_defaults() -> None:
    spec = NetworkSpec.from_dict({"layers": [{"id": "in", "kind": "Input"},
                                             {"id": 7, "kind": "Dense"}]})
    assert [layer.id for layer in spec.layers] == ["in", "7"]
    assert spec.layer("7").params == default_params("Dense")
    assert spec.layer("in").position == (0.0, 0.0)
    assert spec.edges == []
