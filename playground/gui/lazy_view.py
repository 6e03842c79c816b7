"""A dock's view made the first time its dock comes on screen or it is asked for.

The views of tabs behind others (the sequence, latent-space, perceptron, approximation and
gradient views for a `circle` project) took ~0.2 s of the window's ~0.5 s construction;
made on demand, the window opens without them. Settings given before then through `call`
are replayed on the new view, the latest of each method only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget


class LazyView(QWidget):
    """Holds the place of the view `make` makes, and makes it when first needed."""

    def __init__(self, make: Callable[[], QWidget]):
        super().__init__()
        self._make = make
        self._view: QWidget | None = None
        self._pending: dict[str, tuple[Any, ...]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> Any:
        """The view, made now if it was not yet."""
        if self._view is None:
            self._view = self._make()
            self.layout().addWidget(self._view)
            self._view.show()  # a child added to a widget on screen is hidden until shown
            pending, self._pending = self._pending, {}
            for name, args in pending.items():
                getattr(self._view, name)(*args)
        return self._view

    def call(self, method: str, *args: Any) -> None:
        """`view.method(*args)` now if the view exists, else once it is made (in the order
        of the latest calls)."""
        if self._view is None:
            self._pending.pop(method, None)
            self._pending[method] = args
        else:
            getattr(self._view, method)(*args)

    def follow(self, dock: QDockWidget) -> None:
        """Make the view when `dock` comes on screen (its tab chosen, or itself shown)."""
        dock.visibilityChanged.connect(self._dock_shown)

    @Slot(bool)
    def _dock_shown(self, shown: bool) -> None:
        if shown and self._view is None:
            # Once the event loop is back, and only if still on screen then: as the window
            # opens, a tab shows for a moment before the one raised takes its place.
            QTimer.singleShot(0, self, self._make_if_on_screen)

    @Slot()
    def _make_if_on_screen(self) -> None:
        if self.isVisible() and not self.visibleRegion().isEmpty():
            self.view  # noqa: B018 - made now
