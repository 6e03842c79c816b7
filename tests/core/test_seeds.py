"""One seed range everywhere: 0 … 2³¹ − 1 in the data and training settings and the CLI."""

import pytest

from playground.cli import main
from playground.core.datasets import DataConfig, DataConfigError
from playground.core.seeds import MAX_SEED
from playground.core.training.config import TrainConfig, TrainConfigError


def test_the_largest_seed_is_what_a_spin_box_holds():
    assert MAX_SEED == 2**31 - 1
    assert DataConfig(seed=MAX_SEED).seed == TrainConfig(seed=MAX_SEED).seed == MAX_SEED


def test_a_seed_above_the_range_is_refused_with_the_range():
    with pytest.raises(DataConfigError, match=r"seed: 3000000000 is out of range.*2147483647"):
        DataConfig(seed=3_000_000_000)
    with pytest.raises(TrainConfigError, match="2147483647"):
        TrainConfig(seed=3_000_000_000)


def test_the_command_line_refuses_it_in_one_line(tmp_path, capsys):
    assert main(["train", "gauss", "--epochs", "1", "--seed", "3000000000",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "2147483647" in err and len(err.splitlines()) == 1
