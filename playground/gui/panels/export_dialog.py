"""File → Export… (the model, in the format chosen) and File → Export Plot (PNG or SVG).

The dialog only collects a format and a path; `Exporter` pulls the weights the training has
reached and has the training process (where torch is) run `playground.core.export` on a copy
of the project, behind a window-modal "Exporting…" dialog while the window keeps drawing,
then reports where it wrote and how to use the file.
"""

from __future__ import annotations

import copy
import html
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.errors import PlaygroundError
from playground.core.export import FORMATS, ExportError, ExportResult
from playground.core.export.files import atomic_path
from playground.core.project import Project
from playground.core.training.protocol import ExportJob

if TYPE_CHECKING:
    from playground.gui.main_window import MainWindow

FOLDER_KEY = "export-folder"
PLOT_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
PLOT_SUFFIXES = (".png", ".svg")
PNG_SCALE = 2  # PNGs at twice the on-screen size, sharp on slides
PLOTS = {"output": "Output view", "curves": "Curves"}
FOLDER_WIDTH = 420  # pixels of the progress dialog's folder line before it is elided


class ExportDialog(QDialog):
    """Choose what to export (one line says what each format is for) and where."""

    def __init__(self, folder: Path, stem: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format_box = QComboBox()
        for fmt in FORMATS.values():
            self.format_box.addItem(fmt.title, fmt.name)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.path_edit = QLineEdit(str(folder / f"{stem}{FORMATS['state_dict'].suffix}"))
        self.path_edit.setMinimumWidth(360)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("", self.summary)
        form.addRow("File:", path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._path_changed)
        self._format_changed()

    @property
    def fmt(self) -> str:
        return self.format_box.currentData()

    def chosen(self) -> tuple[str, Path]:
        """The format's name and the file to write."""
        return self.fmt, Path(self.path_edit.text().strip()).expanduser()

    @Slot()
    def _format_changed(self) -> None:
        info = FORMATS[self.fmt]
        self.summary.setText(info.summary)
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(info.suffix)))

    @Slot(str)
    def _path_changed(self, text: str) -> None:
        self.export_button.setEnabled(bool(text.strip()))

    @Slot()
    def _browse(self) -> None:
        info = FORMATS[self.fmt]
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(),
                                              f"{info.title} (*{info.suffix});;All files (*)")
        if path:
            self.path_edit.setText(path)


def _close_paths_explicitly(group: Any) -> None:
    """Replace each 'Z' of the SVG paths under `group` by a line back to the subpath's start."""
    for path in group.getElementsByTagName("path"):
        start, tokens = None, []
        for token in path.getAttribute("d").split():
            if token.startswith("M"):
                start = token[1:]
            tokens.append(f"L{start}" if token in ("Z", "z") and start else token)
        path.setAttribute("d", " ".join(tokens))


def _correct_coordinates(group: Any, *args: Any, **kwargs: Any) -> None:
    _close_paths_explicitly(group)
    _CORRECT_COORDINATES(group, *args, **kwargs)


_SVG_MODULE = sys.modules["pyqtgraph.exporters.SVGExporter"]
_CORRECT_COORDINATES = _SVG_MODULE.correctCoordinates


def _write_svg(item: pg.GraphicsItem, path: str) -> None:
    """pyqtgraph's SVG export, which draws scatter symbols as shapes. Its path parser fails
    on the closed paths ('… Z') Qt ≥ 6.10 writes (pyqtgraph issue #3495), so the paths are
    closed with explicit lines first."""
    _SVG_MODULE.correctCoordinates = _correct_coordinates
    try:
        pg.exporters.SVGExporter(item).export(path)
    finally:
        _SVG_MODULE.correctCoordinates = _CORRECT_COORDINATES


def save_plot(item: pg.GraphicsItem, path: Path) -> None:
    """Write a plot (with its axes, colour bar, …) as PNG or SVG, atomically."""
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise ExportError(f"{path.name}: plots are saved as .png or .svg files; "
                          "change the file's ending")
    with atomic_path(path) as tmp:
        if suffix == ".png":
            exporter = pg.exporters.ImageExporter(item)
            exporter.parameters()["width"] = int(item.boundingRect().width() * PNG_SCALE)
            exporter.export(str(tmp))
        else:
            _write_svg(item, str(tmp))


def message_html(text: str) -> str:
    """An export's message for a message box: prose in paragraphs, its indented lines (code to
    copy) as a block that keeps its lines whole."""
    blocks: list[str] = []
    code: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("    "):
            code.append(html.escape(line[4:]))
            continue
        if code:
            blocks.append("<pre>" + "\n".join(code) + "</pre>")
            code = []
        if line:
            blocks.append(f"<p>{html.escape(line)}</p>")
    return "".join(blocks)


