"""A network on fixed weights, numpy in and numpy out: the window's instant answers.

The drawing pad asks what the network makes of a drawing, the latent view what a code
decodes to; both without the training process and without the window touching tensors.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.core.heads import Head
from playground.core.image_probes import readout
from playground.core.latent_probes import bottleneck, decode
from playground.core.model import build_model
from playground.core.spec import NetworkSpec


class FixedNet:
    """The network of `spec` with `weights` (the seeded initial ones when None)."""

    def __init__(self, spec: NetworkSpec, weights: dict[str, np.ndarray] | None):
        self.model = build_model(spec)
        if weights is not None:
            self.model.load_state_arrays(weights)
        self.model.eval()
        self.head = Head.of(spec)
        self.input_shape = tuple(spec.of_kind("Input")[0].params["shape"])

    def read_image(self, image: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The answers (class probabilities) and the feature maps for one image (C, H, W)."""
        array = np.asarray(image, dtype=np.float32)
        if array.shape != self.input_shape:
            raise ValueError(f"the image is {array.shape}, the network takes "
                             f"{self.input_shape}")
        return readout(self.model, self.head, torch.from_numpy(array[None].copy()))

    def decode(self, code: np.ndarray) -> np.ndarray:
        """What the layers after the bottleneck make of one code, in the input's shape when
        the output has as many numbers as the input."""
        node = bottleneck(self.model)
        if node is None:
            raise ValueError("the network has no Dense bottleneck to decode from")
        z = torch.as_tensor(np.asarray(code, dtype=np.float32).reshape(1, -1))
        out = decode(self.model, node, z)[0].numpy().astype(np.float32)
        if out.size == int(np.prod(self.input_shape)):
            out = out.reshape(self.input_shape)
        return out
