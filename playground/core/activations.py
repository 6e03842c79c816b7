"""Activation functions φ with their derivatives φ′, including an honest Heaviside step.

The step's true derivative is zero wherever it exists, so backpropagation through it gives
exactly zero gradients. The straight-through estimator, when asked for by name, pretends
φ′ = 1 in the backward pass so that gradients flow.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


class _HeavisideZeroGrad(torch.autograd.Function):
    """Heaviside step; backward returns the true derivative, 0."""

    @staticmethod
    def forward(ctx: object, v: Tensor) -> Tensor:
        return (v >= 0).to(v.dtype)

    @staticmethod
    def backward(ctx: object, grad: Tensor) -> Tensor:
        return torch.zeros_like(grad)


class _HeavisideStraightThrough(torch.autograd.Function):
    """Heaviside step; backward passes the gradient through unchanged (φ′ taken as 1)."""

    @staticmethod
    def forward(ctx: object, v: Tensor) -> Tensor:
        return (v >= 0).to(v.dtype)

    @staticmethod
    def backward(ctx: object, grad: Tensor) -> Tensor:
        return grad


LEAKY_SLOPE = 0.01


def _step_ste(v: Tensor) -> Tensor:
    return _HeavisideStraightThrough.apply(v)


def _step(v: Tensor) -> Tensor:
    return _HeavisideZeroGrad.apply(v)


_FUNCTIONS = {
    "step": _step,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda v: nn.functional.leaky_relu(v, LEAKY_SLOPE),
    "linear": lambda v: v,
    "softmax": lambda v: torch.softmax(v, dim=-1),
}

# Gains for Xavier initialisation, as torch.nn.init.calculate_gain gives them.
INIT_GAIN = {"tanh": 5 / 3, "relu": math.sqrt(2), "leaky_relu": math.sqrt(2)}


def derivative(name: str, v: Tensor, straight_through: bool = False) -> Tensor:
    """φ′(v) elementwise, as the backward pass uses it (softmax: its diagonal)."""
    if name == "step":
        return torch.full_like(v, 1.0 if straight_through else 0.0)
    if name in ("sigmoid", "softmax"):
        y = _FUNCTIONS[name](v)
        return y * (1 - y)
    if name == "tanh":
        return 1 - torch.tanh(v) ** 2
    if name == "relu":
        return (v > 0).to(v.dtype)
    if name == "leaky_relu":
        return torch.where(v > 0, 1.0, LEAKY_SLOPE).to(v.dtype)
    return torch.ones_like(v)


class Activation:
    """φ as a named callable (not a Module: it has no weights, and a plain call is cheaper)."""

    def __init__(self, name: str, straight_through: bool = False):
        self.name = name
        self.straight_through = straight_through and name == "step"
        self.fn = _step_ste if self.straight_through else _FUNCTIONS[name]

    def __call__(self, v: Tensor) -> Tensor:
        return self.fn(v)

    def derivative(self, v: Tensor) -> Tensor:
        return derivative(self.name, v, self.straight_through)

    def __repr__(self) -> str:
        return f"Activation({self.name}{', straight-through' if self.straight_through else ''})"
