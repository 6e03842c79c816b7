"""Importing the user's data in the window: menu and dialog, drops, errors, undo, training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from playground.core.datasets.imported import ImportedData
from playground.core.presets import load_preset
from playground.core.project import imported_dataset
from playground.gui.document import Document
from playground.gui.panels.import_dialog import CsvImportDialog
from playground.gui.worker import PAUSED
from tests.core.test_imports import IRIS, write_mnist

RING = "x1,x2,label\n" + "".join(
    f"{np.cos(a) * r:.3f},{np.sin(a) * r:.3f},{'in' if r < 1.5 else 'out'}\n"
    for a, r in zip(np.linspace(0, 12, 60), np.tile([1.0, 2.0], 30), strict=True))


@pytest.fixture
def iris(tmp_path) -> Path:
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    return path


@pytest.fixture
def errors(window) -> list[str]:
    shown: list[str] = []
    window.show_error = lambda title, text: shown.append(text)
    return shown


def answer_file(monkeypatch, path: Path) -> None:
    """The file dialog picks `path`."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


def clicking(window, qtbot, choose=lambda dialog: None, problems=None):
    """Stand in for the modal CSV dialog: make the choices, then click Import. Opened again
    with a problem, it notes the problem in `problems` and is cancelled."""
    def dialog_for(table, numeric):
        dialog = CsvImportDialog(table, window, numeric)

        def run() -> int:
            dialog.show()
            if dialog.problem.text():
                problems.append(dialog.problem.text())
                dialog.reject()
                return dialog.result()
            choose(dialog)
            qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                             Qt.MouseButton.LeftButton)
            return dialog.result()
        dialog.exec = run
        return dialog
    return dialog_for


def drop(window, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action, button, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, \
        Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), action, mime, button, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(QPointF(50, 50), action, mime, button, mods))


def imported(window, qtbot, worked: bool = True):
    """Wait until the import started in the block has ended, as `worked` says."""
    return qtbot.waitSignal(window.importer.finished, timeout=20_000,
                            check_params_cb=lambda result: result == worked)


def input_shape(window) -> tuple:
    return tuple(window.document.spec.of_kind("Input")[0].params["shape"])


def test_ctrl_i_imports_a_csv_through_the_dialog(window, qtbot, monkeypatch, iris):
    answer_file(monkeypatch, iris)

    def choose(dialog: CsvImportDialog) -> None:
        box = dialog.feature_boxes[1]  # leave "sepal width" out
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))

    window.importer.csv_dialog = clicking(window, qtbot, choose)
    with imported(window, qtbot):
        qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    project = window.document.project
    assert project.data.name == "imported" and project.imported.source == "iris.csv"
    assert project.imported.feature_names == ("sepal length", "petal length")
    assert input_shape(window) == (2,)
    assert window.document.spec.of_kind("Output")[0].params["units"] == 3
    assert window.statusBar().currentMessage().startswith(
        "Imported iris.csv: 6 samples, 2 features, 3 classes")
    assert window.data_panel.dataset_combo.currentText() == "iris.csv"
    assert window.isWindowModified()


def test_the_data_panels_import_button_opens_the_same_import(window, qtbot, monkeypatch, iris):
    answer_file(monkeypatch, iris)
    window.importer.csv_dialog = clicking(window, qtbot)
    with imported(window, qtbot):
        qtbot.mouseClick(window.data_panel.import_button, Qt.MouseButton.LeftButton)
    assert window.document.project.imported.feature_names == \
        ("sepal length", "sepal width", "petal length")
    assert input_shape(window) == (3,)


def test_a_bad_column_choice_opens_the_dialog_again_with_the_reason(window, qtbot, iris):
    problems: list[str] = []

    def choose(dialog: CsvImportDialog) -> None:
        dialog.label_combo.setCurrentIndex(0)  # "sepal length": a regression target
        dialog.task_combo.setCurrentIndex(dialog.task_combo.findData("binary"))

    window.importer.csv_dialog = clicking(window, qtbot, choose, problems)
    with imported(window, qtbot, worked=False):
        window.importer.import_paths([iris])
    [problem] = problems
    assert "but binary needs exactly two" in problem
    assert window.document.project.imported is None


def test_dropping_a_csv_imports_it_and_undo_brings_the_old_data_back(window, qtbot, tmp_path):
    path = tmp_path / "ring.csv"
    path.write_text(RING)
    before = window.document.project.data
    window.importer.csv_dialog = clicking(window, qtbot)
    with imported(window, qtbot):
        drop(window, path)
    dataset = window.document.dataset
    assert dataset.kind == "plane" and dataset.info.title == "ring.csv"
    assert window._shown_dataset is dataset  # the Output view shows the imported points
    window.undo_action.trigger()
    assert window.document.project.data == before and window.document.project.imported is None
    assert window.data_panel.dataset_combo.findData("imported") == -1
    window.redo_action.trigger()
    assert window.document.project.imported.source == "ring.csv"


