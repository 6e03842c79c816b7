"""A corpus of bad files and settings, built on demand in a folder, with the contract each
must meet: the loader (or the command line) succeeds, or fails with a PlaygroundError whose
message is one clear line; never another exception, a hang or unbounded memory.

Shared by the tests (tests/core/test_bad_input.py) and the benchmark
(tests/bench/bench_bad_input.py), which runs every case in a process of its own.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from playground.core.datasets import DataConfig
from playground.core.datasets.imported import ImportedData
from playground.core.errors import PlaygroundError
from playground.core.project import Project
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig

CLEAN_STATUSES = (0, 2)


@dataclass(frozen=True)
class Case:
    """One bad input: `build(folder)` writes its files and returns how to run it: ("project",
    path), ("graph", path: load and check the network), ("data", path, options) or ("cli",
    argv)."""

    name: str
    kind: str  # the kind of problem, as the issue groups them
    build: Callable[[Path], tuple[Any, ...]]


# ---- building blocks --------------------------------------------------------------------------
def small_project(title: str = "Small", **training: Any) -> Project:
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 3}), ("Output", {}))
    settings = {"epochs": 2, "batch_size": 10, **training}
    return Project(spec, DataConfig(name="circle", n_samples=40), TrainConfig(**settings),
                   title=title)


def project_json(**training: Any) -> dict[str, Any]:
    return small_project(**training).to_dict()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def project_zip(extra: dict[str, bytes] | None = None, data: dict[str, Any] | None = None
                ) -> bytes:
    return zip_bytes({"project.json": json.dumps(data or project_json()).encode(),
                      **(extra or {})})


def patch_zip(raw: bytes, local_offset: int, central_offset: int, value: int) -> bytes:
    """Set a 2-byte field of the first entry's local header and its central record."""
    out = bytearray(raw)
    central = out.rfind(b"PK\x01\x02")
    struct.pack_into("<H", out, local_offset, value)
    struct.pack_into("<H", out, central + central_offset, value)
    return bytes(out)


def safetensors(dtype: str, shape: list[int], body: bytes) -> bytes:
    header = json.dumps({"dense_1.weight": {"dtype": dtype, "shape": shape,
                                            "data_offsets": [0, len(body)]}}).encode()
    return struct.pack("<Q", len(header)) + header + body


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npy_with_shape(shape: tuple[int, ...]) -> bytes:
    """A .npy whose header claims `shape` but holds 16 bytes."""
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + bytes(16)


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds one row of pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(b"IEND", b""))


def idx_bytes(dims: tuple[int, ...], body: bytes = b"") -> bytes:
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + body


def chain_project(layers: int) -> dict[str, Any]:
    data = project_json()
    ids = ["in", *(f"d{i}" for i in range(layers)), "out"]
    data["network"] = {
        "layers": [{"id": "in", "kind": "Input", "params": {"shape": [2]}},
                   *({"id": f"d{i}", "kind": "Dense", "params": {"units": 2}}
                     for i in range(layers)),
                   {"id": "out", "kind": "Output", "params": {}}],
        "edges": [{"source": a, "target": b} for a, b in zip(ids, ids[1:], strict=False)],
    }
    return data


def imported_project(x_file: bytes) -> bytes:
    """A project using imported data whose data.npz holds `x_file`."""
    project = small_project()
    project.import_data(ImportedData(np.random.default_rng(0).normal(size=(20, 2)),
                                     np.arange(20) % 2, "binary", "plane", ("a", "b")))
    data = project.to_dict()
    return project_zip({"data.npz": x_file}, data)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def zip_bomb(folder: Path) -> Path:
    """A project whose weights entry unpacks to 512 MB of zeros (about 0.5 MB packed)."""
    path = folder / "bomb.playground"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("project.json", json.dumps(project_json()))
        with archive.open("weights.safetensors", "w", force_zip64=True) as entry:
            block = bytes(16 << 20)
            for _ in range(32):
                entry.write(block)
    return path


