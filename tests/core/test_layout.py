"""Arrange to Fit: long networks wrap into rows in reading order and stay readable."""

import pytest

from playground.core.layout import arrange_to_fit, bounds, depths, fitted_zoom
from playground.core.spec import NetworkSpec, sequential

CANVAS = (670.0, 480.0)  # the canvas of the default 1400×860 window


def chain(length: int) -> NetworkSpec:
    middle = [("Dense", {"units": 4})] * (length - 2)
    return sequential(("Input", {"shape": [2]}), *middle,
                      ("Output", {"activation": "tanh", "loss": "squared_error"}))


def sizes_of(spec: NetworkSpec, tall: frozenset[str] = frozenset()) -> dict:
    """Every node 176 wide; 84 high, or 150 where it shows unit pictures."""
    return {layer.id: (176.0, 150.0 if layer.id in tall else 84.0) for layer in spec.layers}


def assert_no_overlap(positions: dict, sizes: dict) -> None:
    boxes = {n: (x, y, x + sizes[n][0], y + sizes[n][1]) for n, (x, y) in positions.items()}
    for a, (l1, t1, r1, b1) in boxes.items():
        for b, (l2, t2, r2, b2) in boxes.items():
            assert a == b or r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, (a, b)


def aspect(positions: dict, sizes: dict) -> float:
    left, top, right, bottom = bounds(positions, sizes)
    return (right - left) / (bottom - top)


def test_a_long_chain_wraps_into_rows_in_reading_order():
    spec = chain(12)
    sizes = sizes_of(spec)
    positions = arrange_to_fit(spec, CANVAS, sizes)
    assert_no_overlap(positions, sizes)
    order = [positions[layer.id] for layer in spec.layers]
    for (x0, y0), (x1, y1) in zip(order, order[1:], strict=False):
        assert (y1 == y0 and x1 > x0) or (y1 > y0 and x1 == 0.0)  # right, or the next row
    assert len({y for _, y in order}) > 1
    assert fitted_zoom(positions, sizes, CANVAS) >= 0.7
    assert aspect(positions, sizes) == pytest.approx(CANVAS[0] / CANVAS[1], rel=0.5)


def test_the_rows_follow_the_shape_of_the_view():
    spec = chain(12)
    sizes = sizes_of(spec)
    rows = {view: len({y for _, y in arrange_to_fit(spec, view, sizes).values()})
            for view in ((1600.0, 400.0), CANVAS, (400.0, 900.0))}
    assert rows[(1600.0, 400.0)] < rows[CANVAS] < rows[(400.0, 900.0)]


@pytest.mark.parametrize("length", [2, 3, 4])
def test_a_short_chain_stays_on_one_row(length):
    spec = chain(length)
    positions = arrange_to_fit(spec, (760.0, 480.0), sizes_of(spec))  # four columns: 0.8
    assert len({y for _, y in positions.values()}) == 1


def branching() -> NetworkSpec:
    """Two residual blocks and a three-way concat: several nodes per depth."""
    spec = chain(3)
    spec.remove_layer("output_1")
    last = "dense_1"
    for block in range(2):
        a = spec.add_layer("Dense", {"units": 4}, layer_id=f"a{block}").id
        b = spec.add_layer("Dense", {"units": 4}, layer_id=f"b{block}").id
        add = spec.add_layer("Add", layer_id=f"add{block}").id
        spec.connect(last, a)
        spec.connect(a, b)
        spec.connect(b, add)
        spec.connect(last, add)
        last = add
    cat = spec.add_layer("Concat", layer_id="cat").id
    for i in range(3):
        side = spec.add_layer("Dense", {"units": 2}, layer_id=f"side{i}").id
        spec.connect(last, side)
        spec.connect(side, cat)
    out = spec.add_layer("Output", {"activation": "tanh", "loss": "squared_error"}).id
    spec.connect(cat, out)
    return spec


def test_a_branching_graph_keeps_each_depth_column_together():
    spec = branching()
    sizes = sizes_of(spec, tall=frozenset({"a0", "side1", "side2"}))
    positions = arrange_to_fit(spec, CANVAS, sizes)
    assert_no_overlap(positions, sizes)
    depth = depths(spec)
    rows: list[list[str]] = [[]]
    last_x = -1.0
    for d in sorted(set(depth.values())):
        nodes = [n for n in depth if depth[n] == d]
        xs = {positions[n][0] for n in nodes}
        assert len(xs) == 1  # the nodes of one depth stay in one column
        x = xs.pop()
        if x <= last_x:  # reading order: left to right, then on the next row
            rows.append([])
        rows[-1] += nodes
        last_x = x
    spans = [(min(positions[n][1] for n in row), max(positions[n][1] + sizes[n][1] for n in row))
             for row in rows]
    assert len(rows) > 1
    assert all(above[1] < below[0] for above, below in zip(spans, spans[1:], strict=False))


def test_an_empty_network_has_nothing_to_arrange():
    assert arrange_to_fit(NetworkSpec(), CANVAS, {}) == {}
