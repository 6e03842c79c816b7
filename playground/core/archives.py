"""Reading zip archives, `.npz` arrays and safetensors weights within the limits.

Every entry's declared size is checked before it is unpacked and read through a bounded
reader (a zip bomb stops at the limit); every array's header is checked before its memory is
allocated; nothing is ever unpickled. Problems raise `ArchiveError` with a message that does
not name the outer file: callers add its name and wrap it in their own error type.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from playground.core.errors import PlaygroundError
from playground.core.limits import UNPACKED, Limit

_READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                     zipfile.ZIP_LZMA)
_NPY_MAGIC = b"\x93NUMPY"
_NPY_HEADER = 1 << 16  # a .npy header is read from at most this many leading bytes
_BLOCK = 1 << 20  # big entries are read this many bytes at a time
# safetensors dtypes numpy can hold; BF16 and the F8 kinds have no numpy type
_SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
                       "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


class ArchiveError(PlaygroundError):
    """A zip archive, array file or weights file is damaged, foreign or too large."""


_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError,
            RuntimeError, NotImplementedError, ValueError, struct.error, LookupError)


@contextmanager
def open_zip(raw: bytes) -> Iterator[zipfile.ZipFile]:
    """A zip archive over `raw`; a damaged one raises ArchiveError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except _DAMAGED:
        raise ArchiveError("the file is damaged or incomplete (not a complete zip archive)"
                           ) from None
    with archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > UNPACKED.value:
            raise UNPACKED.exceeded(f"unpacked, its {total / 2**20:,.0f} MB")
        yield archive


def read_member(archive: zipfile.ZipFile, name: str, limit: Limit = UNPACKED) -> bytes:
    """One entry's bytes: encrypted or exotic entries are refused, and at most the limit is
    ever unpacked, whatever the entry claims."""
    info = _readable(archive, name, limit)
    try:
        with archive.open(info) as stream:
            data = stream.read(limit.value + 1)
    except _DAMAGED:
        raise _damaged(name) from None
    if len(data) > limit.value:
        raise limit.exceeded(f"{name} unpacked")
    return data


def _member_array(archive: zipfile.ZipFile, name: str, limit: Limit = UNPACKED
                  ) -> np.ndarray:
    """One entry's bytes in a uint8 array, read a block at a time (checked as in
    `read_member`). One `read` of a 188 MB entry copies it while holding the interpreter
    lock, which stops the window's thread for a quarter of a second."""
    info = _readable(archive, name, limit)
    data = np.empty(info.file_size, np.uint8)  # zipfile never gives more than declared
    filled = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(min(_BLOCK, info.file_size - filled) or 1):
                data[filled:filled + len(chunk)] = np.frombuffer(chunk, np.uint8)
                filled += len(chunk)
    except _DAMAGED:
        raise _damaged(name) from None
    return data[:filled]


def _readable(archive: zipfile.ZipFile, name: str, limit: Limit) -> zipfile.ZipInfo:
    """The entry, if it is unencrypted, packed by a method this reads and within `limit`."""
    info = archive.getinfo(name)
    if info.flag_bits & 0x1:
        raise ArchiveError(f"{name} inside it is encrypted; the playground reads only "
                           "unencrypted archives: save it again without a password")
    if info.compress_type not in _READABLE_METHODS:
        raise ArchiveError(f"{name} inside it is compressed with a method the playground "
                           f"cannot read (method {info.compress_type}); save it again as a "
                           "plain zip (deflate)")
    if info.file_size > limit.value:
        raise limit.exceeded(f"{name} unpacked ({info.file_size / 2**20:,.0f} MB)")
    return info


def _damaged(name: str) -> ArchiveError:
    return ArchiveError(f"{name} inside it is damaged; the file is incomplete or was changed "
                        "after it was written")


def read_npz(raw: bytes, progress: Callable[[float], None] | None = None
             ) -> dict[str, np.ndarray]:
    """The arrays of a `.npz` file (numpy.savez), each header checked before reading;
    `progress` hears the share of the arrays read (by count)."""
    if raw.startswith(_NPY_MAGIC):
        raise ArchiveError("this is a single .npy array, not an .npz archive; save the "
                           "arrays together with numpy.savez(path, x=..., y=...)")
    if not raw.startswith(b"PK"):
        raise ArchiveError("this is not an .npz file (it is not a zip archive of arrays); "
                           "save the arrays with numpy.savez(path, x=..., y=...)")
    arrays = {}
    with open_zip(raw) as archive:
        names = archive.namelist()
        for count, name in enumerate(names, 1):
            key = name.removesuffix(".npy")
            arrays[key] = _read_npy(_member_array(archive, name), key)
            if progress is not None:
                progress(count / len(names))
    return arrays


def _read_npy(data: np.ndarray, name: str) -> np.ndarray:
    """The array stored in `data` (a .npy file's bytes), viewed where it lies."""
    stream = io.BytesIO(data[:_NPY_HEADER].tobytes())
    try:
        version = np.lib.format.read_magic(stream)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read_header(stream)
    except _DAMAGED:
        raise ArchiveError(f"the array '{name}' is damaged (its header is not a numpy "
                           "array header)") from None
    if dtype.hasobject:
        raise ArchiveError(f"the array '{name}' holds Python objects, which the playground "
                           "never loads (they could run code); save plain numbers")
    count, start = math.prod(shape), stream.tell()
    needed = count * dtype.itemsize
    if needed > len(data) - start:
        raise ArchiveError(f"the array '{name}' claims {' × '.join(map(str, shape)) or '1'} "
                           f"values ({needed:,} bytes) but holds {len(data) - start:,}"
                           " bytes; the file is damaged")
    values = data[start:start + needed].view(dtype) if needed else np.empty(0, dtype)
    return values.reshape(shape, order="F" if fortran else "C")


def read_safetensors(raw: bytes) -> dict[str, np.ndarray]:
    """Weights from safetensors bytes; only number types numpy holds are accepted, and every
    tensor must lie inside the file."""
    try:
        (size,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + size]) if 8 + size <= len(raw) else None
    except (struct.error, ValueError, RecursionError):
        header = None
    if not isinstance(header, dict):
        raise ArchiveError("the stored weights are damaged: they have no readable header")
    body = len(raw) - 8 - size
    weights = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            kind, shape, (start, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
            dtype = _SAFETENSORS_DTYPES.get(kind)
            if dtype is None:
                raise ArchiveError(f"the weights '{name}' are stored as {kind}, which the "
                                   "playground cannot read; save them as float32")
            count = math.prod(int(n) for n in shape)
            if not 0 <= start <= end <= body or end - start != count * np.dtype(dtype).itemsize:
                raise ArchiveError(f"the weights '{name}' do not fit in the file; it is "
                                   "damaged")
            weights[name] = np.frombuffer(raw, dtype=dtype, count=count, offset=8 + size + start
                                          ).reshape([int(n) for n in shape]).copy()
        except ArchiveError:
            raise
        except (TypeError, KeyError, ValueError):
            raise ArchiveError(f"the weights '{name}' are described wrongly; the file is "
                               "damaged") from None
    return weights
