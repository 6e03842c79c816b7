"""Activation histograms: where the hidden layers' local fields fall on φ and φ′."""

from __future__ import annotations

import numpy as np
import torch

from playground.core.datasets import make_dataset
from playground.core.health import FIELD_BOUND, SAMPLES, field_histograms
from playground.core.presets import load_preset
from playground.core.probes import make_frame
from playground.core.training.factory import make_trainer


def _trainer(name: str):
    project = load_preset(name)
    return make_trainer(project.network, make_dataset(project.data), project.training,
                        project.weights)


def test_every_hidden_layer_counts_each_field_once():
    trainer = _trainer("circle")
    histograms = field_histograms(trainer.model, trainer.x_train)
    units = {node: trainer.model.nodes[node].transform.out_features for node in histograms}
    assert set(histograms) == {"dense_1", "dense_2"}
    samples = min(trainer.n_train, SAMPLES)
    for node, histogram in histograms.items():
        assert histogram.activation == "tanh"
        assert histogram.counts.sum() == samples * units[node]
        assert histogram.edges[0] == -FIELD_BOUND and histogram.edges[-1] == FIELD_BOUND
        np.testing.assert_allclose(histogram.phi, np.tanh(histogram.curve_v))
        np.testing.assert_allclose(histogram.slope, 1 - np.tanh(histogram.curve_v) ** 2)


def test_large_weights_saturate_sigmoid_units():
    trainer = _trainer("vanishing-sigmoid")
    before = field_histograms(trainer.model, trainer.x_train)["dense_1"].saturated
    with torch.no_grad():
        trainer.model.nodes["dense_1"].transform.weight.mul_(50.0)
    after = field_histograms(trainer.model, trainer.x_train)["dense_1"]
    assert after.saturated > 0.8 > before
    # the fields beyond the axis land in the end bins instead of vanishing
    assert after.counts[0] + after.counts[-1] > after.counts.sum() / 2


def test_frames_carry_the_histograms_and_a_network_without_hidden_layers_has_none():
    assert set(make_frame(_trainer("circle")).histograms) == {"dense_1", "dense_2"}
    assert make_frame(_trainer("perceptron-separable")).histograms == {}


def test_a_diverged_layer_leaves_its_nan_fields_out():
    trainer = _trainer("circle")
    with torch.no_grad():
        trainer.model.nodes["dense_1"].transform.weight[0, 0] = float("nan")
    histogram = field_histograms(trainer.model, trainer.x_train)["dense_1"]
    samples = min(trainer.n_train, SAMPLES)
    assert histogram.counts.sum() == samples * 3  # unit 1's fields are all NaN
