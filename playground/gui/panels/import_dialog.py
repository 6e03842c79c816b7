"""Import the user's data: the flow behind File → Import Data…, the data panel's Import…
button and drops onto the window (`DataImporter`), and the CSV dialog that previews the first
rows and lets the user choose the label and feature columns and the task.

Files are read in a worker thread behind a progress dialog with Cancel (`ImportJob`); the
data set the project will train on is shuffled, split and standardised there too, so that
the window's thread only swaps it in (`Prepared`). A CSV file is read once (`read_table`);
OK turns the table into samples with the chosen columns. A bad cell keeps the dialog open
with the message, so another choice can fix it. Any other problem goes to the window's
`show_error` and leaves the project as it was.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QMimeData, QObject, Signal, Slot
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import DataConfig, Dataset
from playground.core.datasets.imports import (
    AUTO,
    CsvTable,
    DataImportError,
    ImportedData,
    detect_format,
    find_idx_labels,
    import_table,
    is_idx_name,
    load_path,
    read_table,
    to_grey,
)
from playground.core.datasets.info import KIND_IMAGE
from playground.core.errors import PlaygroundError
from playground.core.project import imported_dataset
from playground.gui.import_worker import ImportJob, Loader, Progress
from playground.gui.theme import ERROR

if TYPE_CHECKING:
    from playground.gui.main_window import MainWindow

DATA_FILTER = ("Data files (*.csv *.tsv *.txt *.npz *.idx *.gz *-ubyte);;"
               "CSV tables (*.csv *.tsv *.txt);;NumPy arrays (*.npz);;All files (*)")
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".npz")

PREVIEW_ROWS = 8
FEATURE_COLUMNS = 3  # check boxes per row
TASK_CHOICES = ((AUTO, "Auto (from the label column)"), ("binary", "Binary classification"),
                ("multiclass", "Multi-class classification"), ("regression", "Regression"))
DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)",
                   " ": "spaces"}


class CsvImportDialog(QDialog):
    """The columns of a CSV table as label, features or unused; OK imports them."""

    def __init__(self, table: CsvTable, parent: QWidget | None = None,
                 numeric: list[int] | None = None):
        super().__init__(parent)
        self.table = table
        self.setWindowTitle(f"Import {table.source}")
        self._numeric = set(table.numeric_columns() if numeric is None else numeric)
        self.preview = self._preview()
        self.label_combo = QComboBox()
        self.label_combo.addItems(list(table.names))
        self.label_combo.setToolTip("The column the network learns to predict")
        self.task_combo = QComboBox()
        for task, text in TASK_CHOICES:
            self.task_combo.addItem(text, task)
        self.task_combo.setToolTip("Auto: text or few whole-number labels are classes, other "
                                   "numbers a regression")
        self.feature_boxes = [QCheckBox(name) for name in table.names]
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR.name()}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.label_combo.currentIndexChanged.connect(self._on_label_chosen)
        for box in self.feature_boxes:
            box.toggled.connect(self._mark_columns)
        self.label_combo.setCurrentIndex(table.width - 1)
        self._on_label_chosen(table.width - 1)
        self.resize(720, 520)

    def _preview(self) -> QTableWidget:
        rows = self.table.rows[:PREVIEW_ROWS]
        preview = QTableWidget(len(rows), self.table.width)
        preview.setHorizontalHeaderLabels(list(self.table.names))
        preview.setVerticalHeaderLabels([str(n) for n in self.table.row_numbers[:len(rows)]])
        preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                preview.setItem(r, c, QTableWidgetItem(cell))
        preview.resizeColumnsToContents()
        preview.setToolTip("The first rows as read; row numbers as a spreadsheet shows them")
        return preview

    def _lay_out(self) -> None:
        table = self.table
        delimiter = DELIMITER_WORDS.get(table.delimiter, repr(table.delimiter))
        header = "the first row names the columns" if table.has_header else "no header row"
        about = QLabel(f"{len(table.rows):,} rows and {table.width} columns separated by "
                       f"{delimiter}; {header}. The first rows:")
        about.setWordWrap(True)
        grid = QGridLayout()
        for i, box in enumerate(self.feature_boxes):
            grid.addWidget(box, i // FEATURE_COLUMNS, i % FEATURE_COLUMNS)
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        rows = -(-len(self.feature_boxes) // FEATURE_COLUMNS)
        scroll.setMaximumHeight(min(6, rows) * (self.fontMetrics().height() + 12) + 8)
        form = QFormLayout()
        form.addRow("Label", self.label_combo)
        form.addRow("Task", self.task_combo)
        form.addRow("Features", scroll)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.preview, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    # ---- choices ---------------------------------------------------------------------------
    @Slot(int)
    def _on_label_chosen(self, label: int) -> None:
        """The label column cannot be a feature; the other numeric columns are, at first."""
        for column, box in enumerate(self.feature_boxes):
            box.blockSignals(True)
            box.setEnabled(column != label)
            box.setChecked(column != label and column in self._numeric)
            box.setToolTip("the label column" if column == label else
                           "" if column in self._numeric else "holds text: not a feature")
            box.blockSignals(False)
        self._mark_columns()

    @Slot()
    def _mark_columns(self) -> None:
        """Bold header for the label, grey cells for columns left out."""
        label = self.label_combo.currentIndex()
        grey = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        normal = self.palette().color(QPalette.ColorRole.Text)
        for column, box in enumerate(self.feature_boxes):
            used = column == label or box.isChecked()
            header = self.preview.horizontalHeaderItem(column)
            font = QFont(self.font())
            font.setBold(column == label)
            header.setFont(font)
            header.setText(self.table.names[column] + ("  (label)" if column == label else ""))
            for row in range(self.preview.rowCount()):
                self.preview.item(row, column).setForeground(QBrush(normal if used else grey))
        self.preview.resizeColumnsToContents()
        self.problem.clear()

    def features(self) -> list[int]:
        return [c for c, box in enumerate(self.feature_boxes) if box.isChecked()]

    def converter(self) -> Loader:
        """Turning the table into samples with the chosen columns, for the worker thread."""
        return partial(convert_table, self.table, self.label_combo.currentIndex(),
                       self.features(), self.task_combo.currentData())

    def show_problem(self, text: str) -> None:
        """Why the last choice could not be imported (shown when the dialog opens again)."""
        self.problem.setText(text)


class CsvRead(NamedTuple):
    """A CSV file's cells, and which columns hold numbers (both found in the worker)."""

    table: CsvTable
    numeric: list[int]


