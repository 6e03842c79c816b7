"""The figures the command line reports: the epochs trained, the history as CSV, titles."""

from __future__ import annotations

import csv
import json

from playground.cli import main
from playground.core.presets import list_presets, load_preset
from playground.core.project import load_project


def test_eval_and_a_reopened_project_report_the_epochs_trained(tmp_path, capsys):
    assert main(["train", "gauss", "--epochs", "3", "--out", str(tmp_path)]) == 0
    path = tmp_path / "project.playground"
    assert load_project(path).trained_epochs == 3
    capsys.readouterr()
    assert main(["eval", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["epochs"] == 3
    assert main(["train", str(path), "--epochs", "2", "--out", str(tmp_path / "more")]) == 0
    assert json.loads((tmp_path / "more" / "metrics.json").read_text())["epochs"] == 5
    assert load_preset("gauss").trained_epochs == 0  # no trained weights, no epochs


def test_export_csv_from_the_command_line_writes_one_row_per_epoch(tmp_path, capsys):
    assert main(["train", "circle", "--epochs", "4", "--out", str(tmp_path)]) == 0
    history = json.loads((tmp_path / "metrics.json").read_text())["history"]
    out = tmp_path / "history.csv"
    assert main(["export", str(tmp_path / "project.playground"), "--format", "csv",
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]
    # Every epoch that was evaluated has its figures in the columns; one that was not (the
    # evaluation keeps within a share of the training time) has them empty, never made up.
    for column in ("train_loss", "train_accuracy", "test_loss"):
        written = [float(r[column]) if r[column] else None for r in rows]
        assert written == [r[column] for r in history], column
    assert history[0]["train_accuracy"] is not None and history[-1]["train_accuracy"] is not None
    assert "4 epochs" in capsys.readouterr().out


def test_own_data_replaces_the_presets_title(tmp_path, capsys):
    data = tmp_path / "iris.csv"
    rows = ["sepal,petal,species"] + [f"{5 + i % 3 + i / 100},{1 + i % 3},{'abc'[i % 3]}"
                                      for i in range(30)]
    data.write_text("\n".join(rows) + "\n")
    assert main(["train", "spiral", "--data", str(data), "--epochs", "1",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("iris.csv:") and "Two spirals" not in out.split("\n")[0]
    project = load_project(tmp_path / "project.playground")
    assert project.title == "iris.csv" and "spiral" not in project.hint.lower()


def test_no_preset_promises_noise_it_has_not():
    for info in list_presets():
        if load_preset(info.name).data.noise == 0:
            assert "plus noise" not in info.description, info.name
