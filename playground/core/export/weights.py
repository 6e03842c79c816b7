"""The `state_dict` export: a PyTorch weights file that loads with `weights_only=True`."""

from __future__ import annotations

from pathlib import Path

import torch

from playground.core.export.base import Source, atomic_path
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
            "model.load_state_dict(state)." + source.note())
