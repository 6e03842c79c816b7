"""The layer palette: every layer kind by group, dragged onto the canvas to add a node."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QDrag,
    QFont,
    QFontMetrics,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.layers import GROUPS, KINDS
from playground.gui.icons import layer_icon

LAYER_MIME = "application/x-playground-layer"
KIND_ROLE = Qt.ItemDataRole.UserRole
GROUP_TITLES = {
    "input/output": "Input & output",
    "dense": "Dense",
    "convolution": "Convolution & pooling",
    "recurrent": "Recurrent",
    "regularisation": "Regularisation",
    "merge": "Merge",
}
ICON_SIZE = 32
_PAD = 6  # padding around a kind's row, in pixels
_GAP = 8  # between the icon and the text


def layer_mime_data(kind: str) -> QMimeData:
    """Drag data for one layer kind: the kind's name under LAYER_MIME and as plain text."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, QByteArray(kind.encode("utf-8")))
    mime.setText(kind)
    return mime


def kind_from_mime(mime: QMimeData) -> str | None:
    """The layer kind a drag carries, or None unless it carries a known one."""
    if not mime.hasFormat(LAYER_MIME):
        return None
    kind = bytes(mime.data(LAYER_MIME).data()).decode("utf-8", errors="replace")
    return kind if kind in KINDS else None


def kind_tooltip(kind: str) -> str:
    """Rich-text tooltip: the kind's summary and its settings with their meaning."""
    layer = KINDS[kind]
    lines = [f"<b>{html.escape(kind)}</b>", html.escape(layer.summary)]
    if layer.params:
        settings = "".join(f"<li><i>{html.escape(p.name)}</i>: {html.escape(p.help)}</li>"
                           for p in layer.params)
        lines.append(f"Settings:<ul style='margin-left:-20px'>{settings}</ul>")
    else:
        lines.append("No settings.")
    return "<qt>" + "<br>".join(lines) + "</qt>"


