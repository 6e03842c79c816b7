"""Bad files, settings and faults end as one clear PlaygroundError (or success), never as a
foreign exception, a hang, unbounded memory, lost work or raw terminal escapes."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.cli import main, printable
from playground.core import files, limits
from playground.core.datasets import DataConfig, make_dataset
from playground.core.errors import PlaygroundError
from playground.core.export import ExportError, export
from playground.core.graph import analyse
from playground.core.project import ProjectError, load_project, save_project
from playground.core.spec import NetworkSpec, sequential
from playground.core.training.config import TrainConfig, TrainConfigError
from playground.core.training.engine import TrainerBase, batch_sizes
from playground.core.training.factory import make_trainer
from tests.bad_inputs import CASES, chain_project, run, small_project

# What each message must say (a substring); cases not listed must only keep the contract.
EXPECTED = {
    "zip entry encrypted": "encrypted",
    "zip entry compressed by an unknown method": "method",
    "JSON nested 100,000 deep": "PLAYGROUND_MAX_JSON_DEPTH",
    "JSON holding a 5,001-digit integer": "digits",
    "weights in BF16": "BF16",
    "weights in F8": "F8",
    "project data.npz that is a .npy": ".npy array",
    "project data.npz of random bytes": "not an .npz file",
    ".npz that is really a .npy": ".npy array",
    ".npz whose header claims 10^12 rows": "1000000000000 × 2",
    ".npz of random bytes": "not an .npz file",
    ".npz holding Python objects": "Python objects",
    ".npz with zero feature columns": "no features",
    "CSV cell over 128 KB": "131,072 characters",
    "CSV with an unclosed quote": "never closed",
    "CSV value 1e39": "1e39 is too large",
    "CSV line of 10 MB": "PLAYGROUND_MAX_CSV_LINE",
    "PNG of 400 megapixels": "pixels",
    "IDX dimensions that wrap to 0": "65536 × 65536 × 65536 × 65536",
    "perceptron project without an Output": "no Output",
    "zip bomb in the weights": "PLAYGROUND_MAX_UNPACKED_MB",
    "2 GB sparse project file": "PLAYGROUND_MAX_PROJECT_MB",
    "2 GB sparse CSV": "PLAYGROUND_MAX_DATA_MB",
    "/dev/zero as a project": "not a regular file",
    "/dev/zero as a CSV": "not a regular file",
    "Input 60,000 → Dense 4,096 with weights": "245,768,193",
    "a named pipe as a project": "not a regular file",
    "a named pipe as data": "not a regular file",
    "a 300-character project name": "File name too long",
    "chain of 20,000 layers evaluated": "PLAYGROUND_MAX_LAYERS",
    "BatchNorm with online training": "batch size to 2 or more",
    "--out where metrics.json is a folder": "metrics.json: that is a folder",
    "export under a regular file": "is a file, not a folder",
    "export to a 300-character name": "too long",
    "--out under a regular file": "is a file, not a folder",
    "CSV label with escape sequences": "\\x1b[31mred",
    "empty --features": "--features needs at least one column",
}
SUCCEEDS = {"BatchNorm with a last batch of one", "title with escape sequences",
            "project set to CUDA evaluated", "project set to CUDA exported"}
MISLEADING = ("Python objects (unsafe)", "allow_pickle", "File exists", "could not convert",
              "Errno", "Traceback")


@pytest.mark.parametrize("name", list(CASES))
def test_every_bad_input_ends_in_a_clear_message(name: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    if name.startswith("project set to CUDA") and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    monkeypatch.chdir(tmp_path)
    outcome, message = run(CASES[name].build(tmp_path))
    assert outcome != "FAILED", message
    if name in SUCCEEDS:
        assert outcome == "ok", message
    elif name in EXPECTED:
        assert outcome == "error"
        assert EXPECTED[name] in message
    assert not any(text in message for text in MISLEADING), message


def test_the_graph_check_is_linear_in_the_layers(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 layers: quadratic checks took minutes; linear ones take about a second."""
    monkeypatch.setenv("PLAYGROUND_MAX_LAYERS", "30000")
    spec = NetworkSpec.from_dict(chain_project(20_000)["network"])
    info = analyse(spec)
    assert info.ok and info.layer_count == 20_002


def test_a_cycle_is_found_among_many_layers() -> None:
    data = chain_project(3_000)["network"]
    data["edges"].append({"source": "d2999", "target": "d1000"})
    spec = NetworkSpec.from_dict(data)
    on_cycle = {i.node_id for i in analyse(spec).issues if "cycle" in i.message}
    assert on_cycle == {f"d{i}" for i in range(1000, 3000)}


