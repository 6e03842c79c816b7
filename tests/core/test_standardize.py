"""Imported tables are standardised by default with the training split's statistics, the
switch is stored in the project, and every export takes raw inputs."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.datasets.imports import load_path
from playground.core.export import export
from playground.core.project import Project, load_project, save_project
from playground.core.spec import sequential
from playground.core.training.engine import Trainer
from tests.core.tabular_sets import diabetes_like, wine_like


def _project(csv: Path, standardize: bool = True, epochs: int = 30) -> Project:
    project = Project(sequential(("Input", {}), ("Dense", {"units": 8}), ("Output", {})))
    project.import_data(load_path(csv))
    project.data = replace(project.data, standardize=standardize)
    project.training = project.training.replace(epochs=epochs)
    return project


def _trained(project: Project) -> tuple[Project, Trainer]:
    trainer = Trainer(project.network, project.dataset(), project.training)
    trainer.train()
    project.weights = trainer.weights()
    return project, trainer


def _raw_r2(project: Project, trainer: Trainer) -> float:
    """R² on the test split, with predictions and targets on the targets' own scale."""
    dataset = project.dataset()
    with torch.no_grad():
        predicted = trainer.model.eval()(torch.from_numpy(dataset.x_test)).numpy()
    actual, train = dataset.y_test, dataset.y_train
    if dataset.scaling is not None:
        predicted, actual, train = (dataset.scaling.raw_targets(a)
                                    for a in (predicted, actual, train))
    return 1 - float(((predicted - actual) ** 2).mean() / ((actual - train.mean()) ** 2).mean())


