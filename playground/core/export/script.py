"""The `script` export: one readable Python file defining the drawn network in plain PyTorch.

The file defines `Net` (one submodule per layer, `forward` written out layer by layer), loads
the weights saved beside it, predicts, and continues training with the project's settings on
the data saved beside it — alone, or under torchrun with DistributedDataParallel. User text
(the project's title) only ever appears through `repr`, so it cannot become code.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np

from playground.core.activations import LEAKY_SLOPE
from playground.core.datasets import Dataset
from playground.core.export import weights
from playground.core.export.base import Source, fitted_dataset
from playground.core.export.files import atomic_path, write_text
from playground.core.export.names import python_names
from playground.core.export.script_templates import (
    CELLS,
    HEADER,
    RECURRENT_BASE,
    RUNTIME,
    STEP,
    STEP_STRAIGHT_THROUGH,
)
from playground.core.graph import require_valid
from playground.core.heads import Head
from playground.core.layers import concat_axis, conv_pads
from playground.core.scaling import Scaling
from playground.core.spec import LayerSpec

_ACTIVATION = {  # φ as an expression of its argument
    "step": "step({})",
    "sigmoid": "torch.sigmoid({})",
    "tanh": "torch.tanh({})",
    "relu": "torch.relu({})",
    "leaky_relu": f"F.leaky_relu({{}}, {LEAKY_SLOPE})",
    "linear": "{}",
    "softmax": "torch.softmax({}, dim=-1)",
}


def _phi(params: dict, argument: str) -> str:
    """φ applied to `argument`, as code."""
    if params["activation"] == "step" and params.get("straight_through"):
        return f"step_straight_through({argument})"
    return _ACTIVATION[params["activation"]].format(argument)


def _phi_callable(params: dict) -> str:
    """φ as a callable, for the recurrent layers."""
    expression = _phi(params, "v")
    if expression.endswith("(v)"):
        return expression[:-3]
    return f"lambda v: {expression}"


def _shape(shape: tuple[int, ...]) -> str:
    return f"(N, {', '.join(str(n) for n in shape)})"


class _NetCode:
    """The `Net` class of a spec: constructor lines and forward lines, layer by layer."""

    def __init__(self, source: Source):
        spec = source.project.network
        self.spec = spec
        self.info = require_valid(spec)
        self.names = python_names(spec)
        self.input_id = spec.of_kind("Input")[0].id
        self.init: list[str] = []
        self.forward: list[str] = []
        self.output = ""
        for node in self.info.order:
            layer = spec.layer(node)
            if layer.kind != "Input":
                self._add(layer)

    def var(self, node: str) -> str:
        return "x" if node == self.input_id else self.names[node]

    def _add(self, layer: LayerSpec) -> None:
        p, kind, name = layer.params, layer.kind, self.names[layer.id]
        ins = [self.var(s) for s in self.spec.inputs_of(layer.id)]
        shapes = self.info.input_shapes[layer.id]
        module = self._module(kind, p, shapes)
        if kind == "Output":
            self.init.append(f"self.{name} = {module}")
            shape = _shape(self.info.shapes[layer.id])
            self.forward.append(f"return self.{name}({ins[0]})  # the field v, {shape}")
            self.output = _phi(p, "v")
            return
        if module is not None:
            self.init.append(f"self.{name} = {module}")
        expression = self._expression(kind, p, name, ins, shapes)
        self.forward.append(f"{name} = {expression}  # {_shape(self.info.shapes[layer.id])}")

    @staticmethod
    def _module(kind: str, p: dict, shapes: list[tuple[int, ...]]) -> str | None:
        if kind in ("Dense", "Output"):
            bias = "" if p["bias"] else ", bias=False"
            return f"nn.Linear({shapes[0][-1]}, {p['units']}{bias})"
        if kind == "Conv2d":
            before, after = conv_pads(p)
            padding = before if before == after else 0  # else forward pads before the conv
            return (f"nn.Conv2d({shapes[0][0]}, {p['filters']}, kernel_size={p['kernel']}, "
                    f"stride={p['stride']}, padding={padding})")
        if kind in ("MaxPool2d", "AvgPool2d"):
            return f"nn.{kind}(kernel_size={p['kernel']}, stride={p['stride']})"
        if kind == "Dropout":
            return f"nn.Dropout(p={p['rate']!r})"
        if kind == "BatchNorm":
            return f"nn.BatchNorm{1 if len(shapes[0]) == 1 else 2}d({shapes[0][0]})"
        if kind in CELLS:
            return (f"{kind}Layer({shapes[0][-1]}, {p['units']}, "
                    f"activation={_phi_callable(p)}, "
                    f"return_sequences={p['return_sequences']})")
        return None  # Flatten, Add, Concat: plain expressions

    @staticmethod
    def _expression(kind: str, p: dict, name: str, ins: list[str],
                    shapes: list[tuple[int, ...]]) -> str:
        if kind == "Conv2d" and len(set(conv_pads(p))) == 2:
            before, after = conv_pads(p)  # 'same' with an even filter: one more after
            return _phi(p, f"self.{name}(F.pad({ins[0]}, {(before, after, before, after)}))")
        if kind in ("Dense", "Conv2d"):
            return _phi(p, f"self.{name}({ins[0]})")
        if kind == "Flatten":
            return f"{ins[0]}.flatten(1)"
        if kind == "Add":
            return " + ".join(ins)
        if kind == "Concat":
            return f"torch.cat([{', '.join(ins)}], dim={1 + concat_axis(len(shapes[0]))})"
        return f"self.{name}({ins[0]})"

    def code(self) -> str:
        """The helpers the layers use (the step functions, the recurrent layers), then Net."""
        used = "\n".join([*self.init, *self.forward, self.output])
        parts = []
        if re.search(r"\bstep\b", used):
            parts.append(STEP)
        if "step_straight_through" in used:
            parts.append(STEP_STRAIGHT_THROUGH)
        cells = [kind for kind in CELLS if f"{kind}Layer(" in used]
        if cells:
            parts.append(RECURRENT_BASE)
        parts += [CELLS[kind] for kind in cells]
        init = "\n".join(f"        {line}" for line in self.init)
        forward = "\n".join(f"        {line}" for line in self.forward)
        parts.append(f'''

class Net(nn.Module):
    """The drawn network, one submodule per layer with weights."""

    def __init__(self):
        super().__init__()
{init}

    def forward(self, x, field=False):
        """The prediction φ(v) for inputs x of shape {_shape(self.info.shapes[self.input_id])}
        (with field=True: the Output layer's field v, which the loss works on)."""
        v = self.output_field(x)
        return v if field else self.output(v)

    def output_field(self, x):
{forward}

    @staticmethod
    def output(v):
        """The Output layer's φ."""
        return {self.output}
''')
        return "".join(parts)


def _head_code(head: Head) -> str:
    """targets(), loss_per_sample() and accuracy() for the project's Output layer."""
    low = -1.0 if head.symmetric else 0.0
    if head.task == "regression":
        targets = "return labels.float()"
    elif head.loss == "cross_entropy":
        targets = "return labels.long()"
    elif head.task == "binary":
        targets = f"return torch.where(labels[:, None] > 0, 1.0, {low})"
    else:
        targets = (f"onehot = torch.full((len(labels), {head.units}), {low})\n"
                   "    onehot[torch.arange(len(labels)), labels] = 1.0\n"
                   "    return onehot")
    loss = {
        "cross_entropy": 'F.cross_entropy(v, t, reduction="none")',
        "binary_cross_entropy":
            'F.binary_cross_entropy_with_logits(v, t, reduction="none").sum(dim=-1)',
        "squared_error": "0.5 * ((Net.output(v) - t) ** 2).sum(dim=-1)",
    }[head.loss]
    if head.task == "binary":
        hits = f"(Net.output(v)[:, 0] >= {head.threshold}) == (labels > 0)"
        accuracy = f"return float(({hits}).float().mean())"
    elif head.task == "multiclass":
        accuracy = "return float((Net.output(v).argmax(dim=-1) == labels).float().mean())"
    else:
        accuracy = "return None  # a regression task has no accuracy"
    return f'''

# ---- the task: {head.task}, loss {head.loss} ----
def targets(labels):
    """Data labels as the loss compares them with the network's output."""
    {targets}


def loss_per_sample(v, t):
    """The error of each sample, from the Output layer's field v and the targets t."""
    return {loss}


def accuracy(v, labels):
    """The share of samples classified right, from the Output layer's field v."""
    {accuracy}
'''


def _training_code(source: Source) -> str:
    """penalty() and make_optimizer() for the project's training settings."""
    c = source.project.training
    if c.regularization == "none":
        what = "No penalty on the weights: the project trains without one."
        penalty = "return 0.0"
    else:
        what = f"The {c.regularization.upper()} penalty on the weights (not the biases)."
        term = "p.abs().sum()" if c.regularization == "l1" else "0.5 * (p ** 2).sum()"
        penalty = ("weights = [p for p in model.parameters() if p.dim() >= 2]\n"
                   f'    return SETTINGS["regularization_rate"] * sum({term} for p in weights)')
    if c.optimizer == "adam":
        optimizer = 'torch.optim.Adam(parameters, lr=SETTINGS["learning_rate"])'
    elif c.optimizer == "momentum":
        optimizer = ('torch.optim.SGD(parameters, lr=SETTINGS["learning_rate"],\n'
                     '                           momentum=SETTINGS["momentum"])')
    else:
        optimizer = 'torch.optim.SGD(parameters, lr=SETTINGS["learning_rate"])'
    return f'''

# ---- training settings ----
def penalty(model):
    """{what}"""
    {penalty}


def make_optimizer(parameters):
    return {optimizer}
'''


def _scaling_code(scaling: Scaling | None) -> str:
    """network_inputs(), network_targets() and raw_outputs(): the data's standardisation."""
    if scaling is None:
        return '''

# ---- the data: the network takes them as they are ----
def network_inputs(x):
    return x


def network_targets(labels):
    return labels


def raw_outputs(y):
    return y
'''
    arrays = {"INPUT_MEAN": scaling.input_mean, "INPUT_STD": scaling.input_std}
    targets, outputs = "return labels", "return y"
    if scaling.target_mean is not None and scaling.target_std is not None:
        arrays |= {"TARGET_MEAN": scaling.target_mean, "TARGET_STD": scaling.target_std}
        targets = "return (labels.float() - TARGET_MEAN) / TARGET_STD"
        outputs = "return y * TARGET_STD + TARGET_MEAN"
    constants = "\n".join(f"{name} = {_tensor(values)}" for name, values in arrays.items())
    return f'''

# ---- the data: standardised with the training split's mean and std ----
{constants}


def network_inputs(x):
    """Raw inputs as the network learned them: z = (x − mean) / std."""
    return (x - INPUT_MEAN) / INPUT_STD


def network_targets(labels):
    """Raw labels or values as the network learns them."""
    {targets}


def raw_outputs(y):
    """The network's outputs on the targets' own scale."""
    {outputs}
'''


def _tensor(values: np.ndarray) -> str:
    """A float32 tensor literal of `values`' shape, wrapped to fit the line length."""
    numbers = ", ".join(f"{float(v):.9g}" for v in values.ravel())
    body = textwrap.fill(numbers, 88, initial_indent="    ", subsequent_indent="    ")
    shape = ", ".join(str(n) for n in values.shape)
    return f"torch.tensor([\n{body},\n]).reshape({shape})"


def _settings(source: Source) -> str:
    c = source.project.training
    keys = ("epochs", "batch_size", "optimizer", "learning_rate", "momentum", "regularization",
            "regularization_rate", "seed")
    lines = "".join(f"    {key!r}: {getattr(c, key)!r},\n" for key in keys)
    return "{  # the project's training settings (batch_size 0: the whole training set)\n" \
        + lines + "}"


def generate(source: Source, weights_name: str, data_name: str) -> str:
    """The whole script; file names and the title enter it only through repr()."""
    body = (_NetCode(source).code() + _head_code(Head.of(source.project.network))
            + _training_code(source) + _scaling_code(source.scaling) + RUNTIME)
    functional = "from torch.nn import functional as F\n" if re.search(r"\bF\.", body) else ""
    header = HEADER.format(title=repr(source.project.title), weights=repr(weights_name),
                            data=repr(data_name), shape=repr(source.input_shape),
                            settings=_settings(source), functional=functional)
    return header + body


def _raw_data(source: Source) -> Dataset:
    """The project's data as the user gave them: the script standardises them itself."""
    project = source.project
    dataset = fitted_dataset(project)
    if dataset.scaling is None:
        return dataset
    return replace(project, data=replace(project.data, standardize=False)).dataset()


def companions(path: Path) -> tuple[Path, Path]:
    """The weights and data files written beside a script."""
    return path.with_suffix(".pt"), path.with_name(f"{path.stem}-data.npz")


def write(source: Source, path: Path) -> tuple[str, tuple[Path, ...]]:
    """Write the script, its weights and its data; returns the message and the extra files."""
    weights_path, data_path = companions(path)
    dataset = _raw_data(source)
    code = generate(source, weights_path.name, data_path.name)
    weights.write(source, weights_path)
    with atomic_path(data_path) as tmp:
        np.savez(tmp, x_train=dataset.x_train, y_train=dataset.y_train,
                 x_test=dataset.x_test, y_test=dataset.y_test)
    write_text(path, code)
    note = ""
    if source.project.training.algorithm == "perceptron":
        note = ("\nThe script trains with backpropagation; the perceptron rule is not part "
                "of it.")
    folder, name = shlex.quote(str(path.parent)), shlex.quote(path.name)
    message = (f"Wrote a standalone PyTorch script to {path}, with its weights "
               f"({weights_path.name}) and training data ({data_path.name}) beside it. It "
               "needs only torch and numpy. Predict, continue training, or train on several "
               "processes or machines (DistributedDataParallel):\n"
               f"    cd {folder}\n"
               f"    python {name} --help\n"
               f"    python {name} predict inputs.npy\n"
               f"    python {name} train --epochs 20 --save {weights_path.name}\n"
               f"    torchrun --nproc_per_node=4 {name} train --save more.pt\n"
               "(Training on starts a fresh optimiser and keeps its weights only with --save.)"
               + note + source.scaling_note() + source.note())
    return message, (weights_path, data_path)
