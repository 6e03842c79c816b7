"""Sequence data sets: the next value of a sine, the parity of bits, remembering the first bit."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.datasets import DATASETS, DataConfig, DataConfigError, Dataset, make_dataset

SEQUENCE_SETS = ("sine-next", "parity", "remember-first")


def build(name: str, **kwargs: object) -> Dataset:
    return make_dataset(DataConfig(name=name, **kwargs))  # type: ignore[arg-type]


def inputs_and_targets(data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate([data.x_train, data.x_test])[:, :, 0],
            np.concatenate([data.y_train, data.y_test]))


@pytest.mark.parametrize("name", SEQUENCE_SETS)
@pytest.mark.parametrize("length", [2, 8, 50])
def test_sequences_are_time_steps_by_one_feature(name: str, length: int) -> None:
    data = build(name, n_samples=60, length=length, noise=10)
    assert DATASETS[name].kind == data.kind == "sequence"
    assert data.x_train.shape[1:] == (length, 1) and data.x_train.dtype == np.float32
    assert len(data.x_train) + len(data.x_test) == 60
    assert len(data.x_train) == 30 if name == "sine-next" else 15 <= len(data.x_train) <= 45
    assert data.info.input_shape == data.input_shape == (length, 1)
    assert data.points_train.shape == (0, 2) and not data.plottable
    if name == "sine-next":
        assert data.task == "regression" and data.y_train.shape == (len(data.x_train), 1)
        assert data.labels_train is None
    else:
        assert data.task == "binary" and data.y_train.dtype == np.int64
        assert np.array_equal(data.labels_train, data.y_train)


@pytest.mark.parametrize("name", SEQUENCE_SETS)
def test_sequences_follow_the_seed(name: str) -> None:
    first, again, other = build(name, seed=3), build(name, seed=3), build(name, seed=4)
    assert first.x_train.tobytes() == again.x_train.tobytes()
    assert first.y_train.tobytes() == again.y_train.tobytes()
    assert not np.array_equal(first.x_train, other.x_train)


def test_parity_is_one_when_the_number_of_ones_is_odd() -> None:
    signs, labels = inputs_and_targets(build("parity", n_samples=400, length=7))
    assert set(np.unique(signs)) == {-1.0, 1.0}  # +1 for a one, −1 for a zero
    assert np.array_equal(labels, (signs > 0).sum(axis=1) % 2)
    assert 0.4 < labels.mean() < 0.6


def test_remember_first_is_labelled_by_the_first_bit_however_long() -> None:
    signs, labels = inputs_and_targets(build("remember-first", n_samples=400, length=120))
    assert signs.shape[1] == 120
    assert np.array_equal(labels, signs[:, 0] > 0)
    assert 0.4 < labels.mean() < 0.6


def test_the_next_sine_value_continues_the_window() -> None:
    # A sampled sine obeys x[t+1] = 2 cos(ω) x[t] − x[t−1]; the target is the next step.
    windows, targets = inputs_and_targets(build("sine-next", n_samples=50, length=10))
    for window, target in zip(windows.astype(np.float64), targets[:, 0], strict=True):
        middle = window[1:-1]
        two_cos = np.dot(window[2:] + window[:-2], middle) / np.dot(middle, middle)
        assert np.allclose(window[2:], two_cos * middle - window[:-2], atol=1e-5)
        assert target == pytest.approx(two_cos * window[-1] - window[-2], abs=1e-4)


def test_noise_jitters_the_inputs_but_not_the_labels() -> None:
    clean, noisy = build("parity", n_samples=2000), build("parity", n_samples=2000, noise=20)
    assert np.array_equal(clean.y_train, noisy.y_train)
    assert np.std(noisy.x_train - clean.x_train) == pytest.approx(0.2, rel=0.1)


def test_length_is_checked_and_ignored_by_other_sets() -> None:
    for bad in (1, 201, 2.5, "8"):
        with pytest.raises(DataConfigError, match=r"length.*\[2, 200\]"):
            DataConfig(name="parity", length=bad)  # type: ignore[arg-type]
    assert np.array_equal(build("circle", length=50).x_train, build("circle").x_train)


def test_autoencoding_a_sequence_targets_its_steps() -> None:
    data = build("parity", n_samples=40, length=5, autoencode=True)
    assert data.task == "regression" and data.output_dim == 5
    assert np.array_equal(data.y_train, data.x_train[:, :, 0])
    assert data.labels_train is not None


def test_old_data_settings_load_with_the_new_settings_at_their_defaults() -> None:
    old = {"name": "spiral", "n_samples": 300, "noise": 5.0, "train_fraction": 0.5,
           "seed": 2, "features": ["x1", "x2"]}
    config = DataConfig.from_dict(old)
    assert (config.length, config.autoencode) == (8, False)
    new = DataConfig(name="remember-first", length=40, autoencode=True)
    assert DataConfig.from_dict(new.to_dict()) == new
    with pytest.raises(DataConfigError, match="autoencode: expected true or false"):
        DataConfig.from_dict({"autoencode": "yes"})


def _strings(x: np.ndarray) -> set[tuple[bool, ...]]:
    return {tuple(row) for row in x[:, :, 0] > 0}


@pytest.mark.parametrize("name", ["parity", "remember-first"])
@pytest.mark.parametrize("length", [3, 10])
def test_bit_strings_are_split_so_no_test_string_occurs_in_training(name: str,
                                                                     length: int) -> None:
    """10 bits give 1024 strings: 2000 samples repeat most of them."""
    data = build(name, n_samples=2000, length=length)
    assert not _strings(data.x_train) & _strings(data.x_test)
    assert abs(len(data.x_train) - 1000) <= 2000 / 2 ** length + 10  # close to the share
    assert "no test string occurs in training" in data.split_note
    assert build("sine-next").split_note == ""
