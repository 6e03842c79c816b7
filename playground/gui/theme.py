"""Colours and the light/dark theme, following the system's colour scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# TensorFlow Playground's class colours: blue for the positive class, orange for the other.
POSITIVE = QColor("#0877bd")
NEGATIVE = QColor("#f59322")
CLASS_COLORS = (NEGATIVE, POSITIVE, QColor("#2ca02c"), QColor("#9467bd"), QColor("#d62728"),
                QColor("#8c564b"), QColor("#e377c2"), QColor("#7f7f7f"), QColor("#bcbd22"),
                QColor("#17becf"))
ERROR = QColor("#d93025")

GROUP_COLORS = {
    "input/output": QColor("#5f6368"),
    "dense": QColor("#1a73e8"),
    "convolution": QColor("#188038"),
    "recurrent": QColor("#a142f4"),
    "regularisation": QColor("#e37400"),
    "merge": QColor("#00838f"),
}


def class_color(index: int) -> QColor:
    """Colour of class `index` (binary: 0 orange, 1 blue)."""
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def is_dark() -> bool:
    """Whether the application currently uses a dark palette."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def apply_theme(app: QApplication) -> None:
    """Fusion style with a light or dark palette, as the system's colour scheme says."""
    app.setStyle("Fusion")
    scheme = QGuiApplication.styleHints().colorScheme()
    app.setPalette(_dark_palette() if scheme == Qt.ColorScheme.Dark else app.style()
                   .standardPalette())


def _dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#18191b", QPalette.ColorRole.AlternateBase: "#26272a",
        QPalette.ColorRole.ToolTipBase: "#303134", QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#8ab4f8",
        QPalette.ColorRole.HighlightedText: "#202124", QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6f7378"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor("#6f7378"))
    return palette
