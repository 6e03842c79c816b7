"""The autoencoder, convolution and recurrent presets deliver what their descriptions promise.

Each trains with its own settings (seed 0), as `playground train NAME` does.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from playground.core.datasets import make_dataset
from playground.core.presets import LECTURE_ORDER, load_preset
from playground.core.training.factory import make_trainer

DEEP = ("autoencoder-line", "digits-autoencoder", "bars-cnn", "digits-cnn", "sine-rnn",
        "parity-rnn", "parity-lstm")


def train(name: str, **training: object):
    project = load_preset(name)
    config = project.training.replace(**training) if training else project.training
    run = make_trainer(project.network, make_dataset(project.data), config)
    return run, run.train()


def test_the_deep_presets_follow_the_earlier_ones_in_lecture_order() -> None:
    assert LECTURE_ORDER[-len(DEEP):] == DEEP


@pytest.mark.parametrize(("name", "accuracy"), [("bars-cnn", 0.95), ("digits-cnn", 0.95)])
def test_convolution_presets_classify_the_images(name: str, accuracy: float) -> None:
    started = time.perf_counter()
    _, last = train(name)
    assert last.record.test_accuracy >= accuracy
    assert time.perf_counter() - started < 60


def test_the_line_autoencoder_keeps_everything_in_one_number() -> None:
    run, last = train("autoencoder-line")
    targets = run.dataset.y_test
    assert last.record.test_loss < 1e-3 * 0.5 * np.square(targets - targets.mean(0)).sum(1).mean()
    code = run.model.trace(torch.as_tensor(run.dataset.x_test))["dense_1"].detach().numpy()
    assert abs(np.corrcoef(code[:, 0], run.dataset.x_test[:, 0])[0, 1]) > 0.999


def test_the_digits_autoencoder_beats_the_best_linear_two_number_code() -> None:
    run, last = train("digits-autoencoder")
    data = run.dataset
    mean = data.y_train.mean(axis=0)
    _, _, components = np.linalg.svd(data.y_train - mean, full_matrices=False)
    plane = components[:2]
    pca = (data.y_test - mean) @ plane.T @ plane + mean
    pca_loss = 0.5 * np.square(data.y_test - pca).sum(axis=1).mean()
    assert last.record.test_loss < pca_loss
    codes = run.model.trace(torch.as_tensor(data.x_test))["dense_2"]
    assert codes.shape == (len(data.x_test), 2)  # a 2-D latent space, coloured by class
    assert data.labels_test is not None


def test_the_sine_rnn_predicts_far_better_than_repeating_the_last_value() -> None:
    run, last = train("sine-rnn")
    data = run.dataset
    repeat_loss = 0.5 * np.square(data.x_test[:, -1, 0] - data.y_test[:, 0]).mean()
    assert last.record.test_loss < 0.1 * repeat_loss


def test_the_lstm_remembers_over_a_distance_where_the_plain_rnn_does_not() -> None:
    rnn, lstm = load_preset("parity-rnn"), load_preset("parity-lstm")
    assert rnn.data == lstm.data and rnn.training == lstm.training
    assert [layer.kind for layer in rnn.network.layers][1] == "RNN"
    assert [layer.kind for layer in lstm.network.layers][1] == "LSTM"
    assert train("parity-rnn")[1].record.test_accuracy < 0.55  # test strings are unseen ones
    assert train("parity-lstm")[1].record.test_accuracy >= 0.95
