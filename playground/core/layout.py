"""Automatic arrangement of a network on the canvas: columns by depth, in flow order."""

from __future__ import annotations

from collections.abc import Mapping

from playground.core.spec import NetworkSpec

COLUMN_GAP = 230.0
ROW_GAP = 150.0
FIT_MARGIN = 40.0  # what the canvas leaves around a network it fits into view
COLUMN_SPACE = 54.0  # between the columns of a wrapped layout
NODE_SPACE = 40.0  # between the nodes of one column
WRAP_SPACE = 60.0  # between the rows of a wrapped layout: room for the edge that wraps
READABLE_ZOOM = 0.75  # node text (12 px) is 9 px or more at this zoom and above
COMFORTABLE_ZOOM = 0.9  # wrapping further than this zoom buys no readability

Positions = dict[str, tuple[float, float]]
Sizes = Mapping[str, tuple[float, float]]


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


def columns(spec: NetworkSpec, axis: int = 1) -> list[list[str]]:
    """The nodes of each depth in flow order, each column sorted by its current x or y."""
    depth = depths(spec)
    grouped: dict[int, list[str]] = {}
    for layer in spec.layers:
        grouped.setdefault(depth[layer.id], []).append(layer.id)
    return [sorted(grouped[d], key=lambda n: spec.layer(n).position[axis])
            for d in sorted(grouped)]


def arrange(spec: NetworkSpec, direction: str = "left-right") -> Positions:
    """Positions that lay the graph out in columns (left-right) or rows (top-bottom)."""
    positions = {}
    for column, nodes in enumerate(columns(spec, 1 if direction == "left-right" else 0)):
        for row, node in enumerate(nodes):
            along, across = column * COLUMN_GAP, (row - (len(nodes) - 1) / 2) * ROW_GAP
            positions[node] = (along, across) if direction == "left-right" else (across, along)
    return positions


def wrap(spec: NetworkSpec, per_row: int, sizes: Sizes) -> Positions:
    """Depth columns left to right, `per_row` to a row, rows top to bottom (reading order).

    `sizes` gives each node's (width, height) on the canvas. The nodes of a column stay
    together, centred on their row's middle line so that a chain's connections run straight.
    """
    pitch = max(w for w, _ in sizes.values()) + COLUMN_SPACE
    cols = columns(spec)
    heights = [sum(sizes[n][1] for n in c) + NODE_SPACE * (len(c) - 1) for c in cols]
    positions = {}
    top = 0.0
    for start in range(0, len(cols), per_row):
        band = max(heights[start:start + per_row])
        for j, column in enumerate(cols[start:start + per_row]):
            y = top + (band - heights[start + j]) / 2
            for node in column:
                positions[node] = (j * pitch, y)
                y += sizes[node][1] + NODE_SPACE
        top += band + WRAP_SPACE
    return positions


def bounds(positions: Positions, sizes: Sizes) -> tuple[float, float, float, float]:
    """The (left, top, right, bottom) of the nodes placed at `positions`."""
    boxes = [(x, y, x + sizes[n][0], y + sizes[n][1]) for n, (x, y) in positions.items()]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def fitted_zoom(positions: Positions, sizes: Sizes, view: tuple[float, float]) -> float:
    """The zoom at which a view of `view` pixels shows all the nodes with the fit margin."""
    left, top, right, bottom = bounds(positions, sizes)
    return min(view[0] / (right - left + 2 * FIT_MARGIN),
               view[1] / (bottom - top + 2 * FIT_MARGIN))


def arrange_to_fit(spec: NetworkSpec, view: tuple[float, float], sizes: Sizes) -> Positions:
    """One row if a view of `view` pixels shows it readably, else the wrap it shows largest.

    Zoom above COMFORTABLE_ZOOM counts for nothing (then the fewest rows win), so a long
    network wraps until its shape suits the view's.
    """
    if not spec.layers:
        return {}
    layouts = [wrap(spec, per_row, sizes) for per_row in range(len(columns(spec)), 0, -1)]
    if fitted_zoom(layouts[0], sizes, view) >= READABLE_ZOOM:
        return layouts[0]
    return max(layouts, key=lambda p: min(fitted_zoom(p, sizes, view), COMFORTABLE_ZOOM))
