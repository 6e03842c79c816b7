"""The backprop inspector's words: each phase's formula with the sample's numbers put in.

Plain text from a `BackpropStep`, so that a student can check every number by hand. Layers
are counted from the input side (0 is the first Dense layer); `unit` is j within the layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.backprop_numbers import BackpropStep

MAX_TERMS = 4  # longer sums show their first terms and "+ …"
CROSS_ENTROPY = ("cross_entropy", "binary_cross_entropy")


@dataclass(frozen=True)
class Phase:
    """One press of Next: what is computed and which layer it is about."""

    kind: str  # "forward", "error", "delta" or "change"
    layer: int  # the layer in focus (-1: all of them)
    title: str


def number(value: float) -> str:
    """Four significant digits, a true minus sign (none on zero: a dead ReLU's δ is 0)."""
    return f"{float(value) + 0.0:.4g}".replace("-", "−")


def phases(step: BackpropStep) -> list[Phase]:
    """Forward, error at the outputs, δ layer by layer backwards, then Δw."""
    last = len(step.layers) - 1
    result = [Phase("forward", -1, "1. Forward pass: each unit's local field v and output "
                                   "y = φ(v), layer by layer"),
              Phase("error", last, "2. Error at the outputs: e = z − y")]
    for index in range(last, -1, -1):
        where = "output layer" if index == last else f"hidden layer {step.layers[index].node}"
        result.append(Phase("delta", index, f"{len(result) + 1}. Local gradients δ of the "
                                            f"{where} (backwards)"))
    result.append(Phase("change", -1, f"{len(result) + 1}. Weight changes Δwⱼᵢ = η δⱼ yᵢ "
                                      f"(η = {number(step.learning_rate)})"))
    return result


def _factor(value: float) -> str:
    """A number as a factor: negative ones in parentheses."""
    return f"({number(value)})" if value < 0 else number(value)


def _sum(pairs: list[tuple[float, float]]) -> str:
    terms = [f"{_factor(a)}×{_factor(b)}" for a, b in pairs[:MAX_TERMS]]
    if len(pairs) > MAX_TERMS:
        terms.append("…")
    return " + ".join(terms)


def formula(step: BackpropStep, loss: str, phase: Phase, layer: int, unit: int) -> str:
    """The formula of `phase` for unit j = `unit` of `layer`, numbers substituted."""
    data = step.layers[layer]
    j = unit
    if phase.kind == "forward":
        pairs = list(zip(data.weights[j], data.inputs, strict=True))
        return (f"v = Σᵢ wⱼᵢ yᵢ + b = {_sum(pairs)} + {number(data.bias[j])} = "
                f"{number(data.field[j])}\ny = φ(v) = {data.activation}({number(data.field[j])})"
                f" = {number(data.output[j])}")
    output = layer == len(step.layers) - 1
    if phase.kind == "error":
        if not output:
            return "The error is measured at the output units only."
        if loss in CROSS_ENTROPY:
            mu = step.target[j] - step.error[j]
            return (f"e = z − μ = {number(step.target[j])} − {number(mu)} = "
                    f"{number(step.error[j])}   (μ = σ(v) or softmax(v), as in logistic "
                    f"regression)\n𝓔(n) = {number(step.loss)} for this sample")
        return (f"e = z − y = {number(step.target[j])} − {number(data.output[j])} = "
                f"{number(step.error[j])}\n𝓔(n) = ½ Σⱼ eⱼ² = {number(step.loss)}")
    if phase.kind == "delta":
        if output:
            if loss in CROSS_ENTROPY:
                return (f"δ = e = {number(data.delta[j])}   (with cross-entropy φ′ cancels: "
                        "δ = −∂𝓔/∂v = z − μ)")
            if data.activation == "softmax":
                return f"δ = Jᵀe (softmax's φ′ is a matrix J) = {number(data.delta[j])}"
            return (f"δ = e·φ′(v) = {number(step.error[j])} × {number(data.slope[j])} = "
                    f"{number(data.delta[j])}")
        above = step.layers[layer + 1]
        pairs = list(zip(above.delta, above.weights[:, j], strict=True))
        total = float(above.delta @ above.weights[:, j])
        return (f"δ = φ′(v)·Σₖ δₖwₖⱼ = {number(data.slope[j])} × ({_sum(pairs)}) = "
                f"{number(data.slope[j])} × {number(total)} = {number(data.delta[j])}")
    first = f"Δwⱼ₁ = η δ y₁ = {number(step.learning_rate)} × {number(data.delta[j])} × " \
            f"{number(data.inputs[0])} = {number(data.weight_change[j][0])}"
    changes = (f"{first}\nΔwⱼ = ({_vector(data.weight_change[j])}),  Δb = η δ = "
               f"{number(data.bias_change[j])}")
    if output and loss in CROSS_ENTROPY:
        return f"{_logistic_gradient(step, j)}\n{changes}"
    return changes


def _vector(values: np.ndarray) -> str:
    more = ", …" if len(values) > MAX_TERMS + 2 else ""
    return ", ".join(number(v) for v in values[:MAX_TERMS + 2]) + more


def _logistic_gradient(step: BackpropStep, j: int) -> str:
    """The lecture's logistic-regression gradient ∂L/∂w = Σₙ (μₙ − yₙ) xₙ, for this one sample
    (the lecture's label y is the desired output z here, its xₙ the output unit's inputs)."""
    data = step.layers[-1]
    mu = step.target[j] - step.error[j]
    gradient = (mu - step.target[j]) * data.inputs
    return (f"∂𝓔/∂wⱼ = (μ − z) y = ({number(mu)} − {number(step.target[j])}) × "
            f"({_vector(data.inputs)}) = ({_vector(gradient)})   (the lecture's Σₙ (μₙ − yₙ) xₙ"
            f" for this sample; Δw = −η ∂𝓔/∂w)")


def unit_label(step: BackpropStep, phase_kind: str, layer: int, unit: int) -> str:
    """The numbers written beside a unit in the diagram for this phase."""
    data = step.layers[layer]
    lines = [f"v {number(data.field[unit])}", f"y {number(data.output[unit])}"]
    if phase_kind in ("error", "delta", "change") and layer == len(step.layers) - 1:
        lines += [f"z {number(step.target[unit])}", f"e {number(step.error[unit])}"]
    return "\n".join(lines)


def delta_label(step: BackpropStep, layer: int, unit: int) -> str:
    return f"δ {number(step.layers[layer].delta[unit])}"


def sample_text(x: np.ndarray, target: np.ndarray) -> str:
    values = ", ".join(number(v) for v in np.ravel(x)[:8])
    return f"x = ({values}{', …' if np.size(x) > 8 else ''}),  z = " + \
        ", ".join(number(v) for v in np.ravel(target))
