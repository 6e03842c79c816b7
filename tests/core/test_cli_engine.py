"""`playground train --engine`: which engine ran is in metrics.json, and both agree."""

import json

import numpy as np

from playground.cli import main
from playground.core.project import load_project


def train(tmp_path, engine: str, source: str = "circle") -> dict:
    out = tmp_path / engine
    assert main(["train", source, "--epochs", "10", "--engine", engine, "--out", str(out)]) == 0
    return json.loads((out / "metrics.json").read_text())


def test_metrics_say_which_engine_ran_and_how_fast(tmp_path, capsys):
    fast, torch = train(tmp_path, "fast"), train(tmp_path, "torch")
    assert (fast["engine"], torch["engine"]) == ("fast", "torch")
    assert fast["epochs_per_second"] > 0 and "fast engine" in capsys.readouterr().out
    assert abs(fast["test_loss"] - torch["test_loss"]) <= 1e-4 * torch["test_loss"]
    weights = [load_project(tmp_path / e / "project.playground").weights
               for e in ("fast", "torch")]
    assert "engine" not in load_project(tmp_path / "fast" / "project.playground").metrics
    for key, value in weights[1].items():
        assert np.allclose(weights[0][key], value, rtol=1e-4, atol=1e-6)


def test_auto_trains_dense_chains_fast_and_the_rest_with_pytorch(tmp_path):
    assert train(tmp_path, "auto")["engine"] == "fast"
    assert train(tmp_path, "auto", "perceptron-xor")["engine"] == "torch"


def test_asking_for_the_fast_engine_where_it_cannot_train_is_a_user_error(tmp_path, capsys):
    assert main(["train", "parity-rnn", "--engine", "fast", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot use the fast engine: it ") and "--engine" in err
    assert len(err.strip().splitlines()) == 1
