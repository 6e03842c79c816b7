"""The bottleneck of an autoencoder, its codes, and decoding a code."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.inference import decode_code
from playground.core.latent_probes import bottleneck, decode
from playground.core.model import build_model
from playground.core.spec import sequential

RECONSTRUCT = {"units": 64, "activation": "sigmoid", "task": "regression",
               "loss": "squared_error"}


def autoencoder():
    return sequential(("Input", {"shape": [1, 8, 8]}), ("Flatten", {}),
                      ("Dense", {"units": 16}), ("Dense", {"units": 2, "activation": "linear"}),
                      ("Dense", {"units": 16}), ("Output", RECONSTRUCT))


def test_bottleneck_is_the_narrowest_hidden_dense_layer():
    assert bottleneck(build_model(autoencoder())) == "dense_2"
    plain = sequential(("Input", {"shape": [2]}), ("Output", {}))
    assert bottleneck(build_model(plain)) is None


def test_decoding_the_code_of_x_gives_the_models_output_for_x():
    model = build_model(autoencoder(), seed=2)
    x = torch.rand(5, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    code = model.trace(x)["dense_2"]
    np.testing.assert_allclose(decode(model, "dense_2", code).detach().numpy(),
                               model(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_a_clicked_point_decodes_to_an_image():
    spec = autoencoder()
    model = build_model(spec, seed=2)
    image = decode_code(model, (1, 8, 8), np.array([0.5, -1.0]), torch.device("cpu"))
    assert image.shape == (1, 8, 8)
    reference = build_model(spec, seed=2)
    expected = decode(reference, "dense_2", torch.tensor([[0.5, -1.0]]))[0].reshape(1, 8, 8)
    np.testing.assert_allclose(image, expected.numpy(), rtol=1e-5)


def test_decoding_a_network_without_a_bottleneck_says_why():
    spec = sequential(("Input", {"shape": [2]}), ("Output", {}))
    with pytest.raises(ValueError, match="bottleneck"):
        decode_code(build_model(spec), (2,), np.zeros(1), torch.device("cpu"))