def test_the_statistics_come_from_the_training_split_alone(tmp_path):
    project = Project(sequential(("Input", {}), ("Dense", {"units": 8}), ("Output", {})))
    changes = project.import_data(load_path(wine_like(tmp_path / "wine.csv")))
    assert project.data.standardize  # the default for imported data, and it says so
    assert any(c.startswith("Standardised the features with the training split's mean")
               for c in changes)
    scaled = project.dataset()
    raw = replace(project, data=replace(project.data, standardize=False)).dataset()
    np.testing.assert_allclose(scaled.scaling.input_mean, raw.x_train.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scaled.scaling.input_std, raw.x_train.std(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scaled.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(scaled.x_train.std(axis=0), 1, atol=1e-4)
    assert np.abs(scaled.x_test.mean(axis=0)).max() > 1e-3  # the test split is not refitted
    np.testing.assert_allclose(scaled.scaling.inputs(raw.x_test), scaled.x_test, atol=1e-5)


def test_standardising_wine_turns_a_guess_into_a_classifier(tmp_path):
    csv = wine_like(tmp_path / "wine.csv")
    raw = _trained(_project(csv, standardize=False))[1].metrics()["test_accuracy"]
    scaled = _trained(_project(csv))[1].metrics()["test_accuracy"]
    assert scaled >= 0.9 and raw <= scaled - 0.3, (raw, scaled)


def test_standardised_regression_beats_the_mean_where_raw_values_do_not(tmp_path):
    csv = diabetes_like(tmp_path / "diabetes.csv")
    raw = _raw_r2(*_trained(_project(csv, standardize=False)))
    scaled = _raw_r2(*_trained(_project(csv)))
    assert scaled > 0.35 and raw < 0.1, (raw, scaled)
    dataset = _project(csv).dataset()
    assert dataset.scaling.scales_targets
    np.testing.assert_allclose(dataset.y_train.mean(), 0, atol=1e-5)


def _in_app(project: Project, x_raw: np.ndarray) -> np.ndarray:
    """What the playground's model answers for raw inputs, on the targets' own scale."""
    dataset = project.dataset()
    trainer = Trainer(project.network, dataset, project.training, project.weights)
    with torch.no_grad():
        y = trainer.model.eval()(torch.from_numpy(dataset.scaling.inputs(x_raw))).numpy()
    return dataset.scaling.raw_targets(y)


@pytest.mark.parametrize("maker", [wine_like, diabetes_like])
def test_every_export_takes_raw_inputs_and_agrees_with_the_app(tmp_path, maker):
    onnxruntime = pytest.importorskip("onnxruntime")
    project, _ = _trained(_project(maker(tmp_path / "data.csv"), epochs=3))
    x = load_path(tmp_path / "data.csv").x[:9].astype(np.float32)  # raw rows of the file
    expected = _in_app(project, x)
    if project.dataset().task == "regression":
        assert np.abs(expected).mean() > 20  # raw-scale progression values, not z-scores
    result = export(project, "onnx", tmp_path / "m.onnx")
    session = onnxruntime.InferenceSession(str(result.path))
    np.testing.assert_allclose(session.run(None, {"x": x})[0], expected, rtol=1e-4, atol=1e-4)
    assert "takes raw inputs" in result.message
    program = torch.export.load(export(project, "pt2", tmp_path / "m.pt2").path)
    np.testing.assert_allclose(program.module()(torch.from_numpy(x)).detach().numpy(),
                               expected, rtol=1e-4, atol=1e-4)
    path = export(project, "script", tmp_path / "net.py").path
    spec = importlib.util.spec_from_file_location(f"scaled_{maker.__name__}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    np.testing.assert_allclose(module.predict(x), expected, rtol=1e-4, atol=1e-4)
    with np.load(tmp_path / "net-data.npz") as data:  # the data beside it are raw
        assert np.abs(data["x_train"].mean(axis=0)).max() > 100
    assert module.train(epochs=1, log=lambda _: None)  # it trains on them, standardised
    note = export(project, "state_dict", tmp_path / "w.pt").message
    mean = project.dataset().scaling.input_mean
    assert "standardised" in note and f"{float(mean[0]):.7g}" in note


def test_the_switch_is_stored_and_old_files_keep_raw_values(tmp_path):
    project = _project(wine_like(tmp_path / "wine.csv"), standardize=False)
    assert not load_project(save_project(project, tmp_path / "p.playground")).data.standardize
    old = project.to_dict()
    del old["data"]["standardize"]  # a file from before the switch existed
    arrays = {"x": project.imported.x, "y": project.imported.y}
    assert Project.from_dict(old, arrays=arrays).data.standardize is False


@pytest.mark.parametrize(("flag", "expected"), [([], True), (["--no-standardize"], False)])
def test_the_command_line_standardises_unless_told_not_to(tmp_path, capsys, flag, expected):
    csv = wine_like(tmp_path / "wine.csv")
    assert main(["train", "gauss", "--data", str(csv), "--epochs", "2",
                 "--out", str(tmp_path / "run"), *flag]) == 0
    project = load_project(tmp_path / "run" / "project.playground")
    assert project.data.standardize is expected
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["epochs"] == 2


def test_the_command_line_says_when_losses_are_of_standardised_targets(tmp_path, capsys):
    csv = diabetes_like(tmp_path / "diabetes.csv")
    assert main(["train", "reg-plane", "--data", str(csv), "--epochs", "1",
                 "--out", str(tmp_path / "run")]) == 0
    assert "(of standardised targets)" in capsys.readouterr().out


def test_the_decision_plane_of_two_imported_features_is_drawn_in_raw_units(tmp_path):
    csv = tmp_path / "two.csv"
    rng = np.random.default_rng(1)
    rows = [f"{rng.normal(500, 100):.2f},{rng.normal(0.5, 0.1):.4f},{i % 2}" for i in range(40)]
    csv.write_text("area,ratio,label\n" + "\n".join(rows) + "\n")
    project = _project(csv)
    dataset = project.dataset()
    assert dataset.kind == "plane" and dataset.extent[1] > 300  # the plot's axes stay raw
    points, inputs = dataset.grid(5)
    np.testing.assert_allclose(inputs, dataset.scaling.inputs(points), atol=1e-5)
    assert np.abs(inputs).max() < 10  # what the network sees is standardised
