"""`playground train SOURCE --data FILE`: train a project's network on the user's own data."""

import json

import numpy as np
import pytest

from playground.cli import main
from playground.core.project import Project, load_project, save_project
from playground.core.spec import sequential
from tests.core.test_imports import IRIS, write_mnist


def test_train_on_a_csv_fits_the_network_and_keeps_the_data(tmp_path, capsys):
    data = tmp_path / "iris.csv"
    data.write_text(IRIS)
    out = tmp_path / "run"
    assert main(["train", "gauss", "--data", str(data), "--epochs", "2", "--out", str(out)]) == 0
    project = load_project(out / "project.playground")
    assert project.data.name == "imported" and project.imported.source == "iris.csv"
    assert project.network.of_kind("Input")[0].params["shape"] == (3,)
    assert project.network.of_kind("Output")[0].params["units"] == 3
    assert json.loads((out / "metrics.json").read_text())["epochs"] == 2
    assert "note: Input shape set to [3]" in capsys.readouterr().err
    assert main(["eval", str(out / "project.playground")]) == 0


def test_csv_options_choose_label_features_and_task(tmp_path, capsys):
    data = tmp_path / "iris.csv"
    data.write_text(IRIS)
    out = tmp_path / "run"
    assert main(["train", "reg-plane", "--data", str(data), "--label", "petal length",
                 "--features", "sepal length,sepal width", "--task", "regression",
                 "--epochs", "1", "--out", str(out)]) == 0
    imported = load_project(out / "project.playground").imported
    assert imported.task == "regression" and imported.kind == "plane"
    assert imported.feature_names == ("sepal length", "sepal width")


def test_train_on_idx_images_with_their_labels(tmp_path):
    images, labels = write_mnist(tmp_path, n=8)
    network = sequential(("Input", {"shape": [1, 2, 2]}), ("Flatten", {}), ("Output", {}))
    source = save_project(Project(network), tmp_path / "flat.playground")
    out = tmp_path / "run"
    assert main(["train", str(source), "--data", str(images), "--labels", str(labels),
                 "--epochs", "1", "--out", str(out)]) == 0
    project = load_project(out / "project.playground")
    assert project.imported.x.shape == (8, 1, 4, 3)
    assert project.network.of_kind("Input")[0].params["shape"] == (1, 4, 3)


def test_train_on_an_npz(tmp_path):
    path = tmp_path / "blobs.npz"
    rng = np.random.default_rng(0)
    np.savez(path, x=rng.normal(size=(40, 2)), y=np.arange(40) % 2)
    out = tmp_path / "run"
    assert main(["train", "gauss", "--data", str(path), "--epochs", "1", "--out", str(out)]) == 0
    assert load_project(out / "project.playground").imported.kind == "plane"


@pytest.mark.parametrize(("args", "message"), [
    (["--data", "{bad}"], 'error: bad.csv: row 3, column 2 ("b"): the value is missing'),
    (["--data", "{npz}", "--label", "y"], "error: --label, --features and --task apply to CSV"),
    (["--task", "binary"],
     "error: --label, --features, --task, --labels and --grey need --data FILE"),
    (["--data", "{missing}"], "error: nothing.csv: no such file or folder"),
])
def test_bad_data_files_are_one_line_errors(tmp_path, capsys, args, message):
    (tmp_path / "bad.csv").write_text("a,b,c\n1,2,0\n3,,1\n")
    np.savez(tmp_path / "d.npz", x=np.zeros((2, 2)), y=np.array([0, 1]))
    paths = {"bad": tmp_path / "bad.csv", "npz": tmp_path / "d.npz",
             "missing": tmp_path / "nothing.csv"}
    args = [a.format(**paths) for a in args]
    assert main(["train", "gauss", *args, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "run").exists()
