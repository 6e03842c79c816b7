"""An autoencoder's reconstructions beside the originals, and its latent space.

With a bottleneck of 1 to 3 units the test samples' codes are scattered, coloured by class
(the first two units; one unit is drawn against the class). Clicking anywhere in the latent
plot decodes that code with the current weights and shows what it becomes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.frames import LatentProbe
from playground.gui import theme
from playground.gui.plots.points import still_plot
from playground.gui.plots.tiles import INK, TileGrid, picture

RECON_TILE = 34


def _ink_top(images: np.ndarray) -> float:
    return max(float(np.nanmax(images)) if images.size else 1.0, 1.0)


class LatentView(QWidget):
    """Originals over reconstructions, the code scatter and the decoded clicked code."""

    decoded = Signal(object)  # the decoded output, after a click

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.probe: LatentProbe | None = None
        self._decoder: Callable[[np.ndarray], None] = lambda _code: None
        self._asked: tuple[float, float, np.ndarray] | None = None  # the point being decoded
        text = self.palette().color(QPalette.ColorRole.WindowText)
        base = self.palette().color(QPalette.ColorRole.Base)
        self.title = QLabel("The latent space appears for autoencoders (Data: autoencode).")
        self.title.setWordWrap(True)
        self.originals = TileGrid(RECON_TILE)
        self.rebuilt = TileGrid(RECON_TILE)
        # Non-image data: x and x̃ as points.
        self.points = pg.PlotWidget(background=base, enableMenu=False)
        still_plot(self.points.getPlotItem(), text)
        self.points.setTitle("original x (ring), reconstruction x̃ (dot), decoded code (star)",
                             size="9pt", color=text)
        self.points.setMinimumHeight(160)
        self.original_dots = pg.ScatterPlotItem(size=8, pen=pg.mkPen(text), brush=None)
        self.rebuilt_dots = pg.ScatterPlotItem(size=6, pen=None,
                                               brush=pg.mkBrush(theme.POSITIVE))
        self.decoded_dot = pg.ScatterPlotItem(size=16, symbol="star", pen=None,
                                              brush=pg.mkBrush(theme.NEGATIVE))
        for item in (self.original_dots, self.rebuilt_dots, self.decoded_dot):
            self.points.addItem(item)
        self.plot = pg.PlotWidget(background=base, enableMenu=False)
        still_plot(self.plot.getPlotItem(), text)
        self.plot.setMinimumHeight(220)
        self.plot.setToolTip("Each dot is a test sample's code z; click anywhere to decode it")
        self.codes = pg.ScatterPlotItem(size=6, pen=None)
        self.marker = pg.ScatterPlotItem(size=18, symbol="+", pen=pg.mkPen(text, width=2))
        self.plot.addItem(self.codes)
        self.plot.addItem(self.marker)
        self.class_marks: list[pg.TextItem] = []  # each class's number at its codes' mean
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.decoded_image = TileGrid(96)
        self.decoded_text = QLabel("Click in the latent space to decode a code.")
        self.decoded_text.setWordWrap(True)
        self._build_layout()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        self.captions = []
        for label, grid in (("original", self.originals), ("reconstruction", self.rebuilt)):
            row = QHBoxLayout()
            caption = QLabel(label)
            caption.setFixedWidth(90)
            self.captions.append(caption)
            row.addWidget(caption)
            row.addWidget(grid, 1)
            layout.addLayout(row)
        layout.addWidget(self.points)
        below = QHBoxLayout()
        below.addWidget(self.plot, 2)
        side = QVBoxLayout()
        side.addWidget(self.decoded_image)
        side.addWidget(self.decoded_text)
        side.addStretch(1)
        below.addLayout(side, 1)
        layout.addLayout(below, 1)

    def set_decoder(self, decoder: Callable[[np.ndarray], None]) -> None:
        """Who decodes a code: it is given the code and answers later, through
        `show_decoded` or `show_problem`."""
        self._decoder = decoder

    @Slot(object)
    def show_probe(self, probe: LatentProbe | None) -> None:
        self.probe = probe
        if probe is None:
            self.codes.setData([])
            return
        images = probe.originals.ndim == 4
        for widget in (self.originals, self.rebuilt, *self.captions):
            widget.setVisible(images)
        self.points.setVisible(not images)
        if images:
            top = _ink_top(probe.originals)
            self.originals.set_tiles([picture(x[0], (0.0, top), INK) for x in probe.originals])
            self.rebuilt.set_tiles([picture(x[0], (0.0, top), INK)
                                    for x in probe.reconstructions])
        else:
            self._show_points(probe)
        kind = f"a {probe.units}-unit bottleneck ({probe.node})"
        if probe.codes is None:
            self.title.setText(f"Reconstructions through {kind}. The latent space is drawn for "
                               "bottlenecks of up to 3 units.")
            self.codes.setData([])
            return
        colours = "" if probe.labels is None else "; colours are classes"
        self.title.setText(f"Reconstructions and the codes z of {len(probe.codes)} test "
                           f"samples through {kind}{colours}.")
        positions = self._positions(probe)
        self.codes.setData(pos=positions, brush=self._brushes(probe))
        self._mark_classes(positions, probe.labels)
        self.plot.setLabel("bottom", "z₁")
        if probe.units > 1:
            self.plot.setLabel("left", "z₂")
            self.plot.enableAutoRange(y=True)
        else:  # one number per sample: spread the classes out vertically
            classes = 1 if probe.labels is None else int(probe.labels.max()) + 1
            self.plot.setLabel("left", "class" if probe.labels is not None else "")
            self.plot.setYRange(-0.5 - (classes == 1), classes - 0.5 + (classes == 1))

    def _mark_classes(self, positions: np.ndarray, labels: np.ndarray | None) -> None:
        classes = [] if labels is None else sorted(set(labels.tolist()))
        while len(self.class_marks) < len(classes):
            mark = pg.TextItem(anchor=(0.5, 0.5), border=pg.mkPen("#202124"),
                               fill=pg.mkBrush(255, 255, 255, 200))
            self.plot.addItem(mark)
            self.class_marks.append(mark)
        for k, mark in enumerate(self.class_marks):
            mark.setVisible(k < len(classes))
            if k < len(classes):
                label = classes[k]
                mark.setHtml(f"<b style='color:{theme.class_color(label).name()}'>{label}</b>")
                mark.setPos(*np.median(positions[labels == label], axis=0))

    def _show_points(self, probe: LatentProbe) -> None:
        flat = probe.originals.reshape(len(probe.originals), -1)
        rebuilt = probe.reconstructions.reshape(len(probe.reconstructions), -1)
        if flat.shape[1] >= 2:
            self.original_dots.setData(pos=flat[:, :2])
            self.rebuilt_dots.setData(pos=rebuilt[:, :2])

    @staticmethod
    def _positions(probe: LatentProbe) -> np.ndarray:
        codes = probe.codes
        if probe.units > 1:
            return codes[:, :2]
        rows = probe.labels if probe.labels is not None else np.zeros(len(codes))
        return np.column_stack([codes[:, 0], rows.astype(np.float32)])

    @staticmethod
    def _brushes(probe: LatentProbe) -> list:
        if probe.labels is None:
            return [pg.mkBrush(theme.POSITIVE)] * len(probe.codes)
        table = [pg.mkBrush(theme.class_color(k)) for k in range(int(probe.labels.max()) + 1)]
        return [table[k] for k in probe.labels]

    @Slot(object)
    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        box = self.plot.getPlotItem().vb
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        self.decode_at(point.x(), point.y())

    def decode_at(self, x: float, y: float) -> None:
        """Decode the code under (x, y) of the latent plot and show the result."""
        probe = self.probe
        if probe is None or probe.codes is None:
            return
        code = np.array([x], dtype=np.float32) if probe.units == 1 else \
            np.concatenate([[x, y], probe.codes[:, 2:].mean(axis=0)]).astype(np.float32)
        self._asked = (x, y, code)
        self._decoder(code)

    @Slot(str)
    def show_problem(self, why: str) -> None:
        """The code could not be decoded (the network cannot run yet, say)."""
        self.decoded_text.setText(f"Cannot decode: {why}.")

    @Slot(object)
    def show_decoded(self, output: np.ndarray) -> None:
        """What the clicked code decodes to."""
        if self._asked is None:
            return
        x, y, code = self._asked
        probe = self.probe
        self.marker.setData(pos=[[x, y if probe is None or probe.units > 1 else 0.0]])
        shown = ", ".join(f"{v:.2f}" for v in code)
        if output.ndim == 3:
            self.decoded_image.set_tiles([picture(output[0], (0.0, _ink_top(output)), INK)])
            self.decoded_text.setText(f"z = ({shown}) decodes to this picture.")
        else:
            flat = output.ravel()
            if flat.size >= 2:
                self.decoded_dot.setData(pos=[flat[:2]])
            values = ", ".join(f"{v:.2f}" for v in flat[:4])
            self.decoded_text.setText(f"z = ({shown}) decodes to ({values}).")
        self.decoded.emit(output)
