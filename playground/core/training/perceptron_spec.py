"""What the perceptron rule can train, checked on the spec alone (no torch: the window
asks too)."""

from __future__ import annotations

from playground.core.layers import SpecError
from playground.core.spec import NetworkSpec


def check_perceptron(spec: NetworkSpec) -> None:
    """The rule trains Input → Output(step, binary, one unit) and nothing else."""
    extra = [layer for layer in spec.layers if layer.kind not in ("Input", "Output")]
    out = spec.of_kind("Output")[0]
    if extra:
        raise SpecError(f"The perceptron rule trains a single layer of step units: connect the "
                        f"Input straight to the Output and remove {extra[0].name}.")
    if out.params["activation"] != "step" or out.params["task"] != "binary":
        raise SpecError(f"The perceptron rule needs {out.name} to be a binary task with the "
                        "step activation.")
    if not out.params["bias"]:
        raise SpecError(f"The perceptron rule learns a bias b: turn on the bias of {out.name}.")
