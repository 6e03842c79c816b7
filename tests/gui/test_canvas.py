"""The canvas, driven as a user would: drops from the palette, port drags, keys, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.core.presets import load_preset
from playground.gui.canvas.items import NODE_HEIGHT, NODE_WIDTH
from playground.gui.document import Document
from tests.gui.conftest import drag_mouse, drop_layer


def centre(window, layer_id: str) -> QPointF:
    return window.scene.nodes[layer_id].sceneBoundingRect().center()


def test_dropping_a_layer_from_the_palette_adds_it_to_spec_and_scene(window):
    before = len(window.document.spec.layers)
    drop_layer(window.view, "Dropout", QPointF(300, 400))
    spec = window.document.spec
    assert len(spec.layers) == before + 1
    new = spec.layers[-1]
    assert new.kind == "Dropout" and new.id in window.scene.nodes
    assert new.position == pytest.approx((300 - NODE_WIDTH / 2, 400 - NODE_HEIGHT / 2), abs=2)
    assert window.scene.selected_ids() == [new.id]
    assert "Dropout" in window.undo_action.text()


def test_dropping_on_an_edge_inserts_the_layer_into_it(window):
    edge = window.scene.edges[("dense_1", "dense_2")]
    drop_layer(window.view, "Dense", edge.path().pointAtPercent(0.5))
    spec = window.document.spec
    new = spec.layers[-1].id
    assert spec.inputs_of(new) == ["dense_1"] and spec.inputs_of("dense_2") == [new]
    assert (("dense_1", new) in window.scene.edges) and (new, "dense_2") in window.scene.edges
    assert window.document.info.ok


def test_dropping_after_an_open_chain_end_connects_it(window):
    spec = window.document.spec
    window.scene.select_only(["output_1"])
    window.delete_action.trigger()
    right_of_dense = centre(window, "dense_2") + QPointF(NODE_WIDTH + 60, 0)
    drop_layer(window.view, "Output", right_of_dense)
    assert spec.inputs_of(spec.layers[-1].id) == ["dense_2"]


def test_connecting_incompatible_layers_marks_the_node_with_the_fix(window):
    drop_layer(window.view, "Conv2d", QPointF(200, 300))
    conv = window.document.spec.layers[-1].id
    source = window.scene.nodes["dense_1"].output_port.anchor()
    target = window.scene.nodes[conv].input_port.anchor()
    drag_mouse(window.view, source, target)
    assert window.document.spec.inputs_of(conv) == ["dense_1"]
    view = window.scene.nodes[conv].view
    assert view.errors and "needs a 3-D input" in view.errors[0]
    assert "got 4 features" in window.scene.nodes[conv].toolTip()
    assert "problem" in window.summary.text()


def test_dragging_an_input_end_away_deletes_the_connection(window):
    port = window.scene.nodes["dense_2"].input_port.anchor()
    drag_mouse(window.view, port, port + QPointF(0, 200))
    assert window.document.spec.inputs_of("dense_2") == []
    assert ("dense_1", "dense_2") not in window.scene.edges


def test_moving_a_node_is_one_undoable_step(window):
    start = centre(window, "dense_1")
    before = window.document.spec.layer("dense_1").position
    drag_mouse(window.view, start, start + QPointF(40, 120))
    after = window.document.spec.layer("dense_1").position
    assert after != before
    assert window.document.undo_stack.count() == 1
    window.undo_action.trigger()
    assert window.document.spec.layer("dense_1").position == before


def test_delete_key_removes_the_selection_and_undo_redo_restore_exact_specs(window):
    original = window.document.spec.to_dict()
    window.scene.select_only(["dense_2"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    edited = window.document.spec.to_dict()
    assert "dense_2" not in window.scene.nodes
    assert all("dense_2" not in (e["source"], e["target"]) for e in edited["edges"])
    window.undo_action.trigger()
    assert window.document.spec.to_dict() == original
    assert "dense_2" in window.scene.nodes
    window.redo_action.trigger()
    assert window.document.spec.to_dict() == edited


def test_copy_paste_duplicates_the_selection(window):
    window.scene.select_only(["dense_1", "dense_2"])
    window.copy_action.trigger()
    window.paste_action.trigger()
    spec = window.document.spec
    assert [layer.id for layer in spec.layers[-2:]] == ["dense_3", "dense_4"]
    assert spec.inputs_of("dense_4") == ["dense_3"]
    assert sorted(window.scene.selected_ids()) == ["dense_3", "dense_4"]


def test_inspector_edits_units_as_one_undoable_step(window, qtbot):
    window.scene.select_only(["dense_1"])
    spin = window.inspector.editors["units"]
    assert spin.value() == 4
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, "7")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.spec.layer("dense_1").params["units"] == 7
    assert "7 units" in window.scene.nodes["dense_1"].view.settings
    assert window.document.info.param_counts["dense_1"] == 2 * 7 + 7
    window.undo_action.trigger()
    assert window.document.spec.layer("dense_1").params["units"] == 4
    assert spin.value() == 4


def test_inspector_activation_dropdown_lists_the_lecture_four_first(window):
    window.scene.select_only(["dense_1"])
    combo = window.inspector.editors["activation"]
    assert [combo.itemData(i) for i in range(4)] == ["step", "sigmoid", "tanh", "relu"]
    combo.activated.emit(0)
    assert window.document.spec.layer("dense_1").params["activation"] == "step"


def test_arrange_and_fit(window):
    window.document.edit_spec("scatter", lambda s: s.move({"dense_1": (900, 900)}))
    window.scene.arrange("top-bottom")
    ys = [window.document.spec.layer(i).position[1]
          for i in ("input_1", "dense_1", "dense_2", "output_1")]
    assert ys == sorted(ys) and len(set(ys)) == 4
    window.fit_action.trigger()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert all(visible.contains(n.sceneBoundingRect()) for n in window.scene.nodes.values())


def test_wheel_zooms_the_view(window, qtbot):
    before = window.view.zoom()
    window.view.zoom_by(1.5)
    assert window.view.zoom() > before
    window.view.zoom_by(100)
    assert window.view.zoom() == 4.0


def test_pasting_foreign_or_broken_clipboard_text_changes_nothing(window):
    before = window.document.spec.to_dict()
    for text in ("hello", '{"playground-layers": {"layers": [{"kind": "Nope", "id": "x"}]}}'):
        QApplication.clipboard().setText(text)
        window.paste_action.trigger()
    assert window.document.spec.to_dict() == before
    assert "unknown layer kind 'Nope'" in window.statusBar().currentMessage()


def open_at_default_size(window, qtbot, preset: str) -> None:
    """The preset in a window of the default 1400×860, its canvas settled."""
    window.resize(1400, 860)
    window.set_document(Document.untitled(load_preset(preset)))
    qtbot.waitUntil(lambda: window.view.viewport().width() > 600)


def rows(window) -> int:
    return len({layer.position[1] for layer in window.document.spec.layers})


def test_a_long_preset_opens_readable_at_the_default_window_size(window, qtbot):
    open_at_default_size(window, qtbot, "digits-cnn")
    window.fit_action.trigger()
    assert window.view.zoom() >= 0.7
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert all(visible.contains(n.sceneBoundingRect()) for n in window.scene.nodes.values())


def test_arrange_to_fit_wraps_a_long_chain_in_one_undo_step(window, qtbot):
    open_at_default_size(window, qtbot, "digits-cnn")
    window.scene.arrange("left-right")
    window.fit_action.trigger()
    one_row = window.document.spec.to_dict()
    assert rows(window) == 1 and window.view.zoom() < 0.5
    steps = window.document.undo_stack.count()
    window.arrange_fit_action.trigger()
    assert rows(window) > 1 and window.view.zoom() >= 0.7
    assert window.document.undo_stack.count() == steps + 1
    assert window.undo_action.text() == "&Undo Arrange to Fit"
    window.undo_action.trigger()
    assert window.document.spec.to_dict() == one_row
    window.redo_action.trigger()
    assert rows(window) > 1


def test_connections_that_wrap_to_the_next_row_pass_clear_of_the_nodes(window, qtbot):
    open_at_default_size(window, qtbot, "deep-relu")
    spec = window.document.spec
    wraps = [edge for (source, target), edge in window.scene.edges.items()
             if spec.layer(target).position[0] < spec.layer(source).position[0]]
    assert len(wraps) == 2  # three rows
    for edge in wraps:
        others = [node for node in window.scene.nodes.values()
                  if node not in (edge.source, edge.target)]
        assert not any(edge.shape().intersects(node.sceneBoundingRect()) for node in others)
