"""Export a project's model: weights, ONNX, a torch.export program, a standalone script, CSV.

`export(project, fmt, path)` writes one format and returns where it wrote and how to use it;
anything that cannot be exported raises `ExportError` with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from playground.core.export.files import ExportError, ExportResult
from playground.core.files import check_target
from playground.core.project import Project
from playground.core.training.snapshots import EpochRecord

__all__ = ["FORMATS", "ExportError", "ExportResult", "ExportFormat", "export"]


@dataclass(frozen=True)
class ExportFormat:
    """One way to export: its file suffix and what it is for, in a line."""

    name: str
    suffix: str
    title: str
    summary: str


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("state_dict", ".pt", "PyTorch weights (state_dict)",
                 "The weights alone, for torch.load(..., weights_only=True)."),
    ExportFormat("onnx", ".onnx", "ONNX model",
                 "Runs anywhere ONNX does: onnxruntime, browsers, phones, C++, C#."),
    ExportFormat("pt2", ".pt2", "torch.export program",
                 "The traced network for PyTorch deployment; torch.export.load reads it."),
    ExportFormat("script", ".py", "Standalone Python script",
                 "Readable PyTorch code of the network: predict and train on, also on a "
                 "cluster with torchrun."),
    ExportFormat("csv", ".csv", "Training history (CSV)",
                 "Loss and accuracy per epoch, and the current metrics, for a spreadsheet."),
)}


def export(project: Project, fmt: str, path: str | Path,
           history: Sequence[EpochRecord] = ()) -> ExportResult:
    """Write `project`'s model (or its training history, for csv) to `path` in format `fmt`."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    check_target(path, ExportError)  # a folder, or a name too long for the file system

    if not path.suffix:
        path = path.with_suffix(FORMATS[fmt].suffix)
    from playground.core.export.base import source_of  # torch, only when exporting

    source = source_of(project)
    if fmt == "csv":
        from playground.core.export import tables

        message, extra = tables.write(source, path, history)
        return ExportResult(path, message, (extra,))
    if fmt == "script":
        from playground.core.export import script

        message, files = script.write(source, path)
        return ExportResult(path, message, files)
    from playground.core.export import onnx_file, program, weights

    writer = {"state_dict": weights, "onnx": onnx_file, "pt2": program}[fmt]
    return ExportResult(path, writer.write(source, path))
