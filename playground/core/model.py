"""NetworkSpec → torch.nn.Module, run in topological order, with per-node weight access."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from playground.core.activations import INIT_GAIN, Activation
from playground.core.graph import GraphInfo, require_valid
from playground.core.layers import Shape, SpecError, concat_axis, conv_pads
from playground.core.spec import LayerSpec, NetworkSpec


def _public(name: str) -> str:
    """Weight names as users see them: 'weight', not 'transform.weight'."""
    return name.removeprefix("transform.")


class UnitLayer(nn.Module):
    """y = φ(v), v = Wx + b: Dense, Conv2d and Output nodes."""

    def __init__(self, transform: nn.Module, activation: Activation):
        super().__init__()
        self.transform = transform
        self.act = activation

    def field(self, x: Tensor) -> Tensor:
        """The induced local field v."""
        return self.transform(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.transform(x))


class PaddedConv2d(nn.Conv2d):
    """A convolution that pads (before, after) each axis, so 'same' with an even filter keeps
    the size: nn.Conv2d alone pads both sides alike."""

    def __init__(self, channels: int, filters: int, kernel: int, stride: int,
                 pads: tuple[int, int]):
        super().__init__(channels, filters, kernel, stride)
        self.pads = pads

    def forward(self, x: Tensor) -> Tensor:
        before, after = self.pads
        return super().forward(F.pad(x, (before, after, before, after)))


class Recurrent(nn.Module):
    """RNN, LSTM or GRU unrolled over time with a chosen φ (gates always use sigmoid)."""

    GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
    MEMORY = {"RNN": "h", "LSTM": "c", "GRU": "h"}  # the state that carries the memory

    def __init__(self, kind: str, features: int, params: dict[str, Any]):
        super().__init__()
        self.kind = kind
        self.units = params["units"]
        self.return_sequences = params["return_sequences"]
        self.act = Activation(params["activation"], params["straight_through"])
        size = self.GATES[kind] * self.units
        self.input_map = nn.Linear(features, size)
        self.hidden_map = nn.Linear(self.units, size, bias=False)
        # Passes on the memory state of each step (cₜ for an LSTM, hₜ otherwise) unchanged:
        # a place for probes to hook in (it holds no weights).
        self.memory = nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        states = self.unroll(x)["h"]
        return states if self.return_sequences else states[:, -1]

    def unroll(self, x: Tensor) -> dict[str, Tensor]:
        """Hidden states (and gates) at every step, each (batch, time, units)."""
        drive = self.input_map(x)
        h = x.new_zeros(x.shape[0], self.units)
        c = torch.zeros_like(h)
        record: dict[str, list[Tensor]] = {}
        for t in range(x.shape[1]):
            h, c, gates = self._cell(drive[:, t], h, c)
            for name, value in (("h", h), *gates.items()):
                record.setdefault(name, []).append(value)
        return {name: torch.stack(values, dim=1) for name, values in record.items()}

    def _cell(self, drive: Tensor, h: Tensor, c: Tensor) -> tuple[Tensor, Tensor, dict]:
        if self.kind == "RNN":
            return self.memory(self.act(drive + self.hidden_map(h))), c, {}
        if self.kind == "LSTM":
            i, f, g, o = (drive + self.hidden_map(h)).chunk(4, dim=-1)
            i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)
            c = self.memory(f * c + i * self.act(g))
            return o * self.act(c), c, {"input_gate": i, "forget_gate": f, "output_gate": o}
        xr, xz, xn = drive.chunk(3, dim=-1)
        hr, hz, hn = self.hidden_map(h).chunk(3, dim=-1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = self.act(xn + r * hn)
        return self.memory((1 - z) * n + z * h), c, {"reset_gate": r, "update_gate": z}


class Merge(nn.Module):
    """Add or Concat of several inputs."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def forward(self, *xs: Tensor) -> Tensor:
        if self.kind == "Add":
            return torch.stack(xs).sum(dim=0)
        return torch.cat(xs, dim=1 + concat_axis(xs[0].dim() - 1))


def _unit_layer(transform: nn.Module, params: dict[str, Any]) -> UnitLayer:
    return UnitLayer(transform, Activation(params["activation"], params["straight_through"]))


def _build_node(layer: LayerSpec, ins: list[Shape]) -> nn.Module:
    p, kind = layer.params, layer.kind
    if kind in ("Dense", "Output"):
        return _unit_layer(nn.Linear(ins[0][-1], p["units"], bias=p["bias"]), p)
    if kind == "Conv2d":
        pads = conv_pads(p)
        if pads[0] == pads[1]:
            conv = nn.Conv2d(ins[0][0], p["filters"], p["kernel"], p["stride"], pads[0])
        else:
            conv = PaddedConv2d(ins[0][0], p["filters"], p["kernel"], p["stride"], pads)
        return _unit_layer(conv, p)
    if kind in Recurrent.GATES:
        return Recurrent(kind, ins[0][-1], p)
    if kind in ("Add", "Concat"):
        return Merge(kind)
    simple = {
        "MaxPool2d": lambda: nn.MaxPool2d(p["kernel"], p["stride"]),
        "AvgPool2d": lambda: nn.AvgPool2d(p["kernel"], p["stride"]),
        "Flatten": nn.Flatten,
        "Dropout": lambda: nn.Dropout(p["rate"]),
        "BatchNorm": lambda: nn.BatchNorm1d(ins[0][0]) if len(ins[0]) == 1
        else nn.BatchNorm2d(ins[0][0]),
    }
    return simple[kind]()


