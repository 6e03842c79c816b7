"""Writing files the safe way: atomically, through symlinks, with the usual permissions.

A write goes to a temporary file beside the target and is renamed over it only when
complete, so a full disk or a crash keeps the previous file. A symlink is followed (the file
it points to is replaced, the link stays). A new file gets the permissions any program's new
file gets (0666 less the umask); an existing file keeps its own. Failures raise the caller's
error type with a message that says what to do.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playground.core.errors import PlaygroundError

_NAME_MAX = 255


class WriteError(PlaygroundError):
    """A file cannot be written; the message names it and the fix."""


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target(path: Path) -> Path:
    """Where bytes for `path` really go: a symlink's target, else the path itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def problem(path: Path, err: OSError) -> str:
    """What went wrong writing `path`, in words, with the fix."""
    code = err.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"cannot write {path}: the disk is full; free some space and try again"
    if code in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied; choose a folder you can write to"
    if code == errno.EROFS:
        return f"cannot write {path}: the disk is read-only; choose another folder"
    if code == errno.ENAMETOOLONG or len(path.name.encode()) > _NAME_MAX:
        return (f"cannot write {path.name[:40]}…: the file name is too long "
                f"({len(path.name)} characters; most systems allow {_NAME_MAX}); "
                "choose a shorter name")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None or code == errno.ENOTDIR:
        return (f"cannot write {path}: {blocker or path.parent} is a file, not a folder; "
                "choose another folder")
    if code == errno.EISDIR or path.is_dir():
        return f"cannot write {path}: it is a folder; give a file name"
    return f"cannot write {path}: {err.strerror or err}"


def check_target(path: Path, error: type[PlaygroundError] = WriteError) -> None:
    """Refuse, before any work is done, a name too long for the file system, a folder in
    the file's place, or a file where a folder above it should be."""
    if len(path.name.encode()) > _NAME_MAX:
        raise error(problem(path, OSError(errno.ENAMETOOLONG, "name too long")))
    try:
        folder = path.is_dir()
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    except OSError as err:
        raise error(problem(path, err)) from None
    if folder:
        raise error(f"cannot write {path}: that is a folder; choose another name, or remove "
                    "the folder")
    if blocker is not None:
        raise error(f"cannot write {path}: {blocker} is a file, not a folder; choose another "
                    "folder")


@contextmanager
def atomic_path(path: str | Path, error: type[PlaygroundError] = WriteError
                ) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed over it when the block succeeds,
    removed (and the old file kept) when it fails."""
    path = Path(path)
    check_target(path, error)
    target = _target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:100]}.", suffix=target.suffix[:20],
                                   dir=target.parent)
        os.close(fd)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError as err:
        raise error(problem(path, err)) from None
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise error(problem(path, err)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes,
                error: type[PlaygroundError] = WriteError) -> Path:
    """Write `data` atomically (flushed to disk before the rename); returns the path."""
    path = Path(path)
    with atomic_path(path, error) as tmp, tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def write_text(path: str | Path, text: str,
               error: type[PlaygroundError] = WriteError) -> Path:
    """Write UTF-8 text atomically."""
    return write_bytes(path, text.encode("utf-8"), error)
