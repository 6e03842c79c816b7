"""The canvas scene: draws the document's spec and turns gestures into undoable core edits."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QGraphicsSceneMouseEvent

from playground.core.frames import Frame
from playground.core.graph import GraphInfo
from playground.core.layers import KINDS, SpecError, activation_range
from playground.core.layout import FIT_MARGIN, arrange, arrange_to_fit
from playground.core.spec import LayerSpec, NetworkSpec
from playground.gui.canvas.items import (
    NODE_HEIGHT,
    NODE_WIDTH,
    EdgeItem,
    NodeItem,
    NodeView,
    PortItem,
    edge_path,
)
from playground.gui.document import Document, follow

SCENE_MARGIN = FIT_MARGIN  # the scene reaches this far beyond its items: room to fit them
CHAIN_REACH = 320.0  # a node dropped this close after a chain's open end is connected to it


def shape_text(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "shape unknown"
    if len(shape) == 1:
        return f"{shape[0]} feature{'s' if shape[0] != 1 else ''}"
    return "×".join(str(s) for s in shape)


def settings_text(layer: LayerSpec) -> str:
    """The node's key settings in a few words."""
    p = layer.params
    act = p.get("activation", "").replace("_", " ")
    if layer.kind == "Input":
        return "shape " + "×".join(str(s) for s in p["shape"])
    if layer.kind == "Dense":
        return f"{p['units']} units · {act}"
    if layer.kind == "Output":
        units = f"{p['units']} unit{'s' if p['units'] != 1 else ''}"
        return f"{units} · {act} · {p['loss'].replace('_', ' ')}"
    if layer.kind == "Conv2d":
        pad = "same" if p["padding_mode"] == "same" else f"pad {p['padding']}"
        return f"{p['filters']} × {p['kernel']}×{p['kernel']} · s{p['stride']} · {pad} · {act}"
    if layer.kind in ("MaxPool2d", "AvgPool2d"):
        return f"{p['kernel']}×{p['kernel']} window · stride {p['stride']}"
    if layer.kind in ("RNN", "LSTM", "GRU"):
        steps = "every step" if p["return_sequences"] else "last step"
        return f"{p['units']} units · {act} · {steps}"
    if layer.kind == "Dropout":
        return f"drop {p['rate']:.0%}"
    return KINDS[layer.kind].summary


def node_view(layer: LayerSpec, info: GraphInfo) -> NodeView:
    title = f"{layer.kind} · {layer.label}" if layer.label else f"{layer.kind} · {layer.id}"
    errors = tuple(m.removeprefix(f"{layer.name} ").removeprefix(f"{layer.name}: ")
                   for m in info.issues_for(layer.id))
    return NodeView(layer.id, layer.kind, title, settings_text(layer),
                    shape_text(info.shapes.get(layer.id)), info.param_counts.get(layer.id),
                    errors)


def _with_margin(rect: QRectF) -> QRectF:
    return rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)


