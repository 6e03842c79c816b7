"""Every size limit in one place, checked before anything is allocated.

Each limit has a default that keeps the app responsive on a laptop and an environment
variable to go past it; messages name both. Reading a file goes through `read_file`, which
refuses device files, folders and files over a size limit by their `stat` alone, so neither
/dev/zero nor a 2 GB sparse file is ever read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.core.errors import PlaygroundError

MB = 1024 * 1024


class LimitExceeded(PlaygroundError):
    """An input is larger than a limit; the message says which, and how to raise it."""


class FileProblem(PlaygroundError):
    """A file cannot be read at all (missing, a folder, a device); callers name the file."""


@dataclass(frozen=True)
class Limit:
    """A limit with its unit, its default and the environment variable that overrides it."""

    env: str
    default: int
    what: str
    unit: str = ""  # "MB": the variable holds megabytes, `value` is in bytes

    @property
    def value(self) -> int:
        """The limit now: the environment variable's value if it is a positive number."""
        scale = MB if self.unit == "MB" else 1
        text = os.environ.get(self.env, "").strip()
        try:
            number = int(text)
        except ValueError:
            return self.default * scale
        return number * scale if number > 0 else self.default * scale

    def text(self) -> str:
        """E.g. '200 MB' or '20,000,000'."""
        scale = MB if self.unit == "MB" else 1
        return f"{self.value // scale:,}" + (f" {self.unit}" if self.unit else "")

    def exceeded(self, amount: str) -> LimitExceeded:
        """The error for `amount` (already in words) going past this limit."""
        return LimitExceeded(f"{amount} is more than the {self.text()} {self.what} the "
                             f"playground allows; set {self.env} to raise the limit")


PROJECT_FILE = Limit("PLAYGROUND_MAX_PROJECT_MB", 256, "project file size", "MB")
DATA_FILE = Limit("PLAYGROUND_MAX_DATA_MB", 200, "data file size", "MB")
UNPACKED = Limit("PLAYGROUND_MAX_UNPACKED_MB", 256, "unpacked size", "MB")
JSON_TEXT = Limit("PLAYGROUND_MAX_JSON_MB", 64, "project description size", "MB")
DATA_VALUES = Limit("PLAYGROUND_MAX_DATA_VALUES", 50_000_000,
                    "input values (samples × features)")
LAYERS = Limit("PLAYGROUND_MAX_LAYERS", 2_000, "layers")
PARAMETERS = Limit("PLAYGROUND_MAX_PARAMETERS", 20_000_000, "parameters")
IMAGE_PIXELS = Limit("PLAYGROUND_MAX_IMAGE_PIXELS", 4096 * 4096, "pixels per image")
CSV_FIELD = Limit("PLAYGROUND_MAX_CSV_FIELD", 128 * 1024, "characters per CSV cell")
CSV_LINE = Limit("PLAYGROUND_MAX_CSV_LINE", 1024 * 1024, "characters per CSV line")
CSV_COLUMNS = Limit("PLAYGROUND_MAX_CSV_COLUMNS", 20_000, "CSV columns")
JSON_DEPTH = Limit("PLAYGROUND_MAX_JSON_DEPTH", 64, "levels of nesting in JSON")


def file_size(path: Path, limit: Limit, what: str = "file") -> int:
    """The size of a regular file within `limit`; anything else raises FileProblem or
    LimitExceeded before a byte is read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except OSError as err:
        raise FileProblem(f"cannot read it: {err.strerror or err}") from None
    except ValueError:
        raise FileProblem("this is not a valid file name (it holds a NUL character)") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(f"this is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem("this is not a regular file (a device, pipe or socket); "
                          "choose a file saved on disk")
    if info.st_size > limit.value:
        raise limit.exceeded(f"the file's {info.st_size / MB:,.1f} MB")
    return info.st_size


def read_file(path: Path, limit: Limit, what: str = "file") -> bytes:
    """A regular file's bytes, refused by `stat` if it is too large; never more than the
    limit is read, even if the file grows meanwhile."""
    file_size(path, limit, what)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit.value + 1)
    except OSError as err:
        raise FileProblem(f"cannot read it: {err.strerror or err}") from None
    if len(raw) > limit.value:
        raise limit.exceeded("the file")
    return raw


def check_parameters(count: int) -> None:
    """Refuse a network with more parameters than allowed, before its weights exist."""
    if count > PARAMETERS.value:
        raise PARAMETERS.exceeded(f"{count:,} parameters")


def check_values(count: int) -> None:
    """Refuse data with more input values than allowed, before converting them."""
    if count > DATA_VALUES.value:
        raise DATA_VALUES.exceeded(f"{count:,} input values")


def check_depth(value: Any) -> None:
    """Refuse JSON data nested deeper than the limit (walked without recursion)."""
    most = JSON_DEPTH.value
    todo: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while todo:
        item, depth = todo.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > most:
            raise JSON_DEPTH.exceeded(f"nesting {depth} levels deep")
        todo.extend((child, depth + 1) for child in children
                    if isinstance(child, dict | list))
