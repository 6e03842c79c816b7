"""The open project, its undo history and its file: what every view of the window shows.

Edits run core operations on the project and are recorded as undo commands holding the
state before and after, so undo and redo restore it exactly. Views listen to `changed`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.core.datafit import fit_to_data
from playground.core.datasets import DataConfig, Dataset, make_dataset
from playground.core.datasets.imported import ImportedData
from playground.core.graph import GraphInfo, analyse
from playground.core.project import Project, load_project, save_project
from playground.core.spec import NetworkSpec
from playground.core.training.config import TrainConfigError

KEPT_DATASETS = 2  # the current data set and the one before (undo, redo)


def _state(project: Project) -> dict[str, Any]:
    """What an undo step restores: network, data and training settings, weights."""
    return {"network": project.network.to_dict(), "data": project.data,
            "training": project.training, "weights": project.weights,
            "imported": project.imported}


class _StateCommand(QUndoCommand):
    """One undoable edit: the project's state before and after it."""

    def __init__(self, document: Document, text: str, before: dict, after: dict, merge_id: int):
        super().__init__(text)
        self._document, self._before, self._after, self._merge_id = (document, before, after,
                                                                     merge_id)
        self._first = True

    def id(self) -> int:
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, _StateCommand) or other.id() != self._merge_id:
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        if self._first:  # the edit has already been applied
            self._first = False
            return
        self._document.restore(self._after)

    def undo(self) -> None:
        self._document.restore(self._before)


