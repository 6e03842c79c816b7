"""Automatic arrangement of a network on the canvas: columns by depth, in flow order."""

from __future__ import annotations

from playground.core.spec import NetworkSpec

COLUMN_GAP = 230.0
ROW_GAP = 150.0


def depths(spec: NetworkSpec) -> dict[str, int]:
    """Longest path from a source node to each node (cycles are cut where found)."""
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(node: str) -> int:
        if node in depth:
            return depth[node]
        if node in visiting:
            return 0
        visiting.add(node)
        sources = spec.inputs_of(node)
        depth[node] = 1 + max((visit(s) for s in sources), default=-1)
        visiting.discard(node)
        return depth[node]

    for layer in spec.layers:
        visit(layer.id)
    return depth


def arrange(spec: NetworkSpec, direction: str = "left-right") -> dict[str, tuple[float, float]]:
    """Positions that lay the graph out in columns (left-right) or rows (top-bottom)."""
    columns: dict[int, list[str]] = {}
    depth = depths(spec)
    for layer in spec.layers:
        columns.setdefault(depth[layer.id], []).append(layer.id)
    positions = {}
    for column, nodes in columns.items():
        nodes.sort(key=lambda n: spec.layer(n).position[1 if direction == "left-right" else 0])
        for row, node in enumerate(nodes):
            along, across = column * COLUMN_GAP, (row - (len(nodes) - 1) / 2) * ROW_GAP
            positions[node] = (along, across) if direction == "left-right" else (across, along)
    return positions
