"""Project files: save and load round trips, the shipped presets, and clear errors."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import playground.core.files as files_module
from playground.core.datasets import DATASETS, DataConfig
from playground.core.model import build_model
from playground.core.presets import PRESET_DIR, load_preset
from playground.core.project import Project, ProjectError, load_project, save_project
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig


def network() -> Any:
    return sequential(
        ("Input", {"shape": [2]}),
        ("Dense", {"units": 4, "activation": "relu"}),
        ("Dense", {"units": 2, "activation": "step", "straight_through": True}),
        ("Output", {"units": 1}),
    )


def make_project(with_weights: bool) -> Project:
    spec = network()
    return Project(
        spec,
        DataConfig(name="moons", n_samples=120, noise=15.0, train_fraction=0.75, seed=4,
                   features=("x1", "x2", "x1x2")),
        TrainConfig(learning_rate=0.1, batch_size=8, optimizer="adam", epochs=30, seed=3),
        title="Moons — ReLU",
        description="Two hidden layers; ünïcode survives.",
        hint="Try more units.",
        weights=build_model(spec, seed=11).state_arrays() if with_weights else None,
        metrics={"epoch": 12, "train_loss": 0.25},
    )


def assert_same_weights(got: dict[str, np.ndarray] | None,
                        expected: dict[str, np.ndarray] | None) -> None:
    assert got is not None and expected is not None
    assert list(got) == list(expected)
    for key, value in expected.items():
        assert got[key].dtype == value.dtype, key
        assert got[key].shape == value.shape, key
        assert got[key].tobytes() == value.tobytes(), key  # bit for bit


# ---- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".playground", ".json"])
@pytest.mark.parametrize("with_weights", [False, True], ids=["no-weights", "weights"])
def test_save_load_round_trip(tmp_path: Path, suffix: str, with_weights: bool) -> None:
    project = make_project(with_weights)
    path = save_project(project, tmp_path / f"moons{suffix}")
    assert path == tmp_path / f"moons{suffix}"
    loaded = load_project(path)
    assert loaded.to_dict() == project.to_dict()
    assert loaded.network.to_dict() == project.network.to_dict()
    assert loaded.data == project.data
    assert loaded.training == project.training
    assert (loaded.title, loaded.description, loaded.hint) == (
        "Moons — ReLU", "Two hidden layers; ünïcode survives.", "Try more units.")
    assert loaded.metrics == {"epoch": 12, "train_loss": 0.25}
    if with_weights:
        assert_same_weights(loaded.weights, project.weights)
    else:
        assert loaded.weights is None
    assert sorted(os.listdir(tmp_path)) == [f"moons{suffix}"]


@pytest.mark.parametrize("suffix", [".playground", ".json"])
def test_text_with_brackets_is_kept_verbatim(tmp_path: Path, suffix: str) -> None:
    project = make_project(with_weights=False)
    project.title = "Weights [ 1, 2 ] by hand"
    project.description = "Try  [  3 ,  4  ]  next."
    loaded = load_project(save_project(project, tmp_path / f"p{suffix}"))
    assert loaded.title == "Weights [ 1, 2 ] by hand"
    assert loaded.description == "Try  [  3 ,  4  ]  next."


def test_file_formats(tmp_path: Path) -> None:
    project = make_project(with_weights=True)
    zipped = save_project(project, tmp_path / "a.playground").read_bytes()
    plain = save_project(project, tmp_path / "b.JSON").read_text(encoding="utf-8")
    assert zipped[:2] == b"PK"
    data = json.loads(plain)
    assert data["format_version"] == 1
    assert data["weights"]["output_1"]["bias"] == [0.0]
    assert np.asarray(data["weights"]["dense_1"]["weight"]).shape == (4, 2)
    assert '"shape": [2]' in plain  # number lists on one line


def test_save_creates_missing_folders(tmp_path: Path) -> None:
    path = save_project(make_project(False), tmp_path / "deep" / "er" / "p.playground")
    assert load_project(path).title == "Moons — ReLU"


def test_saved_weights_reproduce_the_predictions(tmp_path: Path) -> None:
    project = make_project(with_weights=True)
    path = save_project(project, tmp_path / "p.playground")
    loaded = load_project(path)
    original, rebuilt = build_model(project.network), build_model(loaded.network, seed=99)
    original.load_state_arrays(project.weights or {})
    rebuilt.load_state_arrays(loaded.weights or {})
    x = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(rebuilt(x), original(x), rtol=0, atol=0)


def test_xor_handset_preset_has_the_lecture_weights() -> None:
    project = load_project(PRESET_DIR / "xor-handset.json")
    assert project.weights is not None
    assert sorted(project.weights) == ["dense_1.bias", "dense_1.weight", "output_1.bias",
                                       "output_1.weight"]
    np.testing.assert_array_equal(project.weights["dense_1.weight"], [[1, 1], [1, 1]])
    np.testing.assert_array_equal(project.weights["dense_1.bias"], [-1.5, -0.5])
    np.testing.assert_array_equal(project.weights["output_1.weight"], [[-2, 1]])
    np.testing.assert_array_equal(project.weights["output_1.bias"], [-0.5])
    model = build_model(project.network)
    model.load_state_arrays(project.weights)
    points = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert model(points).flatten().tolist() == [0.0, 1.0, 1.0, 0.0]


def test_preset_survives_a_zip_round_trip(tmp_path: Path) -> None:
    preset = load_project(PRESET_DIR / "xor-handset.json")
    loaded = load_project(save_project(preset, tmp_path / "xor.playground"))
    assert loaded.to_dict() == preset.to_dict()
    assert_same_weights(loaded.weights, preset.weights)


# ---- errors ----------------------------------------------------------------------------------
def load_error(path: Path) -> str:
    with pytest.raises(ProjectError) as err:
        load_project(path)
    return str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "gone.playground") == "gone.playground: no such file"


def test_folder_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "dir.playground").mkdir()
    assert load_error(tmp_path / "dir.playground") == (
        "dir.playground: this is a folder, not a project file")


def test_truncated_zip(tmp_path: Path) -> None:
    path = save_project(make_project(with_weights=True), tmp_path / "p.playground")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    assert load_error(path) == (
        "p.playground: the file is damaged or incomplete (not a complete zip archive)")


def test_zip_without_project_json(tmp_path: Path) -> None:
    path = tmp_path / "other.playground"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert load_error(path) == (
        "other.playground: the archive has no project.json; it is not a playground project")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.playground"
    path.write_bytes(b"\xff\xfe" + np.random.default_rng(0).bytes(500))
    assert load_error(path) == (
        "noise.playground: this is neither a playground project nor JSON text")


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format_version": 1,\n  "title": \n}\n', encoding="utf-8")
    message = load_error(path)
    assert message.startswith("bad.json: the JSON is malformed at line 4, column 1: ")
    assert message.endswith("the file may be truncated or edited by hand")


def test_truncated_json(tmp_path: Path) -> None:
    path = save_project(make_project(with_weights=False), tmp_path / "p.json")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    assert "p.json: the JSON is malformed at line " in load_error(path)


def write_json(tmp_path: Path, data: Any, name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def valid_data(with_weights: bool = False) -> dict[str, Any]:
    project = make_project(with_weights)
    data = project.to_dict()
    if with_weights and project.weights:
        nested: dict[str, dict[str, Any]] = {}
        for key, array in project.weights.items():
            node, name = key.split(".")
            nested.setdefault(node, {})[name] = array.tolist()
        data["weights"] = nested
    return json.loads(json.dumps(data))


def edited(change: Callable[[dict[str, Any]], Any], with_weights: bool = False
           ) -> dict[str, Any]:
    data = valid_data(with_weights)
    change(data)
    return data


def set_units(value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["network"]["layers"][1]["params"].update(units=value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2, 3], "the project must be a JSON object"),
        (edited(lambda d: d.pop("format_version")),
         "this is not a playground project (it has no 'format_version')"),
        ({"name": "something else"},
         "this is not a playground project (it has no 'format_version')"),
        (edited(lambda d: d.update(format_version=99)),
         "the file was saved by a newer playground (format 99; this version reads up to 2): "
         "update the app to open it"),
        (edited(lambda d: d.update(format_version="1")),
         "'format_version' must be a whole number ≥ 1, not '1'"),
        (edited(lambda d: d.update(colour="blue", zoom=2)),
         "unknown entries ['colour', 'zoom']; was the file edited by hand?"),
        (edited(lambda d: d.pop("network")), "the project has no 'network'"),
        (edited(lambda d: d.update(title=5)), "'title' must be text"),
        (edited(set_units(0)), "network: dense_1: 'units' = 0 is out of range; use 1 to 4096"),
        (edited(set_units("many")),
         "network: dense_1: 'units' must be a number (number of units (neurons)); got 'many'"),
        (edited(lambda d: d["network"]["layers"][2]["params"].update(act="relu")),
         "network: dense_2: Dense has no setting 'act' (it has: units, activation, "
         "straight_through, bias)"),
        (edited(lambda d: d["data"].update(noise=-5)),
         "data: noise: -5 is out of range; use a value in [0.0, 50.0]"),
        (edited(lambda d: d["data"].update(name="mnist")),
         f"data: name: unknown dataset 'mnist'; choose one of: {', '.join(DATASETS)}"),
        (edited(lambda d: d["training"].update(learning_rate=-1)),
         "training: training settings: 'learning_rate' = -1.0 is out of range; use 0 to 1000"),
        (edited(lambda d: d["weights"]["dense_1"].update(weight=[[1.0, 2.0]]), True),
         "weights: 'dense_1.weight' needs shape [4, 2], got [1, 2]"),
        (edited(lambda d: d["weights"]["dense_1"].update(weight="abc"), True),
         "weights 'dense_1.weight' are not a numeric array"),
        (edited(lambda d: d["weights"]["dense_1"].update(weight=[[1.0], [2.0, 3.0]]), True),
         "weights 'dense_1.weight' are not a numeric array"),
        (edited(lambda d: d["weights"]["dense_1"].update(bias=7.0), True),
         "weights: 'dense_1.bias' needs shape [4], got []"),
        (edited(lambda d: d["weights"].update(output_1=[0.5]), True),
         "'weights' must map each node to its named arrays"),
        (edited(lambda d: d["weights"].pop("dense_2"), True),
         "weights: the saved weights do not fit this network (did the architecture change?): "
         "missing ['dense_2.bias', 'dense_2.weight'], unexpected none"),
        (edited(lambda d: d["network"]["edges"].pop(), True),
         "the file has trained weights but its network is invalid: Input 'input_1' does not "
         "lead to the Output; connect it onward or delete it."),
    ],
)
def test_bad_project_json(tmp_path: Path, data: Any, message: str) -> None:
    assert load_error(write_json(tmp_path, data)) == f"p.json: {message}"


def test_network_errors_start_with_network(tmp_path: Path) -> None:
    data = edited(lambda d: d["network"]["layers"][3]["params"].update(task="ranking"))
    message = load_error(write_json(tmp_path, data, "hand.json"))
    assert message.startswith("hand.json: network: output_1: 'task' must be one of ")
    with pytest.raises(ProjectError, match=r"^network: output_1: 'task'"):
        Project.from_dict(data)


def test_invalid_network_without_weights_still_loads(tmp_path: Path) -> None:
    """A half-drawn network is a valid project to keep editing; only weights need validity."""
    data = edited(lambda d: d["network"]["edges"].pop())
    loaded = load_project(write_json(tmp_path, data))
    assert len(loaded.network.edges) == 2
    assert loaded.weights is None


def test_damaged_weights_in_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "w.playground"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.json", json.dumps(valid_data()))
        archive.writestr("weights.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{broken}")
    assert load_error(path).startswith("w.playground: the stored weights are damaged: ")


# ---- atomic save -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".playground", ".json"])
def test_failed_save_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             suffix: str) -> None:
    path = tmp_path / f"keep{suffix}"
    old = make_project(with_weights=True)
    save_project(old, path)
    before = path.read_bytes()

    def refuse(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", refuse)
    changed = make_project(with_weights=False)
    changed.title = "Changed"
    with pytest.raises(ProjectError) as err:
        save_project(changed, path)
    assert str(err.value) == (f"cannot write {path}: the disk is full; free some space and "
                              "try again")
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [f"keep{suffix}"]  # no temporary files left behind
    loaded = load_project(path)
    assert loaded.title == "Moons — ReLU"
    assert_same_weights(loaded.weights, old.weights)


def test_hand_edited_layer_id_with_a_dot(tmp_path: Path) -> None:
    """Any problem with a file must surface as a ProjectError, never a raw crash."""

    def rename(d: dict[str, Any]) -> None:
        d["network"]["layers"][1]["id"] = "hidden.1"
        d["network"]["edges"][0]["target"] = "hidden.1"
        d["network"]["edges"][1]["source"] = "hidden.1"
        d["weights"]["hidden.1"] = d["weights"].pop("dense_1")

    path = write_json(tmp_path, edited(rename, with_weights=True))
    assert load_error(path).startswith("p.json: ")


def test_a_file_from_before_the_epoch_limit_trains_until_paused_in_the_window(
        tmp_path: Path) -> None:
    """Older files hold an epoch count but no switch: the count is kept (the CLI trains that
    many epochs; the window offers it as the limit) and the window trains until paused."""
    project = load_preset("circle")
    data = project.to_dict()
    del data["training"]["epoch_limit"]
    data["training"]["epochs"] = 321
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    training = load_project(path).training
    assert (training.epochs, training.epoch_limit) == (321, False)