class Document(QObject):
    """The project being edited. Every change goes through `edit` and emits `changed`."""

    changed = Signal()
    pathChanged = Signal()
    MOVE = 1  # merge id for consecutive moves of the same nodes

    def __init__(self, project: Project, path: Path | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.path = path
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._info: GraphInfo | None = None
        self._weights_unsaved = False
        # The data sets built last, newest first: undo and redo between two data settings
        # find theirs here instead of building a big imported set again.
        self._datasets: list[tuple[DataConfig, ImportedData | None, Dataset]] = []

    # ---- derived state, cached ------------------------------------------------------------
    @property
    def spec(self) -> NetworkSpec:
        return self.project.network

    @property
    def info(self) -> GraphInfo:
        if self._info is None:
            self._info = analyse(self.spec)
        return self._info

    @property
    def dataset(self) -> Dataset:
        data, imported = self.project.data, self.project.imported
        dataset = next((built for config, source, built in self._datasets
                        if config == data and source is imported), None)
        if dataset is None:
            dataset = make_dataset(data, imported)
        self._remember(dataset, imported)
        return dataset

    def _remember(self, dataset: Dataset, imported: ImportedData | None) -> None:
        """Keep `dataset` (built from `imported`) first among the data sets built last."""
        kept = [entry for entry in self._datasets if entry[2] is not dataset]
        self._datasets = [(dataset.config, imported, dataset), *kept][:KEPT_DATASETS]

    @property
    def dirty(self) -> bool:
        """Unsaved edits, or trained weights that are not in the file yet."""
        return not self.undo_stack.isClean() or self._weights_unsaved

    @property
    def title(self) -> str:
        return self.path.name if self.path else self.project.title

    # ---- edits ----------------------------------------------------------------------------
    def edit(self, text: str, mutate: Callable[[Project], object], merge_id: int = -1) -> object:
        """Apply `mutate` to the project as one undoable step.

        If it raises, the project is left exactly as it was and the error goes on to the
        caller. Changes to the architecture drop trained weights (undo brings them
        back).
        """
        before = _state(self.project)
        structure = self.spec.structure()
        try:
            result = mutate(self.project)
        except Exception:
            self.restore(before)
            raise
        if self.project.weights is not None and self.spec.structure() != structure:
            self.project.weights = None
        after = _state(self.project)
        if all(after[key] is before[key] for key in ("weights", "imported")) and all(
                after[key] == before[key] for key in ("network", "data", "training")):
            return result
        self.undo_stack.push(_StateCommand(self, text, before, after, merge_id))
        self._changed()
        return result

    def edit_spec(self, text: str, mutate: Callable[[NetworkSpec], object],
                  merge_id: int = -1) -> object:
        """An undoable edit of the network alone."""
        return self.edit(text, lambda project: mutate(project.network), merge_id)

    def set_data(self, config: DataConfig) -> list[str]:
        """Change the data settings and fit the network's Input and Output to the new data."""
        dataset = make_dataset(config, self.project.imported)

        def apply(project: Project) -> list[str]:
            project.data = config
            return fit_to_data(project.network, dataset)

        self._remember(dataset, self.project.imported)
        return self.edit("Change data", apply)  # type: ignore[return-value]

    def import_data(self, imported: ImportedData, dataset: Dataset | None = None) -> list[str]:
        """Make `imported` the project's data (one undo step) and fit the network to it;
        `dataset` is its data set built ahead (`imported_dataset`), if it was."""
        if dataset is not None:
            self._remember(dataset, imported)
        return self.edit(f"Import {imported.source}",  # type: ignore[return-value]
                         lambda project: project.import_data(imported, dataset))

    def set_training(self, **changes: Any) -> None:
        self.edit("Change training settings",
                  lambda p: setattr(p, "training", p.training.replace(**changes)))

    def change_training(self, field: str, value: Any) -> str:
        """Change one training setting as one undoable edit, unless it is None or unchanged;
        returns why the setting was refused ('' when it was not)."""
        if value is None or getattr(self.project.training, field) == value:
            return ""
        try:
            self.set_training(**{field: value})
        except TrainConfigError as err:
            return str(err)
        return ""

    def set_weights(self, weights: dict | None, epoch: int = 0) -> None:
        """New trained weights, trained for `epoch` epochs (not an undo step: training is
        not an edit, but unsaved)."""
        if weights is None and self.project.weights is None:
            return
        self.project.weights = weights
        self.project.metrics = {"epochs": epoch}  # earlier figures are for other weights
        self._weights_unsaved = True
        self.changed.emit()

    def set_node_weights(self, node: str, weights: dict[str, Any], preview: dict[str, Any]
                         ) -> None:
        """Hand-set one node's arrays (an undoable edit); `preview` supplies every other
        node's current weights when the project has none yet."""
        def apply(project: Project) -> None:
            merged = dict(project.weights if project.weights is not None else preview)
            merged.update({f"{node}.{name}": value for name, value in weights.items()})
            project.weights = merged

        self.edit(f"Set the weights of {node}", apply)
        self._weights_unsaved = True

    def restore(self, state: dict[str, Any]) -> None:
        self.project.network = NetworkSpec.from_dict(state["network"])
        self.project.data = state["data"]
        self.project.training = state["training"]
        self.project.weights = state["weights"]
        self.project.imported = state["imported"]
        self._changed()

    def _changed(self) -> None:
        self._info = None
        self.changed.emit()

    # ---- files ----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the project (atomically); on success it becomes the document's file."""
        save_project(self.project, path)
        self.path = path
        self._weights_unsaved = False
        self.undo_stack.setClean()
        self.pathChanged.emit()

    @classmethod
    def open(cls, path: Path, parent: QObject | None = None) -> Document:
        return cls(load_project(path), path, parent)

    @classmethod
    def untitled(cls, project: Project, parent: QObject | None = None) -> Document:
        """A new document from a template (a preset): no file yet."""
        return cls(project, None, parent)

    @Slot(bool)
    def _on_clean_changed(self, _clean: bool) -> None:
        self.pathChanged.emit()


def follow(old: Document, new: Document, slot: Callable[[], None]) -> Document:
    """Move `slot` from one document's `changed` signal to another's; returns the new one."""
    old.changed.disconnect(slot)
    new.changed.connect(slot)
    return new
