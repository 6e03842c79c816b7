"""The command-line contract: presets, train, eval, and one-line errors with status 2."""

import json
import subprocess
import sys

import pytest

from playground.cli import main
from playground.core.project import load_project

METRIC_KEYS = {"train_loss", "test_loss", "train_accuracy", "test_accuracy", "epochs", "steps",
               "train_seconds", "stop_reason", "history"}


def test_presets_lists_names_with_titles(capsys):
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    circle = next(line for line in lines if line.startswith("circle "))
    assert "TensorFlow Playground" in circle
    assert len(lines) >= 11


def test_train_writes_a_trained_project_and_metrics(tmp_path, capsys):
    assert main(["train", "gauss", "--epochs", "3", "--seed", "5", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert METRIC_KEYS <= set(metrics)
    assert metrics["epochs"] == 3 and metrics["stop_reason"] == "max_epochs"
    assert [r["epoch"] for r in metrics["history"]] == [1, 2, 3]
    project = load_project(tmp_path / "project.playground")
    assert project.training.seed == 5 and project.weights is not None
    out = capsys.readouterr()
    assert "test accuracy" in out.out and out.err == ""  # no progress bar when piped


def test_eval_prints_metrics_of_the_saved_weights(tmp_path, capsys):
    main(["train", "gauss", "--epochs", "2", "--out", str(tmp_path)])
    trained = json.loads((tmp_path / "metrics.json").read_text())
    capsys.readouterr()
    assert main(["eval", str(tmp_path / "project.playground")]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["test_loss"] == pytest.approx(trained["test_loss"], rel=1e-6)
    assert metrics["steps"] == 0


def test_eval_of_the_handset_network_is_exact(capsys):
    assert main(["eval", "xor-handset"]) == 0
    assert json.loads(capsys.readouterr().out)["train_accuracy"] == 1.0


@pytest.mark.parametrize(("args", "message"), [
    (["train", "no-such-preset"], "error: there is no preset called 'no-such-preset'"),
    (["eval", "missing/file.playground"], "error: file.playground: no such file"),
    (["train", "circle", "--epochs", "0"], "error: training settings: 'epochs' = 0 is out"),
])
def test_user_errors_exit_2_with_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_damaged_project_file_is_a_user_error(tmp_path, capsys):
    bad = tmp_path / "broken.playground"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["eval", str(bad)]) == 2
    assert "damaged or incomplete" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli_without_a_traceback():
    done = subprocess.run([sys.executable, "-m", "playground", "train", "nope"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "Traceback" not in done.stderr
