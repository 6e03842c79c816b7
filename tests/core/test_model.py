"""The torch model built from a spec: shapes, seeding, weight access and activations."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch

from playground.core.activations import Activation, derivative
from playground.core.graph import require_valid
from playground.core.layers import KINDS, SpecError
from playground.core.model import PlaygroundNet, build_model
from playground.core.spec import NetworkSpec, sequential

BATCH = 3
REGRESSION = {"units": 1, "task": "regression", "loss": "squared_error", "activation": "linear"}


# ---- example networks ------------------------------------------------------------------------
def mlp(hidden: str = "tanh", straight_through: bool = False, **output: Any) -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [2]}),
        ("Dense", {"units": 4, "activation": hidden, "straight_through": straight_through}),
        ("Dense", {"units": 2}),
        ("Output", {"units": 1, **output}),
    )


def cnn() -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [1, 8, 8]}),
        ("Conv2d", {"filters": 4, "kernel": 3}),
        ("MaxPool2d", {}),
        ("Flatten", {}),
        ("Output", {"units": 10, "task": "multiclass", "loss": "cross_entropy",
                    "activation": "softmax"}),
    )


def image_extras() -> NetworkSpec:
    return sequential(
        ("Input", {"shape": [3, 9, 9]}),
        ("Conv2d", {"filters": 2, "kernel": 3, "stride": 2, "padding_mode": "same"}),
        ("BatchNorm", {}),
        ("AvgPool2d", {"kernel": 2, "stride": 1}),
        ("Dropout", {"rate": 0.2}),
        ("Flatten", {}),
        ("Dense", {"units": 5}),
        ("BatchNorm", {}),
        ("Output", REGRESSION),
    )


def recurrent(kind: str, activation: str = "tanh", return_sequences: bool = False
              ) -> NetworkSpec:
    rnn = {"units": 4, "activation": activation, "return_sequences": return_sequences}
    tail = [("Flatten", {})] if return_sequences else []
    return sequential(("Input", {"shape": [5, 3]}), (kind, rnn), *tail, ("Output", REGRESSION))


def merge_net() -> NetworkSpec:
    spec = NetworkSpec()
    spec.add_layer("Input", {"shape": [3]}, layer_id="x")
    spec.add_layer("Dense", {"units": 3}, layer_id="a")
    spec.add_layer("Dense", {"units": 3}, layer_id="b")
    spec.add_layer("Add", layer_id="sum")
    spec.add_layer("Concat", layer_id="cat")
    spec.add_layer("Output", {"units": 1}, layer_id="y")
    for source, target in [("x", "a"), ("x", "b"), ("a", "sum"), ("b", "sum"),
                           ("sum", "cat"), ("x", "cat"), ("cat", "y")]:
        spec.connect(source, target)
    return spec


NETWORKS: dict[str, Callable[[], NetworkSpec]] = {
    "mlp": mlp,
    "cnn": cnn,
    "image_extras": image_extras,
    "rnn_sequences": lambda: recurrent("RNN", return_sequences=True),
    "lstm": lambda: recurrent("LSTM"),
    "gru_sequences": lambda: recurrent("GRU", return_sequences=True),
    "merge": merge_net,
}


def batch_for(spec: NetworkSpec, n: int = BATCH, seed: int = 0) -> torch.Tensor:
    shape = spec.of_kind("Input")[0].params["shape"]
    return torch.randn(n, *shape, generator=torch.Generator().manual_seed(seed))


# ---- shapes ----------------------------------------------------------------------------------
def test_networks_cover_every_kind() -> None:
    kinds = {layer.kind for build in NETWORKS.values() for layer in build().layers}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_node_outputs_its_inferred_shape(name: str) -> None:
    spec = NETWORKS[name]()
    info = require_valid(spec)
    model = build_model(spec)
    values = model.trace(batch_for(spec))
    assert set(values) == {layer.id for layer in spec.layers}
    for node, value in values.items():
        assert tuple(value.shape) == (BATCH, *info.shapes[node]), node


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (mlp, (BATCH, 1)),
        (cnn, (BATCH, 10)),
        (image_extras, (BATCH, 1)),
        (lambda: recurrent("LSTM"), (BATCH, 1)),
        (merge_net, (BATCH, 1)),
    ],
)
def test_forward_output_shape(build: Callable[[], NetworkSpec], expected: tuple[int, ...]
                              ) -> None:
    spec = build()
    model = build_model(spec)
    assert isinstance(model, PlaygroundNet)
    assert tuple(model(batch_for(spec)).shape) == expected


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_output_shapes(kind: str, return_sequences: bool) -> None:
    spec = recurrent(kind, return_sequences=return_sequences)
    model = build_model(spec)
    node = f"{kind.lower()}_1"
    out = model.nodes[node](batch_for(spec))
    assert tuple(out.shape) == ((BATCH, 5, 4) if return_sequences else (BATCH, 4))


@pytest.mark.parametrize(
    ("kind", "gates"),
    [("RNN", set()), ("LSTM", {"input_gate", "forget_gate", "output_gate"}),
     ("GRU", {"reset_gate", "update_gate"})],
)
def test_unroll_records_states_and_gates(kind: str, gates: set[str]) -> None:
    spec = recurrent(kind)
    layer = build_model(spec).nodes[f"{kind.lower()}_1"]
    record = layer.unroll(batch_for(spec))
    assert set(record) == {"h", *gates}
    for name, value in record.items():
        assert tuple(value.shape) == (BATCH, 5, 4), name
    for name in gates:
        assert ((record[name] > 0) & (record[name] < 1)).all(), name


def test_merge_order_follows_the_edges() -> None:
    spec = merge_net()
    model = build_model(spec)
    x = batch_for(spec)
    values = model.trace(x)
    torch.testing.assert_close(values["sum"], values["a"] + values["b"])
    torch.testing.assert_close(values["cat"], torch.cat([values["sum"], x], dim=1))
    torch.testing.assert_close(model.output_field(x), values["y"])


# ---- seeding ---------------------------------------------------------------------------------
def test_same_seed_same_weights_different_seed_different() -> None:
    spec = cnn()
    first = build_model(spec, seed=7).state_arrays()
    again = build_model(spec, seed=7).state_arrays()
    other = build_model(spec, seed=8).state_arrays()
    assert list(first) == list(again) == list(other)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
    assert not np.array_equal(first["conv2d_1.weight"], other["conv2d_1.weight"])
    assert not np.array_equal(first["output_1.weight"], other["output_1.weight"])


def test_building_leaves_the_global_random_state_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(4)
    torch.manual_seed(123)
    build_model(mlp(), seed=5)
    torch.testing.assert_close(torch.rand(4), expected, rtol=0, atol=0)


def test_initial_biases() -> None:
    weights = build_model(recurrent("LSTM")).state_arrays()
    np.testing.assert_array_equal(weights["lstm_1.input_map.bias"],
                                  np.array([0] * 4 + [1] * 4 + [0] * 8, dtype=np.float32))
    np.testing.assert_array_equal(weights["output_1.bias"], np.zeros(1, dtype=np.float32))


# ---- weight access ---------------------------------------------------------------------------
def test_state_array_keys() -> None:
    assert list(build_model(mlp()).state_arrays()) == [
        "dense_1.weight", "dense_1.bias", "dense_2.weight", "dense_2.bias",
        "output_1.weight", "output_1.bias",
    ]
    assert list(build_model(recurrent("GRU")).state_arrays()) == [
        "gru_1.input_map.weight", "gru_1.input_map.bias", "gru_1.hidden_map.weight",
        "output_1.weight", "output_1.bias",
    ]
    keys = build_model(image_extras()).state_arrays()
    assert [k for k in keys if k.startswith(("conv2d_1.", "batchnorm_1."))] == [
        "conv2d_1.weight", "conv2d_1.bias", "batchnorm_1.weight", "batchnorm_1.bias",
        "batchnorm_1.running_mean", "batchnorm_1.running_var", "batchnorm_1.num_batches_tracked",
    ]


def test_node_weights_shapes_and_copies() -> None:
    model = build_model(mlp())
    weights = model.node_weights("dense_1")
    assert {k: v.shape for k, v in weights.items()} == {"weight": (4, 2), "bias": (4,)}
    assert weights["weight"].dtype == np.float32
    weights["weight"][:] = 99.0
    assert not (model.node_weights("dense_1")["weight"] == 99.0).any()
    assert build_model(cnn()).node_weights("maxpool2d_1") == {}


def test_set_node_weights_round_trip_changes_the_output() -> None:
    model = build_model(mlp(hidden="linear", activation="linear", loss="squared_error"))
    model.set_node_weights("dense_1", {"weight": [[1, 0], [0, 1], [1, 1], [0, 0]],
                                       "bias": [0.5, 0, 0, 0]})
    model.set_node_weights("dense_2", {"weight": np.eye(2, 4), "bias": [0.0, 0.0]})
    model.set_node_weights("output_1", {"weight": [[2.0, -1.0]]})
    got = model.node_weights("dense_1")
    np.testing.assert_array_equal(got["weight"], [[1, 0], [0, 1], [1, 1], [0, 0]])
    np.testing.assert_array_equal(got["bias"], [0.5, 0, 0, 0])
    # dense_2 is tanh: y = 2·tanh(x1 + 0.5) − tanh(x2)
    x = torch.tensor([[0.0, 0.0], [1.0, -2.0]])
    expected = 2 * torch.tanh(x[:, :1] + 0.5) - torch.tanh(x[:, 1:])
    torch.testing.assert_close(model(x), expected)


@pytest.mark.parametrize(
    ("node", "values", "message"),
    [
        ("dense_1", {"weight": np.zeros((2, 4))},
         "'dense_1.weight' needs shape [4, 2], got [2, 4]"),
        ("dense_1", {"bias": 0.0}, "'dense_1.bias' needs shape [4], got []"),
        ("dense_1", {"kernel": np.zeros((4, 2))},
         "'dense_1' has no weights named 'kernel' (it has: weight, bias)"),
        ("dense_1", {"bias": [0, np.nan, 0, 0]},
         "'dense_1.bias' contains NaN or infinite values"),
        ("output_1", {"bias": [np.inf]}, "'output_1.bias' contains NaN or infinite values"),
        ("input_1", {"weight": [[1.0]]}, "there is no layer with weights called 'input_1'"),
        ("dense_9", {"weight": [[1.0]]}, "there is no layer with weights called 'dense_9'"),
    ],
)
def test_set_node_weights_rejects(node: str, values: dict[str, Any], message: str) -> None:
    model = build_model(mlp())
    before = model.state_arrays()
    with pytest.raises(SpecError) as err:
        model.set_node_weights(node, values)
    assert str(err.value) == message
    after = model.state_arrays()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key])


def test_pooling_has_no_weights_to_set() -> None:
    with pytest.raises(SpecError, match=r"'maxpool2d_1' has no weights named 'weight' \(it has: "
                                        r"none\)"):
        build_model(cnn()).set_node_weights("maxpool2d_1", {"weight": [1.0]})


def test_load_state_arrays_round_trip() -> None:
    spec = image_extras()
    model, source = build_model(spec, seed=1), build_model(spec, seed=2)
    model.load_state_arrays(source.state_arrays())
    for key, value in source.state_arrays().items():
        np.testing.assert_array_equal(model.state_arrays()[key], value)
    x = batch_for(spec)
    model.eval()
    source.eval()
    torch.testing.assert_close(model(x), source(x), rtol=0, atol=0)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda a: a.update({"output_1.bias": np.zeros(2)}),
         "'output_1.bias' needs shape [1], got [2]"),
        (lambda a: a.update({"dense_2.weight": np.full((2, 4), np.nan)}),
         "'dense_2.weight' contains NaN or infinite values"),
        (lambda a: a.pop("dense_2.bias"),
         "the saved weights do not fit this network (did the architecture change?): missing "
         "['dense_2.bias'], unexpected none"),
        (lambda a: a.update({"dense_3.weight": np.zeros((1, 1))}),
         "missing none, unexpected ['dense_3.weight']"),
    ],
)
def test_load_state_arrays_is_all_or_nothing(damage: Callable[[dict], Any], message: str
                                             ) -> None:
    model = build_model(mlp(), seed=1)
    before = model.state_arrays()
    arrays = build_model(mlp(), seed=2).state_arrays()
    damage(arrays)
    with pytest.raises(SpecError) as err:
        model.load_state_arrays(arrays)
    assert message in str(err.value)
    after = model.state_arrays()
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key])


# ---- activations -----------------------------------------------------------------------------
def test_step_forward_is_heaviside() -> None:
    v = torch.tensor([-3.0, -1e-7, 0.0, 1e-7, 2.5])
    expected = torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0])
    for straight_through in (False, True):
        out = Activation("step", straight_through)(v)
        torch.testing.assert_close(out, expected, rtol=0, atol=0)


def _loss(model: PlaygroundNet, spec: NetworkSpec) -> torch.Tensor:
    x = batch_for(spec, n=16)
    target = torch.linspace(-1, 1, 16).reshape(16, 1)
    return ((model(x) - target) ** 2).mean()


def test_step_layer_gets_exactly_zero_gradients() -> None:
    spec = mlp(hidden="step", **REGRESSION)
    model = build_model(spec)
    _loss(model, spec).backward()
    for name in ("weight", "bias"):
        grad = model.nodes["dense_1"].transform.get_parameter(name).grad
        assert isinstance(grad, torch.Tensor), name
        assert torch.count_nonzero(grad).item() == 0, name
    # Layers above the step still learn.
    assert torch.count_nonzero(model.nodes["output_1"].transform.weight.grad).item() > 0


def test_straight_through_step_passes_gradients() -> None:
    spec = mlp(hidden="step", straight_through=True, **REGRESSION)
    model = build_model(spec)
    _loss(model, spec).backward()
    grad = model.nodes["dense_1"].transform.weight.grad
    assert torch.count_nonzero(grad).item() == grad.numel()


def test_step_derivative() -> None:
    v = torch.tensor([-1.0, 0.0, 2.0])
    torch.testing.assert_close(derivative("step", v), torch.zeros(3), rtol=0, atol=0)
    torch.testing.assert_close(derivative("step", v, straight_through=True), torch.ones(3))
    assert Activation("step", straight_through=True).derivative(v).tolist() == [1.0, 1.0, 1.0]
    # Straight-through only applies to the step.
    relu = Activation("relu", straight_through=True)
    assert not relu.straight_through
    assert relu.derivative(v).tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_derivative_matches_autograd(name: str) -> None:
    v = torch.randn(200, dtype=torch.float64, generator=torch.Generator().manual_seed(3)) * 4
    v = v[v.abs() > 1e-3].requires_grad_(True)  # away from the kinks at 0
    Activation(name)(v).sum().backward()
    torch.testing.assert_close(derivative(name, v.detach()), v.grad, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("output", "phi"),
    [
        ({}, torch.sigmoid),
        ({"activation": "tanh", "loss": "squared_error"}, torch.tanh),
        ({"activation": "linear", "loss": "squared_error"}, lambda v: v),
        ({"units": 3, "task": "multiclass", "loss": "cross_entropy", "activation": "softmax"},
         lambda v: torch.softmax(v, dim=-1)),
    ],
)
def test_output_applies_its_activation_to_the_field(output: dict[str, Any], phi: Any) -> None:
    spec = mlp(**output)
    model = build_model(spec)
    x = batch_for(spec, n=8)
    field = model.output_field(x)
    torch.testing.assert_close(model(x), phi(field))
    torch.testing.assert_close(model.trace(x)["output_1"], field)


def test_output_field_is_the_local_field_v() -> None:
    spec = mlp()
    model = build_model(spec)
    model.set_node_weights("output_1", {"weight": [[0.0, 0.0]], "bias": [3.0]})
    x = batch_for(spec, n=4)
    torch.testing.assert_close(model.output_field(x), torch.full((4, 1), 3.0))
    torch.testing.assert_close(model(x), torch.full((4, 1), 1 / (1 + math.exp(-3.0))))


CANDIDATE_BLOCK = {"RNN": 0, "LSTM": 2, "GRU": 2}  # rows of φ's input in input_map


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("activation", ["step", "sigmoid", "relu"])
def test_recurrent_layers_run_and_backprop(kind: str, activation: str) -> None:
    spec = recurrent(kind, activation)
    model = build_model(spec)
    loss = _loss(model, spec)
    assert torch.isfinite(loss)
    loss.backward()
    layer = model.nodes[f"{kind.lower()}_1"]
    for name, param in layer.named_parameters():
        assert isinstance(param.grad, torch.Tensor), name
        assert torch.isfinite(param.grad).all(), name
    start = CANDIDATE_BLOCK[kind] * 4
    candidate = layer.input_map.weight.grad[start : start + 4]
    if activation == "step":
        assert torch.count_nonzero(candidate).item() == 0
    else:
        assert torch.count_nonzero(candidate).item() > 0
    assert torch.count_nonzero(model.nodes["output_1"].transform.weight.grad).item() > 0
