"""Looking inside an autoencoder: reconstructions, the latent space and decoding a code.

The bottleneck is the Dense layer with the fewest units between Input and Output; its
outputs are the codes z. With at most 3 units the codes of the test set are sent, so a view
can scatter them; `decode` runs the layers after the bottleneck on any code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from playground.core.frames import LatentProbe
from playground.core.image_probes import evaluating, probe_tensors
from playground.core.model import PlaygroundNet, UnitLayer

if TYPE_CHECKING:
    from playground.core.datasets import Dataset
    from playground.core.training.engine import TrainerBase

RECONSTRUCTIONS = 8  # samples shown beside their reconstruction
LATENT_SAMPLES = 1000  # test samples whose codes are sent
MAX_PLOTTED_UNITS = 3  # codes are sent for bottlenecks this small


def bottleneck(model: PlaygroundNet) -> str | None:
    """The hidden Dense node with the fewest units (the first of equals), or None."""
    dense = [n for n in model.order if n != model.output_id
             and isinstance(model.nodes[n], UnitLayer)
             and isinstance(model.nodes[n].transform, nn.Linear)]
    return min(dense, key=lambda n: model.nodes[n].transform.out_features, default=None)


@torch.no_grad()
def decode(model: PlaygroundNet, node: str, code: torch.Tensor) -> torch.Tensor:
    """The network's output φ(v) for a code (batch, units) put out by `node`.

    Raises ValueError when the Output depends on anything that does not come from `node`.
    """
    values = {node: code}
    after = model.order[model.order.index(node) + 1:]
    for n in after:
        if not all(s in values for s in model.sources[n]):
            continue
        module = model.nodes[n]
        ins = [values[s] for s in model.sources[n]]
        values[n] = module.field(ins[0]) if n == model.output_id else module(*ins)
    if model.output_id not in values:
        raise ValueError(f"the output does not come from '{node}' alone, so a code cannot be "
                         "decoded; connect the layers after the bottleneck in a chain")
    return model.nodes[model.output_id].act(values[model.output_id])


def is_autoencoder(dataset: Dataset) -> bool:
    return bool(getattr(dataset, "autoencoder", False))


def latent_probe(trainer: TrainerBase) -> LatentProbe | None:
    """Reconstructions and codes of test samples (None unless an autoencoder)."""
    model = trainer.model
    node = bottleneck(model)
    x, _ = probe_tensors(trainer)
    if node is None or not is_autoencoder(trainer.dataset) or len(x) == 0:
        return None
    units = model.nodes[node].transform.out_features
    with evaluating(model), torch.no_grad():
        shown = x[:RECONSTRUCTIONS]
        rebuilt = model(shown).reshape(shown.shape)
        codes = labels = None
        if units <= MAX_PLOTTED_UNITS:
            codes = model.trace(x[:LATENT_SAMPLES])[node].cpu().numpy().astype(np.float32)
            labels = _labels(trainer.dataset, len(codes))
    return LatentProbe(node, units, shown.cpu().numpy().astype(np.float32),
                       rebuilt.cpu().numpy().astype(np.float32), codes, labels)


def _labels(dataset: Dataset, count: int) -> np.ndarray | None:
    """Class labels of the probed split, if the data set has classes."""
    split = "labels_test" if len(dataset.x_test) else "labels_train"
    labels = getattr(dataset, split, None)
    return None if labels is None else np.asarray(labels[:count], dtype=np.int64)
