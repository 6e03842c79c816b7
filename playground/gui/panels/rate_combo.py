"""An editable combo of suggested rates that also takes a typed number in the setting's range.

Used for the learning rate and the regularisation rate, in the Training panel and the top
bar; the range comes from the setting's schema in `TrainConfig`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLocale, Signal, Slot
from PySide6.QtGui import QDoubleValidator, QValidator
from PySide6.QtWidgets import QComboBox, QWidget

from playground.core.training.config import PARAMS

# TensorFlow Playground's choices.
LEARNING_RATES = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10")
REGULARIZATION_RATES = ("0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10")
SUGGESTIONS = {"learning_rate": LEARNING_RATES, "regularization_rate": REGULARIZATION_RATES}


def number_text(value: float) -> str:
    """A decimal number as typed, without exponent or trailing zeros: 1e-05 → 0.00001."""
    return np.format_float_positional(value, trim="-")


class RateCombo(QComboBox):
    """Offers `SUGGESTIONS[field]`; emits `committed` with a valid number, or `rejected`
    with a message saying what is wrong and what to type instead."""

    committed = Signal(float)
    rejected = Signal(str)

    def __init__(self, field: str, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.field, self.caption = field, caption
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(list(SUGGESTIONS[field]))
        self._locale = QLocale.c()
        param = PARAMS[field]
        self.validator_ = QDoubleValidator(param.minimum or 0.0, param.maximum or 1e308, -1, self)
        self.validator_.setLocale(self._locale)
        self.activated.connect(self._commit)
        self.lineEdit().editingFinished.connect(self._commit)

    def show_value(self, value: float) -> None:
        text = number_text(value)
        self.setCurrentIndex(self.findText(text))
        self.setEditText(text)

    @Slot()
    def _commit(self) -> None:
        if self.signalsBlocked():
            return
        text = self.currentText().strip()
        state, _, _ = self.validator_.validate(text, 0)
        value, ok = self._locale.toDouble(text)
        if state != QValidator.State.Acceptable or not ok:
            low, top = number_text(self.validator_.bottom()), number_text(self.validator_.top())
            self.rejected.emit(f"{self.caption}: '{text}' is not a number from {low} to {top}; "
                               "type one such as 0.03 and press Enter.")
            return
        self.committed.emit(value)
