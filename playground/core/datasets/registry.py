"""Every built-in data set by name, in the order the data panel lists them."""

from __future__ import annotations

from playground.core.datasets import images, sequences, synthetic
from playground.core.datasets.info import DatasetInfo, Recipe

_ENTRIES = (*synthetic.ENTRIES, *images.ENTRIES, *sequences.ENTRIES)

DATASETS: dict[str, DatasetInfo] = {info.name: info for info, _ in _ENTRIES}
RECIPES: dict[str, Recipe] = {info.name: recipe for info, recipe in _ENTRIES}
