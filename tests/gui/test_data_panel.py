"""The data panel edits the project's data settings through the document and previews the data
(plane and line sets; images and sequences, with the length and autoencode settings)."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from playground.core.datasets import DataConfig
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
    combo = panel.dataset_combo
    index = combo.findText(title, Qt.MatchFlag.MatchContains)
    assert index >= 0, title
    combo.setCurrentIndex(index)


def scatter_points(scatter):
    x, y = scatter.getData()
    return np.column_stack([x, y])


def layer_params(document, kind):
    return document.project.network.of_kind(kind)[0].params


def test_choosing_a_data_set_rebuilds_the_data_and_the_preview(panel, document):
    choose(panel, "Spiral")
    assert document.project.data.name == "spiral"
    train = document.dataset.points_train
    assert len(scatter_points(panel.train_scatter)) == len(train)
    np.testing.assert_allclose(scatter_points(panel.train_scatter), train, rtol=1e-6)
    np.testing.assert_allclose(scatter_points(panel.test_scatter),
                               document.dataset.points_test, rtol=1e-6)


def test_the_combo_groups_the_sets_and_describes_them(panel):
    combo = panel.dataset_combo
    names = [combo.itemData(i) for i in range(combo.count())]
    assert names.index("spiral") < names.index("reg-plane") < names.index("sine")
    assert names.count(None) == 5  # the group headings
    assert combo.toolTip() == "A blue disc inside an orange ring: needs a curved boundary."


def test_adding_a_feature_widens_the_input(panel, document):
    panel.feature_boxes["x1^2"].click()
    assert document.project.data.features == ("x1", "x2", "x1^2")
    assert list(layer_params(document, "Input")["shape"]) == [3]
    assert "Input shape set to [3]" in panel.status_label.text()


def test_the_last_feature_cannot_be_unchecked(panel, document):
    panel.feature_boxes["x2"].click()
    assert document.project.data.features == ("x1",)
    steps = document.undo_stack.count()
    panel.feature_boxes["x1"].click()
    assert document.project.data.features == ("x1",)
    assert panel.feature_boxes["x1"].isChecked()
    assert "at least one" in panel.status_label.text()
    assert document.undo_stack.count() == steps


def test_new_seed_changes_the_points_and_undo_restores_the_controls(panel, document):
    before = document.project.data
    old_points = scatter_points(panel.train_scatter)
    panel.new_seed_button.click()
    assert document.project.data.seed != before.seed
    assert panel.seed_spin.value() == document.project.data.seed
    assert not np.allclose(scatter_points(panel.train_scatter), old_points)
    steps = document.undo_stack.count()
    document.undo_stack.undo()
    assert document.project.data == before
    assert panel.seed_spin.value() == before.seed
    np.testing.assert_allclose(scatter_points(panel.train_scatter), old_points)
    assert document.undo_stack.count() == steps
    assert document.undo_stack.index() == steps - 1


def test_regenerate_keeps_the_settings(panel, document):
    points = scatter_points(panel.train_scatter)
    steps = document.undo_stack.count()
    panel.regenerate_button.click()
    np.testing.assert_allclose(scatter_points(panel.train_scatter), points)
    assert document.undo_stack.count() == steps


def test_the_noise_slider_applies_keyboard_steps(panel, document):
    slider = panel.noise_slider
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_PageUp)
    assert document.project.data.noise == 5.0
    assert panel.noise_label.text() == "5 %"
    assert document.undo_stack.count() == 1


def test_dragging_the_noise_slider_makes_one_edit(panel, document):
    slider = panel.noise_slider
    slider.setSliderDown(True)
    for value in range(1, 21):
        slider.setValue(value)
    assert document.project.data.noise == 0.0
    assert panel.noise_label.text() == "20 %"
    slider.setSliderDown(False)  # emits sliderReleased
    assert document.project.data.noise == 20.0
    assert document.undo_stack.count() == 1


def test_samples_and_train_share_spin_boxes(panel, document):
    panel.samples_spin.setValue(200)
    panel.train_spin.setValue(80)
    assert document.project.data.n_samples == 200
    assert document.project.data.train_fraction == pytest.approx(0.8)
    assert len(panel.train_scatter.getData()[0]) == 160


def test_the_sample_count_is_fixed_for_the_four_xor_points(panel, document):
    assert panel.samples_spin.isEnabled()
    choose(panel, "XOR (4 points)")
    assert document.project.data.name == "xor-points"
    assert not panel.samples_spin.isEnabled()
    assert panel.samples_spin.value() == 4


def test_one_dimensional_sets_disable_the_features_and_plot_x_against_y(panel, document):
    choose(panel, "Sine")
    assert not any(box.isEnabled() for box in panel.feature_boxes.values())
    dataset = document.dataset
    expected = np.column_stack([dataset.points_train[:, 0], dataset.y_train[:, 0]])
    np.testing.assert_allclose(scatter_points(panel.train_scatter), expected, rtol=1e-6)


def test_hiding_the_test_points(panel):
    assert panel.test_scatter.isVisible()
    panel.show_test_box.click()
    assert not panel.test_scatter.isVisible()
    panel.show_test_box.click()
    assert panel.test_scatter.isVisible()


def test_a_regression_set_switches_the_output_to_regression(panel, document):
    choose(panel, "Plane")
    assert document.project.data.name == "reg-plane"
    assert layer_params(document, "Output")["task"] == "regression"
    assert "regression" in panel.status_label.text()


def test_set_document_follows_the_new_document_only(panel, document):
    other = Document(load_preset("spiral"))
    panel.set_document(other)
    assert panel.dataset_combo.currentData() == other.project.data.name
    document.set_data(DataConfig(name="gauss"))
    assert panel.dataset_combo.currentData() == other.project.data.name
    panel.new_seed_button.click()
    assert other.undo_stack.count() == 1
    assert document.undo_stack.count() == 1


def test_undo_unchecks_the_feature_and_clears_the_stale_message(panel, document):
    panel.feature_boxes["x1^2"].click()
    document.undo_stack.undo()
    assert not panel.feature_boxes["x1^2"].isChecked()
    assert list(layer_params(document, "Input")["shape"]) == [2]
    assert panel.status_label.text() == ""


def test_an_image_set_previews_labelled_images_and_reshapes_the_input(panel, document):
    choose(panel, "Bars")
    data = document.dataset
    assert panel.preview.currentWidget() is panel.image_grid
    assert len(panel.image_grid.tiles) == IMAGE_SAMPLES
    names = data.info.class_names
    assert panel.image_grid.captions == [names[i] for i in data.y_train[:IMAGE_SAMPLES]]
    assert panel.image_grid.tiles[0].width() == 8
    assert list(layer_params(document, "Input")["shape"]) == [1, 8, 8]
    output = layer_params(document, "Output")
    assert (output["units"], output["task"]) == (4, "multiclass")
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
    assert list(layer_params(document, "Input")["shape"]) == [20, 1]
    curves = [c for c in panel.sequence_plot.curves if c.isVisible()]
    assert len(curves) == SEQUENCE_SAMPLES and len(curves[0].getData()[0]) == 20
    labels = document.dataset.y_train[:SEQUENCE_SAMPLES]
    assert [label.toPlainText() for label in panel.sequence_plot.labels] == \
        [f"first bit {i}" for i in labels]
    document.undo_stack.undo()
    assert panel.length_spin.value() == 8 and document.project.data.length == 8


def test_a_bit_string_set_says_its_split_keeps_test_strings_out_of_training(panel, document):
    choose(panel, "Parity of bits")
    assert "no test string occurs in training" in panel.caption.text()
    choose(panel, "Next sine value")
    assert "string" not in panel.caption.text()


def test_the_next_sine_value_is_drawn_after_each_window(panel, document):
    choose(panel, "Next sine value")
    x, y = panel.sequence_plot.targets.getData()
    assert np.all(x == 9)  # one step after the 8 steps of each window
    offsets = y - document.dataset.y_train[:SEQUENCE_SAMPLES, 0]
    assert np.all(np.diff(offsets) < 0)  # the windows are stacked top to bottom


def test_autoencode_makes_the_inputs_the_targets_and_undo_brings_the_classes_back(panel,
                                                                                   document):
    choose(panel, "Handwritten digits")
    assert layer_params(document, "Output")["units"] == 10
    panel.autoencode_box.click()
    assert document.project.data.autoencode and document.dataset.autoencoder
    output = layer_params(document, "Output")
    assert (output["units"], output["task"]) == (64, "regression")
    assert "64 unit(s)" in panel.status_label.text()
    assert panel.image_grid.captions[0] == str(document.dataset.labels_train[0])
    document.undo_stack.undo()
    assert not panel.autoencode_box.isChecked() and layer_params(document, "Output")["units"] == 10


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


def test_the_seed_boxes_hold_every_seed_the_core_accepts(panel, document, qtbot):
    from playground.core.seeds import MAX_SEED
    from playground.gui.panels.training_panel import TrainingPanel
    from playground.gui.worker import TrainingController

    controller = TrainingController(document)
    try:
        training = TrainingPanel(document, controller)
        qtbot.addWidget(training)
        assert panel.seed_spin.maximum() == training.editors["seed"].maximum() == MAX_SEED
    finally:
        controller.shutdown()
    document.set_data(DataConfig(name="circle", seed=MAX_SEED))
    assert panel.seed_spin.value() == MAX_SEED


def test_imported_tables_are_standardised_with_a_switch_that_says_so(panel, document, tmp_path):
    from playground.core.datasets.imports import load_path
    from tests.core.tabular_sets import wine_like

    assert panel.standardize_box.isHidden()  # built-in sets come scaled
    document.import_data(load_path(wine_like(tmp_path / "wine.csv")))
    assert panel.standardize_box.isVisible() and panel.standardize_box.isChecked()
    assert document.dataset.scaling is not None
    assert "features standardised" in panel.caption.text()
    panel.standardize_box.click()
    assert document.project.data.standardize is False and document.dataset.scaling is None
    assert "standardised" not in panel.caption.text()
    document.undo_stack.undo()
    assert panel.standardize_box.isChecked() and document.dataset.scaling is not None
