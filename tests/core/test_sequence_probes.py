"""Hidden states, gates and the gradient reaching each time step of recurrent nets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.heads import Head
from playground.core.model import build_model
from playground.core.sequence_probes import median_step_gradients, states, step_gradients
from playground.core.spec import sequential

REGRESSION = {"units": 1, "activation": "linear", "task": "regression", "loss": "squared_error"}


def recurrent(kind: str, return_sequences: bool = False):
    layers = [("Input", {"shape": [7, 2]}),
              (kind, {"units": 3, "return_sequences": return_sequences})]
    if return_sequences:
        layers.append(("Flatten", {}))
    return sequential(*layers, ("Output", REGRESSION))


def _sample() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(1, 7, 2, generator=g), torch.randn(1, 1, generator=g)


def test_rnn_hidden_states_follow_the_recurrence():
    spec = recurrent("RNN")
    model = build_model(spec, seed=3)
    x, _ = _sample()
    h = states(model, x)["rnn_1"]["h"]
    cell = model.nodes["rnn_1"]
    state = torch.zeros(1, 3)
    for t in range(7):  # hₜ = φ(W xₜ + U hₜ₋₁ + b)
        state = torch.tanh(cell.input_map(x[:, t]) + cell.hidden_map(state))
        np.testing.assert_allclose(h[t], state[0].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_lstm_records_its_three_gates_between_0_and_1():
    model = build_model(recurrent("LSTM"))
    record = states(model, _sample()[0])["lstm_1"]
    assert set(record) == {"h", "input_gate", "forget_gate", "output_gate"}
    for name in ("input_gate", "forget_gate", "output_gate"):
        assert record[name].shape == (7, 3)
        assert ((record[name] > 0) & (record[name] < 1)).all()


def _autograd_per_step(model, kind: str, x, target, return_sequences: bool) -> np.ndarray:
    """‖∂𝓔/∂mₜ‖ by hand: unroll with retain_grad on every memory state mₜ (the cell state
    cₜ of an LSTM, hₜ otherwise)."""
    cell = model.nodes[f"{kind.lower()}_1"]
    drive = cell.input_map(x)
    h, c, hs, memory = torch.zeros(1, 3), torch.zeros(1, 3), [], []
    for t in range(x.shape[1]):
        pre = drive[:, t] + cell.hidden_map(h)
        if kind == "RNN":
            h = torch.tanh(pre)
        elif kind == "GRU":
            xr, xz, xn = drive[:, t].chunk(3, dim=-1)
            hr, hz, hn = cell.hidden_map(h).chunk(3, dim=-1)
            r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
            h = (1 - z) * torch.tanh(xn + r * hn) + z * h
        else:
            i, f, g, o = pre.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        kept = c if kind == "LSTM" else h
        kept.retain_grad()
        hs.append(h)
        memory.append(kept)
    out = torch.stack(hs, dim=1).flatten(1) if return_sequences else h
    prediction = model.nodes["output_1"](out)
    (0.5 * ((prediction - target) ** 2).sum()).backward()
    return np.array([float(s.grad.norm()) for s in memory])


@pytest.mark.parametrize(("kind", "return_sequences"),
                         [("RNN", False), ("LSTM", False), ("RNN", True), ("LSTM", True),
                          ("GRU", False)])
def test_gradient_per_step_equals_autograd(kind, return_sequences):
    spec = recurrent(kind, return_sequences)
    model = build_model(spec, seed=4)
    x, target = _sample()
    norms = step_gradients(model, Head.of(spec), x, target)[f"{kind.lower()}_1"]
    expected = _autograd_per_step(model, kind, x, target, return_sequences)
    assert norms.shape == (7,)
    np.testing.assert_allclose(norms, expected, rtol=1e-4, atol=1e-7)


def test_gradient_per_step_leaves_the_models_gradients_alone():
    spec = recurrent("RNN")
    model = build_model(spec)
    step_gradients(model, Head.of(spec), *_sample())
    assert all(p.grad is None for p in model.parameters())
    assert model.training


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_the_median_line_is_the_median_of_each_samples_gradient(kind):
    spec = recurrent(kind)
    model, head = build_model(spec, seed=5), Head.of(spec)
    g = torch.Generator().manual_seed(1)
    x, targets = torch.randn(9, 7, 2, generator=g), torch.randn(9, 1, generator=g)
    each = np.stack([step_gradients(model, head, x[i:i + 1], targets[i:i + 1])[f"{kind.lower()}_1"]
                     for i in range(9)])
    median = median_step_gradients(model, head, x, targets)[f"{kind.lower()}_1"]
    np.testing.assert_allclose(median, np.median(each, axis=0), rtol=1e-5)
