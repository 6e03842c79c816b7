"""The shipped presets: project files under resources/presets, in the lecture's order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.core.project import Project, ProjectError, load_project
from playground.core.resources import resource_dir

PRESET_DIR = resource_dir() / "presets"

# The order of the course: §1 linear models and the perceptron, §2 feed-forward networks and
# backpropagation on TensorFlow Playground's problems, §3 activations and vanishing
# gradients, §4 XOR by hand and universal approximation, §5 autoencoders, §6 convolutional
# networks, §7 recurrent networks and the LSTM.
LECTURE_ORDER = (
    "reg-plane",
    "logistic-regression",
    "perceptron-separable",
    "perceptron-xor",
    "gauss",
    "circle",
    "xor",
    "moons",
    "spiral",
    "reg-gauss",
    "vanishing-sigmoid",
    "deep-relu",
    "xor-handset",
    "sine-fit",
    "autoencoder-line",
    "digits-autoencoder",
    "bars-cnn",
    "digits-cnn",
    "sine-rnn",
    "parity-rnn",
    "parity-lstm",
)


@dataclass(frozen=True)
class PresetInfo:
    name: str
    title: str
    description: str
    hint: str


def preset_names() -> list[str]:
    """Names of the shipped presets, lecture order first."""
    found = {p.stem for p in PRESET_DIR.glob("*.json")}
    ordered = [name for name in LECTURE_ORDER if name in found]
    return ordered + sorted(found - set(ordered))


def load_preset(name: str) -> Project:
    path = PRESET_DIR / f"{name}.json"
    if name not in preset_names():
        raise ProjectError(f"there is no preset called '{name}'; the presets are: "
                           f"{', '.join(preset_names())}")
    return load_project(path)


def list_presets() -> list[PresetInfo]:
    """Title, description and one thing to try for every preset."""
    infos = []
    for name in preset_names():
        project = load_preset(name)
        infos.append(PresetInfo(name, project.title, project.description, project.hint))
    return infos


def open_source(source: str) -> Project:
    """A project from a file path, or else a preset of that name."""
    path = Path(source)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL: no preset is called so
        exists = True
    if exists or path.suffix:
        return load_project(path)
    return load_preset(source)
