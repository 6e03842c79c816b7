"""Feature maps of a chosen test sample at every Conv2d and pooling layer, and the filters.

White is 0, blue positive, orange negative (the app's weight colours), scaled per layer.
The maps follow training live; the sample is chosen with the spin box.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from playground.core.frames import ImageProbe
from playground.gui.plots.tiles import INK, SIGNED, TileGrid, picture, signed_levels

MAP_TILE = 44
FILTER_TILE = 30


class SampleChooser(QWidget):
    """'Test sample [n]' and a line about it; `chosen` gives the index picked."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.spin = QSpinBox()
        self.spin.setKeyboardTracking(False)
        self.spin.setToolTip("Which test sample the views below look at")
        self.spin.valueChanged.connect(self.chosen)
        self.about = QLabel()
        self.about.setWordWrap(True)  # a long description wraps rather than widen the dock
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Test sample"))
        layout.addWidget(self.spin)
        layout.addWidget(self.about, 1)

    def set_count(self, count: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setRange(0, max(count - 1, 0))
        self.spin.blockSignals(False)

    def show_index(self, index: int) -> None:
        """Follow the frame's sample without asking for it again (−1: a drawing)."""
        if index >= 0 and index != self.spin.value():
            self.spin.blockSignals(True)
            self.spin.setValue(index)
            self.spin.blockSignals(False)


def answer_text(probe: ImageProbe) -> str:
    """'class 3 · network: 3 (97 %)', or for a drawing 'your drawing · network: …'."""
    what = "your drawing" if probe.sample_index < 0 else \
        f"class {probe.label}" if probe.label is not None else ""
    if probe.outputs.size > 1:
        best = int(np.argmax(probe.outputs))
        return f"{what} · network: {best} ({probe.outputs[best]:.0%})"
    return f"{what} · network output {float(probe.outputs[0]):.3f}"


class MapSection(QWidget):
    """One layer's title and its pictures."""

    def __init__(self, tile: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.grid = TileGrid(tile)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)


class FeatureMapView(QWidget):
    """The sample, each layer's feature maps, then each Conv2d layer's filters."""

    sampleChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.chooser = SampleChooser()
        self.chooser.chosen.connect(self.sampleChosen)
        self.sample = TileGrid(72)
        self.note = QLabel("Feature maps appear here for networks with Conv2d or pooling "
                           "layers on image data.")
        self.note.setWordWrap(True)
        self.sections: dict[str, MapSection] = {}
        self._layout = QVBoxLayout(self)
        for widget in (self.chooser, self.sample, self.note):
            self._layout.addWidget(widget)
        self._layout.addStretch(1)

    def set_count(self, count: int) -> None:
        self.chooser.set_count(count)

    @Slot(object)
    def show_probe(self, probe: ImageProbe | None) -> None:
        if probe is None:
            self._sections([])
            self.sample.set_tiles([])
            return
        self.chooser.show_index(probe.sample_index)
        self.chooser.about.setText(answer_text(probe))
        image = probe.sample[0]
        self.sample.set_tiles([picture(image, (0.0, max(float(image.max()), 1.0)), INK)])
        keys = [f"maps:{n}" for n in probe.feature_maps] + [f"filters:{n}" for n in
                                                            probe.filters]
        self._sections(keys)
        for node, maps in probe.feature_maps.items():
            section = self.sections[f"maps:{node}"]
            section.title.setText(f"<b>{node}</b>: {len(maps)} feature maps, "
                                  f"{maps.shape[1]}×{maps.shape[2]}")
            levels = signed_levels(maps)
            section.grid.set_tiles([picture(m, levels, SIGNED) for m in maps])
        for node, weights in probe.filters.items():
            self._show_filters(self.sections[f"filters:{node}"], node, weights)
        self.note.setText("" if probe.feature_maps else
                          "This network has no Conv2d or pooling layer: no feature maps.")
        self.note.setVisible(bool(self.note.text()))

    @staticmethod
    def _show_filters(section: MapSection, node: str, weights: np.ndarray) -> None:
        out, inputs, k, _ = weights.shape
        which = "" if inputs == 1 else f" (the part seeing input channel 1 of {inputs})"
        section.title.setText(f"<b>{node}</b>: {out} learned {k}×{k} filters{which}")
        levels = signed_levels(weights)
        section.grid.set_tiles([picture(w[0], levels, SIGNED) for w in weights])

    def _sections(self, keys: list[str]) -> None:
        """Keep one section per key, in order (rebuilt only when the layers change)."""
        if list(self.sections) == keys:
            return
        for section in self.sections.values():
            section.setParent(None)
            section.deleteLater()
        self.sections = {}
        for key in keys:
            tile = FILTER_TILE if key.startswith("filters:") else MAP_TILE
            self.sections[key] = MapSection(tile)
            self._layout.insertWidget(self._layout.count() - 1, self.sections[key])
