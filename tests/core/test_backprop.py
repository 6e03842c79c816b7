"""The backprop inspector's numbers equal autograd's, for every activation and loss offered."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.backprop import backprop_step
from playground.core.heads import Head
from playground.core.layers import SpecError
from playground.core.model import build_model
from playground.core.spec import sequential

HIDDEN = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUTS = [  # (task, loss, activation, units, label)
    ("binary", "squared_error", "tanh", 1, 1),
    ("binary", "squared_error", "sigmoid", 1, 0),
    ("binary", "squared_error", "linear", 1, 1),
    ("binary", "squared_error", "relu", 1, 1),
    ("binary", "squared_error", "step", 1, 1),
    ("binary", "binary_cross_entropy", "sigmoid", 1, 1),
    ("binary", "binary_cross_entropy", "linear", 1, 0),
    ("multiclass", "cross_entropy", "softmax", 3, 2),
    ("multiclass", "cross_entropy", "linear", 3, 0),
    ("multiclass", "squared_error", "softmax", 3, 1),
    ("multiclass", "squared_error", "tanh", 3, 1),
    ("regression", "squared_error", "linear", 1, 0.7),
    ("regression", "squared_error", "tanh", 1, -0.3),
]


def network(hidden: str, task: str, loss: str, activation: str, units: int):
    spec = sequential(("Input", {"shape": [3]}),
                      ("Dense", {"units": 4, "activation": hidden}),
                      ("Dense", {"units": 3, "activation": hidden}),
                      ("Output", {"task": task, "loss": loss, "activation": activation,
                                  "units": units}))
    model = build_model(spec, seed=3).double()
    return model, Head.of(spec)


def autograd_reference(model, head, x, label, eta):
    """−η ∂𝓔/∂w and −∂𝓔/∂v per layer, by autograd, for the same sample."""
    fields = {}
    y = torch.tensor(x, dtype=torch.float64).unsqueeze(0)
    for node in model.order:
        module = model.nodes[node]
        v = module.transform(y)
        v.retain_grad()
        fields[node] = v
        y = module.act(v) if node != model.output_id else v
    target = torch.as_tensor(head.targets(np.atleast_1d(np.asarray(label))))
    if target.dtype == torch.float32:
        target = target.double()
    loss = head.loss_per_sample(y, target, model.nodes[model.output_id].act).sum()
    model.zero_grad()
    loss.backward()
    return {node: (-fields[node].grad[0].numpy(),
                   -eta * model.nodes[node].transform.weight.grad.numpy(),
                   -eta * model.nodes[node].transform.bias.grad.numpy()) for node in model.order
            }, loss.item()


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("task", "loss", "activation", "units", "label"), OUTPUTS)
def test_every_delta_and_weight_change_equals_autograd(hidden, task, loss, activation, units,
                                                       label):
    model, head = network(hidden, task, loss, activation, units)
    x = np.array([0.8, -1.3, 0.4])
    eta = 0.1
    step = backprop_step(model, head, x, label, eta)
    reference, reference_loss = autograd_reference(model, head, x, label, eta)
    assert step.loss == pytest.approx(reference_loss, abs=1e-6)
    for layer in step.layers:
        delta, dw, db = reference[layer.node]
        np.testing.assert_allclose(layer.delta, delta, atol=1e-6)
        np.testing.assert_allclose(layer.weight_change, dw, atol=1e-6)
        np.testing.assert_allclose(layer.bias_change, db, atol=1e-6)


def test_the_lectures_formulas_hold_on_the_numbers():
    model, head = network("sigmoid", "binary", "squared_error", "sigmoid", 1)
    step = backprop_step(model, head, np.array([1.0, 0.5, -0.5]), 1, 0.5)
    first, second, out = step.layers
    np.testing.assert_allclose(step.error, step.target - out.output)
    np.testing.assert_allclose(out.delta, step.error * out.slope)
    np.testing.assert_allclose(second.delta, second.slope * (out.weights.T @ out.delta))
    np.testing.assert_allclose(first.weight_change, 0.5 * np.outer(first.delta, first.inputs))
    np.testing.assert_allclose(second.inputs, first.output)
    np.testing.assert_allclose(out.slope, out.output * (1 - out.output))


def test_a_network_with_other_layers_is_refused_with_a_reason():
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {}), ("Dropout", {}),
                      ("Output", {}))
    with pytest.raises(SpecError, match="chain of Dense layers"):
        backprop_step(build_model(spec), Head.of(spec), np.zeros(2), 1, 0.1)


MANY_OUTPUTS = [  # (task, loss, activation, units): every loss, with 1, 2 and 10 outputs
    *[("regression", "squared_error", act, n) for act in ("linear", "tanh") for n in (1, 2, 10)],
    ("binary", "squared_error", "sigmoid", 1),
    ("binary", "binary_cross_entropy", "sigmoid", 1),  # binary outputs have one unit
    *[("multiclass", loss, act, n) for n in (2, 10)
      for loss, act in (("squared_error", "sigmoid"), ("cross_entropy", "softmax"))],
]


def _label_and_target(task: str, loss: str, activation: str, units: int):
    """A label with a different desired value for every output unit, and its target tensor
    built by hand: z per unit, as the loss compares it."""
    if task == "regression":
        label = np.linspace(-0.9, 1.7, units)
        return label, torch.tensor(label[None])
    if task == "binary":
        return 1, torch.tensor([[1.0]], dtype=torch.float64)
    label = units - 1
    if loss == "cross_entropy":
        return label, torch.tensor([label])
    onehot = torch.zeros(1, units, dtype=torch.float64)
    onehot[0, label] = 1.0
    return label, onehot


@pytest.mark.parametrize(("task", "loss", "activation", "units"), MANY_OUTPUTS)
def test_every_output_unit_gets_its_own_target_error_and_delta(task, loss, activation, units):
    model, head = network("tanh", task, loss, activation, units)
    x, eta = np.array([0.8, -1.3, 0.4]), 0.1
    label, target = _label_and_target(task, loss, activation, units)
    step = backprop_step(model, head, x, label, eta)
    field = model.output_field(torch.tensor(x[None]))
    field.retain_grad()
    act = model.nodes[model.output_id].act
    per_sample = head.loss_per_sample(field, target, act).sum()
    model.zero_grad()
    per_sample.backward()
    out = step.layers[-1]
    assert step.target.shape == (units,)
    if task == "regression":
        np.testing.assert_allclose(step.target, label)
    np.testing.assert_allclose(out.delta, -field.grad[0].numpy(), atol=1e-6)
    if loss == "squared_error":  # e = z − y, unit by unit
        np.testing.assert_allclose(step.error, target[0].numpy() - act(field)[0].detach().numpy(),
                                   atol=1e-6)
    assert step.loss == pytest.approx(per_sample.item(), abs=1e-6)
    for layer in step.layers:
        weight = model.nodes[layer.node].transform.weight.grad.numpy()
        np.testing.assert_allclose(layer.weight_change, -eta * weight, atol=1e-6)


def test_the_autoencoders_second_output_gets_its_own_error():
    """autoencoder-line: the point (x, 2x) is its own target; both coordinates count."""
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 1, "activation": "linear"}),
                      ("Output", {"task": "regression", "loss": "squared_error",
                                  "activation": "linear", "units": 2}))
    model, head = build_model(spec, seed=0).double(), Head.of(spec)
    point = np.array([0.4, 0.8])
    step = backprop_step(model, head, point, point, 0.1)
    np.testing.assert_allclose(step.target, point)
    np.testing.assert_allclose(step.error, point - step.layers[-1].output)
