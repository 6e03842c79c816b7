"""Online, mini-batch or full-batch learning, one click apart.

Three exclusive buttons set the batch size to 1 (online: one update per sample), to the last
mini-batch size used (10 at first), or to 0 (full batch: one update per epoch on 𝓔̄).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QSizePolicy, QToolButton, QWidget

ONLINE, FULL_BATCH = 1, 0
DEFAULT_MINI_BATCH = 10
MODES = (
    ("Online", "One update per sample (batch size 1): a noisy learning curve"),
    ("Mini-batch", "One update per small batch of samples"),
    ("Full batch", "One update per epoch on the average error over all samples (batch "
                   "size 0): a smooth learning curve"),
)


def mode_of(batch_size: int) -> int:
    """0 online, 1 mini-batch, 2 full batch."""
    return 0 if batch_size == ONLINE else 2 if batch_size == FULL_BATCH else 1


class BatchModeButtons(QWidget):
    """A segmented control over the batch size; `choose(batch_size)` applies a choice."""

    def __init__(self, choose: Callable[[int], None], parent: QWidget | None = None):
        super().__init__(parent)
        self._choose = choose
        self.mini_batch = DEFAULT_MINI_BATCH
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.buttons: list[QToolButton] = []
        for index, (text, tip) in enumerate(MODES):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.group.addButton(button, index)
            row.addWidget(button, 1)
            self.buttons.append(button)
        self.group.idClicked.connect(self._on_clicked)

    def show_batch(self, batch_size: int) -> None:
        """Check the button of this batch size (no edit); remember a mini-batch size."""
        if batch_size not in (ONLINE, FULL_BATCH):
            self.mini_batch = batch_size
        self.buttons[mode_of(batch_size)].setChecked(True)
        self.buttons[1].setToolTip(f"{MODES[1][1]} (batch size {self.mini_batch})")

    @Slot(int)
    def _on_clicked(self, index: int) -> None:
        self._choose((ONLINE, self.mini_batch, FULL_BATCH)[index])
