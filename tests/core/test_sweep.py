"""Sweeps: one setting, many values, every variant trained in parallel, one row each."""

import csv
import json

import pytest

from playground.cli import main
from playground.core.presets import load_preset
from playground.core.sweep import SweepError, SweepRun, parse_assignment, variants
from playground.core.training.factory import make_trainer


@pytest.fixture(scope="module")
def circle():
    return load_preset("circle")


def test_an_assignment_lists_the_values_as_numbers_or_words():
    assert parse_assignment("learning_rate=0.001, 0.01,1") == ("learning_rate", [0.001, 0.01, 1])
    assert parse_assignment("activation=tanh,relu") == ("activation", ["tanh", "relu"])
    with pytest.raises(SweepError, match="SETTING=VALUE"):
        parse_assignment("learning_rate")


def test_each_setting_changes_what_it_names(circle):
    units = variants(circle, "dense_1.units", [3, 6])
    assert [v.network["layers"][1]["params"]["units"] for v in units] == [3, 6]
    activation = variants(circle, "activation", ["relu"])[0].network["layers"]
    assert [layer["params"].get("activation") for layer in activation[1:3]] == ["relu", "relu"]
    seeds = variants(circle, "seed", [1, 2], epochs=7)
    assert [(v.config.seed, v.config.epochs) for v in seeds] == [(1, 7), (2, 7)]
    rates = variants(circle, "regularization_rate", [0.01])  # the project has no penalty
    assert rates[0].config.regularization == "l2"


def test_a_bad_setting_or_value_says_what_to_use(circle):
    with pytest.raises(SweepError, match="cannot sweep 'colour'.*dense_1.units"):
        variants(circle, "colour", [1])
    with pytest.raises(SweepError, match="activation = 'wiggly'"):
        variants(circle, "activation", ["wiggly"])
    with pytest.raises(SweepError, match="learning_rate = -1"):
        variants(circle, "learning_rate", [0.1, -1])


def test_every_variant_trains_as_it_would_alone(circle):
    todo = variants(circle, "learning_rate", [0.01, 0.1, 0.3], epochs=20)
    sweep = SweepRun(todo, circle.dataset(), "learning_rate", processes=2)
    results = sorted(sweep, key=lambda r: r.index)
    assert sweep.processes == 2  # as asked
    assert [r.value for r in results] == [0.01, 0.1, 0.3]
    for variant, result in zip(todo, results, strict=True):
        alone = make_trainer(circle.network, circle.dataset(), variant.config)
        record = alone.train().record
        assert result.test_loss == pytest.approx(record.test_loss, rel=1e-6)
        assert result.epochs == 20 and result.engine == "fast"


def test_a_small_sweep_trains_in_one_process_and_says_so(circle):
    sweep = SweepRun(variants(circle, "seed", [1, 2, 3], epochs=5), circle.dataset(), "seed")
    assert sorted(r.value for r in sweep) == [1, 2, 3]
    assert sweep.processes == 1  # starting worker processes would cost more than the work


def test_the_command_writes_one_row_per_variant(tmp_path, capsys):
    assert main(["sweep", "circle", "--set", "seed=1,2,3", "--epochs", "5",
                 "--out", str(tmp_path)]) == 0
    rows = list(csv.DictReader((tmp_path / "sweep.csv").open()))
    assert [row["value"] for row in rows] == ["1", "2", "3"]
    assert len({row["test_loss"] for row in rows}) == 3  # the seed matters
    document = json.loads((tmp_path / "sweep.json").read_text())
    assert document["setting"] == "seed" and len(document["rows"]) == 3
    assert "Best: seed = " in capsys.readouterr().out


def test_a_bad_sweep_is_one_line_of_error(tmp_path, capsys):
    assert main(["sweep", "circle", "--set", "units=4", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot sweep 'units'") and len(err.strip().splitlines()) == 1