def sparse(folder: Path, name: str, size: int) -> Path:
    path = folder / name
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _csv(folder: Path, name: str, text: str, **options: Any) -> tuple[Any, ...]:
    return ("data", write(folder, name, text), options)


# ---- the corpus -------------------------------------------------------------------------------
def _cases() -> list[Case]:
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(40))
    big = {"layers": [{"id": "in", "kind": "Input", "params": {"shape": [60000]}},
                      {"id": "d", "kind": "Dense", "params": {"units": 4096}},
                      {"id": "out", "kind": "Output", "params": {}}],
           "edges": [{"source": "in", "target": "d"}, {"source": "d", "target": "out"}]}
    return [
        # 1. foreign exceptions at the loaders' boundaries
        Case("zip entry encrypted", "foreign", lambda d: ("project", write(
            d, "enc.playground", patch_zip(project_zip(), 6, 8, 0x1)))),
        Case("zip entry compressed by an unknown method", "foreign", lambda d: ("project", write(
            d, "method.playground", patch_zip(project_zip(), 8, 10, 99)))),
        Case("JSON nested 100,000 deep", "foreign", lambda d: ("project", write(
            d, "deep.json", "[" * 100_000 + "]" * 100_000))),
        Case("JSON nested 500 deep in the params", "foreign", lambda d: ("project", write(
            d, "deep-params.json", json.dumps(project_json()).replace(
                '"units": 3', '"units": ' + "[" * 500 + "]" * 500)))),
        Case("JSON holding a 5,001-digit integer", "foreign", lambda d: ("project", write(
            d, "digits.json", '{"format_version": 1, "title": ' + "9" * 5001 + "}"))),
        Case("weights in BF16", "foreign", lambda d: ("project", write(
            d, "bf16.playground", project_zip({"weights.safetensors": safetensors(
                "BF16", [3, 2], bytes(12))})))),
        Case("weights in F8", "foreign", lambda d: ("project", write(
            d, "f8.playground", project_zip({"weights.safetensors": safetensors(
                "F8_E4M3", [3, 2], bytes(6))})))),
        Case("weights with a negative shape", "foreign", lambda d: ("project", write(
            d, "neg.playground", project_zip({"weights.safetensors": safetensors(
                "F32", [-3, 2], bytes(24))})))),
        Case("project data.npz that is a .npy", "foreign", lambda d: ("project", write(
            d, "npy-inside.playground", imported_project(npy_bytes(np.zeros(3)))))),
        Case("project data.npz of random bytes", "misleading", lambda d: ("project", write(
            d, "random-inside.playground",
            imported_project(np.random.default_rng(1).bytes(300))))),
        Case(".npz that is really a .npy", "foreign", lambda d: (
            "data", write(d, "really-npy.npz", npy_bytes(np.zeros((4, 2)))), {})),
        Case(".npz whose header claims 10^12 rows", "memory", lambda d: (
            "data", write(d, "huge.npz", zip_bytes({"x.npy": npy_with_shape((10**12, 2)),
                                                    "y.npy": npy_bytes(np.zeros(2))})), {})),
        Case(".npz of random bytes", "misleading", lambda d: (
            "data", write(d, "random.npz", np.random.default_rng(2).bytes(500)), {})),
        Case(".npz holding Python objects", "foreign", lambda d: (
            "data", write(d, "objects.npz", zip_bytes({
                "x.npy": npy_bytes(np.array([{"a": 1}, None], dtype=object)),
                "y.npy": npy_bytes(np.zeros(2))})), {})),
        Case(".npz with zero feature columns", "foreign", lambda d: (
            "data", write(d, "nofeatures.npz", npz_bytes(x=np.zeros((10, 0)),
                                                         y=np.arange(10) % 2)), {})),
        Case("CSV cell over 128 KB", "foreign", lambda d: _csv(
            d, "field.csv", "a,b\n" + "1," + "7" * 200_000 + "\n")),
        Case("CSV with an unclosed quote", "foreign", lambda d: _csv(
            d, "quote.csv", 'a,b,c\n1,"2,0\n' + rows * 2000)),
        Case("CSV value 1e39", "misleading", lambda d: _csv(
            d, "overflow.csv", "a,b,c\n" + rows + "1e39,1,0\n")),
        Case("CSV of 80 KB full of quotes", "time", lambda d: _csv(
            d, "quotes.csv", ',"a' * 27_000)),
        Case("CSV line of 10 MB", "memory", lambda d: _csv(
            d, "wide.csv", "1," * 5_000_000 + "0\n")),
        Case("PNG of 400 megapixels", "foreign", lambda d: (
            "data", _image_folder(d, png_header(20_000, 20_000)), {})),
        Case("image that is not an image", "foreign", lambda d: (
            "data", _image_folder(d, b"GIF89a" + bytes(20)), {})),
        Case("IDX dimensions that wrap to 0", "foreign", lambda d: (
            "data", write(d, "wrap-images-idx3-ubyte", idx_bytes((2**16, 2**16, 2**16, 2**16))),
            {"labels": write(d, "wrap-labels-idx1-ubyte", idx_bytes((2,), bytes(2)))})),
        Case("IDX header larger than the file", "foreign", lambda d: (
            "data", write(d, "big-images-idx3-ubyte", idx_bytes((60000, 28, 28), bytes(100))),
            {"labels": write(d, "big-labels-idx1-ubyte", idx_bytes((2,), bytes(2)))})),
        Case("perceptron project without an Output", "foreign", lambda d: (
            "cli", ["eval", str(write(d, "no-output.json", json.dumps(_no_output())))])),
        # 2. memory and time bounded before work starts
        Case("zip bomb in the weights", "memory", lambda d: ("project", zip_bomb(d))),
        Case("2 GB sparse project file", "memory", lambda d: (
            "project", sparse(d, "sparse.playground", 2 << 30))),
        Case("2 GB sparse CSV", "memory", lambda d: ("data", sparse(d, "sparse.csv", 2 << 30),
                                                     {})),
        Case("/dev/zero as a project", "memory", lambda d: ("project", Path("/dev/zero"))),
        Case("/dev/zero as a CSV", "memory", lambda d: (
            "data", _link(d, "zero.csv", "/dev/zero"), {})),
        Case("a named pipe as a project", "memory", lambda d: (
            "project", _fifo(d, "p.playground"))),
        Case("a named pipe as data", "memory", lambda d: ("data", _fifo(d, "data"), {})),
        Case("a 300-character project name", "files", lambda d: (
            "cli", ["eval", str(d / ("p" * 300 + ".playground"))])),
        Case("Input 60,000 → Dense 4,096 with weights", "memory", lambda d: (
            "project", write(d, "huge-net.playground", project_zip(
                {"weights.safetensors": safetensors("F32", [1, 1], bytes(4))},
                {**project_json(), "network": big})))),
        Case("chain of 20,000 layers checked", "time", lambda d: (
            "graph", write(d, "chain-check.json", json.dumps(chain_project(20_000))))),
        Case("chain of 20,000 layers evaluated", "time", lambda d: (
            "cli", ["eval", str(write(d, "chain.json", json.dumps(chain_project(20_000))))])),
        # 3. settings that pass validation and then crash training
        Case("BatchNorm with online training", "training", lambda d: (
            "cli", ["train", str(_batchnorm(d, 1)), "--out", str(d / "bn-run")])),
        Case("BatchNorm with a last batch of one", "training", lambda d: (
            "cli", ["train", str(_batchnorm(d, 29)), "--out", str(d / "bn-last")])),
        # 4. files the app writes
        Case("--out where metrics.json is a folder", "files", lambda d: (
            "cli", ["train", str(_saved(d)), "--out", str(_mkdir(d / "run" / "metrics.json")
                                                          .parent)])),
        Case("export under a regular file", "files", lambda d: (
            "cli", ["export", str(_saved(d)), "--format", "csv", "--out",
                    str(write(d, "plain", "x") / "model.csv")])),
        Case("export to a 300-character name", "files", lambda d: (
            "cli", ["export", str(_saved(d)), "--format", "state_dict", "--out",
                    str(d / ("m" * 300 + ".pt"))])),
        Case("--out under a regular file", "misleading", lambda d: (
            "cli", ["train", str(_saved(d)), "--out", str(write(d, "f", "x") / "run")])),
        # 5. terminal escape sequences
        Case("title with escape sequences", "escapes", lambda d: (
            "cli", ["train", str(_saved(d, title="\x1b]0;owned\x07\x1b[2J")), "--out",
                    str(d / "esc-run")])),
        Case("CSV label with escape sequences", "escapes", lambda d: (
            "cli", ["train", "circle", "--data", str(write(
                d, "esc.csv", "a,b,c\n" + "1,2,\x1b[31mred\n" * 5)), "--out", str(d / "e")])),
        # 7. misleading messages
        Case("empty --features", "misleading", lambda d: (
            "cli", ["train", "circle", "--data", str(write(d, "f.csv", "a,b,c\n" + rows)),
                    "--features", "", "--out", str(d / "feat")])),
        # 8. a project saved for a GPU
        Case("project set to CUDA evaluated", "device", lambda d: (
            "cli", ["eval", str(_saved(d, device="cuda"))])),
        Case("project set to CUDA exported", "device", lambda d: (
            "cli", ["export", str(_saved(d, device="cuda")), "--format", "csv", "--out",
                    str(d / "cuda.csv")])),
    ]


