"""An export's result and error types, and its atomic files (no torch: the window uses them
too)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from playground.core import files
from playground.core.errors import PlaygroundError


class ExportError(PlaygroundError):
    """An export cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class ExportResult:
    """Where an export went (`path`, plus any files written beside it) and how to use it."""

    path: Path
    message: str
    files: tuple[Path, ...] = ()


def atomic_path(path: Path) -> AbstractContextManager[Path]:
    """A temporary path beside `path`, renamed over it only when the block succeeds."""
    return files.atomic_path(path, ExportError)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    files.write_text(path, text, ExportError)