def read_csv(path: Path, progress: Progress) -> CsvRead:
    table = read_table(path, progress)
    return CsvRead(table, table.numeric_columns())


def convert_table(table: CsvTable, label: int, features: list[int], task: str,
                  progress: Progress) -> ImportedData:
    return import_table(table, label, features, task)


class Prepared(NamedTuple):
    """Imported data and the data set the project will train on, both made in the worker:
    the window's thread only swaps them in."""

    data: ImportedData
    dataset: Dataset


def prepared(loader: Loader, config: DataConfig, progress: Progress) -> Any:
    """What `loader` gives; imported data come with their data set for a project whose data
    settings are `config` (shuffled, split and standardised here, off the window's thread)."""
    outcome = loader(progress)
    if isinstance(outcome, ImportedData):
        return Prepared(outcome, imported_dataset(outcome, config))
    return outcome


class ImportProgress(QDialog):
    """"Reading …" or "Converting …" with a progress bar (busy until the loader first
    reports) and Cancel, window-modal while the worker thread runs."""

    cancelled = Signal()

    def __init__(self, text: str, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Importing data")
        self.label = QLabel(text)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setFormat("%p% read")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)

    @Slot(float)
    def show_progress(self, fraction: float) -> None:
        self.bar.setRange(0, 100)
        self.bar.setValue(round(fraction * 100))

    def reject(self) -> None:
        """Cancel, Escape or the close button: stop reading."""
        self.cancelled.emit()
        super().reject()


