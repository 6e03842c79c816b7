"""Export: weights, ONNX, torch.export and the standalone script give the network's outputs."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.core.datafit import fit_to_data
from playground.core.datasets import DataConfig, make_dataset
from playground.core.export import FORMATS, ExportError, export
from playground.core.model import build_model
from playground.core.presets import load_preset, preset_names
from playground.core.project import Project
from playground.core.spec import NetworkSpec, sequential
from playground.core.training.engine import Trainer
from playground.core.training.history import History
from playground.core.training.snapshots import EpochRecord


def _project(spec: NetworkSpec, data: str, length: int = 8, **training) -> Project:
    """A trained-looking project: the spec fitted to `data`, with non-initial weights."""
    config = DataConfig(name=data, n_samples=40, length=length)
    fit_to_data(spec, make_dataset(config))
    project = Project(spec, config)
    project.training = project.training.replace(**training)
    model = build_model(spec, seed=7)
    project.weights = model.state_arrays()
    return project


def mlp_step() -> Project:
    spec = sequential(("Input", {}), ("Dense", {"units": 5, "activation": "relu"}),
                      ("Dense", {"units": 4, "activation": "step"}),
                      ("Dense", {"units": 3, "activation": "step", "straight_through": True}),
                      ("Output", {}))
    return _project(spec, "xor")


def cnn() -> Project:
    spec = sequential(("Input", {}),
                      ("Conv2d", {"filters": 3, "padding_mode": "same"}), ("MaxPool2d", {}),
                      ("BatchNorm", {}), ("Conv2d", {"filters": 2, "activation": "leaky_relu"}),
                      ("AvgPool2d", {"kernel": 1, "stride": 1}), ("Flatten", {}),
                      ("Dropout", {"rate": 0.3}), ("Dense", {"units": 6, "activation": "sigmoid"}),
                      ("Output", {}))
    return _project(spec, "digits", optimizer="adam", regularization="l2",
                    regularization_rate=0.001)


def rnn() -> Project:
    spec = sequential(("Input", {}), ("RNN", {"units": 4, "return_sequences": True}),
                      ("GRU", {"units": 3, "return_sequences": True, "activation": "relu"}),
                      ("LSTM", {"units": 5}), ("Output", {}))
    return _project(spec, "sine-next", optimizer="momentum", regularization="l1",
                    regularization_rate=0.001)


def merge() -> Project:
    """A residual graph whose ids are not Python names: 'in-1', 'x', '2nd', 'class'."""
    spec = NetworkSpec()
    spec.add_layer("Input", layer_id="in-1")
    spec.add_layer("Dense", {"units": 4}, layer_id="x")
    spec.add_layer("Dense", {"units": 4, "activation": "linear"}, layer_id="2nd")
    spec.add_layer("Add", layer_id="class")
    spec.add_layer("Concat", layer_id="join")
    spec.add_layer("BatchNorm", layer_id="norm")
    spec.add_layer("Output", {"units": 3, "task": "multiclass", "loss": "squared_error",
                              "activation": "sigmoid"}, layer_id="out")
    spec.chain("in-1", "x", "2nd", "class", "join", "norm", "out")
    spec.connect("x", "class")
    spec.connect("x", "join")
    return _project(spec, "spiral")


def recurrent() -> Project:
    """A small recurrent net on short sequences (an RNN into an LSTM of step units), for the
    slower exporters, whose time grows with the number of steps unrolled."""
    spec = sequential(("Input", {}), ("RNN", {"units": 3, "return_sequences": True}),
                      ("LSTM", {"units": 4, "activation": "step"}), ("Output", {}))
    return _project(spec, "parity", length=4)


PROJECTS = {"mlp": mlp_step, "cnn": cnn, "rnn": rnn, "merge": merge, "recurrent": recurrent}


def reference(project: Project, x: np.ndarray) -> np.ndarray:
    model = build_model(project.network, project.training.seed)
    if project.weights is not None:
        model.load_state_arrays(project.weights)
    with torch.no_grad():
        return model.eval()(torch.from_numpy(x)).numpy()


def inputs(project: Project, batch: int) -> np.ndarray:
    shape = project.network.of_kind("Input")[0].params["shape"]
    return np.random.default_rng(batch).normal(size=(batch, *shape)).astype(np.float32)


def import_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", PROJECTS)
def test_state_dict_loads_without_unpickling_code_and_fits_the_script(tmp_path, name):
    project = PROJECTS[name]()
    result = export(project, "state_dict", tmp_path / "w.pt")
    state = torch.load(result.path, weights_only=True)
    assert "weights_only=True" in result.message and str(result.path) in result.message
    net = import_script(export(project, "script", tmp_path / "net.py").path).Net()
    net.load_state_dict(state)  # every name and shape fits
    x = inputs(project, 5)
    with torch.no_grad():
        assert np.allclose(net.eval()(torch.from_numpy(x)).numpy(), reference(project, x),
                           atol=1e-6)


@pytest.mark.parametrize("name", ["mlp", "cnn", "recurrent"])
def test_onnx_matches_pytorch_for_any_batch_size(tmp_path, name):
    onnxruntime = pytest.importorskip("onnxruntime")
    project = PROJECTS[name]()
    result = export(project, "onnx", tmp_path / "model")
    assert result.path == tmp_path / "model.onnx"
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]  # one file, no temporaries
    session = onnxruntime.InferenceSession(str(result.path))
    for batch in (1, 7):
        x = inputs(project, batch)
        (y,) = session.run(None, {"x": x})
        assert np.abs(y - reference(project, x)).max() <= 1e-5


def test_onnx_says_how_to_install_it_when_missing(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxscript" else real(name, *a))
    with pytest.raises(ExportError, match=r"pip install 'nn-playground\[export\]'"):
        export(mlp_step(), "onnx", tmp_path / "m.onnx")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("preset", ["xor-handset", "digits-cnn", "sine-rnn"])
def test_onnx_of_an_mlp_a_cnn_and_an_rnn_preset(tmp_path, preset):
    """(The LSTM presets' 30 time steps take the exporter half a minute: the `recurrent`
    network above checks an LSTM in a few seconds.)"""
    onnxruntime = pytest.importorskip("onnxruntime")
    project = load_preset(preset)
    session = onnxruntime.InferenceSession(str(export(project, "onnx", tmp_path / "m").path))
    for batch in (1, 7):
        x = inputs(project, batch)
        assert np.abs(session.run(None, {"x": x})[0] - reference(project, x)).max() <= 1e-5


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_exports_as_a_script_that_predicts_like_it(tmp_path, preset):
    project = load_preset(preset)
    module = import_script(export(project, "script", tmp_path / "net.py").path)
    x = inputs(project, 5)
    assert np.allclose(module.predict(x), reference(project, x), atol=1e-6)


@pytest.mark.parametrize("name", ["mlp", "recurrent"])
def test_pt2_program_loads_back_and_matches(tmp_path, name):
    project = PROJECTS[name]()
    result = export(project, "pt2", tmp_path / "m.pt2")
    program = torch.export.load(result.path)
    for batch in (1, 4):
        x = inputs(project, batch)
        y = program.module()(torch.from_numpy(x)).detach().numpy()
        assert np.allclose(y, reference(project, x), atol=1e-6)
    assert "torch.export.load" in result.message


@pytest.mark.parametrize("name", PROJECTS)
def test_script_predicts_like_the_playground(tmp_path, name):
    project = PROJECTS[name]()
    result = export(project, "script", tmp_path / "net.py")
    assert {p.name for p in tmp_path.iterdir()} == {"net.py", "net.pt", "net-data.npz"}
    module = import_script(result.path)
    x = inputs(project, 6)
    assert np.allclose(module.predict(x), reference(project, x), atol=1e-6)
    code = result.path.read_text()
    assert "import playground" not in code and "from playground" not in code


def test_script_is_readable_code(tmp_path):
    code = export(merge(), "script", tmp_path / "net.py").path.read_text()
    assert "self.x_layer = nn.Linear(2, 4)" in code  # the ids as names, made Python-safe
    assert "class_layer = layer_2nd + x_layer" in code
    assert "torch.cat([class_layer, x_layer], dim=1)" in code
    assert "self.norm = nn.BatchNorm1d(8)" in code
    code = export(rnn(), "script", tmp_path / "rnn.py").path.read_text()
    assert "class LSTMLayer(Recurrent)" in code and "class RNNLayer(Recurrent)" in code
    assert "class GRULayer(Recurrent)" in code
    assert "HeavisideStep" not in code  # only the pieces this network uses
    for name in PROJECTS:
        export(PROJECTS[name](), "script", tmp_path / f"{name}.py")
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
                           "--line-length", "100", "--select", "E,F,W,B", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0, lint.stdout  # no unused imports, no long lines


@pytest.mark.parametrize("name", ["mlp", "cnn", "rnn"])
def test_script_continues_training_with_the_project_settings(tmp_path, name):
    project = PROJECTS[name]()
    result = export(project, "script", tmp_path / "net.py")
    module = import_script(result.path)
    before = module.predict(inputs(project, 3))
    lines: list[str] = []
    losses = module.train(epochs=4, log=lines.append)
    assert losses[-1] < losses[0]
    assert "not saved" in lines[-1]
    assert np.allclose(module.predict(inputs(project, 3)), before)  # net.pt is left alone
    fresh = [line for line in lines if "fresh" in line]
    assert len(fresh) == (project.training.optimizer != "sgd")  # it says Adam restarts
    module.train(epochs=4, save=tmp_path / "net.pt", log=lines.append)
    assert lines[-1] == f"saved the weights to {tmp_path / 'net.pt'}"
    assert not np.allclose(module.predict(inputs(project, 3)), before)  # the file was updated


def test_script_trains_like_the_playground_for_full_batches(tmp_path):
    """With the whole training set as one batch there is no sample order: the script's
    first epoch's loss is the playground trainer's."""
    project = load_preset("circle")
    project.training = project.training.replace(batch_size=0, epochs=3)
    module = import_script(export(project, "script", tmp_path / "net.py").path)
    losses = module.train(epochs=3, log=lambda _: None)
    trainer = Trainer(project.network, make_dataset(project.data), project.training)
    trainer.train()
    assert np.allclose(losses, [r.batch_loss for r in trainer.history], rtol=1e-4)


def test_script_embeds_user_text_only_as_literals(tmp_path):
    project = mlp_step()
    project.title = "\nimport os; os.system('touch pwned')#\"\"\"'''"
    project.description = "\r\nraise SystemExit('described')"
    result = export(project, "script", tmp_path / "evil.py")
    code = result.path.read_text()
    assert "\nimport os;" not in code and "raise SystemExit" not in code
    compile(code, str(result.path), "exec")
    import_script(result.path)
    assert not (Path.cwd() / "pwned").exists() and not (tmp_path / "pwned").exists()
    assert repr(project.title) in code


@pytest.mark.slow
def test_script_trains_with_distributed_data_parallel_under_torchrun(tmp_path):
    """Two CPU processes with gloo: two epochs, then the weights are saved once. (And the
    script explains itself with --help.)"""
    project = load_preset("circle")
    path = export(project, "script", tmp_path / "net.py").path
    done = subprocess.run([sys.executable, str(path), "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "predict" in done.stdout and "train" in done.stdout
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}
    env["OMP_NUM_THREADS"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         str(path), "train", "--epochs", "2", "--save", str(tmp_path / "ddp.pt")],
        capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("epoch 2/2") == 1  # only rank 0 reports
    state = torch.load(tmp_path / "ddp.pt", weights_only=True)
    assert set(state) == set(torch.load(tmp_path / "net.pt", weights_only=True))


def test_script_gives_each_gpu_process_its_own_device(tmp_path):
    """Under torchrun with NCCL every process selects the GPU of its LOCAL_RANK before it
    builds the model (else all of them would share cuda:0)."""
    code = export(load_preset("circle"), "script", tmp_path / "net.py").path.read_text()
    assert 'torch.cuda.set_device(device)' in code
    assert code.index("torch.cuda.set_device") < code.index("load_model(weights, device)")


def test_csv_history_and_metrics(tmp_path):
    project = load_preset("circle")
    history = [EpochRecord(1, 25, 0.5, 0.6, None, 0.7, 0.1),
               EpochRecord(2, 50, 0.4, None, None, None, 0.2)]
    result = export(project, "csv", tmp_path / "run.csv", history)
    rows = list(csv.DictReader(result.path.open()))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert rows[0]["test_accuracy"] == "0.7" and rows[1]["test_loss"] == ""
    (metrics,) = result.files
    values = {r["metric"]: r["value"] for r in csv.DictReader(metrics.open())}
    assert set(values) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert 0.0 <= float(values["test_accuracy"]) <= 1.0
    assert str(result.path) in result.message and "no trained weights" in result.message


def test_csv_of_a_thinned_history_says_what_it_holds(tmp_path):
    history = History((EpochRecord(e, e, None, None, None, None, 0.0, batch_loss=1.0 / e)
                       for e in range(1, 501)), recent=100, stretches=10)
    result = export(load_preset("circle"), "csv", tmp_path / "run.csv", history)
    rows = list(csv.DictReader(result.path.open()))
    assert len(rows) == len(history) < 500 and rows[-1]["epoch"] == "500"
    assert "thinned: every epoch from" in result.message
    (metrics,) = result.files
    values = {r["metric"]: r["value"] for r in csv.DictReader(metrics.open())}
    assert values["history_kept"].startswith("every epoch from")


def test_every_format_says_where_it_wrote(tmp_path):
    project = mlp_step()
    for fmt, info in FORMATS.items():
        if fmt == "onnx":
            continue  # slow; covered above
        result = export(project, fmt, tmp_path / fmt)
        assert result.path == tmp_path / f"{fmt}{info.suffix}" and result.path.is_file()
        assert str(result.path) in result.message
        assert "no trained weights" not in result.message


def test_failures_say_why(tmp_path):
    project = mlp_step()
    with pytest.raises(ExportError, match="unknown export format 'zip'"):
        export(project, "zip", tmp_path / "a")
    with pytest.raises(ExportError, match="is a folder"):
        export(project, "state_dict", tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="cannot write"):
        export(project, "state_dict", blocker / "w.pt")
    broken = Project(sequential(("Input", {}), ("Dense", {})))
    with pytest.raises(ExportError, match="no Output"):
        export(broken, "state_dict", tmp_path / "w.pt")
    mismatched = mlp_step()
    mismatched.data = DataConfig(name="digits", n_samples=20)
    for fmt in ("script", "csv"):
        with pytest.raises(ExportError, match="data cannot be used with its network: Input"):
            export(mismatched, fmt, tmp_path / "s")