def _initialise(module: nn.Module) -> None:
    """Xavier-uniform weights scaled for each node's φ, zero biases (LSTM forget bias 1);
    a recurrent matrix U uniform in ±1/√units, as torch.nn.RNN, LSTM and GRU start it.

    Xavier with tanh's gain would give U a spectral radius of about 1.7 (it grows as the
    weights' spread times √units), so a plain RNN's state and error signal would not fade
    from step to step: ±1/√units gives about 0.6, and the vanishing gradient of
    backpropagation through time shows as the lecture describes it.
    """
    for sub in module.modules():
        if isinstance(sub, UnitLayer | Recurrent):
            gain = INIT_GAIN.get(sub.act.name, 1.0)
            for layer in sub.modules():
                if isinstance(sub, Recurrent) and layer is sub.hidden_map:
                    bound = sub.units ** -0.5
                    nn.init.uniform_(layer.weight, -bound, bound)
                elif isinstance(layer, nn.Linear | nn.Conv2d):
                    nn.init.xavier_uniform_(layer.weight, gain)
                    if layer.bias is not None:
                        nn.init.zeros_(layer.bias)
        if isinstance(sub, Recurrent) and sub.kind == "LSTM":
            with torch.no_grad():
                sub.input_map.bias[sub.units : 2 * sub.units] = 1.0


class PlaygroundNet(nn.Module):
    """The drawn network. `forward` gives the prediction φ(v) of the Output node."""

    def __init__(self, spec: NetworkSpec, info: GraphInfo):
        super().__init__()
        self.order = [n for n in info.order if spec.layer(n).kind != "Input"]
        self.sources = {n: spec.inputs_of(n) for n in self.order}
        self.input_id = spec.of_kind("Input")[0].id
        self.output_id = spec.of_kind("Output")[0].id
        self.nodes = nn.ModuleDict()
        for n in self.order:
            if hasattr(self.nodes, n):
                raise SpecError(f"the layer id '{n}' is a reserved word; rename the layer")
            self.nodes[n] = _build_node(spec.layer(n), info.input_shapes[n])
        previous = [self.input_id, *self.order[:-1]]
        chain = all(self.sources[n] == [p] for n, p in zip(self.order, previous, strict=True))
        # A plain chain runs without building the dict of every node's output.
        self._chain = [self.nodes[n] for n in self.order[:-1]] if chain else None

    def trace(self, x: Tensor) -> dict[str, Tensor]:
        """Every node's output, the Output node's as its field v (before φ)."""
        values = {self.input_id: x}
        for node in self.order:
            module = self.nodes[node]
            ins = [values[s] for s in self.sources[node]]
            values[node] = module.field(ins[0]) if node == self.output_id else module(*ins)
        return values

    def output_field(self, x: Tensor) -> Tensor:
        """v of the Output node: what the loss works on (logits for cross-entropy)."""
        if self._chain is None:
            return self.trace(x)[self.output_id]
        for module in self._chain:
            x = module(x)
        return self.nodes[self.output_id].field(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.nodes[self.output_id].act(self.output_field(x))

    # ---- weights as numpy arrays, keyed "node.name" (e.g. "dense_1.weight") ------------
    def node_weights(self, node: str) -> dict[str, np.ndarray]:
        """The node's weights and biases (and BatchNorm statistics) as numpy copies."""
        state = self._node(node).state_dict()
        return {_public(k): v.detach().cpu().numpy().copy() for k, v in state.items()}

    def set_node_weights(self, node: str, values: dict[str, Any]) -> None:
        """Hand-set some of a node's weights; shapes must match exactly."""
        state = {_public(k): v for k, v in self._node(node).state_dict().items()}
        checked = {}
        for name, value in values.items():
            if name not in state:
                raise SpecError(f"'{node}' has no weights named '{name}' "
                                f"(it has: {', '.join(state) or 'none'})")
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise SpecError(f"'{node}.{name}' is not an array of numbers") from None
            if tuple(array.shape) != tuple(state[name].shape):
                raise SpecError(f"'{node}.{name}' needs shape {list(state[name].shape)}, "
                                f"got {list(array.shape)}")
            if not np.isfinite(array).all():
                raise SpecError(f"'{node}.{name}' contains NaN or infinite values")
            checked[name] = array
        with torch.no_grad():
            for name, array in checked.items():
                state[name].copy_(torch.from_numpy(array))

    def state_arrays(self) -> dict[str, np.ndarray]:
        """All weights keyed 'node.name', as numpy copies (for files and snapshots)."""
        return {f"{node}.{name}": array for node in self.nodes
                for name, array in self.node_weights(node).items()}

    def load_state_arrays(self, arrays: dict[str, Any]) -> None:
        """Load weights saved by `state_arrays`, naming any mismatch; all or nothing."""
        expected = set(self.state_arrays())
        missing, extra = sorted(expected - set(arrays)), sorted(set(arrays) - expected)
        if missing or extra:
            raise SpecError("the saved weights do not fit this network (did the architecture "
                            f"change?): missing {missing or 'none'}, unexpected {extra or 'none'}")
        backup = self.state_arrays()
        try:
            for key, value in arrays.items():
                node, name = key.split(".", 1)
                self.set_node_weights(node, {name: value})
        except SpecError:
            for key, value in backup.items():
                node, name = key.split(".", 1)
                self.set_node_weights(node, {name: value})
            raise

    def _node(self, node: str) -> nn.Module:
        if node not in self.nodes:
            raise SpecError(f"there is no layer with weights called '{node}'")
        return self.nodes[node]


def build_model(spec: NetworkSpec, seed: int = 0) -> PlaygroundNet:
    """Build the module for a valid spec; the same seed gives the same initial weights."""
    info = require_valid(spec)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = PlaygroundNet(spec, info)
        _initialise(model)
    return model
