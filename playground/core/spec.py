"""The network spec: layer nodes and edges as plain data, the single source of truth.

The canvas, the trainer and project files all read and edit this one structure. Edits go
through the methods here so that every parameter is checked against the layer catalogue.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from playground.core.errors import shown
from playground.core.layers import KINDS, SpecError, check_params, default_params

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass
class LayerSpec:
    """One node of the network: its kind, its parameters and where it sits on the canvas."""

    id: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    position: tuple[float, float] = (0.0, 0.0)

    @property
    def name(self) -> str:
        """How messages refer to the node: its label, else its kind and id."""
        return f"{self.kind} '{self.label or self.id}'"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "params": dict(self.params)}
        if self.label:
            data["label"] = self.label
        data["position"] = [round(float(v), 2) for v in self.position]
        return data


@dataclass(frozen=True)
class EdgeSpec:
    """A connection carrying the output of `source` into `target`."""

    source: str
    target: str

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "target": self.target}


@dataclass
class _Index:
    """Lookups over a spec's lists, so that every query takes constant time and checking a
    network of n layers takes time linear in n."""

    layers: dict[str, LayerSpec]
    inputs: dict[str, list[str]]
    outputs: dict[str, list[str]]
    edges: set[EdgeSpec]
    size: tuple[int, int]

    @classmethod
    def of(cls, spec: NetworkSpec) -> _Index:
        index = cls({}, {}, {}, set(), (0, 0))
        for layer in spec.layers:
            index.add_layer(layer)
        for edge in spec.edges:
            index.add_edge(edge)
        return index

    def add_layer(self, layer: LayerSpec) -> None:
        self.layers.setdefault(layer.id, layer)
        self.inputs.setdefault(layer.id, [])
        self.outputs.setdefault(layer.id, [])
        self.size = (self.size[0] + 1, self.size[1])

    def add_edge(self, edge: EdgeSpec) -> None:
        self.outputs.setdefault(edge.source, []).append(edge.target)
        self.inputs.setdefault(edge.target, []).append(edge.source)
        self.edges.add(edge)
        self.size = (self.size[0], self.size[1] + 1)


@dataclass
class NetworkSpec:
    """A directed graph of layers. Edge order fixes the input order of merge layers."""

    layers: list[LayerSpec] = field(default_factory=list)
    edges: list[EdgeSpec] = field(default_factory=list)
    _cache: _Index | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def _index(self) -> _Index:
        """The lookups, rebuilt whenever the lists changed other than through the methods."""
        if self._cache is None or self._cache.size != (len(self.layers), len(self.edges)):
            self._cache = _Index.of(self)
        return self._cache

    # ---- queries -------------------------------------------------------------------------
    def layer(self, layer_id: str) -> LayerSpec:
        layer = self._index.layers.get(layer_id)
        if layer is None:
            raise SpecError(f"there is no layer '{shown(layer_id)}' in this network")
        return layer

    def has_layer(self, layer_id: str) -> bool:
        return layer_id in self._index.layers

    def inputs_of(self, layer_id: str) -> list[str]:
        return list(self._index.inputs.get(layer_id, ()))

    def outputs_of(self, layer_id: str) -> list[str]:
        return list(self._index.outputs.get(layer_id, ()))

    def of_kind(self, kind: str) -> list[LayerSpec]:
        return [layer for layer in self.layers if layer.kind == kind]

    def copy(self) -> NetworkSpec:
        """An independent copy (edges are immutable and shared)."""
        layers = [LayerSpec(layer.id, layer.kind, copy.deepcopy(layer.params), layer.label,
                            layer.position) for layer in self.layers]
        return NetworkSpec(layers, list(self.edges))

    # ---- edits ---------------------------------------------------------------------------
    def new_id(self, kind: str) -> str:
        """A fresh id such as 'dense_3'."""
        stem = kind.lower()
        taken = {layer.id for layer in self.layers}
        n = 1
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def add_layer(
        self,
        kind: str,
        params: dict[str, Any] | None = None,
        *,
        layer_id: str | None = None,
        label: str = "",
        position: tuple[float, float] = (0.0, 0.0),
    ) -> LayerSpec:
        """Add a node of `kind`, filling unspecified parameters with their defaults."""
        if kind not in KINDS:
            raise SpecError(f"unknown layer kind '{shown(kind)}'; choose one of {', '.join(KINDS)}")
        layer_id = self.new_id(kind) if layer_id is None else layer_id
        if not _ID.fullmatch(layer_id):
            raise SpecError(f"layer id '{shown(layer_id)}' is not allowed: use 1 to 64 letters, "
                            "digits, '_' or '-', starting with a letter or digit")
        if self.has_layer(layer_id):
            raise SpecError(f"a layer with id '{layer_id}' already exists; pick another id")
        merged = default_params(kind)
        merged.update(check_params(kind, params or {}, layer_id))
        layer = LayerSpec(layer_id, kind, merged, label, position)
        index = self._index
        self.layers.append(layer)
        index.add_layer(layer)
        return layer

    def remove_layer(self, layer_id: str) -> None:
        """Delete a node and every edge that touches it."""
        self.layers.remove(self.layer(layer_id))
        self.edges = [e for e in self.edges if layer_id not in (e.source, e.target)]
        self._cache = None

    def connect(self, source: str, target: str, index: int | None = None) -> EdgeSpec:
        """Connect two nodes; `index` places the edge among the target's inputs."""
        src, dst = self.layer(source), self.layer(target)
        if source == target:
            raise SpecError(f"{src.name}: a layer cannot feed itself")
        if not KINDS[src.kind].has_output:
            raise SpecError(f"{src.name} is the network's end; it has no output to connect")
        if KINDS[dst.kind].max_inputs == 0:
            raise SpecError(f"{dst.name} takes no inputs; connect into the next layer instead")
        edge = EdgeSpec(source, target)
        if edge in self._index.edges:
            raise SpecError(f"{src.name} is already connected to {dst.name}")
        if index is None:
            lookups = self._index
            self.edges.append(edge)
            lookups.add_edge(edge)
        else:
            self.edges.insert(index, edge)
            self._cache = None  # the target's input order changed
        return edge

    def disconnect(self, source: str, target: str) -> int:
        """Remove the edge; returns its former position (for undo)."""
        edge = EdgeSpec(source, target)
        if edge not in self._index.edges:
            raise SpecError(f"'{source}' is not connected to '{target}'")
        index = self.edges.index(edge)
        del self.edges[index]
        self._cache = None
        return index

    def set_params(self, layer_id: str, **params: Any) -> None:
        """Change some parameters of a node; each value is checked first."""
        layer = self.layer(layer_id)
        layer.params.update(check_params(layer.kind, params, layer.label or layer.id))

    def move(self, positions: dict[str, tuple[float, float]]) -> None:
        """Place nodes on the canvas."""
        for layer_id, (x, y) in positions.items():
            self.layer(layer_id).position = (float(x), float(y))

    def insert_on_edge(self, layer_id: str, source: str, target: str) -> None:
        """Put a node into the connection source → target, keeping the target's input slot."""
        index = self.disconnect(source, target)
        self.connect(layer_id, target, index=index)
        self.connect(source, layer_id)

    def fragment(self, layer_ids: list[str]) -> dict[str, Any]:
        """The chosen nodes and the edges among them, as data (for copy and paste)."""
        chosen = set(layer_ids)
        return {
            "layers": [layer.to_dict() for layer in self.layers if layer.id in chosen],
            "edges": [e.to_dict() for e in self.edges if {e.source, e.target} <= chosen],
        }

    def paste(self, fragment: dict[str, Any], offset: tuple[float, float] = (40.0, 40.0)
              ) -> list[str]:
        """Add copies of a fragment's nodes (fresh ids, shifted) and its inner edges."""
        piece = NetworkSpec.from_dict(fragment)
        renamed: dict[str, str] = {}
        for layer in piece.layers:
            x, y = layer.position
            renamed[layer.id] = self.add_layer(layer.kind, layer.params, label=layer.label,
                                               position=(x + offset[0], y + offset[1])).id
        for edge in piece.edges:
            self.connect(renamed[edge.source], renamed[edge.target])
        return list(renamed.values())

    def structure(self) -> dict[str, Any]:
        """The spec without canvas positions and labels: what the model is built from."""
        data = self.to_dict()
        for layer in data["layers"]:
            layer.pop("position", None)
            layer.pop("label", None)
        return data

    def chain(self, *layer_ids: str) -> None:
        """Connect the given nodes one after another."""
        for source, target in zip(layer_ids, layer_ids[1:], strict=False):
            self.connect(source, target)

    # ---- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "layers": [layer.to_dict() for layer in self.layers],
            "edges": [edge.to_dict() for edge in self.edges],
        }

    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        """Rebuild a spec from JSON data, rejecting anything malformed with a clear message."""
        if not isinstance(data, dict):
            raise SpecError("the network must be an object with 'layers' and 'edges'")
        layers, edges = data.get("layers"), data.get("edges", [])
        if not isinstance(layers, list) or not isinstance(edges, list):
            raise SpecError("the network needs a list of 'layers' and a list of 'edges'")
        spec = cls()
        for i, item in enumerate(layers):
            if not isinstance(item, dict) or "kind" not in item or "id" not in item:
                raise SpecError(f"layer #{i + 1} needs at least an 'id' and a 'kind'")
            params = item.get("params", {})
            if not isinstance(params, dict):
                raise SpecError(f"layer '{shown(str(item['id']))}': 'params' must be an object")
            position = item.get("position", (0.0, 0.0))
            try:
                pos = (float(position[0]), float(position[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                raise SpecError(f"layer '{shown(str(item['id']))}': 'position' must be [x, y]"
                                ) from None
            spec.add_layer(
                str(item["kind"]),
                params,
                layer_id=str(item["id"]),
                label=str(item.get("label", "")),
                position=pos,
            )
        for i, item in enumerate(edges):
            if not isinstance(item, dict) or "source" not in item or "target" not in item:
                raise SpecError(f"edge #{i + 1} needs a 'source' and a 'target'")
            spec.connect(str(item["source"]), str(item["target"]))
        return spec


def sequential(*layers: tuple[str, dict[str, Any]]) -> NetworkSpec:
    """Build a chain network from (kind, params) pairs, laid out left to right."""
    spec = NetworkSpec()
    ids = [
        spec.add_layer(kind, params, position=(220.0 * i, 0.0)).id
        for i, (kind, params) in enumerate(layers)
    ]
    spec.chain(*ids)
    return spec
