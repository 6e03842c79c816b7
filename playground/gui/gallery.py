"""The "New project" dialog: start from an empty network or from one of the lecture's presets."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import DataConfig
from playground.core.presets import PresetInfo, list_presets
from playground.core.project import Project
from playground.core.spec import NetworkSpec
from playground.gui.icons import app_icon

NAME_ROLE = Qt.ItemDataRole.UserRole
EMPTY = PresetInfo(
    name="",
    title="Empty network",
    description="Only an Input and an Output, joined by one connection: the simplest "
                "network there is, a single layer of weights. Build your own from there.",
    hint="Drag layers from the palette onto the canvas and connect them between the Input "
         "and the Output.",
)


def empty_project() -> Project:
    """An Input of two features connected to a binary sigmoid Output, with default data."""
    spec = NetworkSpec()
    source = spec.add_layer("Input", {"shape": [2]}, position=(0.0, 0.0))
    target = spec.add_layer(
        "Output",
        {"units": 1, "task": "binary", "activation": "sigmoid", "loss": "binary_cross_entropy"},
        position=(460.0, 0.0),
    )
    spec.connect(source.id, target.id)
    return Project(spec, DataConfig())


class PresetGallery(QDialog):
    """Lists the empty network and every preset; the right side describes the selected one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.setWindowIcon(app_icon())
        self._infos = [EMPTY, *list_presets()]

        self.list = QListWidget(self)
        self.list.setMinimumWidth(250)
        row_height = self.list.fontMetrics().height() + 10
        for info in self._infos:
            item = QListWidgetItem(info.title, self.list)
            item.setData(NAME_ROLE, info.name or None)
            item.setToolTip(info.title)
            item.setSizeHint(QSize(0, row_height))
        empty = self.list.item(0)
        font = empty.font()
        font.setBold(True)
        empty.setFont(font)

        self.title_label = QLabel(self)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.description_label = QLabel(self)
        self.hint_label = QLabel(self)
        for label in (self.title_label, self.description_label, self.hint_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(10)
        column.addWidget(self.title_label)
        column.addWidget(self.description_label)
        self._hint_heading = QLabel("<b>Try this:</b>", self)
        column.addWidget(self._hint_heading)
        column.addWidget(self.hint_label)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(details)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.list, 2)
        row.addWidget(scroll, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.buttons)

        self.list.currentRowChanged.connect(self._show)
        self.list.itemDoubleClicked.connect(self.accept)
        self.list.setCurrentRow(0)
        self.resize(760, 440)

    def chosen(self) -> str | None:
        """The selected preset's name, or None for the empty network."""
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item is not None else None

    def select(self, name: str | None) -> None:
        """Select a preset by name (None: the empty network)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(NAME_ROLE) == name:
                self.list.setCurrentRow(row)
                return
        raise ValueError(f"there is no preset called '{name}'")

    @Slot(int)
    def _show(self, row: int) -> None:
        info = self._infos[row] if row >= 0 else None
        self.title_label.setText(info.title if info else "")
        self.description_label.setText(info.description if info else "")
        self.hint_label.setText(info.hint if info else "")
        self._hint_heading.setVisible(bool(info and info.hint))