def test_a_bad_file_shows_the_reason_and_leaves_the_project_alone(window, qtbot, errors,
                                                                   tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text("a,b,c\n1,2,0\n3,4\n")
    before = window.document.spec.to_dict(), window.document.project.data
    with imported(window, qtbot, worked=False):
        drop(window, path)
    assert errors == ["broken.csv: row 3 has 2 values but the first row has 3; fix that row "
                      "(a missing or extra value, or a different delimiter or unquoted text)"
                      "\n\nThe project is unchanged."]
    assert (window.document.spec.to_dict(), window.document.project.data) == before
    assert not window.document.undo_stack.canUndo()


def test_dropping_idx_images_with_their_labels(window, qtbot, errors, tmp_path):
    images, labels = write_mnist(tmp_path, n=6)
    with imported(window, qtbot):
        drop(window, labels, images)  # the order does not matter
    assert errors == []
    assert window.document.dataset.kind == "image" and input_shape(window) == (1, 4, 3)
    assert "6 samples, 4×3 images, 3 classes" in window.statusBar().currentMessage()


def test_choosing_a_data_set_and_coming_back_to_the_imported_one(window, qtbot, iris):
    window.importer.csv_dialog = clicking(window, qtbot)
    with imported(window, qtbot):
        window.importer.import_paths([iris])
    combo = window.data_panel.dataset_combo
    combo.setCurrentIndex(combo.findData("gauss"))
    assert window.document.dataset.info.name == "gauss" and input_shape(window) == (2,)
    combo.setCurrentIndex(combo.findData("imported"))
    assert window.document.dataset.info.title == "iris.csv" and input_shape(window) == (3,)


def test_training_runs_on_the_imported_data(window, qtbot, tmp_path):
    path = tmp_path / "ring.csv"
    path.write_text(RING)
    window.importer.csv_dialog = clicking(window, qtbot)
    with imported(window, qtbot):
        window.importer.import_paths([path])
    with qtbot.waitSignal(window.controller.frameReady, timeout=30_000,
                          check_params_cb=lambda f: f.snapshot.epoch == 1):
        window.controller.step("epoch")
    assert window.controller.state == PAUSED
    assert window.controller.last_frame.snapshot.step == 3  # 30 training rows, batches of 10


def test_dropping_a_folder_of_images(window, qtbot, errors, tmp_path):
    from PIL import Image

    for name, shade in (("dark", 20), ("light", 230)):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(3):
            Image.new("L", (5, 5), shade + i).save(tmp_path / "pics" / name / f"{i}.png")
    with imported(window, qtbot):
        drop(window, tmp_path / "pics")
    assert errors == []
    assert window.document.dataset.info.class_names == ("dark", "light")
    assert window.data_panel.preview.currentWidget() is window.data_panel.image_grid


@pytest.mark.parametrize("grey", [False, True])
def test_a_folder_of_colour_images_asks_and_says_what_it_did(window, qtbot, errors, tmp_path,
                                                              monkeypatch, grey):
    from playground.gui.panels.import_dialog import DataImporter
    from tests.core.test_image_colour import colour_folder

    asked: list[str] = []
    monkeypatch.setattr(DataImporter, "ask_grey",
                        lambda self, data: asked.append(data.source) or grey)
    with imported(window, qtbot):
        drop(window, colour_folder(tmp_path / "squares"))
    assert errors == [] and asked == ["squares"]
    assert input_shape(window) == ((1, 8, 8) if grey else (3, 8, 8))
    message = window.statusBar().currentMessage()
    assert ("8×8 images (made grey from colour)" if grey else "8×8 images (colour)") in message


def test_an_imported_data_set_built_ahead_is_used_through_undo_and_reopening(qtbot, tmp_path):
    """The data set built off the window's thread is the document's: no second build on
    import, none on undo and redo; saved and reopened, the project trains on the same
    arrays."""
    document = Document.untitled(load_preset("circle"))
    rng = np.random.default_rng(1)
    data = ImportedData(rng.normal(size=(300, 5)), rng.integers(0, 3, 300),
                        task="multiclass", kind="table", class_names=("a", "b", "c"),
                        source="table.npz")
    dataset = imported_dataset(data, document.project.data)
    document.import_data(data, dataset)
    assert document.dataset is dataset and dataset.scaling is not None
    assert document.spec.of_kind("Output")[0].params["units"] == 3
    document.undo_stack.undo()
    assert document.project.imported is None and document.dataset.info.name == "circle"
    document.undo_stack.redo()
    assert document.dataset is dataset
    document.save(tmp_path / "table.playground")
    reopened = Document.open(tmp_path / "table.playground")
    np.testing.assert_array_equal(reopened.dataset.x_train, dataset.x_train)
    np.testing.assert_array_equal(reopened.dataset.y_test, dataset.y_test)
