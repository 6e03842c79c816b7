"""Training → Sweep a Setting…: variants train in their own process, show up live, and
one click opens a variant as the document."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def test_a_learning_rate_sweep_shows_each_variant_and_opens_one(window, qtbot):
    dialog = window.open_sweep()
    qtbot.addWidget(dialog)
    dialog.setting_box.setCurrentText("learning_rate")
    dialog.values_edit.setText("0.01, 0.3")
    dialog.epochs_box.setValue(20)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.process is None, timeout=120_000)
    assert "2 variants in" in dialog.status.text()
    assert len(dialog.tiles.images) == 2
    assert dialog.tiles.captions == ["0.01", "0.3"]
    x, y = dialog.test_curve.xData, dialog.test_curve.yData  # as given (the axis is log)
    assert list(x) == [0.01, 0.3] and all(v > 0 for v in y)
    window.document.undo_stack.setClean()  # nothing to save: no question
    center = dialog.tiles.tile_rect(1).center()
    QTest.mouseClick(dialog.tiles, Qt.MouseButton.LeftButton, pos=QPoint(center))
    project = window.document.project
    assert project.training.learning_rate == 0.3 and project.weights is not None
    assert "learning_rate = 0.3" in project.title


def test_a_bad_value_is_explained_in_the_dialog(window, qtbot):
    dialog = window.open_sweep()
    qtbot.addWidget(dialog)
    dialog.setting_box.setCurrentText("activation")
    dialog.values_edit.setText("tanh, wiggly")
    dialog.run_button.click()
    assert dialog.process is None
    assert dialog.status.text().startswith("Cannot sweep: activation = 'wiggly'")
