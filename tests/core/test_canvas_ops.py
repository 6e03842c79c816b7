"""Core operations the canvas uses: insert into an edge, copy/paste, move, arrange, fit."""

import pytest

from playground.core.datafit import check_fit, fit_to_data
from playground.core.datasets import DataConfig, make_dataset
from playground.core.graph import analyse
from playground.core.layout import arrange, depths
from playground.core.spec import NetworkSpec, sequential


def mlp() -> NetworkSpec:
    return sequential(("Input", {"shape": [2]}), ("Dense", {"units": 4}),
                      ("Output", {"activation": "tanh", "loss": "squared_error"}))


def test_insert_on_edge_splices_the_node_into_the_connection():
    spec = mlp()
    spec.add_layer("Dense", {"units": 3}, layer_id="new")
    spec.insert_on_edge("new", "dense_1", "output_1")
    assert {(e.source, e.target) for e in spec.edges} == {
        ("input_1", "dense_1"), ("dense_1", "new"), ("new", "output_1")}
    assert analyse(spec).shapes["new"] == (3,)


def test_insert_on_edge_keeps_a_merge_layers_input_order():
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 3}))
    spec.add_layer("Dense", {"units": 5}, layer_id="b")
    spec.add_layer("Concat", layer_id="cat")
    spec.connect("input_1", "b")
    spec.connect("dense_1", "cat")
    spec.connect("b", "cat")
    spec.add_layer("Dropout", layer_id="drop")
    spec.insert_on_edge("drop", "dense_1", "cat")
    assert spec.inputs_of("cat") == ["drop", "b"]


def test_paste_copies_nodes_and_inner_edges_with_fresh_ids():
    spec = mlp()
    fragment = spec.fragment(["input_1", "dense_1"])
    assert len(fragment["edges"]) == 1
    new = spec.paste(fragment, offset=(10, 20))
    assert new == ["input_2", "dense_2"]
    assert spec.inputs_of("dense_2") == ["input_2"]
    assert spec.layer("dense_2").position == (230.0, 20.0)
    assert spec.layer("dense_2").params == spec.layer("dense_1").params


def test_structure_ignores_positions_and_labels():
    spec = mlp()
    before = spec.structure()
    spec.move({"dense_1": (5, 5)})
    spec.layer("dense_1").label = "hidden"
    assert spec.structure() == before
    spec.set_params("dense_1", units=9)
    assert spec.structure() != before


def test_arrange_puts_each_depth_in_its_own_column():
    spec = mlp()
    spec.add_layer("Dense", layer_id="side")
    spec.connect("input_1", "side")
    spec.add_layer("Add", layer_id="add")
    spec.remove_layer("output_1")
    spec.chain("dense_1", "add")
    spec.connect("side", "add")
    assert depths(spec) == {"input_1": 0, "dense_1": 1, "side": 1, "add": 2}
    left_right = arrange(spec)
    assert left_right["dense_1"][0] == left_right["side"][0] > left_right["input_1"][0]
    assert left_right["dense_1"][1] != left_right["side"][1]
    top_bottom = arrange(spec, "top-bottom")
    assert top_bottom["add"][1] > top_bottom["dense_1"][1] > top_bottom["input_1"][1]


def test_fit_to_data_adapts_input_and_output():
    spec = mlp()
    spiral = make_dataset(DataConfig(name="multiclass-gauss", features=("x1", "x2", "x1x2")))
    changes = fit_to_data(spec, spiral)
    assert changes == ["Input shape set to [3]", "Output set to multiclass with 3 unit(s)"]
    out = spec.layer("output_1").params
    assert (out["task"], out["units"], out["loss"], out["activation"]) == (
        "multiclass", 3, "cross_entropy", "softmax")
    check_fit(spec, spiral)
    assert analyse(spec).ok
    assert fit_to_data(spec, spiral) == []


@pytest.mark.parametrize("name", ["reg-plane", "sine", "circle"])
def test_fit_to_data_gives_a_valid_network_for_each_task(name):
    spec = mlp()
    data = make_dataset(DataConfig(name=name))
    fit_to_data(spec, data)
    check_fit(spec, data)
    assert analyse(spec).ok
