"""Layer ids turned into Python identifiers, for exported code and weight names."""

from __future__ import annotations

import builtins
import keyword

from torch import nn

from playground.core.spec import NetworkSpec

# Names the exported script itself uses, besides keywords, builtins and nn.Module's attributes.
_SCRIPT_NAMES = {"x", "v", "self", "torch", "nn", "F", "np", "dist", "step",
                 "step_straight_through", "Net", "RNNLayer", "LSTMLayer", "GRULayer"}


def _reserved(name: str) -> bool:
    return (keyword.iskeyword(name) or keyword.issoftkeyword(name) or hasattr(builtins, name)
            or hasattr(nn.Module, name) or name in _SCRIPT_NAMES)


def python_names(spec: NetworkSpec) -> dict[str, str]:
    """Each layer id as a distinct identifier: 'dense-1' → 'dense_1', '1st' → 'layer_1st'."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for layer in spec.layers:
        name = layer.id.replace("-", "_")
        if name[0].isdigit():
            name = f"layer_{name}"
        if _reserved(name):
            name = f"{name}_layer"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}_{n}", n + 1
        taken.add(unique)
        names[layer.id] = unique
    return names
