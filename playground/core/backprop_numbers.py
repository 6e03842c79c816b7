"""The numbers of one backpropagation update, as `backprop.backprop_step` computes them:
plain dataclasses of numpy arrays (no torch), for the window to show."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LayerStep:
    """One Dense (or Output) layer's numbers for the chosen sample."""

    node: str
    activation: str
    inputs: np.ndarray  # yᵢ: the outputs of the layer below (the sample itself first)
    weights: np.ndarray  # wⱼᵢ, units × inputs
    bias: np.ndarray  # bⱼ, the weight of the constant input +1
    field: np.ndarray  # vⱼ
    output: np.ndarray  # yⱼ = φ(vⱼ)
    slope: np.ndarray  # φ′(vⱼ)
    delta: np.ndarray  # δⱼ = −∂𝓔/∂vⱼ
    weight_change: np.ndarray  # Δwⱼᵢ = η δⱼ yᵢ
    bias_change: np.ndarray  # Δbⱼ = η δⱼ


@dataclass(frozen=True)
class BackpropStep:
    """The whole update for one sample: forward, error, backward, changes."""

    target: np.ndarray  # zⱼ, the desired outputs
    error: np.ndarray  # eⱼ = zⱼ − yⱼ at the output layer (zⱼ − μⱼ under cross-entropy)
    loss: float  # 𝓔(n), the sample's error under the network's loss
    learning_rate: float
    layers: tuple[LayerStep, ...]  # input side first
