"""The "New project" dialog and the empty project it can start from."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from playground.core.datafit import check_fit
from playground.core.datasets import DataConfig, make_dataset
from playground.core.graph import analyse
from playground.core.presets import list_presets
from playground.gui.gallery import PresetGallery, empty_project


@pytest.fixture
def gallery(qtbot):
    dialog = PresetGallery()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _texts(dialog: PresetGallery) -> list[str]:
    return [dialog.list.item(row).text() for row in range(dialog.list.count())]


def test_lists_the_empty_network_then_every_preset_in_lecture_order(gallery):
    presets = list_presets()
    assert _texts(gallery) == ["Empty network", *(info.title for info in presets)]
    assert gallery.chosen() is None
    assert "Input" in gallery.description_label.text()


def test_selecting_a_preset_shows_its_description_and_hint(gallery):
    circle = next(info for info in list_presets() if info.name == "circle")
    gallery.select("circle")
    assert gallery.chosen() == "circle"
    assert gallery.title_label.text() == circle.title
    assert gallery.description_label.text() == circle.description
    assert gallery.hint_label.text() == circle.hint
    assert gallery.description_label.wordWrap()


def test_selecting_an_unknown_preset_is_an_error(gallery):
    with pytest.raises(ValueError, match="no preset called 'nope'"):
        gallery.select("nope")


def test_double_click_accepts_the_preset(gallery, qtbot):
    names = [gallery.list.item(row).data(Qt.ItemDataRole.UserRole)
             for row in range(gallery.list.count())]
    item = gallery.list.item(names.index("circle"))
    gallery.list.scrollToItem(item)
    centre = gallery.list.visualItemRect(item).center()
    with qtbot.waitSignal(gallery.accepted, timeout=2000):
        QTest.mouseClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        QTest.mouseDClick(gallery.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.chosen() == "circle"


def test_cancel_rejects(gallery, qtbot):
    with qtbot.waitSignal(gallery.rejected, timeout=2000):
        QTest.keyClick(gallery, Qt.Key.Key_Escape)
    assert gallery.result() == QDialog.DialogCode.Rejected


def test_the_empty_project_is_valid_and_fits_the_default_data():
    project = empty_project()
    spec = project.network
    assert [layer.kind for layer in spec.layers] == ["Input", "Output"]
    assert [layer.position for layer in spec.layers] == [(0.0, 0.0), (460.0, 0.0)]
    assert spec.inputs_of(spec.of_kind("Output")[0].id) == [spec.of_kind("Input")[0].id]
    assert list(spec.of_kind("Input")[0].params["shape"]) == [2]
    assert analyse(spec).ok
    assert project.data == DataConfig()
    check_fit(spec, make_dataset(DataConfig()))