class DataImporter(QObject):
    """Asks for a data file, reads it in a worker thread behind a progress dialog with
    Cancel, and makes it the document's data (one undo step). `finished` says whether the
    data were imported; a failed or cancelled import leaves the project as it was."""

    finished = Signal(bool)
    loaded = Signal()  # a worker ended: what it read or converted is about to be used

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.progress: ImportProgress | None = None
        self._job: ImportJob | None = None  # the import the user waits for
        self._jobs: set[ImportJob] = set()  # it, and cancelled ones still unwinding
        self._columns: CsvImportDialog | None = None  # the CSV table's column chooser

    @property
    def running(self) -> bool:
        return self._job is not None

    @Slot()
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import data", self._folder(),
                                              DATA_FILTER)
        if path:
            self.import_paths([Path(path)])

    @Slot()
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.window, "Import a folder of images (one sub-folder per class)", self._folder())
        if path:
            self.import_paths([Path(path)])

    def import_paths(self, paths: list[Path]) -> bool:
        """Start importing a file or folder, or IDX images with their labels file; False if
        it did not start (a problem, shown, or no labels file chosen). `finished` follows."""
        if self.running:
            self.window.statusBar().showMessage("An import is running; wait for it or "
                                                "cancel it first", 5000)
            return False
        images, labels = _idx_pair(paths)
        try:
            kind = detect_format(images)
        except (PlaygroundError, DataImportError) as err:
            self._fail(str(err))
            return False
        loader: Loader
        if kind == "csv":
            loader = partial(read_csv, images)
        else:
            if kind == "idx":
                labels = labels or find_idx_labels(images) or self.ask_labels(images)
                if labels is None:
                    return False
            loader = partial(load_path, images, labels)
        self._start(loader, images.name, f"Reading {images.name}…")
        return True

    def _start(self, loader: Loader, source: str, text: str) -> None:
        """Run `loader` in a worker behind the progress dialog; data it imports come back
        `Prepared` for the project."""
        job = ImportJob(partial(prepared, loader, self.window.document.project.data),
                           source, self)
        self._job = job
        self._jobs.add(job)
        job.done.connect(self._done)
        self.progress = ImportProgress(text, self.window)
        job.progress.connect(self.progress.show_progress)
        self.progress.cancelled.connect(self.cancel)
        self.progress.open()
        job.start()

    @Slot()
    def cancel(self) -> None:
        """Stop the running import; the project stays as it was."""
        if self._job is None:
            return
        self._job.cancel()
        self._job = None
        self._close_progress()
        self._close_columns()
        self.window.statusBar().showMessage("Import cancelled; the project is unchanged", 5000)
        self.finished.emit(False)

    @Slot(object)
    def _done(self, job: ImportJob) -> None:
        job.wait()
        self._jobs.discard(job)
        job.deleteLater()
        if job is not self._job:  # cancelled, or the window is closing
            return
        self._job = None
        self._close_progress()
        self.loaded.emit()
        outcome = job.outcome
        if isinstance(outcome, str) and self._columns is not None:
            self._choose_columns(problem=outcome)  # a bad cell in a chosen column
        elif isinstance(outcome, str):
            self._fail(outcome)
        elif isinstance(outcome, CsvRead):
            self._columns = self.csv_dialog(outcome.table, outcome.numeric)
            self._choose_columns()
        else:
            self._close_columns()
            self._apply(outcome)

    def _choose_columns(self, problem: str = "") -> None:
        """Ask for the label and feature columns, then convert the table in the worker;
        a problem with the choice opens the dialog again, saying why."""
        dialog = self._columns
        assert dialog is not None
        dialog.show_problem(problem)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self._close_columns()
            self.finished.emit(False)
            return
        source = dialog.table.source
        self._start(dialog.converter(), source, f"Converting {source}…")

    def _apply(self, outcome: Prepared) -> None:
        data = outcome.data
        if data.kind == KIND_IMAGE and data.input_shape[0] == 3 and self.ask_grey(data):
            self._start(lambda progress: to_grey(data), data.source,
                        f"Making {data.source} grey…")
            return
        self.window.controller.stop_training()
        try:
            changes = self.window.document.import_data(data, outcome.dataset)
        except PlaygroundError as err:  # the edit was undone
            self._fail(str(err))
            return
        text = f"Imported {data.source}: {data.summary()}"
        self.window.statusBar().showMessage(". ".join([text, *changes]), 10000)
        self.finished.emit(True)

    def _close_columns(self) -> None:
        if self._columns is not None:
            self._columns.deleteLater()
            self._columns = None

    def _fail(self, message: str) -> None:
        self.window.show_error("Cannot import the data", f"{message}\n\nThe project is unchanged.")
        self.finished.emit(False)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.cancelled.disconnect(self.cancel)
            self.progress.accept()
            self.progress.deleteLater()
            self.progress = None

    def shutdown(self) -> None:
        """Cancel a running import and wait for every worker thread (the window is closing)."""
        self._job = None
        self._close_progress()
        self._close_columns()
        for job in list(self._jobs):
            job.cancel()
            job.wait()
        self._jobs.clear()

    def csv_dialog(self, table: CsvTable, numeric: list[int]) -> CsvImportDialog:
        return CsvImportDialog(table, self.window, numeric)

    def ask_grey(self, data: ImportedData) -> bool:
        """Whether to make colour images grey (one channel instead of three)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Colour images",
                          f"{data.source} holds colour images. Keep their colour (three "
                          "channels, red, green and blue), or make them grey (one channel: "
                          "a smaller network, and colour no longer tells classes apart)?",
                          parent=self.window)
        box.addButton("Keep colour", QMessageBox.ButtonRole.AcceptRole)
        grey = box.addButton("Make grey", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is grey

    def ask_labels(self, images: Path) -> Path | None:
        """The labels file that goes with IDX images (None: cancelled)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, f"The labels file for {images.name}", str(images.parent),
            "IDX labels (*idx1* *labels* *.idx *.gz);;All files (*)")
        return Path(path) if path else None

    def _folder(self) -> str:
        path = self.window.document.path
        return str(path.parent) if path is not None else str(Path.home())


def data_paths(mime: QMimeData) -> list[Path]:
    """The dropped files and folders that can be imported as data."""
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.is_dir() or p.suffix.lower() in DATA_SUFFIXES
            or is_idx_name(p)]


def _idx_pair(paths: list[Path]) -> tuple[Path, Path | None]:
    """The file to import and, for two dropped IDX files, which one holds the labels."""
    if len(paths) == 2 and all(is_idx_name(p) for p in paths):
        first, second = paths
        if re.search(r"label|idx1", first.name.lower()):
            first, second = second, first
        return first, second
    return paths[0], None
