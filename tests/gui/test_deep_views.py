"""Views for CNNs, autoencoders and RNNs: they appear where they apply and show the frames."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from playground.core.datasets import DataConfig
from playground.core.project import Project
from playground.core.sequence_probes import SequenceProbe
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig
from playground.gui.document import Document
from playground.gui.main_window import MainWindow
from playground.gui.plots.sequence_view import SequenceView
from tests.gui.conftest import wait_for_preview

CLASSES = {"units": 10, "activation": "softmax", "task": "multiclass", "loss": "cross_entropy"}
DEEP_DOCKS = ("Feature maps", "Mistakes", "Drawing pad", "Latent space", "Sequence")


def cnn() -> Project:
    return Project(sequential(("Input", {"shape": [1, 8, 8]}),
                              ("Conv2d", {"filters": 4, "kernel": 3, "padding_mode": "same"}),
                              ("MaxPool2d", {}), ("Flatten", {}), ("Output", CLASSES)),
                   DataConfig(name="digits", n_samples=300),
                   TrainConfig(batch_size=32, optimizer="adam", learning_rate=0.01), title="cnn")


def autoencoder() -> Project:
    output = {"units": 64, "activation": "sigmoid", "task": "regression",
              "loss": "squared_error"}
    return Project(sequential(("Input", {"shape": [1, 8, 8]}), ("Flatten", {}),
                              ("Dense", {"units": 2, "activation": "linear"}),
                              ("Output", output)),
                   DataConfig(name="digits", n_samples=300, autoencode=True), title="ae")


def lstm() -> Project:
    return Project(sequential(("Input", {"shape": [8, 1]}), ("LSTM", {"units": 5}),
                              ("Output", {"units": 1, "activation": "sigmoid"})),
                   DataConfig(name="parity", n_samples=100), title="lstm")


def open_project(window: MainWindow, project: Project, qtbot) -> None:
    window.set_document(Document.untitled(project))
    wait_for_preview(window.controller, qtbot)


def shown(window: MainWindow) -> set[str]:
    return {title for title, dock in window.deep.docks.items() if not dock.isHidden()}


def test_docks_appear_only_where_they_apply(window, qtbot):
    assert shown(window) == {"Output"}  # circle: plane data, a dense network
    open_project(window, cnn(), qtbot)
    assert shown(window) == {"Feature maps", "Mistakes", "Drawing pad"}
    open_project(window, autoencoder(), qtbot)
    assert shown(window) == {"Latent space"}
    open_project(window, lstm(), qtbot)
    assert shown(window) == {"Sequence"}


def test_feature_maps_follow_the_chosen_test_sample(window, qtbot):
    open_project(window, cnn(), qtbot)
    view = window.deep.feature_maps
    window.deep.docks["Feature maps"].raise_()
    qtbot.waitUntil(lambda: "maps:conv2d_1" in view.sections)
    probe = window.controller.last_frame.image
    assert [len(s.grid.images) for s in view.sections.values()] == [4, 4, 4]  # maps, filters
    assert f"class {probe.label}" in view.chooser.about.text()
    view.chooser.spin.setValue(7)
    qtbot.waitUntil(lambda: window.controller.last_frame.image.sample_index == 7)
    frame = window.controller.last_frame
    assert frame.image.label == window.document.dataset.y_test[7]
    assert f"class {frame.image.label}" in view.chooser.about.text()


def test_confusion_matrix_and_mistakes_show_the_frame(window, qtbot):
    open_project(window, cnn(), qtbot)
    window.deep.docks["Mistakes"].raise_()
    view = window.deep.confusion
    probe = window.controller.last_frame.image
    qtbot.waitUntil(lambda: view.matrix.matrix.shape == (10, 10))
    np.testing.assert_array_equal(view.matrix.matrix, probe.confusion)
    assert len(view.gallery.images) == len(probe.mistake_images) > 0  # an untrained net errs
    assert view.gallery.captions[0] == f"{probe.mistake_labels[0]}→{probe.mistaken_as[0]}"
    second = view.gallery.tile_rect(1).center()
    QTest.mouseClick(view.gallery, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     second)  # shows that sample's feature maps
    qtbot.waitUntil(lambda: not window.deep.docks["Feature maps"].visibleRegion().isEmpty())
    qtbot.waitUntil(lambda: window.controller.last_frame.image.sample_index
                    == probe.mistakes[1])


def _drag(pad, cells: list[tuple[int, int]], button: Qt.MouseButton) -> None:
    points = [pad.cell_centre(r, c).toPoint() for r, c in cells]
    QTest.mousePress(pad, button, Qt.KeyboardModifier.NoModifier, points[0])
    for point in points[1:]:
        QTest.mouseMove(pad, point)
    QTest.mouseRelease(pad, button, Qt.KeyboardModifier.NoModifier, points[-1])


def test_drawing_on_the_pad_changes_the_answer_and_feature_maps(window, qtbot):
    open_project(window, cnn(), qtbot)
    window.deep.docks["Drawing pad"].raise_()
    panel = window.deep.pad
    qtbot.waitUntil(panel.pad.isVisible)
    assert panel.pad.ink.shape == (8, 8)  # the Input's resolution
    _drag(panel.pad, [(1, 4), (3, 4), (6, 4)], Qt.MouseButton.LeftButton)
    assert panel.pad.ink[1:7, 4].all() and panel.pad.ink.sum() == 6  # the gaps are filled
    qtbot.waitUntil(lambda: panel.bars.values.shape == (10,))  # the training process read it
    first = panel.bars.values.copy()
    assert first.shape == (10,) and np.isclose(first.sum(), 1.0, atol=1e-4)
    assert set(panel.sections) == {"conv2d_1", "maxpool2d_1"}
    _drag(panel.pad, [(2, 1), (2, 7)], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not np.allclose(panel.bars.values, first))
    assert window.controller.probe_sample.shape == (1, 8, 8)  # it is the sample probed now
    _drag(panel.pad, [(2, 1), (2, 7)], Qt.MouseButton.RightButton)  # erases a band
    assert not panel.pad.ink[1:4].any()
    panel.clear_button.click()
    assert not panel.pad.ink.any() and panel.sections == {}
    assert window.controller.probe_sample == 0


def test_clicking_the_latent_space_decodes_the_point(window, qtbot):
    open_project(window, autoencoder(), qtbot)
    window.deep.docks["Latent space"].raise_()
    view = window.deep.latent
    qtbot.waitUntil(lambda: view.probe is not None and view.plot.isVisible())
    codes = window.controller.last_frame.latent.codes
    assert codes.shape == (150, 2)
    assert len(view.codes.data) == 150
    box = view.plot.getPlotItem().vb
    qtbot.waitUntil(lambda: box.width() > 50)
    target = QPointF(*codes[0])
    at = view.plot.mapFromScene(box.mapViewToScene(target))
    with qtbot.waitSignal(view.decoded) as decoded:
        QTest.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(at.x(), at.y()))
    assert decoded.args[0].shape == (1, 8, 8)
    assert len(view.decoded_image.images) == 1
    assert "decodes to this picture" in view.decoded_text.text()


def test_sequence_view_shows_states_gates_and_gradients(window, qtbot):
    open_project(window, lstm(), qtbot)
    window.deep.docks["Sequence"].raise_()
    view = window.deep.sequence
    qtbot.waitUntil(lambda: view.probe is not None)
    probe = window.controller.last_frame.sequence
    np.testing.assert_array_equal(view.hidden.image.image, probe.hidden["lstm_1"].T)
    assert [g.titleLabel.text for g in view.gates] == ["input gate i", "forget gate f",
                                                       "output gate o"]
    xs, ys = view.gradient_lines["lstm_1"].getData()
    np.testing.assert_allclose(10 ** ys, probe.step_gradients["lstm_1"], rtol=1e-5)  # log axis
    np.testing.assert_array_equal(xs, np.arange(1, 9))
    # Beside the chosen sample's line, the median over the test samples the fit shows.
    _, ys = view.median_lines["lstm_1"].getData()
    np.testing.assert_allclose(10 ** ys, probe.median_gradients["lstm_1"], rtol=1e-5)
    names = [label.text for _, label in view.gradient.legend.items]
    assert names == ["‖∂𝓔/∂cₜ‖, this sample", f"median of {len(probe.predictions)} test samples"]
    # The LSTM's memory is its cell state: the chart says that is what it shows.
    assert view.gradient.titleLabel.text.replace("<br>", " ").startswith(
        "‖∂𝓔/∂cₜ‖: the error signal reaching the LSTM's cell state cₜ")
    assert view.gradient.getAxis("left").labelText == "‖∂𝓔/∂cₜ‖"


def test_the_gradient_chart_of_a_plain_rnn_is_taken_at_its_hidden_state(qtbot):
    view = SequenceView()
    qtbot.addWidget(view)
    steps = np.ones((5, 3), np.float32)
    view.show_probe(SequenceProbe(0, np.zeros((5, 1), np.float32), {"rnn_1": steps}, {},
                                  {"rnn_1": np.linspace(0.1, 1, 5, dtype=np.float32)},
                                  {"rnn_1": "h"}))
    assert view.gradient.titleLabel.text.replace("<br>", " ").startswith(
        "‖∂𝓔/∂hₜ‖: the error signal reaching the hidden state hₜ")


@pytest.mark.parametrize("kind", ["Conv2d", "MaxPool2d"])
def test_the_inspector_writes_the_output_size_rule(window, qtbot, kind):
    open_project(window, cnn(), qtbot)
    node = "conv2d_1" if kind == "Conv2d" else "maxpool2d_1"
    window.scene.nodes[node].setSelected(True)
    text = window.inspector._title.text()
    rule = "(8 − 3 + 2·1) / 1 + 1 = 8" if kind == "Conv2d" else "(8 − 2 + 2·0) / 2 + 1 = 4"
    assert rule in text