def _no_output() -> dict[str, Any]:
    data = project_json(algorithm="perceptron")
    data["network"] = {"layers": [{"id": "in", "kind": "Input", "params": {"shape": [2]}}],
                       "edges": []}
    return data


def _image_folder(folder: Path, image: bytes) -> Path:
    root = folder / "images"
    for name in ("a", "b"):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "1.png").write_bytes(image)
    return root


def _link(folder: Path, name: str, target: str) -> Path:
    path = folder / name
    path.symlink_to(target)
    return path


def _fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _saved(folder: Path, title: str = "Saved", **training: Any) -> Path:
    path = folder / f"saved-{len(list(folder.iterdir()))}.playground"
    data = project_json(**training)
    data["title"] = title
    return write(folder, path.name, project_zip(data=data))


def _batchnorm(folder: Path, batch_size: int) -> Path:
    data = project_json(batch_size=batch_size)
    data["network"] = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 3}),
                                 ("BatchNorm", {}), ("Output", {})).to_dict()
    data["data"]["train_fraction"] = 0.75  # 30 training samples: batches of 29 leave one
    return write(folder, f"bn{batch_size}.json", json.dumps(data))


CASES = {case.name: case for case in _cases()}


# ---- running a case ---------------------------------------------------------------------------
def run(spec: tuple[Any, ...]) -> tuple[str, str]:
    """Run a built case in this process: ('ok' | 'error' | 'FAILED', what it printed)."""
    from playground.core.datasets.imports import load_path
    from playground.core.project import load_project

    how = spec[0]
    if how == "cli":
        import contextlib

        from playground.cli import main

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
            try:
                status = main(spec[1])
            except Exception as exc:  # noqa: BLE001 - the contract: nothing else escapes
                return "FAILED", f"{type(exc).__name__}: {exc}"
        text = err.getvalue() + out.getvalue()
        if status not in CLEAN_STATUSES or "Traceback" in text or "\x1b" in text:
            return "FAILED", f"status {status}: {text[-500:]}"
        return ("ok" if status == 0 else "error"), text.strip().splitlines()[-1]
    try:
        if how == "graph":
            from playground.core.graph import analyse

            issues = analyse(load_project(spec[1]).network).issues
            return ("error", issues[0].message) if issues else ("ok", "")
        if how == "project":
            load_project(spec[1])
        else:
            load_path(spec[1], **spec[2])
    except PlaygroundError as err:
        message = str(err)
        if not message or "\n" in message or "Traceback" in message:
            return "FAILED", f"unclear message: {message!r}"
        return "error", message
    except Exception as exc:  # noqa: BLE001 - the contract: nothing else escapes
        return "FAILED", f"{type(exc).__name__}: {exc}"
    return "ok", ""
