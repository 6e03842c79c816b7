"""The data panel with image and sequence sets: previews, the length and autoencode settings."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.main_window import MainWindow
from playground.gui.panels.data_panel import DataPanel
from playground.gui.plots.samples import IMAGE_SAMPLES, SEQUENCE_SAMPLES


@pytest.fixture
def document():
    return Document(load_preset("circle"))


@pytest.fixture
def panel(qtbot, document):
    widget = DataPanel(document)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def choose(panel, title):
    index = panel.dataset_combo.findText(title, Qt.MatchFlag.MatchContains)
    assert index >= 0, title
    panel.dataset_combo.setCurrentIndex(index)


def params(document, kind):
    return document.project.network.of_kind(kind)[0].params


def test_an_image_set_previews_labelled_images_and_reshapes_the_input(panel, document):
    choose(panel, "Bars")
    data = document.dataset
    assert panel.preview.currentWidget() is panel.image_grid
    assert len(panel.image_grid.tiles) == IMAGE_SAMPLES
    names = data.info.class_names
    assert panel.image_grid.captions == [names[i] for i in data.y_train[:IMAGE_SAMPLES]]
    assert panel.image_grid.tiles[0].width() == 8
    assert list(params(document, "Input")["shape"]) == [1, 8, 8]
    assert (params(document, "Output")["units"], params(document, "Output")["task"]) == \
        (4, "multiclass")
    assert not panel.form.isRowVisible(panel.features_grid)
    assert not panel.form.isRowVisible(panel.length_spin)
    assert not panel.show_test_box.isVisible()


def test_a_sequence_set_shows_curves_and_its_length_can_be_typed(panel, document):
    choose(panel, "Remember the first bit")
    assert panel.preview.currentWidget() is panel.sequence_plot
    assert panel.form.isRowVisible(panel.length_spin)
    panel.length_spin.selectAll()
    QTest.keyClicks(panel.length_spin, "20")
    QTest.keyClick(panel.length_spin, Qt.Key.Key_Return)
    assert document.project.data.length == 20
    assert list(params(document, "Input")["shape"]) == [20, 1]
    curves = [c for c in panel.sequence_plot.curves if c.isVisible()]
    assert len(curves) == SEQUENCE_SAMPLES and len(curves[0].getData()[0]) == 20
    labels = document.dataset.y_train[:SEQUENCE_SAMPLES]
    assert [label.toPlainText() for label in panel.sequence_plot.labels] == \
        [f"first bit {i}" for i in labels]
    document.undo_stack.undo()
    assert panel.length_spin.value() == 8 and document.project.data.length == 8


def test_the_next_sine_value_is_drawn_after_each_window(panel, document):
    choose(panel, "Next sine value")
    x, y = panel.sequence_plot.targets.getData()
    assert np.all(x == 9)  # one step after the 8 steps of each window
    offsets = y - document.dataset.y_train[:SEQUENCE_SAMPLES, 0]
    assert np.all(np.diff(offsets) < 0)  # the windows are stacked top to bottom


def test_autoencode_makes_the_inputs_the_targets_and_undo_brings_the_classes_back(panel,
                                                                                   document):
    choose(panel, "Handwritten digits")
    assert params(document, "Output")["units"] == 10
    panel.autoencode_box.click()
    assert document.project.data.autoencode and document.dataset.autoencoder
    assert (params(document, "Output")["units"], params(document, "Output")["task"]) == \
        (64, "regression")
    assert "64 unit(s)" in panel.status_label.text()
    assert panel.image_grid.captions[0] == str(document.dataset.labels_train[0])
    document.undo_stack.undo()
    assert not panel.autoencode_box.isChecked() and params(document, "Output")["units"] == 10


def test_training_on_images_leaves_the_plane_view_blank_with_a_note(qtbot, settings):
    window = MainWindow(settings, Document.untitled(load_preset("digits-cnn")))
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # the trained step
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.controller.frameReady, timeout=30_000,
                          check_params_cb=lambda f: f.snapshot.step == 1):
        window.controller.step("batch")
    qtbot.waitUntil(lambda: window.boundary.stack.currentWidget() is window.boundary.note)
    assert window.controller.last_frame.output is None
    window.controller.shutdown()
