"""Type a layer's weights by hand: one row per unit j, one column per input i, and the bias."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.gui.theme import ERROR


class WeightsDialog(QDialog):
    """wⱼᵢ and bⱼ of one Dense or Output node, editable cell by cell."""

    def __init__(self, node: str, weights: np.ndarray, bias: np.ndarray | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Weights of {node}")
        units, inputs = weights.shape
        self._has_bias = bias is not None
        columns = [f"w from input {i + 1}" for i in range(inputs)]
        self.table = QTableWidget(units, inputs + self._has_bias)
        self.table.setHorizontalHeaderLabels(columns + (["bias b"] if self._has_bias else []))
        self.table.setVerticalHeaderLabels([f"unit {j + 1}" for j in range(units)])
        rows = np.column_stack([weights, bias]) if bias is not None else weights
        for j, row in enumerate(rows):
            for i, value in enumerate(row):
                self.table.setItem(j, i, QTableWidgetItem(f"{float(value):.6g}"))
        self.table.resizeColumnsToContents()
        self.table.setToolTip("Unit j computes φ(Σᵢ wⱼᵢ xᵢ + bⱼ); type any number")
        explanation = QLabel(f"Each row is one unit of {node}: its weights from the inputs of "
                             "the layer below, then its bias (the weight of a constant +1).")
        explanation.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {ERROR.name()}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (explanation, self.table, self.problem, buttons):
            layout.addWidget(widget)
        self.resize(min(900, 140 + 110 * self.table.columnCount()), min(700, 170 + 32 * units))

    def values(self) -> dict[str, np.ndarray] | None:
        """The typed arrays ('weight', and 'bias' if the node has one), or None with the
        first bad cell named in `problem`."""
        cells = np.zeros((self.table.rowCount(), self.table.columnCount()), dtype=np.float32)
        for j in range(self.table.rowCount()):
            for i in range(self.table.columnCount()):
                text = self.table.item(j, i).text().strip().replace("−", "-")
                try:
                    value = float(text)
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    header = self.table.horizontalHeaderItem(i).text()
                    self.problem.setText(f"Unit {j + 1}, {header}: '{text}' is not a number.")
                    return None
                cells[j, i] = value
        if not self._has_bias:
            return {"weight": cells}
        return {"weight": cells[:, :-1], "bias": cells[:, -1]}

    def accept(self) -> None:
        if self.values() is not None:
            super().accept()
