"""What every export shares: the model to export, with its weights and data scaling (the
result and error types and atomic files are in `export.files`, which needs no torch)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from playground.core.datafit import check_fit
from playground.core.datasets import Dataset
from playground.core.datasets.imported import IMPORTED
from playground.core.export.files import ExportError
from playground.core.graph import InvalidNetwork
from playground.core.layers import SpecError
from playground.core.model import PlaygroundNet, build_model
from playground.core.project import Project
from playground.core.scaling import Scaling

UNTRAINED_NOTE = ("Note: the project has no trained weights, so this export holds the seeded "
                  "initial ones; train it first to export what it learned.")


class RawScaled(nn.Module):
    """The network with its data's standardisation built in: raw inputs in, and regression
    outputs back on the targets' own scale."""

    def __init__(self, model: nn.Module, scaling: Scaling):
        super().__init__()
        self.model = model
        self.register_buffer("input_mean", torch.from_numpy(scaling.input_mean))
        self.register_buffer("input_std", torch.from_numpy(scaling.input_std))
        self.scales_targets = scaling.scales_targets
        if scaling.target_mean is not None and scaling.target_std is not None:
            self.register_buffer("target_mean", torch.from_numpy(scaling.target_mean))
            self.register_buffer("target_std", torch.from_numpy(scaling.target_std))

    def forward(self, x: Tensor) -> Tensor:
        y = self.model((x - self.input_mean) / self.input_std)
        return y * self.target_std + self.target_mean if self.scales_targets else y


@dataclass(frozen=True)
class Source:
    """The project's network with its weights, in evaluation mode, ready to export, and the
    standardisation of its data (None when it trains on raw values)."""

    project: Project
    model: PlaygroundNet
    trained: bool
    scaling: Scaling | None = None

    @property
    def served(self) -> nn.Module:
        """What ONNX and torch.export trace: the network, taking raw inputs."""
        return self.model if self.scaling is None else RawScaled(self.model, self.scaling).eval()

    def scaling_note(self) -> str:
        """How the export handles the standardised data, in a sentence (or nothing)."""
        if self.scaling is None:
            return ""
        outputs = (" and gives its outputs on the targets' own scale"
                   if self.scaling.scales_targets else "")
        return ("\nThe project standardises its data with the training split's mean and std; "
                f"the exported model does so itself: it takes raw inputs{outputs}.")

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.project.network.of_kind("Input")[0].params["shape"])

    @property
    def shape_text(self) -> str:
        """One sample's shape as the messages write it after the batch size: '1, 8, 8'."""
        return ", ".join(str(n) for n in self.input_shape)

    def example(self, batch: int = 3) -> torch.Tensor:
        """A random input batch (a batch above 1 keeps the batch dimension free in a trace)."""
        generator = torch.Generator().manual_seed(0)
        return torch.randn(batch, *self.input_shape, generator=generator)

    def note(self) -> str:
        """The untrained-weights note, or nothing."""
        return "" if self.trained else "\n" + UNTRAINED_NOTE


def source_of(project: Project) -> Source:
    """Build the project's model with its weights (the seeded initial ones if untrained)."""
    try:
        model = build_model(project.network, project.training.seed)
        if project.weights is not None:
            model.load_state_arrays(project.weights)
    except (InvalidNetwork, SpecError) as err:
        raise ExportError(f"the network cannot be built, so there is nothing to export: {err}"
                          ) from None
    return Source(project, model.eval(), project.weights is not None, scaling_of(project))


def scaling_of(project: Project) -> Scaling | None:
    """The standardisation of the project's data, if it standardises any."""
    if project.data.name != IMPORTED or not project.data.standardize:
        return None
    return fitted_dataset(project).scaling


def fitted_dataset(project: Project) -> Dataset:
    """The project's data, which must fit its network (for the script and CSV exports)."""
    try:
        dataset = project.dataset()
        check_fit(project.network, dataset)
    except ValueError as err:  # the data's settings or file, or a network that does not fit
        raise ExportError(f"the project's data cannot be used with its network: {err}"
                          ) from None
    return dataset
