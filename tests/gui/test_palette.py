"""The layer palette: groups, drag data, activation, filtering and icons."""

import pytest
from PySide6.QtCore import QMimeData, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from playground.core.layers import GROUPS, KINDS
from playground.gui.canvas.palette import (
    KIND_ROLE,
    LAYER_MIME,
    PaletteWidget,
    kind_from_mime,
    layer_mime_data,
)
from playground.gui.icons import app_icon, layer_icon


@pytest.fixture
def palette(qtbot):
    widget = PaletteWidget()
    qtbot.addWidget(widget)
    widget.resize(280, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_kind_appears_once_under_its_group(palette):
    groups = palette.tree.group_items()
    assert len(groups) == len(GROUPS)
    seen = []
    for group, header in zip(GROUPS, groups, strict=True):
        children = [header.child(i).data(0, KIND_ROLE) for i in range(header.childCount())]
        assert children and all(KINDS[kind].group == group for kind in children)
        seen += children
    assert sorted(seen) == sorted(KINDS)


def test_kind_tooltips_name_the_settings(palette):
    tip = palette.tree.kind_item("Conv2d").toolTip(0)
    assert KINDS["Conv2d"].summary in tip
    assert "padding_mode" in tip and "filter size in pixels" in tip


def test_a_dragged_kind_carries_its_name(palette):
    tree = palette.tree
    mime = tree.mimeData([tree.kind_item("Dense")])
    assert bytes(mime.data(LAYER_MIME).data()) == b"Dense"
    assert mime.text() == "Dense"
    assert kind_from_mime(mime) == "Dense"
    assert LAYER_MIME in tree.mimeTypes()
    assert tree.supportedDragActions() == Qt.DropAction.CopyAction
    assert tree.kind_item("Dense").flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_the_item_model_drags_the_same_data(palette):
    tree = palette.tree
    mime = tree.model().mimeData([tree.indexFromItem(tree.kind_item("LSTM"))])
    assert kind_from_mime(mime) == "LSTM"


def test_starting_a_drag_returns_offscreen(palette):
    tree = palette.tree
    tree.setCurrentItem(tree.kind_item("Dropout"))
    tree.startDrag(Qt.DropAction.CopyAction)  # QDrag.exec returns at once offscreen
    tree.clearSelection()
    tree.startDrag(Qt.DropAction.CopyAction)  # nothing selected: no drag


def test_groups_are_not_draggable(palette):
    tree = palette.tree
    for header in tree.group_items():
        assert not header.flags() & Qt.ItemFlag.ItemIsDragEnabled
        assert tree.mimeData([header]) is None


def test_foreign_mime_data_carries_no_kind():
    text_only = QMimeData()
    text_only.setText("Dense")
    assert kind_from_mime(text_only) is None
    unknown = QMimeData()
    unknown.setData(LAYER_MIME, b"Transformer")
    assert kind_from_mime(unknown) is None
    assert kind_from_mime(layer_mime_data("LSTM")) == "LSTM"


def test_double_click_activates_a_kind(palette, qtbot):
    tree = palette.tree
    item = tree.kind_item("Conv2d")
    tree.scrollToItem(item)
    centre = tree.visualItemRect(item).center()
    with qtbot.waitSignal(palette.kindActivated, timeout=2000) as blocker:
        QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == ["Conv2d"]


def test_a_real_double_click_activates_once(palette, qtbot):
    tree = palette.tree
    centre = tree.visualItemRect(tree.kind_item("Dense")).center()
    seen = []
    palette.kindActivated.connect(seen.append)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert seen == ["Dense"]
    assert tree.currentItem() is tree.kind_item("Dense")


def test_enter_activates_the_current_kind(palette, qtbot):
    tree = palette.tree
    tree.setFocus()
    tree.setCurrentItem(tree.kind_item("GRU"))
    with qtbot.waitSignal(tree.kindActivated, timeout=2000) as blocker:
        QTest.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == ["GRU"]


def test_double_clicking_a_group_activates_nothing(palette, qtbot):
    tree = palette.tree
    header = tree.group_items()[0]
    with qtbot.assertNotEmitted(palette.kindActivated):
        QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton,
                          pos=tree.visualItemRect(header).center())


def test_filter_leaves_only_matching_kinds(palette, qtbot):
    palette.filter.setText("pool")
    assert palette.tree.visible_kinds() == ["MaxPool2d", "AvgPool2d"]
    hidden_groups = [h.text(0) for h in palette.tree.group_items() if h.isHidden()]
    assert "Convolution & pooling" not in hidden_groups and "Dense" in hidden_groups
    with qtbot.waitSignal(palette.kindActivated, timeout=2000) as blocker:
        QTest.keyClick(palette.filter, Qt.Key.Key_Return)
    assert blocker.args == ["MaxPool2d"]
    palette.filter.clear()
    assert sorted(palette.tree.visible_kinds()) == sorted(KINDS)


def _rows_match_their_hints(tree) -> bool:
    for kind in KINDS:
        item = tree.kind_item(kind)
        rect, hint = tree.visualItemRect(item), tree.sizeHintForIndex(tree.indexFromItem(item))
        if rect.height() != hint.height() or rect.right() > tree.viewport().width():
            return False
    return True


def test_rows_grow_and_shrink_with_the_wrapped_summaries(palette, qtbot):
    tree, rnn = palette.tree, palette.tree.kind_item("RNN")
    heights = {}
    for width in (420, 220):
        palette.resize(width, 600)
        qtbot.waitUntil(lambda: _rows_match_their_hints(tree), timeout=2000)
        heights[width] = tree.visualItemRect(rnn).height()
        assert tree.verticalScrollBar().isVisible()
    assert heights[220] > heights[420] >= 32 + 2 * 6


def _not_blank(icon) -> bool:
    image = icon.pixmap(QSize(32, 32), 1.0).toImage()
    corner = image.pixelColor(0, 0)
    return any(image.pixelColor(x, y) != corner for x in range(0, 32, 2) for y in range(0, 32, 2))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_has_a_drawn_icon(qtbot, kind):
    icon = layer_icon(kind)
    assert not icon.isNull()
    assert _not_blank(icon)
    sharp = icon.pixmap(QSize(32, 32), 2.0)
    assert sharp.width() == 64 and sharp.devicePixelRatio() == 2.0
    centre = icon.pixmap(QSize(32, 32), 1.0).toImage().pixelColor(16, 16)
    assert centre != QColor(0, 0, 0, 0)


def test_icons_differ_between_kinds_and_are_cached(qtbot):
    images = {kind: layer_icon(kind).pixmap(QSize(32, 32), 1.0).toImage() for kind in KINDS}
    assert len({image.bits().tobytes() for image in images.values()}) == len(KINDS)
    assert layer_icon("Dense") is layer_icon("Dense")
    assert not app_icon().isNull() and _not_blank(app_icon())
