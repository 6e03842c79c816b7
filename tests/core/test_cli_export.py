"""`playground export SOURCE --format F --out PATH`: what it writes and how it fails."""

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.model import build_model
from playground.core.presets import load_preset
from playground.core.project import load_project


def test_export_a_trained_project_as_weights(tmp_path, capsys):
    main(["train", "xor", "--epochs", "2", "--out", str(tmp_path)])
    capsys.readouterr()
    project_file = tmp_path / "project.playground"
    assert main(["export", str(project_file), "--format", "state_dict",
                 "--out", str(tmp_path / "xor.pt")]) == 0
    out = capsys.readouterr()
    assert f"to {tmp_path / 'xor.pt'}" in out.out and "weights_only=True" in out.out
    assert "no trained weights" not in out.out and out.err == ""
    state = torch.load(tmp_path / "xor.pt", weights_only=True)
    trained = load_project(project_file).weights
    assert all(np.array_equal(state[key].numpy(), trained[key]) for key in trained)


def test_export_a_preset_as_a_script_says_its_weights_are_untrained(tmp_path, capsys):
    assert main(["export", "circle", "--format", "script", "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert f"cd {tmp_path}\n    python c.py --help" in out and "no trained weights" in out
    assert {p.name for p in tmp_path.iterdir()} == {"c.py", "c.pt", "c-data.npz"}


def test_export_pt2_from_a_preset(tmp_path, capsys):
    assert main(["export", "xor-handset", "--format", "pt2", "--out",
                 str(tmp_path / "x.pt2")]) == 0
    program = torch.export.load(tmp_path / "x.pt2")
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    project = load_preset("xor-handset")
    model = build_model(project.network)
    model.load_state_arrays(project.weights)
    assert torch.equal(program.module()(x), model.eval()(x))


@pytest.mark.parametrize("argv, message", [
    (["export", "nope", "--format", "onnx", "--out", "m.onnx"], "no preset called 'nope'"),
    (["export", "circle", "--format", "csv", "--out", "."], "is a folder"),
])
def test_export_errors_are_one_line_with_status_2(tmp_path, monkeypatch, capsys, argv,
                                                  message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_export_needs_a_known_format(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["export", "circle", "--format", "zip", "--out", "m.zip"])
    assert stop.value.code == 2
    assert "invalid choice: 'zip'" in capsys.readouterr().err
