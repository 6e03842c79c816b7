"""A dock's view made the first time it is shown or asked for.

The views of tabs behind others (the sequence, latent-space, perceptron, approximation and
gradient views for a `circle` project) took ~0.2 s of the window's ~0.5 s construction;
made on demand, the window opens without them. Settings given before then through `call`
are replayed on the new view, the latest of each method only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


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
            pending, self._pending = self._pending, {}
            for name, args in pending.items():
                getattr(self._view, name)(*args)
        return self._view

    def call(self, method: str, *args: Any) -> None:
        """`view.method(*args)` now if the view exists, else once it is made."""
        if self._view is None:
            self._pending[method] = args
        else:
            getattr(self._view, method)(*args)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self.view  # noqa: B018 - made as it comes on screen
        super().showEvent(event)
