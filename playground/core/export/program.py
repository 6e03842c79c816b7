"""The `pt2` export: a `torch.export` program with a free batch dimension."""

from __future__ import annotations

from pathlib import Path

import torch

from playground.core.export.base import Source
from playground.core.export.files import ExportError, atomic_path


def exported_program(source: Source) -> torch.export.ExportedProgram:
    """Trace the model's prediction φ(v) with any batch size."""
    batch = torch.export.Dim("batch")
    try:
        return torch.export.export(source.served, (source.example(),),
                                   dynamic_shapes=({0: batch},))
    except Exception as err:  # torch raises many kinds; all mean "this graph did not trace"
        raise ExportError(f"torch.export could not trace this network: "
                          f"{str(err).strip().splitlines()[0]}") from None


def write(source: Source, path: Path) -> str:
    program = exported_program(source)
    with atomic_path(path) as tmp:
        torch.export.save(program, tmp)
    shape = source.shape_text
    return (f"Wrote a torch.export program to {path} (input: a batch of shape (N, {shape}); "
            "output: the network's prediction).\n"
            "Run it with:\n"
            "    import torch\n"
            f"    program = torch.export.load({str(path)!r})\n"
            f"    y = program.module()(torch.zeros(1, {shape}))"
            + source.scaling_note() + source.note())
