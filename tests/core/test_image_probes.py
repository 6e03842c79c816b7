"""Feature maps, filters, the confusion matrix and the output-size rule of a CNN."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest
import torch
from torch.nn import functional

from playground.core.heads import Head
from playground.core.image_probes import confusion, filters, readout
from playground.core.inference import read_image
from playground.core.layers import output_size_text
from playground.core.model import build_model
from playground.core.spec import sequential

CLASSES = {"units": 4, "activation": "softmax", "task": "multiclass", "loss": "cross_entropy"}


def cnn():
    return sequential(("Input", {"shape": [1, 8, 8]}),
                      ("Conv2d", {"filters": 3, "kernel": 3, "padding_mode": "same"}),
                      ("MaxPool2d", {}), ("Flatten", {}), ("Output", CLASSES))


def test_feature_maps_are_the_conv_and_its_activation_of_the_sample():
    spec = cnn()
    model = build_model(spec, seed=1)
    x = torch.rand(1, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    outputs, maps = readout(model, Head.of(spec), x)
    conv = model.nodes["conv2d_1"].transform
    expected = torch.relu(functional.conv2d(x, conv.weight, conv.bias, padding=1))[0]
    assert set(maps) == {"conv2d_1", "maxpool2d_1"}
    np.testing.assert_allclose(maps["conv2d_1"], expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["maxpool2d_1"],
                               functional.max_pool2d(expected, 2).detach().numpy(), atol=1e-6)
    assert outputs.shape == (4,)
    assert np.isclose(outputs.sum(), 1.0, atol=1e-5)  # class probabilities
    assert filters(model)["conv2d_1"].shape == (3, 1, 3, 3)


def test_confusion_matrix_counts_true_against_predicted_classes():
    spec = cnn()
    model = build_model(spec)
    x = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    labels = np.arange(40) % 4
    predicted = model(x).argmax(dim=1).numpy()
    matrix, wrong, wrong_as = confusion(predicted, labels, 4)
    assert matrix.sum() == 40
    assert np.trace(matrix) == int((predicted == labels).sum())
    for i in range(4):
        assert matrix[i].sum() == int((labels == i).sum())
    np.testing.assert_array_equal(wrong, np.flatnonzero(predicted != labels))
    np.testing.assert_array_equal(wrong_as, predicted[wrong])


def test_output_size_rule_is_written_with_the_nodes_numbers():
    same = {"kernel": 3, "stride": 1, "padding_mode": "same", "padding": 0}
    assert output_size_text("Conv2d", same, (1, 8, 8)) == "(8 − 3 + 2·1) / 1 + 1 = 8"
    valid = {"kernel": 5, "stride": 1, "padding_mode": "valid", "padding": 0}
    assert output_size_text("Conv2d", valid, (3, 32, 32)) == "(32 − 5 + 2·0) / 1 + 1 = 28"
    pool = {"kernel": 2, "stride": 2}
    assert output_size_text("MaxPool2d", pool, (4, 7, 6)) == \
        "⌊(7 − 2 + 2·0) / 2⌋ + 1 = 3; (6 − 2 + 2·0) / 2 + 1 = 3"
    assert output_size_text("Dense", {"units": 3}, (4,)) == ""


def test_a_drawing_is_read_with_the_models_weights():
    spec = cnn()
    model, head, cpu = build_model(spec, seed=5), Head.of(spec), torch.device("cpu")
    image = np.zeros((1, 8, 8), dtype=np.float32)
    image[0, 2:6, 3] = 1.0
    outputs, maps = read_image(model, head, (1, 8, 8), image, cpu)
    reference = build_model(spec, seed=5)
    expected = torch.softmax(reference.output_field(torch.from_numpy(image[None])), dim=1)[0]
    np.testing.assert_allclose(outputs, expected.detach().numpy(), rtol=1e-5)
    assert maps["conv2d_1"].shape == (3, 8, 8)
    with pytest.raises(ValueError, match=r"\(1, 8, 8\)"):
        read_image(model, head, (1, 8, 8), np.zeros((8, 8)), cpu)


def test_a_paused_session_answers_a_new_sample_or_a_drawing_at_once():
    from playground.core.datasets import DataConfig, make_dataset
    from playground.core.training.config import TrainConfig
    from playground.core.training.protocol import PROBE, Job, Request
    from playground.core.training.session import _Run

    parent, child = multiprocessing.Pipe()
    dataset = make_dataset(DataConfig(name="digits", n_samples=60))
    spec = sequential(("Input", {"shape": [1, 8, 8]}),
                      ("Conv2d", {"filters": 2, "kernel": 3}), ("Flatten", {}),
                      ("Output", {**CLASSES, "units": 10}))
    run = _Run(1, Job(spec.to_dict(), 1, TrainConfig(), None), dataset, child)
    run.obey(Request(2, PROBE, 7))
    update = parent.recv().payload
    assert update.frame.image.sample_index == 7
    assert update.frame.image.label == dataset.y_test[7]
    drawing = np.zeros((1, 8, 8), dtype=np.float32)
    drawing[0, 4] = 1.0
    run.obey(Request(3, PROBE, drawing))
    update = parent.recv().payload
    assert update.frame.image.sample_index == -1
    np.testing.assert_array_equal(update.frame.image.sample, drawing)


def test_live_frames_count_the_mistakes_again_only_with_a_fresh_evaluation():
    from playground.core.datasets import DataConfig, make_dataset
    from playground.core.probes import make_frame
    from playground.core.training.config import TrainConfig
    from playground.core.training.engine import Trainer

    spec = sequential(("Input", {"shape": [1, 8, 8]}),
                      ("Conv2d", {"filters": 2, "kernel": 3}), ("Flatten", {}),
                      ("Output", {**CLASSES, "units": 10}))
    trainer = Trainer(spec, make_dataset(DataConfig(name="digits", n_samples=200)),
                      TrainConfig(learning_rate=0.5))
    first = make_frame(trainer)
    for _ in range(30):
        trainer.train_step()
    trainer.seconds = 0.0  # as if no training time had passed since the first frame
    live = make_frame(trainer, live=True, previous=first)
    assert live.image.confusion is first.image.confusion  # reused, not counted again
    exact = make_frame(trainer, previous=live)  # a pause: evaluated and counted afresh
    assert exact.image.confusion is not live.image.confusion
    assert exact.image.confusion.sum() == live.image.evaluated == len(trainer.x_test)
    assert not np.array_equal(exact.image.confusion, first.image.confusion)
    # the matrix counts the same evaluation that gives the test accuracy on show
    right = np.trace(exact.image.confusion)
    assert right / exact.image.evaluated == pytest.approx(exact.snapshot.record.test_accuracy)