class NetworkScene(QGraphicsScene):
    """Nodes and edges mirroring the document's spec; all edits go through the document."""

    message = Signal(str)
    nodeActivated = Signal(str)  # a node, or the connection into it, was double-clicked

    def __init__(self, document: Document):
        super().__init__()
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self._link: QGraphicsPathItem | None = None
        self._link_source: NodeItem | None = None
        self._rerouting: tuple[str, str] | None = None
        self._press_positions: dict[str, QPointF] = {}
        self._syncing = False
        self.document = document
        document.changed.connect(self.sync)
        self.sync()

    def set_document(self, document: Document) -> None:
        self.document = follow(self.document, document, self.sync)
        self.clear_items()
        self.sync()
        # The scene's extent is the new network's alone: with the last project's (Qt never
        # shrinks it), the view could not centre a smaller network and showed it top-left.
        self.setSceneRect(_with_margin(self.nodes_rect()))

    def _cover(self, rect: QRectF) -> None:
        """Grow the scene's extent to hold `rect` and a margin: scroll bars reach every node,
        and a view fitted to the nodes (with the same margin) needs none."""
        rect = _with_margin(rect)
        if not self.sceneRect().contains(rect):
            self.setSceneRect(self.sceneRect() | rect)

    def nodes_rect(self) -> QRectF:
        """Where the nodes are, in the scene (connections run between them)."""
        rect = QRectF()
        for node in self.nodes.values():
            rect |= node.sceneBoundingRect()
        return rect

    def clear_items(self) -> None:
        for item in [*self.edges.values(), *self.nodes.values()]:
            self.removeItem(item)
        self.nodes.clear()
        self.edges.clear()

    # ---- mirror the spec -----------------------------------------------------------------
    def sync(self) -> None:
        """Make the items match the spec: add, update, move and remove as needed."""
        self._syncing = True
        spec, info = self.document.spec, self.document.info
        selected = set(self.selected_ids())
        for layer_id in set(self.nodes) - {layer.id for layer in spec.layers}:
            self.removeItem(self.nodes.pop(layer_id))
        for layer in spec.layers:
            view = node_view(layer, info)
            item = self.nodes.get(layer.id)
            if item is None or item.view.kind != layer.kind:
                if item is not None:
                    self.removeItem(item)
                item = self.nodes[layer.id] = NodeItem(view)
                self.addItem(item)
            else:
                item.set_view(view)
            item.setPos(QPointF(*layer.position))
            item.setSelected(layer.id in selected)
        edges = {}
        for e in spec.edges:
            item = self.edges.pop((e.source, e.target), None)
            ends = self.nodes[e.source], self.nodes[e.target]
            if item is None or (item.source, item.target) != ends:
                if item is not None:  # a node was replaced by one of another kind
                    self.removeItem(item)
                item = EdgeItem(*ends)
                self.addItem(item)
            else:  # kept, with the last weights it showed while they still fit
                item.refresh()
                if not self._weights_fit(item, item.weights):
                    item.set_weights(None)
            edges[item.key] = item
        for stale in self.edges.values():
            self.removeItem(stale)
        self.edges = edges
        self._syncing = False
        self._cover(self.nodes_rect())

    def show_frame(self, frame: Frame) -> None:
        """Draw each hidden unit's picture in its node and the weights on the edges."""
        spec = self.document.spec
        for layer_id, node in self.nodes.items():
            maps = frame.unit_maps.get(layer_id)
            activation = spec.layer(layer_id).params.get("activation") \
                if spec.has_layer(layer_id) else None
            # Unbounded units (ReLU, linear) each use the whole colour scale: on the layer's
            # shared scale most of them were too pale to read.
            own_scale = isinstance(activation, str) and activation_range(activation) is None
            node.set_pictures(maps, frame.unit_ranges.get(layer_id, (-1.0, 1.0)), own_scale)
        for (_source, target), edge in self.edges.items():
            weights = frame.weights.get(target)
            edge.set_weights(weights if self._weights_fit(edge, weights) else None)

    def _weights_fit(self, edge: EdgeItem, weights: np.ndarray | None) -> bool:
        """Whether `weights` (out × in) are those of this edge alone, for the current spec."""
        source, target = edge.key
        if weights is None or weights.ndim != 2 or len(self.document.spec.inputs_of(target)) != 1:
            return False
        shapes = self.document.info.shapes
        if source not in shapes or target not in shapes:
            return False
        return weights.shape == (shapes[target][-1], shapes[source][-1])

    def node_moved(self, node: NodeItem) -> None:
        for edge in self.edges.values():
            if node in (edge.source, edge.target):
                edge.refresh()
        self._cover(node.sceneBoundingRect())

    def selected_ids(self) -> list[str]:
        return [i.layer_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def select_only(self, layer_ids: list[str]) -> None:
        self.clearSelection()
        for layer_id in layer_ids:
            self.nodes[layer_id].setSelected(True)

    # ---- edits ---------------------------------------------------------------------------
    def _edit(self, text: str, mutate: Any) -> object:
        """An undoable spec edit; a refused one becomes a message, never an exception."""
        try:
            return self.document.edit_spec(text, mutate)
        except SpecError as err:
            self.message.emit(str(err))
            return None

    def add_layer(self, kind: str, at: QPointF) -> str | None:
        """Add a node centred at `at`: into an edge dropped on, or after a nearby chain end."""
        position = (at.x() - NODE_WIDTH / 2, at.y() - NODE_HEIGHT / 2)
        edge = self.edge_at(at)
        after = None if edge else self._open_end_near(at)

        def apply(spec: NetworkSpec) -> str:
            layer = spec.add_layer(kind, position=position)
            if edge is not None and KINDS[kind].max_inputs != 0 and KINDS[kind].has_output:
                spec.insert_on_edge(layer.id, *edge.key)
            elif after is not None and KINDS[kind].max_inputs != 0:
                spec.connect(after, layer.id)
            return layer.id

        layer_id = self._edit(f"Add {kind}", apply)
        if isinstance(layer_id, str):
            self.select_only([layer_id])
        return layer_id if isinstance(layer_id, str) else None

    def edge_at(self, point: QPointF) -> EdgeItem | None:
        for item in self.items(point):
            if isinstance(item, EdgeItem):
                return item
        return None

    def _open_end_near(self, point: QPointF) -> str | None:
        """The closest node left of `point` whose output is not connected yet."""
        spec = self.document.spec
        best, best_distance = None, CHAIN_REACH
        for layer_id, node in self.nodes.items():
            if node.output_port is None or spec.outputs_of(layer_id):
                continue
            anchor = node.output_port.anchor()
            distance = (point - anchor).manhattanLength()
            if point.x() > anchor.x() - NODE_WIDTH / 2 and distance < best_distance:
                best, best_distance = layer_id, distance
        return best

    def delete_selection(self) -> None:
        nodes = self.selected_ids()
        edges = [i.key for i in self.selectedItems() if isinstance(i, EdgeItem)]
        if not nodes and not edges:
            return

        def apply(spec: NetworkSpec) -> None:
            for source, target in edges:
                if source not in nodes and target not in nodes:
                    spec.disconnect(source, target)
            for layer_id in nodes:
                spec.remove_layer(layer_id)

        self._edit("Delete", apply)

    def copy_selection(self) -> dict[str, Any] | None:
        ids = self.selected_ids()
        return self.document.spec.fragment(ids) if ids else None

    def paste(self, fragment: dict[str, Any]) -> None:
        pasted = self._edit("Paste", lambda spec: spec.paste(fragment))
        if isinstance(pasted, list):
            self.select_only(pasted)

    def arrange(self, direction: str) -> None:
        positions = arrange(self.document.spec, direction)
        self._edit("Arrange", lambda spec: spec.move(positions))

    def arrange_to_fit(self, view: tuple[float, float]) -> None:
        """Wrap the columns into rows that a view of `view` pixels shows readably."""
        sizes = {i: (NODE_WIDTH, node.height) for i, node in self.nodes.items()}
        positions = arrange_to_fit(self.document.spec, view, sizes)
        self._edit("Arrange to Fit", lambda spec: spec.move(positions))

    # ---- connecting by dragging from a port ----------------------------------------------
    def begin_link(self, port: PortItem) -> None:
        """Start a connection from an output port, or pick up an edge from an input port."""
        if port.output:
            self._link_source, self._rerouting = port.node, None
        else:
            incoming = [key for key in self.edges if key[1] == port.node.layer_id]
            if not incoming:
                return
            self._rerouting = incoming[-1]
            self._link_source = self.nodes[self._rerouting[0]]
            self.edges[self._rerouting].hide()
        self._link = QGraphicsPathItem()
        self._link.setPen(QPen(self.palette().highlight().color(), 2))
        self._link.setZValue(3)
        self.addItem(self._link)
        self.drag_link(port.anchor())

    def drag_link(self, point: QPointF) -> None:
        if self._link is not None and self._link_source is not None:
            assert self._link_source.output_port is not None
            self._link.setPath(edge_path(self._link_source.output_port.anchor(), point))

    def end_link(self, point: QPointF) -> None:
        if self._link is None or self._link_source is None:
            return
        self.removeItem(self._link)
        self._link = None
        source = self._link_source.layer_id
        target = self._node_at(point)
        old = self._rerouting
        if old is not None:
            self.edges[old].show()
        if target is None and old is None or (old is not None and target == old[1]):
            return

        def apply(spec: NetworkSpec) -> None:
            if old is not None:
                spec.disconnect(*old)
            if target is not None:
                spec.connect(source, target)

        text = "Disconnect" if target is None else "Reconnect" if old else "Connect"
        self._edit(text, apply)

    def _node_at(self, point: QPointF) -> str | None:
        for item in self.items(point):
            node = item.node if isinstance(item, PortItem) else item
            if isinstance(node, NodeItem) and node.input_port is not None:
                return node.layer_id
        return None

    # ---- moving nodes: one undo step per drag --------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mousePressEvent(event)
        self._press_positions = {i: self.nodes[i].pos() for i in self.selected_ids()}

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        moved = {i: (self.nodes[i].pos().x(), self.nodes[i].pos().y())
                 for i, before in self._press_positions.items()
                 if i in self.nodes and self.nodes[i].pos() != before}
        self._press_positions = {}
        if moved:
            self._edit("Move", lambda spec: spec.move(moved))