def test_parameters_are_counted_before_any_weight_exists(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    spec = sequential(("Input", {"shape": [60000]}), ("Dense", {"units": 4096}),
                      ("Output", {}))
    issues = analyse(spec).issues
    assert [i.node_id for i in issues] == ["dense_1"]
    assert "PLAYGROUND_MAX_PARAMETERS" in issues[0].message
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", str(300_000_000))
    assert analyse(spec).ok


# ---- BatchNorm needs two samples per batch ---------------------------------------------------
def batchnorm_net() -> NetworkSpec:
    return sequential(("Input", {"shape": [2]}), ("Dense", {"units": 3}), ("BatchNorm", {}),
                      ("Output", {}))


def test_online_training_with_batchnorm_is_refused_with_the_fix() -> None:
    data = make_dataset(DataConfig(name="circle", n_samples=40))
    with pytest.raises(TrainConfigError, match="set the batch size to 2 or more"):
        make_trainer(batchnorm_net(), data, TrainConfig(batch_size=1))
    with pytest.raises(TrainConfigError):  # the window's check before it starts a run
        TrainerBase(batchnorm_net(), data, TrainConfig(batch_size=1))


def test_a_last_batch_of_one_joins_the_batch_before() -> None:
    assert batch_sizes(batchnorm_net(), 30, 29) == [30]
    assert batch_sizes(batchnorm_net(), 31, 10) == [10, 10, 11]
    plain = sequential(("Input", {"shape": [2]}), ("Output", {}))
    assert batch_sizes(plain, 31, 10) == [10, 10, 10, 1]
    data = make_dataset(DataConfig(name="circle", n_samples=40, train_fraction=0.775))
    trainer = make_trainer(batchnorm_net(), data, TrainConfig(batch_size=10, epochs=2))
    list(trainer.run())
    assert trainer.epoch == 2 and np.isfinite(trainer.metrics()["train_loss"])


# ---- files the app writes --------------------------------------------------------------------
def test_saving_through_a_symlink_replaces_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "p.playground"
    target.parent.mkdir()
    save_project(small_project("First"), target)
    link = tmp_path / "link.playground"
    link.symlink_to(target)
    save_project(small_project("Second"), link)
    assert link.is_symlink() and load_project(target).title == "Second"


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_new_files_get_the_usual_permissions(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        path = save_project(small_project(), tmp_path / "p.playground")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = save_project(small_project(), tmp_path / "p.playground")
    path.chmod(0o640)
    save_project(small_project("Again"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def refuse_with(code: int):  # noqa: ANN201 - a patch target
    def refuse(*_: object, **__: object) -> None:
        raise OSError(code, os.strerror(code))
    return refuse


def test_a_full_disk_keeps_the_previous_metrics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["train", "circle", "--epochs", "1", "--out", str(out)]) == 0
    before = (out / "metrics.json").read_text()
    monkeypatch.setattr(files.os, "replace", refuse_with(errno.ENOSPC))
    capsys.readouterr()
    assert main(["train", "circle", "--epochs", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write ") and "the disk is full" in err
    assert err.count("\n") == 1
    assert (out / "metrics.json").read_text() == before
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "project.playground"]


def test_train_checks_where_it_writes_before_training(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    (out / "metrics.json").mkdir(parents=True)
    assert main(["train", "circle", "--out", str(out)]) == 2
    assert "metrics.json: that is a folder" in capsys.readouterr().err
    assert not (out / "project.playground").exists()  # refused before, not after, training


def test_a_full_disk_during_onnx_export_is_not_a_conversion_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxscript")
    from torch.onnx import ONNXProgram

    monkeypatch.setattr(ONNXProgram, "save", refuse_with(errno.ENOSPC))
    with pytest.raises(ExportError) as err:
        export(small_project(), "onnx", tmp_path / "m.onnx")
    assert "the disk is full" in str(err.value) and "convert" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_write_problems_say_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "plain"
    blocker.write_text("x")
    cases = {blocker / "sub" / "a.txt": "is a file, not a folder",
             tmp_path / ("n" * 300): "the file name is too long (300 characters",
             tmp_path: "that is a folder"}
    for path, expected in cases.items():
        with pytest.raises(PlaygroundError) as err:
            files.write_text(path, "text")
        assert expected in str(err.value)


def test_project_saves_are_refused_like_any_write(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ProjectError, match="is a file, not a folder"):
        save_project(small_project(), tmp_path / "f" / "p.playground")


# ---- the command line ------------------------------------------------------------------------
def test_control_characters_are_escaped() -> None:
    assert printable("a\x1b[2Jb\x07\u202ec\nd") == "a\\x1b[2Jb\\x07\\u202ec\\nd"
    assert printable("one\ntwo é 😀", lines=True) == "one\ntwo é 😀"


def test_a_title_cannot_drive_the_terminal(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = save_project(small_project("\x1b]0;owned\x07\x1b[2J"), tmp_path / "p.playground")
    assert main(["train", str(path), "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;owned\\x07" in out


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_a_cuda_project_runs_on_the_cpu_with_a_note(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = save_project(small_project(device="cuda"), tmp_path / "gpu.playground")
    assert main(["eval", str(path)]) == 0
    assert "note: the project was set to train on CUDA" in capsys.readouterr().err
    assert main(["export", str(path), "--format", "state_dict", "--out",
                 str(tmp_path / "m.pt")]) == 0
    assert main(["eval", str(path), "--device", "cpu"]) == 0
    capsys.readouterr()
    assert main(["eval", str(path), "--device", "cuda"]) == 2
    assert "no CUDA device" in capsys.readouterr().err


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_MAX_LAYERS", "12")
    assert limits.LAYERS.value == 12 and limits.LAYERS.text() == "12"
    monkeypatch.setenv("PLAYGROUND_MAX_LAYERS", "nonsense")
    assert limits.LAYERS.value == limits.LAYERS.default
    monkeypatch.setenv("PLAYGROUND_MAX_DATA_MB", "3")
    assert limits.DATA_FILE.value == 3 * limits.MB


def test_json_depth_is_checked_without_recursion() -> None:
    limits.check_depth(json.loads("[" * 64 + "]" * 64))
    with pytest.raises(limits.LimitExceeded, match="65 levels"):
        limits.check_depth(json.loads("[" * 65 + "]" * 65))


def test_sweep_results_are_written_like_any_file(tmp_path: Path) -> None:
    from playground.core.sweep import Result, SweepError, write_results

    result = Result(0, "seed", 1, 0.5, None, None, None, 2, "max_epochs", 0.1, "torch", {})
    paths = write_results([result], tmp_path / "out", {"setting": "seed"})
    assert [p.name for p in paths] == ["sweep.csv", "sweep.json"]
    assert paths[0].read_text().startswith("index,setting,value")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(SweepError, match="is a file, not a folder"):
        write_results([result], tmp_path / "plain" / "out", {})
