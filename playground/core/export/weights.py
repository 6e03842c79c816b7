"""The `state_dict` export: a PyTorch weights file that loads with `weights_only=True`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.core.export.base import Source
from playground.core.export.files import atomic_path
from playground.core.export.names import python_names


def state_dict(source: Source) -> dict[str, torch.Tensor]:
    """Weights keyed 'layer.name' (e.g. 'dense_1.weight'), as the exported script's module."""
    names = python_names(source.project.network)
    return {f"{names[node]}.{name}": torch.from_numpy(array)
            for node in source.model.nodes
            for name, array in source.model.node_weights(node).items()}


def write(source: Source, path: Path) -> str:
    """Save the state dict; returns what was written and how to load it."""
    state = state_dict(source)
    with atomic_path(path) as tmp:
        torch.save(state, tmp)
    first = next(iter(state), "none")
    return (f"Wrote the weights ({len(state)} tensors, named like '{first}') to {path}.\n"
            "Load them with:\n"
            "    import torch\n"
            f"    state = torch.load({str(path)!r}, weights_only=True)\n"
            "The names fit the network class of a 'script' export: "
            "model.load_state_dict(state)." + _scaling_note(source) + source.note())


def _scaling_note(source: Source) -> str:
    """The weights alone expect standardised inputs: say how to make them, with the numbers."""
    scaling = source.scaling
    if scaling is None:
        return ""
    note = ("\nNote: the network learned on standardised data, so these weights expect "
            "z = (x − mean) / std with the training split's\n"
            f"    mean = {_numbers(scaling.input_mean)}\n    std = {_numbers(scaling.input_std)}")
    if scaling.target_mean is not None and scaling.target_std is not None:
        note += ("\nand their outputs y are standardised too: the value is y · std + mean with\n"
                 f"    mean = {_numbers(scaling.target_mean)}\n"
                 f"    std = {_numbers(scaling.target_std)}")
    return note + ("\n(The script, ONNX and pt2 exports build this in: they take raw inputs.)")


def _numbers(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{float(v):.7g}" for v in values.ravel()) + "]"
