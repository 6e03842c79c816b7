"""One backpropagation update of a dense network, number by number, in the lecture's terms.

For one sample: the forward pass gives each unit's induced local field vⱼ = Σᵢ wⱼᵢ yᵢ + bⱼ
and output yⱼ = φ(vⱼ); the error at the outputs is eⱼ = zⱼ − yⱼ (z the desired output); the
local gradients δⱼ = −∂𝓔/∂vⱼ go backwards: δⱼ = eⱼ φ′(vⱼ) at the output (squared error),
δⱼ = φ′(vⱼ) Σₖ δₖ wₖⱼ in hidden layers; the delta rule gives Δwⱼᵢ = η δⱼ yᵢ and Δbⱼ = η δⱼ.
With cross-entropy the error is taken against μ = σ(v) (or softmax(v)), as in logistic
regression's gradient Σ (μₙ − zₙ) xₙ, and δⱼ = eⱼ: φ′ cancels.
Everything is computed in float64 from the model's current weights.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.core.activations import derivative
from playground.core.backprop_numbers import BackpropStep, LayerStep
from playground.core.heads import Head
from playground.core.layers import SpecError
from playground.core.model import PlaygroundNet, UnitLayer


def dense_chain(model: PlaygroundNet) -> list[str]:
    """The nodes of a plain chain of Dense layers ending in the Output, or a SpecError."""
    if model._chain is None or not all(
            isinstance(model.nodes[n], UnitLayer)
            and isinstance(model.nodes[n].transform, torch.nn.Linear) for n in model.order):
        raise SpecError("The backprop inspector follows a chain of Dense layers from the Input "
                        "to the Output; this network has other kinds of layers or branches.")
    return list(model.order)


def desired_output(head: Head, label: np.ndarray | int | float) -> np.ndarray:
    """zⱼ for one sample, on the scale of the output (one-hot for classes): a value per
    output unit (a vector label gives each unit its own)."""
    target = head.targets(np.asarray(label)[np.newaxis])[0]
    if head.loss == "cross_entropy":
        onehot = np.zeros(head.units)
        onehot[int(target)] = 1.0
        return onehot
    return np.atleast_1d(np.asarray(target, dtype=np.float64))


def backprop_step(model: PlaygroundNet, head: Head, x: np.ndarray, label: np.ndarray | int,
                  learning_rate: float) -> BackpropStep:
    """Every number of one plain-gradient update for the sample (x, label)."""
    nodes = dense_chain(model)
    forward = _forward(model, nodes, np.asarray(x, dtype=np.float64).ravel())
    z = desired_output(head, label)
    output = forward[-1]
    error = z - _probability(head, output)
    loss = _loss(head, output["v"], z, error)
    delta = _output_delta(head, output, error)
    layers = []
    for layer in reversed(forward):
        layers.append(LayerStep(
            layer["node"], layer["act"].name, layer["x"], layer["w"], layer["b"], layer["v"],
            layer["y"], layer["slope"], delta, learning_rate * np.outer(delta, layer["x"]),
            learning_rate * delta))
        below = forward.index(layer) - 1
        if below >= 0:
            delta = forward[below]["slope"] * (layer["w"].T @ delta)
    return BackpropStep(z, error, loss, learning_rate, tuple(reversed(layers)))


def _forward(model: PlaygroundNet, nodes: list[str], x: np.ndarray) -> list[dict]:
    layers, y = [], x
    for node in nodes:
        module = model.nodes[node]
        w = module.transform.weight.detach().cpu().double().numpy()
        bias = module.transform.bias
        b = np.zeros(len(w)) if bias is None else bias.detach().cpu().double().numpy()
        v = w @ y + b
        v_t = torch.from_numpy(v)
        out = module.act(v_t.unsqueeze(0))[0].numpy()
        slope = module.act.derivative(v_t).numpy()
        layers.append({"node": node, "act": module.act, "x": y, "w": w, "b": b, "v": v,
                       "y": out, "slope": slope})
        y = out
    return layers


def _probability(head: Head, output: dict) -> np.ndarray:
    """What the error compares with z: yⱼ, or μ = σ(v) / softmax(v) under cross-entropy
    (whether the output applies them itself or hands over logits)."""
    if head.loss == "squared_error":
        return output["y"]
    v = torch.from_numpy(output["v"])
    return (torch.softmax(v, 0) if head.loss == "cross_entropy" else torch.sigmoid(v)).numpy()


def _output_delta(head: Head, output: dict, error: np.ndarray) -> np.ndarray:
    """δ at the output layer: eⱼ φ′(vⱼ) for squared error, eⱼ for cross-entropy."""
    if head.loss != "squared_error":
        return error
    if output["act"].name == "softmax":  # φ′ is a full Jacobian: δ = Jᵀ e
        p = output["y"]
        return (np.diag(p) - np.outer(p, p)).T @ error
    return error * derivative(output["act"].name, torch.from_numpy(output["v"]),
                              output["act"].straight_through).numpy()


def _loss(head: Head, field: np.ndarray, z: np.ndarray, error: np.ndarray) -> float:
    if head.loss == "squared_error":
        return float(0.5 * (error ** 2).sum())
    v = torch.from_numpy(field).unsqueeze(0)
    if head.loss == "cross_entropy":
        return float(torch.nn.functional.cross_entropy(v, torch.tensor([int(z.argmax())])))
    return float(torch.nn.functional.binary_cross_entropy_with_logits(
        v, torch.from_numpy(z).unsqueeze(0), reduction="sum"))
