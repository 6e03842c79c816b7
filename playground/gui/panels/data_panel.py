"""The data panel: choose and shape the data set, and preview its points, images or sequences.

Every control edit builds a new `DataConfig` and hands it to `Document.set_data` (one undo
step); when the document changes (an edit, undo, redo) the controls are refreshed from the
project without emitting edits of their own.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import (
    DATASETS,
    FEATURES,
    KIND_IMAGE,
    KIND_LINE,
    KIND_PLANE,
    KIND_SEQUENCE,
    TASK_REGRESSION,
    DataConfig,
    DataConfigError,
    Dataset,
)
from playground.core.datasets.base import (
    MAX_LENGTH,
    MAX_NOISE,
    MAX_SAMPLES,
    MIN_LENGTH,
    SCALED_KINDS,
)
from playground.core.datasets.imported import IMPORTED, ImportedData
from playground.core.errors import PlaygroundError
from playground.core.layers import SpecError
from playground.core.seeds import MAX_SEED
from playground.gui import theme
from playground.gui.document import Document, follow
from playground.gui.plots.points import PointPaint, positions, still_plot, symbol_size
from playground.gui.plots.samples import IMAGE_SAMPLES, SEQUENCE_SAMPLES, ImageGrid, SequencePlot

MIN_SAMPLES = 4
FIXED_SIZES = {"xor-points": 4}  # data sets that ignore the number of samples
PREVIEW_SIZE = 230
# TensorFlow Playground's value scale: orange for negative, light grey-white at 0, blue positive.
VALUE_SCALE = (theme.NEGATIVE, QColor("#e8eaed"), theme.POSITIVE)
# The feature check boxes in columns: x₁'s features, x₂'s features, then the product.
FEATURE_COLUMNS = (("x1", "x1^2", "sin_x1"), ("x2", "x2^2", "sin_x2"), ("x1x2",))
FEATURE_CELLS = {name: (row, column) for column, names in enumerate(FEATURE_COLUMNS)
                 for row, name in enumerate(names)}


def _groups() -> list[tuple[str, list[str]]]:
    """Data set names by kind, for the combo box: classification, regression, 1-D functions,
    images, sequences."""
    def of_kind(kind: str) -> list[str]:
        return [name for name, info in DATASETS.items() if info.kind == kind]

    plane = of_kind(KIND_PLANE)
    return [
        ("Classification", [n for n in plane if DATASETS[n].task != TASK_REGRESSION]),
        ("Regression", [n for n in plane if DATASETS[n].task == TASK_REGRESSION]),
        ("1-D functions", of_kind(KIND_LINE)),
        ("Images", of_kind(KIND_IMAGE)),
        ("Sequences", of_kind(KIND_SEQUENCE)),
    ]


class DataPanel(QWidget):
    """Controls for the project's `DataConfig` and a scatter preview of the built data."""

    importRequested = Signal()  # the Import… button: the window asks for a file

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self._drawn: tuple[DataConfig, ImportedData | None] | None = None
        self._applying = False
        self._build_controls()
        self._build_preview()
        self._build_layout()
        self._connect_controls()
        document.changed.connect(self._on_document_changed)
        self._refresh()

    # ---- construction ---------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.dataset_combo = QComboBox()
        self.dataset_combo.setModel(self._dataset_model())
        self.dataset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dataset_combo.setMinimumContentsLength(6)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Use your own data: a CSV table, an .npz file, MNIST IDX "
                                      "files (Ctrl+I), or drop a file onto the window")
        self.noise_slider = QSlider(Qt.Orientation.Horizontal)
        self.noise_slider.setRange(0, int(MAX_NOISE))
        self.noise_slider.setPageStep(5)
        self.noise_slider.setToolTip("Noise in percent: how much the points are jittered or "
                                     "mislabelled (applied when you let go of the slider)")
        self.noise_label = QLabel()
        self.noise_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("50 %") + 4)
        self.noise_label.setAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
        self.noise_label.setToolTip(self.noise_slider.toolTip())
        self.samples_spin = self._spin_box(MIN_SAMPLES, MAX_SAMPLES, "",
                                           "Number of points generated (train and test together)")
        self.samples_spin.setSingleStep(50)
        self.train_spin = self._spin_box(10, 100, " %", "Share of the points used for training; "
                                         "the rest are test points")
        self.seed_spin = self._spin_box(0, MAX_SEED, "", "Random seed: the same seed and "
                                        "settings always give the same points")
        self.new_seed_button = QPushButton("New seed")
        self.new_seed_button.setToolTip("Pick a different random seed: new points")
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Rebuild the points from the current settings "
                                          "(same seed, so the same points)")
        self.feature_boxes = {name: self._feature_box(label) for name, label in FEATURES.items()}
        self.length_spin = self._spin_box(MIN_LENGTH, MAX_LENGTH, " steps",
                                          "Time steps in each sequence; for 'remember the first "
                                          "bit' the distance the first bit must be carried")
        self.autoencode_box = QCheckBox("Autoencode")
        self.autoencode_box.setToolTip("Targets = inputs: train the network to reproduce its "
                                       "input through a narrow layer (a regression onto the "
                                       "input itself)")
        self.standardize_box = QCheckBox("Standardise")
        self.standardize_box.setToolTip(
            "Scale each feature (and a regression's targets) to mean 0 and std 1, with the "
            "training split's mean and std; exports take raw values and do this themselves")
        self.show_test_box = QCheckBox("Show test points")
        self.show_test_box.setChecked(True)
        self.show_test_box.setToolTip("Draw the test points (hollow) in the preview")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.status_label.setFont(small)
        self.status_label.setToolTip("What the last data change did to the network")

    def _dataset_model(self) -> QStandardItemModel:
        """Data set titles under bold, unselectable group headings; tooltips describe them."""
        model = QStandardItemModel(self)
        bold = QFont(self.font())
        bold.setBold(True)
        for heading, names in _groups():
            model.appendRow(_heading(heading, bold))
            for name in names:
                item = QStandardItem(DATASETS[name].title)
                item.setData(name, Qt.ItemDataRole.UserRole)
                item.setToolTip(DATASETS[name].description)
                model.appendRow(item)
        return model

    @staticmethod
    def _spin_box(low: int, high: int, suffix: str, tip: str) -> QSpinBox:
        """A spin box that reports a value only when editing is done (no edit per keystroke)."""
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        return spin

    @staticmethod
    def _feature_box(label: str) -> QCheckBox:
        box = QCheckBox(label)
        box.setToolTip(f"Feed {label} to the network as an input (plane data sets only)")
        return box

    def _build_preview(self) -> None:
        palette = self.palette()
        self.plot = pg.PlotWidget(background=palette.color(QPalette.ColorRole.Base),
                                 enableMenu=False)
        self.plot.setMinimumSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.plot.setToolTip("The data set: filled dots train the network, hollow ones test it")
        still_plot(self.plot.getPlotItem(), palette.color(QPalette.ColorRole.WindowText))
        outline = palette.color(QPalette.ColorRole.Text)
        outline.setAlpha(90)
        self.train_scatter = pg.ScatterPlotItem(pen=pg.mkPen(outline, width=0.5))
        self.test_scatter = pg.ScatterPlotItem(brush=pg.mkBrush(None))
        self.plot.addItem(self.test_scatter)
        self.plot.addItem(self.train_scatter)
        self._paint = PointPaint()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setToolTip(self.plot.toolTip())
        self.image_grid = ImageGrid()
        self.image_grid.setMinimumSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.image_grid.setToolTip("Training images with their labels")
        self.sequence_plot = SequencePlot(palette.color(QPalette.ColorRole.Base),
                                          palette.color(QPalette.ColorRole.WindowText))
        self.sequence_plot.setMinimumSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.sequence_plot.setToolTip("Training sequences over time, each with its label "
                                      "(or the value to predict, drawn as a dot)")
        self.preview = QStackedWidget()
        for widget in (self.plot, self.image_grid, self.sequence_plot):
            self.preview.addWidget(widget)

    def _build_layout(self) -> None:
        noise_row = QHBoxLayout()
        noise_row.addWidget(self.noise_slider, 1)
        noise_row.addWidget(self.noise_label)
        seed_buttons = QHBoxLayout()
        seed_buttons.addWidget(self.new_seed_button)
        seed_buttons.addWidget(self.regenerate_button)
        seed_buttons.addStretch(1)
        features = QGridLayout()
        features.setColumnStretch(len(FEATURE_COLUMNS), 1)
        for name, box in self.feature_boxes.items():
            features.addWidget(box, *FEATURE_CELLS[name])
        form = self.form = QFormLayout()
        data_row = QHBoxLayout()
        data_row.addWidget(self.dataset_combo, 1)
        data_row.addWidget(self.import_button)
        form.addRow("Data set", data_row)
        form.addRow("Noise", noise_row)
        form.addRow("Samples", self.samples_spin)
        form.addRow("Train share", self.train_spin)
        form.addRow("Seed", self.seed_spin)
        form.addRow("", seed_buttons)
        form.addRow("Features", features)
        self.features_grid = features
        form.addRow("Length", self.length_spin)
        form.addRow("", self.autoencode_box)
        form.addRow("", self.standardize_box)
        legend = QHBoxLayout()
        legend.addWidget(self.caption)
        legend.addStretch(1)
        legend.addWidget(self.show_test_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(legend)

    def _connect_controls(self) -> None:
        self.import_button.clicked.connect(self.importRequested)
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_chosen)
        self.noise_slider.valueChanged.connect(self._on_noise_changed)
        self.noise_slider.sliderReleased.connect(self._on_noise_released)
        self.samples_spin.valueChanged.connect(self._on_samples_changed)
        self.train_spin.valueChanged.connect(self._on_train_share_changed)
        self.seed_spin.valueChanged.connect(self._on_seed_changed)
        self.new_seed_button.clicked.connect(self._on_new_seed)
        self.regenerate_button.clicked.connect(self._on_regenerate)
        for box in self.feature_boxes.values():
            box.toggled.connect(self._on_feature_toggled)
        self.length_spin.valueChanged.connect(self._on_length_changed)
        self.autoencode_box.toggled.connect(self._on_autoencode_toggled)
        self.standardize_box.toggled.connect(self._on_standardize_toggled)
        self.show_test_box.toggled.connect(self.test_scatter.setVisible)

    # ---- the document ---------------------------------------------------------------------
    @property
    def document(self) -> Document:
        return self._document

    def set_document(self, document: Document) -> None:
        """Show and edit another document (File → Open); the old one is let go."""
        self._document = follow(self._document, document, self._on_document_changed)
        self._show_status("")
        self._refresh()

    @Slot()
    def _on_document_changed(self) -> None:
        if (self._document.project.data, self._document.project.imported) == self._drawn:
            return  # a network edit or training progress: nothing new to show here
        if not self._applying:
            self._show_status("")  # undo, redo or another view: the last message is stale
        self._refresh()

    def _refresh(self) -> None:
        """Show the project's data settings in the controls and draw its data."""
        config = self._document.project.data
        self._show_config(config)
        self._draw(self._document.dataset)
        self._drawn = (config, self._document.project.imported)

    def _apply(self, **changes: Any) -> None:
        """Change some data settings as one undoable edit and report what it did."""
        try:
            config = replace(self._document.project.data, **changes)
            self._applying = True
            messages = self._document.set_data(config)
        except (PlaygroundError, DataConfigError, SpecError) as error:
            self._show_status(str(error), error=True)
            self._show_config(self._document.project.data)
            return
        finally:
            self._applying = False
        self._show_status("\n".join(messages))

    def _show_status(self, text: str, error: bool = False) -> None:
        color = theme.ERROR.name() if error else ""
        self.status_label.setStyleSheet(f"color: {color}" if color else "")
        self.status_label.setText(text)

    # ---- controls from the config ---------------------------------------------------------
    def _show_config(self, config: DataConfig) -> None:
        """Set every control from `config` without emitting edits."""
        info = self._document.dataset.info
        fixed = FIXED_SIZES.get(config.name)
        widgets = [self.dataset_combo, self.noise_slider, self.samples_spin, self.train_spin,
                   self.seed_spin, self.length_spin, self.autoencode_box,
                   self.standardize_box, *self.feature_boxes.values()]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self._offer_imported()
            self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(config.name))
            self.dataset_combo.setToolTip(info.description)
            self.noise_slider.setValue(round(config.noise))
            self.noise_slider.setEnabled(config.name != IMPORTED)
            self.samples_spin.setValue(fixed or config.n_samples)
            self.samples_spin.setEnabled(fixed is None)
            self.train_spin.setValue(round(config.train_fraction * 100))
            self.seed_spin.setValue(config.seed)
            for name, box in self.feature_boxes.items():
                box.setChecked(name in config.features)
                box.setEnabled(info.kind == KIND_PLANE)
            self.length_spin.setValue(config.length)
            self.autoencode_box.setChecked(config.autoencode)
            self.standardize_box.setChecked(config.standardize)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.form.setRowVisible(self.features_grid, info.kind in (KIND_PLANE, KIND_LINE))
        self.form.setRowVisible(self.length_spin, info.kind == KIND_SEQUENCE)
        self.form.setRowVisible(self.standardize_box,
                                config.name == IMPORTED and info.kind in SCALED_KINDS)
        self.noise_label.setText(f"{self.noise_slider.value()} %")

    def _offer_imported(self) -> None:
        """An "Imported" entry at the end of the data sets while the project holds imported
        data, so that the user can come back to them."""
        model = self.dataset_combo.model()
        index = self.dataset_combo.findData(IMPORTED)
        if index >= 0:
            model.removeRows(index - 1, 2)  # its heading and itself
        imported = self._document.project.imported
        if imported is not None:
            bold = QFont(self.font())
            bold.setBold(True)
            item = QStandardItem(imported.source)
            item.setData(IMPORTED, Qt.ItemDataRole.UserRole)
            item.setToolTip(imported.info.description)
            model.appendRow(_heading("Imported", bold))
            model.appendRow(item)

    # ---- control slots --------------------------------------------------------------------
    @Slot(int)
    def _on_dataset_chosen(self, index: int) -> None:
        name = self.dataset_combo.itemData(index)
        imported = self._document.project.imported
        if name == IMPORTED and imported is not None:
            self._apply(name=name, n_samples=min(imported.n_samples, MAX_SAMPLES))
        elif name is not None:
            self._apply(name=name)

    @Slot(int)
    def _on_noise_changed(self, value: int) -> None:
        self.noise_label.setText(f"{value} %")
        if not self.noise_slider.isSliderDown():
            self._apply(noise=float(value))

    @Slot()
    def _on_noise_released(self) -> None:
        self._apply(noise=float(self.noise_slider.value()))

    @Slot(int)
    def _on_samples_changed(self, value: int) -> None:
        self._apply(n_samples=value)

    @Slot(int)
    def _on_train_share_changed(self, value: int) -> None:
        self._apply(train_fraction=value / 100)

    @Slot(int)
    def _on_seed_changed(self, value: int) -> None:
        self._apply(seed=value)

    @Slot()
    def _on_new_seed(self) -> None:
        current = self._document.project.data.seed
        seed = random.randrange(MAX_SEED)
        while seed == current:
            seed = random.randrange(MAX_SEED)
        self._apply(seed=seed)

    @Slot()
    def _on_regenerate(self) -> None:
        self._refresh()
        self._show_status(f"Regenerated with seed {self._document.project.data.seed}")

    @Slot(int)
    def _on_length_changed(self, value: int) -> None:
        self._apply(length=value)

    @Slot(bool)
    def _on_autoencode_toggled(self, checked: bool) -> None:
        self._apply(autoencode=checked)

    @Slot(bool)
    def _on_standardize_toggled(self, checked: bool) -> None:
        self._apply(standardize=checked)

    @Slot(bool)
    def _on_feature_toggled(self, _checked: bool) -> None:
        features = tuple(name for name, box in self.feature_boxes.items() if box.isChecked())
        if not features:
            self._show_status("Keep at least one input feature checked.", error=True)
            self._show_config(self._document.project.data)
            return
        self._apply(features=features)

    # ---- preview --------------------------------------------------------------------------
    def _draw(self, dataset: Dataset) -> None:
        """Preview the data: points on the plane or line, else a few samples with labels."""
        self.show_test_box.setVisible(dataset.plottable)
        if dataset.kind == KIND_IMAGE:
            self._draw_images(dataset)
        elif dataset.kind == KIND_SEQUENCE:
            self._draw_sequences(dataset)
        else:
            self._draw_points(dataset)

    def _draw_points(self, dataset: Dataset) -> None:
        """Put the train and test points in the existing scatter items and fit the view."""
        self.preview.setCurrentWidget(self.plot)
        self.caption.setText("● train   ○ test" + _scaling_note(dataset))
        if not dataset.plottable:  # imported tables: nothing to place on a plane
            self.train_scatter.clear()
            self.test_scatter.clear()
            self.caption.setText(f"A table of {len(dataset.feature_names)} features: no "
                                 f"picture{_scaling_note(dataset)}")
            return
        plane = dataset.kind == KIND_PLANE
        size = symbol_size(len(dataset.points_train) + len(dataset.points_test))
        self.train_scatter.setData(pos=positions(dataset, dataset.points_train, dataset.y_train),
                                   size=size, brush=self._paint.brushes(dataset, dataset.y_train))
        self.test_scatter.setData(pos=positions(dataset, dataset.points_test, dataset.y_test),
                                  size=size, pen=self._paint.pens(dataset, dataset.y_test))
        xmin, xmax, ymin, ymax = dataset.extent
        self.plot.setAspectLocked(plane)
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def _draw_images(self, dataset: Dataset) -> None:
        count = min(IMAGE_SAMPLES, len(dataset.x_train))
        self.image_grid.set_samples(dataset.x_train[:count], _captions(dataset, count))
        self.preview.setCurrentWidget(self.image_grid)
        self.caption.setText(f"The first {count} training images and their labels")

    def _draw_sequences(self, dataset: Dataset) -> None:
        count = min(SEQUENCE_SAMPLES, len(dataset.x_train))
        labels = dataset.labels_train
        text = self.palette().color(QPalette.ColorRole.WindowText)
        colors = [text if labels is None else theme.class_color(int(labels[i]))
                  for i in range(count)]
        targets = None
        if dataset.task == TASK_REGRESSION and not dataset.autoencoder:
            targets = dataset.y_train[:count, 0]
        self.sequence_plot.set_samples(dataset.x_train[:count], _captions(dataset, count),
                                       colors, targets)
        self.preview.setCurrentWidget(self.sequence_plot)
        what = "the value that comes next (dot)" if targets is not None else "their labels"
        note = f"\n{dataset.split_note}" if dataset.split_note else ""
        self.caption.setText(f"The first {count} training sequences and {what}{note}")


def _scaling_note(dataset: Dataset) -> str:
    """What standardising did to the data, for the caption (nothing when it did nothing)."""
    if dataset.scaling is None:
        return ""
    what = "features and targets" if dataset.scaling.scales_targets else "features"
    return f"; {what} standardised (the network's values)"


def _captions(dataset: Dataset, count: int) -> list[str]:
    """The first `count` training samples' class names, or their target values."""
    if dataset.labels_train is not None:
        return [dataset.info.class_name(int(i)) for i in dataset.labels_train[:count]]
    if dataset.autoencoder:
        return [""] * count
    return [f"→ {float(v):.2f}" for v in dataset.y_train[:count, 0]]


def _heading(text: str, font: QFont) -> QStandardItem:
    """A bold, unselectable group heading for the data set combo box."""
    header = QStandardItem(text)
    header.setFlags(Qt.ItemFlag.NoItemFlags)
    header.setFont(font)
    return header
