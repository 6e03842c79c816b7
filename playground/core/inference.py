"""A network on its current weights, numpy in and numpy out: the drawing pad's and the
latent view's answers, computed in the training process."""

from __future__ import annotations

import numpy as np
import torch

from playground.core.heads import Head
from playground.core.image_probes import evaluating, readout
from playground.core.latent_probes import bottleneck, decode
from playground.core.model import PlaygroundNet


def read_image(model: PlaygroundNet, head: Head, shape: tuple[int, ...], image: np.ndarray,
               device: torch.device) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The answers (class probabilities) and the feature maps for one image of the Input's
    `shape` (C, H, W)."""
    array = np.asarray(image, dtype=np.float32)
    if array.shape != shape:
        raise ValueError(f"the image is {array.shape}, the network takes {shape}")
    return readout(model, head, torch.from_numpy(array[None].copy()).to(device))


def decode_code(model: PlaygroundNet, shape: tuple[int, ...], code: np.ndarray,
                device: torch.device) -> np.ndarray:
    """What the layers after the bottleneck make of one code, in the input's shape when the
    output has as many numbers as the input."""
    node = bottleneck(model)
    if node is None:
        raise ValueError("the network has no Dense bottleneck to decode from")
    z = torch.as_tensor(np.asarray(code, dtype=np.float32).reshape(1, -1), device=device)
    with evaluating(model):
        out = decode(model, node, z)[0].cpu().numpy().astype(np.float32)
    return out.reshape(shape) if out.size == int(np.prod(shape)) else out