class _KindDelegate(QStyledItemDelegate):
    """Draws a kind as its icon, its name in bold and its summary word-wrapped below."""

    def __init__(self, tree: Palette) -> None:
        super().__init__(tree)
        self._tree = tree

    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont]:
        name, summary = QFont(base), QFont(base)
        name.setBold(True)
        if base.pointSizeF() > 0:
            summary.setPointSizeF(base.pointSizeF() * 0.9)
        else:
            summary.setPixelSize(max(1, round(base.pixelSize() * 0.9)))
        return name, summary

    def _text_width(self) -> int:
        """Width left for the text; from the view, as a size hint's rect is not set yet."""
        depth = 1 + int(self._tree.rootIsDecorated())
        row = self._tree.viewport().width() - depth * self._tree.indentation()
        return max(80, row - 2 * _PAD - ICON_SIZE - _GAP)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        if not index.parent().isValid():
            hint = super().sizeHint(option, index)
            return QSize(hint.width(), hint.height() + 10)
        name_font, summary_font = self._fonts(option.font)
        width = self._text_width()
        summary = KINDS[index.data(KIND_ROLE)].summary
        wrapped = QFontMetrics(summary_font).boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, summary)
        text_height = QFontMetrics(name_font).height() + 1 + wrapped.height()
        return QSize(width + ICON_SIZE + _GAP + 2 * _PAD,
                     max(ICON_SIZE, text_height) + 2 * _PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.parent().isValid():
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        icon = QIcon(opt.icon)
        opt.text, opt.icon = "", QIcon()
        style = self._tree.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, self._tree)

        rect = opt.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        icon.paint(painter, QRect(rect.left(), rect.top(), ICON_SIZE, ICON_SIZE))
        text_rect = rect.adjusted(ICON_SIZE + _GAP, 0, 0, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        color = opt.palette.color(QPalette.ColorRole.HighlightedText if selected
                                  else QPalette.ColorRole.Text)
        faded = QColor(color)
        faded.setAlphaF(0.78)
        name_font, summary_font = self._fonts(opt.font)

        painter.save()
        painter.setFont(name_font)
        painter.setPen(color)
        name_height = QFontMetrics(name_font).height()
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         index.data(Qt.ItemDataRole.DisplayRole))
        painter.setFont(summary_font)
        painter.setPen(faded)
        painter.drawText(text_rect.adjusted(0, name_height + 1, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                         | Qt.TextFlag.TextWordWrap, KINDS[index.data(KIND_ROLE)].summary)
        painter.restore()


class Palette(QTreeWidget):
    """Layer kinds under their groups; drag one onto the canvas, or double-click to add it."""

    kindActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setIndentation(14)
        self.setUniformRowHeights(False)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(_KindDelegate(self))
        self._kind_items: dict[str, QTreeWidgetItem] = {}
        self._fill()

    def _fill(self) -> None:
        for group in GROUPS:
            header = QTreeWidgetItem(self, [GROUP_TITLES.get(group, group.capitalize())])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            for kind, layer in KINDS.items():
                if layer.group != group:
                    continue
                item = QTreeWidgetItem(header, [kind])
                item.setData(0, KIND_ROLE, kind)
                item.setIcon(0, layer_icon(kind, ICON_SIZE))
                item.setToolTip(0, kind_tooltip(kind))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                self._kind_items[kind] = item
        self.expandAll()

    # ---- lookup and filtering ------------------------------------------------------------
    def kind_item(self, kind: str) -> QTreeWidgetItem:
        """The row of a layer kind."""
        return self._kind_items[kind]

    def group_items(self) -> list[QTreeWidgetItem]:
        """The group headers, in GROUPS order."""
        return [self.topLevelItem(i) for i in range(self.topLevelItemCount())]

    def visible_kinds(self) -> list[str]:
        """Kinds not hidden by the filter, in palette order."""
        return [kind for kind, item in self._kind_items.items()
                if not item.isHidden() and not item.parent().isHidden()]

    @Slot(str)
    def set_filter(self, text: str) -> None:
        """Show only kinds whose name or summary contains `text` (case-insensitive)."""
        needle = text.strip().casefold()
        for kind, item in self._kind_items.items():
            haystack = f"{kind} {KINDS[kind].summary}".casefold()
            item.setHidden(needle not in haystack)
        for header in self.group_items():
            shown = any(not header.child(i).isHidden() for i in range(header.childCount()))
            header.setHidden(not shown)
            if shown and needle:
                header.setExpanded(True)

    # ---- drag ----------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME, "text/plain"]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData | None:
        """The first dragged kind as layer_mime_data; None for group headers."""
        kinds = [item.data(0, KIND_ROLE) for item in items if item.data(0, KIND_ROLE)]
        return layer_mime_data(kinds[0]) if kinds else None

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Drag the kind with its icon as the drag image."""
        mime = self.mimeData(self.selectedItems())
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(layer_icon(mime.text(), ICON_SIZE).pixmap(
            QSize(ICON_SIZE, ICON_SIZE), self.devicePixelRatioF()))
        drag.setHotSpot(QPoint(ICON_SIZE // 2, ICON_SIZE // 2))
        drag.exec(Qt.DropAction.CopyAction)

    # ---- activation ----------------------------------------------------------------------
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-clicking a kind adds it; on a group header it does what a tree does."""
        item = self.itemAt(event.position().toPoint())
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if kind and event.button() == Qt.MouseButton.LeftButton:
            self.kindActivated.emit(kind)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        kind = item.data(0, KIND_ROLE) if item is not None else None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and kind:
            self.kindActivated.emit(kind)
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Summaries wrap to the width, so row heights change with it."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()


class PaletteWidget(QWidget):
    """The palette with a filter box above it."""

    kindActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter layers…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip("Type part of a layer's name or description; Enter adds the "
                               "first match to the canvas")
        self.tree = Palette(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self.filter.textChanged.connect(self.tree.set_filter)
        self.filter.returnPressed.connect(self._activate_first)
        self.tree.kindActivated.connect(self.kindActivated)

    @Slot()
    def _activate_first(self) -> None:
        kinds = self.tree.visible_kinds()
        if kinds:
            self.kindActivated.emit(kinds[0])