class ExportProgress(QDialog):
    """"Exporting … to …" with a busy bar while an export runs; the user cannot close it (an
    export cannot be interrupted), the export closes it when done."""

    def __init__(self, title: str, path: Path, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Exporting")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.label = QLabel(f"Exporting {title} to {path.name}…")
        folder = QLabel()
        folder.setText(folder.fontMetrics().elidedText(
            f"in {path.parent}", Qt.TextElideMode.ElideMiddle, FOLDER_WIDTH))
        folder.setToolTip(str(path))
        folder.setEnabled(False)  # greyed: the detail under the main line
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy: no export reports how far it is
        bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(folder)
        layout.addWidget(bar)
        self.setMinimumWidth(360)

    def reject(self) -> None:
        """Escape and the window's close button do nothing: the export goes on."""


def snapshot(project: Project) -> Project:
    """A copy of `project` that edits made during an export cannot change. Imported data are
    shared: they are replaced, never changed in place."""
    return replace(copy.deepcopy(replace(project, imported=None)), imported=project.imported)


class Exporter(QObject):
    """The window's export commands. `inform` and `ask_plot_path` are replaceable (tests).
    A model export runs in the training process; `finished` says whether it worked."""

    finished = Signal(bool)

    def __init__(self, window: MainWindow, file_stem: Callable[[], str]):
        super().__init__(window)
        self.window = window
        self.file_stem = file_stem
        self.dialog: ExportDialog | None = None
        self.progress: ExportProgress | None = None
        self._exporting = False
        window.controller.exportDone.connect(self._done)

    # ---- the model -----------------------------------------------------------------------
    @Slot()
    def open_dialog(self) -> None:
        """Show the export dialog (window-modal, without blocking); export when accepted."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = ExportDialog(self._folder(), self.file_stem(), self.window)
        self.dialog.accepted.connect(self._export_chosen)
        self.dialog.open()

    @Slot()
    def _export_chosen(self) -> None:
        assert self.dialog is not None
        fmt, path = self.dialog.chosen()
        self.export(fmt, path)

    @property
    def running(self) -> bool:
        """Whether a model export is being written."""
        return self._exporting

    def export(self, fmt: str, path: Path) -> None:
        """Start exporting the open project with the weights training has reached so far;
        `finished` follows, after the message saying how it went."""
        if self.running:  # the progress dialog keeps a second export from being asked for
            return
        controller = self.window.controller
        controller.sync_weights()
        controller.export(ExportJob(snapshot(self.window.document.project), fmt, path,
                                    tuple(controller.history)))
        self._exporting = True
        self.progress = ExportProgress(FORMATS[fmt].title, path, self.window)
        self.progress.open()

    @Slot(object)
    def _done(self, outcome: ExportResult | str) -> None:
        if not self.running:  # the window closed while it ran (see `shutdown`)
            return
        self._end_progress()
        if isinstance(outcome, str):
            self.window.show_error("Cannot export", outcome)
            self.finished.emit(False)
            return
        self._remember(outcome.path)
        self.window.statusBar().showMessage(f"Exported to {outcome.path}", 8000)
        self.inform("Export finished", outcome.message)
        self.finished.emit(True)

    def shutdown(self) -> None:
        """The window is closing: no message will follow (the training process finishes the
        file before it quits)."""
        if self.running:
            self._end_progress()

    def _end_progress(self) -> None:
        assert self.progress is not None
        self.progress.accept()
        self.progress.deleteLater()
        self.progress = None
        self._exporting = False

    def inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message_html(text),
                          QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    # ---- plots ---------------------------------------------------------------------------
    def plot_items(self, which: str) -> dict[str, pg.GraphicsItem]:
        """The plots a view exports, by the ending added to the file name."""
        if which == "output":
            view = self.window.boundary
            if view.stack.currentWidget() is not view.graphics:
                raise ExportError("the Output view shows no picture for this data, so there "
                                  "is no plot to export")
            return {"": view.graphics.ci}
        curves = self.window.curves
        items = {"": curves.loss_plot.plotItem}
        if curves.accuracy_plot.isVisible():
            items["-accuracy"] = curves.accuracy_plot.plotItem
        return items

    @Slot()
    def export_plot(self, which: str) -> None:
        path = self.ask_plot_path(which)
        if path is not None:
            self.save_plots(which, path)

    def ask_plot_path(self, which: str) -> Path | None:
        suggested = self._folder() / f"{self.file_stem()}-{which}.png"
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export the {PLOTS[which]}",
                                              str(suggested), PLOT_FILTER)
        return Path(path) if path else None

    def save_plots(self, which: str, path: Path) -> list[Path]:
        """Save a view's plots to `path` (a second plot gets '-accuracy' added to its name)."""
        if not path.suffix:
            path = path.with_suffix(".png")
        written = []
        try:
            for ending, item in self.plot_items(which).items():
                target = path.with_name(f"{path.stem}{ending}{path.suffix}")
                save_plot(item, target)
                written.append(target)
        except (PlaygroundError, ExportError) as err:
            self.window.show_error("Cannot export the plot", str(err))
            return written
        self._remember(path)
        names = " and ".join(str(p) for p in written)
        self.inform("Plot exported", f"Wrote the {PLOTS[which]} to {names}. PNG files open "
                                     "in any image viewer; SVG files stay sharp at any size "
                                     "in slides, documents and vector editors.")
        return written

    # ---- folder --------------------------------------------------------------------------
    def _folder(self) -> Path:
        folder = self.window.settings.value(FOLDER_KEY, "")
        return Path(folder) if isinstance(folder, str) and folder else Path.home()

    def _remember(self, path: Path) -> None:
        self.window.settings.setValue(FOLDER_KEY, str(path.resolve().parent))

