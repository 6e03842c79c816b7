"""Hand-set weights: double-click a unit's layer or a connection, type, and see it at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from playground.gui.panels.weights_dialog import WeightsDialog
from tests.gui.conftest import wait_for_preview


def typing(window, changes: dict[tuple[int, int], str], opened: list[str]):
    """Stand in for the modal dialog: type the changes and press OK."""
    def dialog(node, weights, bias):
        opened.append(node)
        box = WeightsDialog(node, weights, bias, window)
        for (row, column), text in changes.items():
            box.table.item(row, column).setText(text)
        box.exec = lambda: QDialog.DialogCode.Accepted if box.values() is not None \
            else QDialog.DialogCode.Rejected
        return box
    return dialog


def double_click(window, point):
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, window.view.mapFromScene(point))


def test_double_clicking_a_layer_sets_its_weights_and_the_views_follow(window, qtbot):
    opened: list[str] = []
    window.weights_dialog = typing(window, {(0, 0): "2.5", (1, 2): "-1"}, opened)
    double_click(window, window.scene.nodes["dense_1"].sceneBoundingRect().center())
    assert opened == ["dense_1"]
    weights = window.document.project.weights
    assert weights["dense_1.weight"][0, 0] == 2.5 and weights["dense_1.bias"][1] == -1.0
    wait_for_preview(window.controller, qtbot)
    assert window.controller.last_frame.weights["dense_1"][0, 0] == 2.5
    assert window.isWindowModified()
    window.undo_action.trigger()
    assert window.document.project.weights is None
    wait_for_preview(window.controller, qtbot)
    assert window.controller.last_frame.weights["dense_1"][0, 0] != 2.5


def test_double_clicking_a_connection_opens_its_target(window):
    opened: list[str] = []
    window.weights_dialog = typing(window, {}, opened)
    edge = window.scene.edges[("dense_2", "output_1")]
    double_click(window, edge.path().pointAtPercent(0.5))
    assert opened == ["output_1"]


def test_a_typo_is_named_and_keeps_the_dialog_open(qtbot):
    box = WeightsDialog("dense_1", np.zeros((2, 3)), np.zeros(2))
    qtbot.addWidget(box)
    box.table.item(1, 1).setText("abc")
    assert box.values() is None
    assert box.problem.text() == "Unit 2, w from input 2: 'abc' is not a number."
    box.show()
    box.accept()
    assert box.isVisible()
    box.table.item(1, 1).setText("−0.5")  # a typographic minus is fine
    assert box.values()["weight"][1, 1] == -0.5


def test_layers_without_a_weight_matrix_say_so(window):
    window.document.edit_spec("conv", lambda s: s.add_layer("Dropout", layer_id="drop"))
    window.edit_weights("drop")
    assert "Dense and Output" in window.statusBar().currentMessage()
