"""Does a network fit its data set? And the core operation that makes it fit."""

from __future__ import annotations

from playground.core.datasets import Dataset
from playground.core.errors import PlaygroundError
from playground.core.spec import NetworkSpec

_DEFAULT_LOSS = {"binary": ("binary_cross_entropy", "sigmoid"),
                 "multiclass": ("cross_entropy", "softmax"),
                 "regression": ("squared_error", "linear")}


class DataMismatch(PlaygroundError):
    """The network's Input or Output does not fit the data set; the message says how to fix it."""


def check_fit(spec: NetworkSpec, dataset: Dataset) -> None:
    """The Input must take the data's shape and the Output must match its task and size."""
    inp = spec.of_kind("Input")[0]
    out = spec.of_kind("Output")[0]
    shape = tuple(dataset.x_train.shape[1:])
    if tuple(inp.params["shape"]) != shape:
        features = f" (features: {', '.join(dataset.feature_names)})" \
            if dataset.feature_names else ""
        raise DataMismatch(
            f"{inp.name} takes shape {list(inp.params['shape'])} but the data set "
            f"'{dataset.info.name}' gives {list(shape)}{features}; set the Input shape to "
            f"{list(shape)}"
        )
    if out.params["task"] != dataset.task:
        raise DataMismatch(
            f"{out.name} is set for a {out.params['task']} task but '{dataset.info.name}' is "
            f"a {dataset.task} data set; change the Output's task"
        )
    if out.params["units"] != dataset.output_dim:
        raise DataMismatch(
            f"{out.name} has {out.params['units']} unit(s) but '{dataset.info.name}' needs "
            f"{dataset.output_dim}; set the Output's units to {dataset.output_dim}"
        )


def fit_to_data(spec: NetworkSpec, dataset: Dataset) -> list[str]:
    """Set the Input's shape and the Output's task and units to match the data.

    The Output keeps its loss and activation where they suit the new task. Returns what was
    changed, in words, for the status bar.
    """
    changes = []
    shape = tuple(dataset.x_train.shape[1:])
    for layer in spec.of_kind("Input"):
        if tuple(layer.params["shape"]) != shape:
            spec.set_params(layer.id, shape=list(shape))
            changes.append(f"Input shape set to {list(shape)}")
    for layer in spec.of_kind("Output"):
        p = layer.params
        updates: dict[str, object] = {}
        if p["task"] != dataset.task:
            loss, activation = _DEFAULT_LOSS[dataset.task]
            updates |= {"task": dataset.task, "loss": loss, "activation": activation}
        if p["units"] != dataset.output_dim:
            updates["units"] = dataset.output_dim
        if updates:
            spec.set_params(layer.id, **updates)
            changes.append(f"Output set to {dataset.task} with {dataset.output_dim} unit(s)")
    return changes
