"""The `onnx` export: one self-contained ONNX file with a free batch dimension."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch

from playground.core.export.base import Source
from playground.core.export.files import ExportError, atomic_path

INSTALL_HINT = "ONNX export needs: pip install 'nn-playground[export]'"


def _require_onnx() -> None:
    missing = [m for m in ("onnx", "onnxscript") if importlib.util.find_spec(m) is None]
    if missing:
        raise ExportError(f"{INSTALL_HINT} (missing: {', '.join(missing)})")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep the exporter's progress lines and notes off the user's terminal."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        logger.setLevel(level)


def write(source: Source, path: Path) -> str:
    _require_onnx()
    batch = torch.export.Dim("batch")
    try:  # convert in memory first: a failure to write the file is not one to convert
        with _quiet():
            program = torch.onnx.export(source.served, (source.example(),), None,
                                        input_names=["x"], output_names=["y"],
                                        dynamic_shapes=({0: batch},), verbose=False)
    except Exception as err:  # the exporter raises many kinds; all mean "cannot export"
        raise ExportError(f"the ONNX exporter could not convert this network: "
                          f"{str(err).strip().splitlines()[0]}") from None
    with atomic_path(path) as tmp, _quiet():
        program.save(str(tmp), external_data=False)
    shape = source.shape_text
    return (f"Wrote an ONNX model to {path}: input 'x' of shape (N, {shape}) for any batch "
            "size N, output 'y' the network's prediction.\n"
            "Run it with onnxruntime:\n"
            "    import numpy as np, onnxruntime\n"
            f"    session = onnxruntime.InferenceSession({str(path)!r})\n"
            f"    y = session.run(None, {{'x': np.zeros((1, {shape}), np.float32)}})[0]"
            + source.scaling_note() + source.note())
