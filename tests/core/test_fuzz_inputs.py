"""Property-based tests: real project files, CSV tables, `.npz` arrays and IDX files, mutated
byte by byte, either load or fail with a PlaygroundError carrying a one-line message; no other
exception ever crosses a loader's boundary."""

from __future__ import annotations

import gzip
import io
import json
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.core.datasets.imported import ImportedData
from playground.core.datasets.imports import load_csv, load_idx, load_npz
from playground.core.errors import PlaygroundError
from playground.core.project import _zip_bytes, load_project
from tests.bad_inputs import small_project

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def project_zip() -> bytes:
    project = small_project()
    project.import_data(ImportedData(np.random.default_rng(0).normal(size=(12, 2)),
                                     np.arange(12) % 2, "binary", "plane", ("no", "yes")))
    from playground.core.model import build_model

    project.weights = build_model(project.network).state_arrays()
    return _zip_bytes(project)


def project_json() -> bytes:
    return json.dumps(small_project().to_dict(), indent=1).encode()


CSV = (b"width,height,label\n1.5,2,cat\n3,4.25,dog\n5,6,cat\n7,8,dog\n"
       b'"9",10,cat\n11,12,dog\n')


def npz() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, x=np.arange(24, dtype=np.float32).reshape(6, 4), y=np.arange(6) % 2,
             class_names=np.array(["a", "b"]))
    return buffer.getvalue()


def idx(dims: tuple[int, ...], body: bytes) -> bytes:
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + body


IMAGES = idx((4, 3, 3), bytes(range(36)))
LABELS = idx((4,), bytes([0, 1, 0, 1]))

# A mutation: bytes overwritten, inserted or deleted at positions, then a truncation.
edits = st.lists(st.tuples(st.sampled_from(["set", "insert", "delete"]),
                           st.floats(0.0, 1.0), st.binary(min_size=1, max_size=8)),
                 min_size=1, max_size=6)
cuts = st.one_of(st.none(), st.floats(0.0, 1.0))


def mutate(raw: bytes, changes: list[tuple[str, float, bytes]], cut: float | None) -> bytes:
    data = bytearray(raw)
    for how, where, value in changes:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if how == "set":
            data[at:at + len(value)] = value
        elif how == "insert":
            data[at:at] = value
        else:
            del data[at:at + len(value)]
    if cut is not None:
        del data[int(cut * len(data)):]
    return bytes(data)


def assert_contract(load: Callable[[Path], Any], name: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        try:
            load(path)
        except PlaygroundError as err:
            message = str(err)
            assert message and "\n" not in message and "Traceback" not in message


ZIP = project_zip()
JSON = project_json()
NPZ = npz()


@FUZZ
@given(edits, cuts)
def test_mutated_project_zips(changes: list[tuple[str, float, bytes]], cut: float | None
                              ) -> None:
    assert_contract(load_project, "p.playground", mutate(ZIP, changes, cut))


@FUZZ
@given(edits, cuts)
def test_mutated_project_json(changes: list[tuple[str, float, bytes]], cut: float | None
                              ) -> None:
    assert_contract(load_project, "p.json", mutate(JSON, changes, cut))


@FUZZ
@given(st.lists(st.tuples(st.floats(0.0, 1.0),
                          st.sampled_from(['"', ",", "\n", ";", "1e39", "nan", "-", "\x00",
                                           "\r", "é", "\t", "  ", "inf", '""', "9" * 400])),
                min_size=1, max_size=8), cuts)
def test_mutated_csv(inserts: list[tuple[float, str]], cut: float | None) -> None:
    text = CSV.decode()
    for where, piece in inserts:
        at = int(where * len(text))
        text = text[:at] + piece + text[at:]
    assert_contract(load_csv, "t.csv", mutate(text.encode(), [], cut))


@FUZZ
@given(edits, cuts)
def test_mutated_npz(changes: list[tuple[str, float, bytes]], cut: float | None) -> None:
    assert_contract(load_npz, "d.npz", mutate(NPZ, changes, cut))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(IMAGES) - 1), st.integers(0, 255)),
                min_size=1, max_size=6), st.booleans(), st.booleans())
def test_mutated_idx(flips: list[tuple[int, int]], gzipped: bool, on_labels: bool) -> None:
    """Header bytes are where IDX files go wrong: dimensions, type codes, counts."""
    target = bytearray(LABELS if on_labels else IMAGES)
    for at, value in flips:
        target[at % len(target)] = value
    raw = gzip.compress(bytes(target)) if gzipped else bytes(target)
    with tempfile.TemporaryDirectory() as folder:
        images, labels = Path(folder) / "images.idx", Path(folder) / "labels.idx"
        images.write_bytes(IMAGES if on_labels else raw)
        labels.write_bytes(raw if on_labels else LABELS)
        try:
            load_idx(images, labels)
        except PlaygroundError as err:
            assert str(err) and "\n" not in str(err)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in JSON data, containers included."""
    places = [prefix]
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        places += paths_of(child, (*prefix, key))
    return places


def replaced(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], new)
    return copy


WEIGHTED = small_project().to_dict()
WEIGHTED["weights"] = {"dense_1": {"weight": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
                                   "bias": [0.0, 0.0, 0.0]}}
PLACES = paths_of(WEIGHTED)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
              st.sampled_from(["Dense", "Output", "Input", "BatchNorm", "cuda", "imported",
                               "multiclass", "softmax", "step", "perceptron", "spiral"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PLACES), json_values), min_size=1, max_size=3))
def test_project_json_with_any_value_anywhere(changes: list[tuple[tuple[Any, ...], Any]]
                                              ) -> None:
    """Values of the wrong type, size or meaning in any field: the project loads and its
    network and data can be checked, or a PlaygroundError says what is wrong."""
    from playground.core.graph import analyse

    data: Any = WEIGHTED
    for path, value in changes:
        try:
            data = replaced(data, path, value)
        except (KeyError, IndexError, TypeError):  # an earlier change removed the place
            continue
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        try:
            project = load_project(path)
            analyse(project.network)
            project.dataset()
        except PlaygroundError as err:
            assert str(err) and "\n" not in str(err)
