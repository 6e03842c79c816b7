"""The main window: canvas in the middle, palette, inspector and data panel in docks."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QByteArray, QMimeData, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStyle,
    QTabBar,
    QWidget,
)

from playground import __version__
from playground.core.errors import PlaygroundError
from playground.core.frames import CONTRIBUTIONS, HISTOGRAMS, Frame
from playground.core.layout import READABLE_ZOOM
from playground.core.presets import load_preset
from playground.core.project import SUFFIX, Project, ProjectError
from playground.core.scaling import scaled_targets
from playground.gui.canvas.palette import PaletteWidget
from playground.gui.canvas.scene import NetworkScene
from playground.gui.canvas.view import NetworkView
from playground.gui.dock_sizing import DockSizing
from playground.gui.document import Document
from playground.gui.error_dialog import error_box
from playground.gui.gallery import PresetGallery, empty_project
from playground.gui.icons import app_icon
from playground.gui.lazy_view import LazyView
from playground.gui.panels.data_panel import DataPanel
from playground.gui.panels.export_dialog import Exporter
from playground.gui.panels.import_dialog import DataImporter, data_paths
from playground.gui.panels.inspector import Inspector
from playground.gui.panels.top_bar import TopBar
from playground.gui.panels.training_panel import TrainingPanel, play_look
from playground.gui.panels.weights_dialog import WeightsDialog
from playground.gui.plots.activations import ActivationView
from playground.gui.plots.approximation import ApproximationView, hidden_node
from playground.gui.plots.boundary import BoundaryView
from playground.gui.plots.curves import CurvesView, describe_run
from playground.gui.plots.deep_docks import DeepDocks
from playground.gui.plots.frame_gate import FrameGate, ProbeDemand
from playground.gui.plots.gradients import GradientView
from playground.gui.plots.perceptron import PerceptronView
from playground.gui.wheel_guard import install_wheel_guard
from playground.gui.worker import TrainingController

if TYPE_CHECKING:  # dialogs imported when first opened
    from playground.gui.panels.backprop_inspector import BackpropInspector
    from playground.gui.panels.sweep_dialog import SweepDialog

TRACEBACK = "Traceback (most recent call last):"
SWITCH_INTERVAL_S = 0.001  # how soon a thread waiting for the interpreter lock gets it
FRAGMENT_KEY = "playground-layers"  # marks clipboard text as layers copied from the canvas
FILE_FILTER = f"Playground projects (*{SUFFIX} *.json);;All files (*)"
MAX_RECENT = 8
APP_NAME = "Neural-network playground"
# How the status line names the engine a frame came from (core.training.factory's engines).
ENGINE_NAMES = {"fast": "fast engine (compiled)", "torch": "PyTorch engine"}


class MainWindow(QMainWindow):
    """One window, one project at a time."""

    def __init__(self, settings: QSettings | None = None, document: Document | None = None):
        super().__init__()
        install_wheel_guard(QApplication.instance())  # also where no app.application() ran
        # Nearly every event of the window runs Python code (the wheel guard sees them all),
        # which must take the interpreter lock: while a worker thread runs Python (an import
        # reading a CSV), each waited up to the switch interval, 5 ms by default, and a
        # dialog opening (~170 events) held the window 0.85 s. At 1 ms: 0.04 s at most.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._tidy_timer = QTimer(self, singleShot=True, interval=0)
        self._tidy_timer.timeout.connect(self._tidy_tab_bars)
        self._fit_timer = QTimer(self, singleShot=True, interval=0)  # after the docks settle
        self._fit_timer.timeout.connect(self._fit_opened)
        self._arranged: Document | None = None
        self.settings = settings or QSettings()
        self.document = document or Document.untitled(load_preset("circle"), self)
        self.document.setParent(self)
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.document.undo_stack)
        self.undo_group.setActiveStack(self.document.undo_stack)

        self.scene = NetworkScene(self.document)
        self.view = NetworkView(self.scene)
        self.setCentralWidget(self.view)
        self.palette_widget = PaletteWidget()
        self.inspector = Inspector(self.document, self.scene)
        self.data_panel = DataPanel(self.document)
        self.controller = TrainingController(self.document, self)
        self.training_panel = TrainingPanel(self.document, self.controller)
        self.boundary = BoundaryView()
        self.curves = CurvesView()
        self.curves.run_label = lambda: describe_run(self.document.project)
        self.activations = ActivationView()
        # Tabs behind the Curves: their views are made when first shown (or asked for).
        self.gradients_slot = LazyView(GradientView)
        self.perceptron_slot = LazyView(PerceptronView)
        self.approximation_slot = LazyView(lambda: ApproximationView(self.document))
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        # The side columns run the full height; the curves sit under the canvas, wide.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        # Left: the palette with the Inspector and the Training panel as tabs over the Data;
        # right, full height: the Output and the lecture views; the top bar holds the
        # settings changed all the time.
        layers = self._dock("Layers", self.palette_widget, left)
        data = self._dock("Data", self.data_panel, left)
        inspector = self._dock("Inspector", self.inspector, left)
        training = self._dock("Training", self.training_panel, left)
        self.tabifyDockWidget(layers, inspector)
        self.tabifyDockWidget(inspector, training)
        output = self._dock("Output", self.boundary, right, scroll=False)
        curves = self._dock("Curves", self.curves, bottom, scroll=False)
        gradients = self._dock("Gradients", self.gradients_slot, bottom, scroll=False)
        self.tabifyDockWidget(curves, gradients)
        activations = self._dock("Activations", self.activations, bottom, scroll=False)
        self.tabifyDockWidget(gradients, activations)
        self.perceptron_dock = self._dock("Perceptron", self.perceptron_slot, bottom,
                                          scroll=False)
        self.approximation_dock = self._dock("Approximation", self.approximation_slot, bottom,
                                             scroll=False)
        # With the Curves, under the canvas, so that they show beside the Output.
        self.tabifyDockWidget(curves, self.perceptron_dock)
        self.tabifyDockWidget(curves, self.approximation_dock)
        self.deep = DeepDocks(self, self.controller, output, self._dock)
        # The tabs under the canvas draw live frames only while they are in front.
        self._gates = [FrameGate(gradients, lambda f: self.gradients.show_frame(f)),
                       FrameGate(activations, self.activations.show_frame, HISTOGRAMS),
                       FrameGate(self.perceptron_dock,
                                 lambda f: self.perceptron_view.show_frame(f)),
                       FrameGate(self.approximation_dock,
                                 lambda f: self.approximation.show_frame(f), CONTRIBUTIONS)]
        # The training process computes only the probes of the docks on screen.
        ProbeDemand([*self._gates, *self.deep.gates], self.controller.set_probes, self)
        self._lesson_applies: dict[QDockWidget, bool] = {}
        output.raise_()
        curves.raise_()
        layers.raise_()
        self._inspector_dock = inspector
        self.scene.selectionChanged.connect(self._show_inspector)
        # Children are deleted in the order they were added: the scene goes after the panels
        # that listen to its selection, so none of them hears from a half-deleted scene.
        self.scene.setParent(self)
        self._sizing = DockSizing(self, (layers, data), curves)

        self._shown_dataset = None
        self.summary = QLabel()
        self.statusBar().addPermanentWidget(self.summary)
        self.recent_menu = None
        self.importer = DataImporter(self)
        self.exporter = Exporter(self, lambda: _file_stem(self.document))
        self.data_panel.importRequested.connect(self.importer.choose_file)
        self._build_menus()
        self._build_toolbar()
        self.controller.frameReady.connect(self._show_frame)
        self.controller.stateChanged.connect(self._training_state)
        self.controller.message.connect(self._training_message)
        self.boundary.set_dataset(self.document.dataset)
        self.curves.set_task(self.document.dataset.task,
                             scaled_targets(self.document.dataset.scaling))
        self.palette_widget.kindActivated.connect(self._add_at_centre)
        self.scene.nodeActivated.connect(self.edit_weights)
        self.scene.message.connect(self._show_message)
        self.inspector.step_hint.appeared.connect(self._show_message)
        self._watch(self.document)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._restore_layout()
        self._document_changed()

    # ---- the views made when first shown ---------------------------------------------------
    @property
    def gradients(self) -> GradientView:
        return self.gradients_slot.view

    @property
    def perceptron_view(self) -> PerceptronView:
        return self.perceptron_slot.view

    @property
    def approximation(self) -> ApproximationView:
        return self.approximation_slot.view

    # ---- construction --------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              scroll: bool = True) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        if isinstance(widget, LazyView):
            widget.follow(dock)
        dock.setWidget(_scroller(widget) if scroll else widget)
        self.addDockWidget(area, dock)
        dock.visibilityChanged.connect(self._schedule_tidy)
        dock.dockLocationChanged.connect(self._schedule_tidy)
        return dock

    @Slot()
    def _schedule_tidy(self) -> None:
        self._tidy_timer.start()

    @Slot()
    def _tidy_tab_bars(self) -> None:
        """Hide tab bars Qt left behind from earlier dock layouts.

        Qt 6.11 keeps the tab bars of superseded tab groups on screen at their old place
        (over the Layers dock); a live bar sits right under a visible dock whose title is its
        current tab.
        """
        docks = [d for d in self.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()]
        for bar in self.findChildren(QTabBar):
            if bar.parent() is not self or not bar.isVisible():
                continue
            title, place = bar.tabText(bar.currentIndex()), bar.geometry()
            if not any(d.windowTitle() == title and abs(d.x() - place.x()) <= 2
                       and abs(d.geometry().bottom() - place.top()) <= 6 for d in docks):
                bar.hide()

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.setStatusTip(action.toolTip())
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action("&New…", self.new_project, QKeySequence.StandardKey.New,
                                       "Start a new project from a preset or an empty network")
        self.open_action = self._action("&Open…", self.open_dialog, QKeySequence.StandardKey.Open,
                                        "Open a project file")
        self.save_action = self._action("&Save", self.save, QKeySequence.StandardKey.Save,
                                        "Save the project")
        self.save_as_action = self._action("Save &As…", self.save_as,
                                           QKeySequence.StandardKey.SaveAs,
                                           "Save the project under a new name")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addActions([self.save_action, self.save_as_action])
        file_menu.addSeparator()
        self.import_action = self._action(
            "&Import Data…", self.importer.choose_file, "Ctrl+I",
            "Use your own data: a CSV table, an .npz file or MNIST-format IDX files")
        file_menu.addActions([self.import_action, self._action(
            "Import Image &Folder…", self.importer.choose_folder, None,
            "Use a folder of images with one sub-folder per class")])
        file_menu.addSeparator()
        self.export_action = self._action(
            "&Export…", self.exporter.open_dialog, "Ctrl+E",
            "Export the model (weights, ONNX, torch.export, a standalone script) or the "
            "training history (CSV)")
        file_menu.addAction(self.export_action)
        plots = file_menu.addMenu("Export &Plot")
        for which, title in (("output", "&Output View…"), ("curves", "&Curves…")):
            plots.addAction(self._action(title, lambda _=False, w=which:
                                         self.exporter.export_plot(w),
                                         tip=f"Save the {title[1:-1]} as a PNG or SVG file"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit = bar.addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        self.copy_action = self._action("&Copy", self.copy, QKeySequence.StandardKey.Copy,
                                        "Copy the selected layers")
        self.paste_action = self._action("&Paste", self.paste, QKeySequence.StandardKey.Paste,
                                         "Paste layers from the clipboard")
        self.delete_action = self._action("&Delete", self.scene.delete_selection,
                                          QKeySequence.StandardKey.Delete,
                                          "Delete the selected layers and connections")
        select_all = self._action("Select &All", self._select_all,
                                  QKeySequence.StandardKey.SelectAll)
        edit.addActions([self.copy_action, self.paste_action, self.delete_action, select_all])

        view = bar.addMenu("&View")
        self.fit_action = self._action("&Fit Network", self.view.fit, "Ctrl+0",
                                       "Zoom to show the whole network")
        view.addActions([
            self.fit_action,
            self._action("Zoom &In", lambda: self.view.zoom_by(1.25), QKeySequence.StandardKey
                         .ZoomIn),
            self._action("Zoom &Out", lambda: self.view.zoom_by(0.8), QKeySequence.StandardKey
                         .ZoomOut),
        ])
        view.addSeparator()
        self.arrange_fit_action = self._action(
            "&Arrange to Fit", self.view.arrange_to_fit, "Ctrl+Alt+L",
            "Wrap a long network into rows, in reading order, so that it fits the canvas readably")
        view.addActions([
            self._action("Arrange &Left to Right", lambda: self.scene.arrange("left-right"),
                         "Ctrl+L", "Lay the network out in columns, input on the left"),
            self._action("Arrange &Top to Bottom", lambda: self.scene.arrange("top-bottom"),
                         "Ctrl+Shift+L", "Lay the network out in rows, input at the top"),
            self.arrange_fit_action,
        ])
        view.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())
        training = bar.addMenu("&Training")
        self.sweep_action = self._action(
            "&Sweep a Setting…", self.open_sweep, "Ctrl+Shift+W",
            "Train the network once per value of one setting and compare the results")
        training.addAction(self.sweep_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About", self._about))
        self._fill_recent()

    def _build_toolbar(self) -> None:
        style = self.style()
        self.play_action = self._action("Play", self.controller.toggle, "Space",
                                        "Train, or pause training (Space)")
        self.play_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.step_action = self._action("Step", lambda: self.controller.step(
            self.training_panel.step_unit.currentData() or "batch"), "Ctrl+Right",
            "Train one batch (or one epoch, as chosen in the Training panel), then pause")
        self.step_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.reset_action = self._action("Reset", self.controller.reset, "Ctrl+R",
                                         "Re-initialise the weights with the seed")
        self.reset_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.backprop_action = self._action("Backprop step…", self.inspect_backprop, None,
                                            "Follow one training sample through one "
                                            "backpropagation update, number by number")
        self.top_bar = TopBar(self.document, [self.play_action, self.step_action,
                                              self.reset_action], [self.backprop_action])
        self.addToolBar(self.top_bar)
        self.top_bar.message.connect(self._show_message)
        self.top_bar.speedChanged.connect(self.controller.set_speed)
        self.progress = QLabel()
        self.progress.setToolTip("The current run: epochs, updates, losses and accuracy")
        self.statusBar().addWidget(self.progress, 1)

    @Slot(object)
    def _show_frame(self, frame: Frame) -> None:
        self.scene.show_frame(frame)
        self.top_bar.show_frame(frame)
        self.boundary.show_frame(frame)
        self.curves.show_history(frame.history, frame.snapshot.record)
        for gate in self._gates:
            gate.show_frame(frame)
        self.deep.show_frame(frame)
        r = frame.snapshot.record
        text = f"epoch {r.epoch:,} · step {r.step:,} · train loss {r.train_loss:.4f}"
        if r.test_loss is not None:
            text += f" · test loss {r.test_loss:.4f}"
        if r.test_accuracy is not None:
            text += f" · test accuracy {r.test_accuracy:.1%}"
        if frame.engine:
            text += f" · {ENGINE_NAMES[frame.engine]}"
        self.progress.setText(text)

    @Slot(str)
    def _training_state(self, state: str) -> None:
        icon, text = play_look(state)
        self.play_action.setIcon(self.style().standardIcon(icon))
        self.play_action.setText(text)

    # ---- document ------------------------------------------------------------------------
    def _watch(self, document: Document) -> None:
        document.changed.connect(self._document_changed)
        document.pathChanged.connect(self._document_changed)

    def set_document(self, document: Document) -> None:
        """Show another project (after File → New or Open). If a view fails to show it, the
        project shown before comes back and the error goes on to the caller."""
        old = self.document
        try:
            self._show_document(document)
        except Exception:
            self._show_document(old)
            document.deleteLater()
            raise
        self._watch(document)
        old.deleteLater()
        self._fit_timer.start()

    def _show_document(self, document: Document) -> None:
        self.undo_group.removeStack(self.document.undo_stack)
        document.setParent(self)
        self.document = document
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.scene.set_document(document)
        self.inspector.set_document(document)
        self.data_panel.set_document(document)
        self.training_panel.set_document(document)
        self.top_bar.set_document(document)
        self.approximation_slot.call("set_document", document)
        self.curves.clear_runs()  # kept runs compare runs of one project, never of two
        self.controller.set_document(document)
        self._document_changed()

    @Slot()
    def _document_changed(self) -> None:
        dataset = self.document.dataset
        if dataset is not self._shown_dataset:
            self._shown_dataset = dataset
            self.boundary.set_dataset(dataset)
            self.perceptron_slot.call("set_dataset", dataset)
            self.approximation_slot.call("set_dataset", dataset)
            self.curves.set_task(dataset.task, scaled_targets(dataset.scaling))
        self._follow_lesson_views()
        self.deep.follow(self.document.spec, dataset)
        self.controller.refresh_preview()
        self.setWindowTitle(f"{self.document.title}[*] — {APP_NAME}")
        self.setWindowModified(self.document.dirty)
        self.summary.setText(self.document.info.summary())

    def _follow_lesson_views(self) -> None:
        """Show and bring forward the Perceptron or Approximation tab when the project
        becomes one it explains, hide it when it no longer does (only on such a change, so
        that the user's own choices stand in between)."""
        applies = {
            self.perceptron_dock: self.document.project.training.algorithm == "perceptron",
            self.approximation_dock: hidden_node(self.document.spec) is not None
            and self.document.dataset.input_dim == 1,
        }
        for dock, now in applies.items():
            if now != self._lesson_applies.get(dock):
                self._lesson_applies[dock] = now
                dock.setVisible(now)
                if now:
                    dock.raise_()

    @Slot(str)
    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    @Slot(str)
    def _training_message(self, text: str) -> None:
        """A message from training. One that carries a traceback (a failure nobody foresaw)
        shows one line here and in a dialog, with the traceback behind Details."""
        head, found, trace = text.partition(TRACEBACK)
        if not found:
            self._show_message(text)
            return
        last = trace.strip().splitlines()[-1] if trace.strip() else ""
        summary = " ".join(f"{head.strip()} {last.strip()}".split())
        self._show_message(summary)
        self.show_error("Training failed", f"{summary}\n\nThe project is unchanged: change "
                        "the network or the settings and press Play to train again.",
                        details=text)

    # ---- files ---------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Stop training, then ask before unsaved changes are lost; False: cancelled."""
        self.controller.stop_training()  # the weights it reached are now in the document
        if not self.document.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self, "Unsaved changes",
            f"“{self.document.title}” has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)

    def show_error(self, title: str, text: str, details: str = "") -> None:
        """A warning dialog; `details` (a traceback) behind its Details button."""
        error_box(self, title, text, details).exec()

    @Slot()
    def open_sweep(self) -> SweepDialog:
        """Training → Sweep a Setting…: a window of its own, on a copy of the project."""
        from playground.gui.panels.sweep_dialog import SweepDialog  # imported when first used

        dialog = SweepDialog(copy.deepcopy(self.document.project), self)
        dialog.openVariant.connect(self.open_variant)
        dialog.show()
        return dialog

    @Slot(object)
    def open_variant(self, project: Project) -> None:
        """Open a sweep's variant, trained, as the document (asking to save the current one)."""
        if self.maybe_save():
            self.set_document(Document.untitled(project))

    @Slot()
    def new_project(self) -> None:
        if not self.maybe_save():
            return
        gallery = PresetGallery(self)
        if gallery.exec() != PresetGallery.DialogCode.Accepted:
            return
        name = gallery.chosen()
        try:
            project: Project = empty_project() if name is None else load_preset(name)
            self.set_document(Document.untitled(project))
        except (PlaygroundError, ProjectError) as err:
            self.show_error("Cannot open the preset", f"{err}\n\nThe open project is unchanged.")

    @Slot()
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", self._last_folder(),
                                              FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open a project file; a bad file leaves the current project untouched."""
        if not self.maybe_save():
            return False
        try:
            self.set_document(Document.open(path))
        except (PlaygroundError, ProjectError) as err:
            self.show_error("Cannot open the project", f"{err}\n\nThe open project is "
                                                       "unchanged.")
            return False
        self._remember(path)
        return True

    @Slot()
    def save(self) -> bool:
        if self.document.path is None or self.document.path.suffix.lower() == ".json":
            return self.save_as()
        return self._save_to(self.document.path)

    @Slot()
    def save_as(self) -> bool:
        suggested = str(Path(self._last_folder()) / f"{_file_stem(self.document)}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save project", suggested, FILE_FILTER)
        if not path:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        self.controller.sync_weights()  # save what training has reached, not the last pause
        try:
            self.document.save(path)
        except ProjectError as err:
            self.show_error("Cannot save the project", f"{err}\n\nThe previous file, if any, "
                                                       "is unchanged.")
            return False
        self._remember(path)
        self.statusBar().showMessage(f"Saved to {path}", 5000)
        return True

    def _last_folder(self) -> str:
        recent = self._recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember(self, path: Path) -> None:
        recent = [str(path.resolve())] + [p for p in self._recent()
                                          if p != str(path.resolve())]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for entry in self._recent():
            action = self.recent_menu.addAction(Path(entry).name)
            action.setToolTip(entry)
            action.setData(entry)
            action.triggered.connect(self._open_recent)
        self.recent_menu.setEnabled(bool(self._recent()))

    @Slot()
    def _open_recent(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.open_path(Path(action.data()))

    # ---- edit ----------------------------------------------------------------------------
    @Slot()
    def copy(self) -> None:
        """Copy the selected layers as JSON text (a QMimeData handed to the clipboard is
        deleted twice at exit by PySide6 6.11, so plain text it is)."""
        fragment = self.scene.copy_selection()
        if fragment is not None:
            QApplication.clipboard().setText(json.dumps({FRAGMENT_KEY: fragment}))

    @Slot()
    def paste(self) -> None:
        """Paste layers copied from a canvas; anything else on the clipboard is a message."""
        try:
            data = json.loads(QApplication.clipboard().text())
        except (ValueError, RecursionError):
            data = None
        if not (isinstance(data, dict) and isinstance(data.get(FRAGMENT_KEY), dict)):
            self._show_message("Nothing to paste: the clipboard holds no layers copied from "
                               "a network (select layers and press Ctrl+C first)")
            return
        try:
            self.scene.paste(data[FRAGMENT_KEY])
        except PlaygroundError as err:
            self._show_message(f"Cannot paste these layers: {err}")

    @Slot()
    def _select_all(self) -> None:
        for node in self.scene.nodes.values():
            node.setSelected(True)

    @Slot(str)
    def edit_weights(self, node: str) -> None:
        """Hand-set a Dense or Output node's weights and biases (double-click on the canvas)."""
        self.controller.stop_training()  # training must not overwrite what is typed
        weights = self.controller.preview_weights()
        if weights is None or f"{node}.weight" not in weights or \
                weights[f"{node}.weight"].ndim != 2:
            self._show_message("Weights can be set by hand on valid networks, for Dense and "
                               "Output layers; fix the network's problems first.")
            return
        dialog = self.weights_dialog(node, weights[f"{node}.weight"], weights.get(f"{node}.bias"))
        if dialog.exec() == WeightsDialog.DialogCode.Accepted:
            self.document.set_node_weights(node, dialog.values(), weights)

    def weights_dialog(self, node: str, weights: np.ndarray, bias: np.ndarray | None
                       ) -> WeightsDialog:
        return WeightsDialog(node, weights, bias, self)

    @Slot()
    def inspect_backprop(self) -> None:
        """Open the backprop inspector on the current weights (training stops first)."""
        self.controller.stop_training()
        inspector = self.backprop_inspector()
        inspector.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        inspector.exec()

    def backprop_inspector(self) -> BackpropInspector:
        from playground.gui.panels.backprop_inspector import BackpropInspector  # when used

        return BackpropInspector(self.document, self.controller, self)

    @Slot(str)
    def _add_at_centre(self, kind: str) -> None:
        self.scene.add_layer(kind, self.view.mapToScene(self.view.viewport().rect().center()))

    @Slot()
    def _about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          f"<b>{APP_NAME}</b> {__version__}<br>Build a network, press play, "
                          "and watch it learn.")

    # ---- window --------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        state = self.settings.value("windowState")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and self.restoreState(state):
            self._sizing.user_sized()
            self._schedule_tidy()

    @Slot()
    def _fit_opened(self) -> None:
        """Fit a project that just opened. A new project (a preset) whose one row would be
        unreadably small in this canvas is wrapped into rows first, as part of opening it
        (no undo step; a user's file keeps its own arrangement)."""
        self._sizing.apply()  # the canvas at its size for this window first
        self.view.fit()
        document = self.document
        if self.isVisible() and document.path is None and self._arranged is not document and \
                self.view.zoom() < READABLE_ZOOM and document.undo_stack.count() == 0:
            self._arranged = document
            self.view.arrange_to_fit()
            document.undo_stack.clear()

    @Slot()
    def _show_inspector(self) -> None:
        """Bring the Inspector forward when layers are selected on the canvas."""
        if self.scene.selectedItems() and not self._inspector_dock.isHidden():
            self._inspector_dock.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        self.importer.shutdown()
        self.exporter.shutdown()
        self.controller.shutdown()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        # A scene deleted with nodes selected tells the panels while it is half gone.
        self.scene.clearSelection()
        event.accept()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._sizing.follow_window()
        self._fit_timer.start()
        self._schedule_tidy()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._sizing.follow_window()
        self._schedule_tidy()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _project_url(event.mimeData()) is not None or data_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path, data = _project_url(event.mimeData()), data_paths(event.mimeData())
        if path is not None or data:
            event.acceptProposedAction()
        if path is not None:
            self.open_path(path)
        elif data:
            self.importer.import_paths(data)


def _scroller(widget: QWidget) -> QScrollArea:
    """A scroll area for a dock's panel (the window sizes its columns to show the panels
    without a sideways scroll bar, see DockSizing)."""
    holder = QScrollArea()
    holder.setWidget(widget)
    holder.setWidgetResizable(True)
    holder.setFrameShape(QScrollArea.Shape.NoFrame)
    return holder


def _project_url(mime: QMimeData) -> Path | None:
    for url in mime.urls():
        path = Path(url.toLocalFile())
        if path.suffix.lower() in (SUFFIX, ".json"):
            return path
    return None


def _file_stem(document: Document) -> str:
    if document.path is not None:
        return document.path.stem
    return "".join(c if c.isalnum() else "-" for c in document.project.title.lower()).strip("-")
