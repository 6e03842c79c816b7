"""Image imports: MNIST-format IDX files (also gzipped) and folders with one sub-folder per
class. Images become float32 `(N, C, H, W)` in [0, 1].
"""

from __future__ import annotations

import gzip
import io
import math
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from playground.core import limits
from playground.core.datasets.imported import (
    DataImportError,
    ImportedData,
    class_task,
    encode_classes,
    read_bytes,
)
from playground.core.datasets.info import KIND_IMAGE

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601: the grey level of red, green and blue
MADE_GREY = "made grey from colour"
MAX_IMAGES = 100_000
MAX_SIDE = 256
PROGRESS_IMAGES = 50  # images read between two progress reports
# IDX type codes → numpy types (all big-endian)
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


# ---- IDX -------------------------------------------------------------------------------------
def is_idx_name(path: Path) -> bool:
    """MNIST's names (train-images-idx3-ubyte), or a .idx file, optionally gzipped."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(".idx") or re.search(r"idx\d", name) is not None


def find_idx_labels(images: str | Path) -> Path | None:
    """The labels file beside an IDX images file, by MNIST's naming, if it exists."""
    images = Path(images)
    name = images.name.replace("images", "labels").replace("idx3", "idx1")
    candidate = images.with_name(name)
    if candidate != images and candidate.is_file():
        return candidate
    return None


def load_idx(images_path: str | Path, labels_path: str | Path,
             progress: Callable[[float], None] | None = None) -> ImportedData:
    """Import MNIST-format images `(N, H, W)` and their labels `(N,)`; `progress` hears when
    the images are read."""
    images_path, labels_path = Path(images_path), Path(labels_path)
    images = _read_idx(images_path, "image")
    if progress is not None:
        progress(0.9)  # the labels are a small file
    labels = _read_idx(labels_path, "label")
    if images.ndim == 1 and labels.ndim == 3:
        raise DataImportError(f"{images_path.name} holds labels and {labels_path.name} images: "
                              "swap the two files")
    if images.ndim not in (3, 4):
        raise DataImportError(f"{images_path.name}: this is not an IDX image file (it holds "
                              f"{images.ndim}-D data; images are 3-D: count × height × width)")
    if labels.ndim != 1:
        raise DataImportError(f"{labels_path.name}: this is not an IDX label file (it holds "
                              f"{labels.ndim}-D data; labels are 1-D: one number per image)")
    if len(images) != len(labels):
        raise DataImportError(f"{images_path.name} holds {len(images):,} images but "
                              f"{labels_path.name} holds {len(labels):,} labels; use the "
                              "matching pair (train with train, t10k with t10k)")
    if len(images) > MAX_IMAGES:
        raise DataImportError(f"{images_path.name}: {len(images):,} images is more than the "
                              f"{MAX_IMAGES:,} the playground imports")
    x = images if images.ndim == 4 else images[:, None]
    return _images(x, labels, images_path.name)


def _read_idx(path: Path, what: str) -> np.ndarray:
    """The array in an IDX file; damaged or foreign files raise DataImportError."""
    raw = read_bytes(path)
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                raw = stream.read(limits.UNPACKED.value + 1)
        except (OSError, EOFError, zlib.error):
            raise DataImportError(f"{path.name}: the gzip file is damaged or incomplete; "
                                  "download it again") from None
        if len(raw) > limits.UNPACKED.value:
            raise DataImportError(f"{path.name}: {limits.UNPACKED.exceeded('unpacked, it')}"
                                  ) from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in IDX_TYPES or not 1 <= raw[3] <= 4:
        raise DataImportError(f"{path.name}: this is not an IDX {what} file (IDX files start "
                              f"with the bytes 0 0 8 {3 if what == 'image' else 1}; this one "
                              f"starts with {' '.join(str(b) for b in raw[:4])})")
    ndim, dtype = raw[3], np.dtype(IDX_TYPES[raw[2]])
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataImportError(f"{path.name}: the file ends inside its header; it is truncated")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = math.prod(dims) * dtype.itemsize  # Python ints: a header cannot overflow it
    if len(raw) - header != expected:
        raise DataImportError(f"{path.name}: its header announces {' × '.join(map(str, dims))} "
                              f"values ({expected:,} bytes) but the file holds "
                              f"{len(raw) - header:,}; it is truncated or damaged")
    try:
        limits.check_values(math.prod(dims))
    except limits.LimitExceeded as err:
        raise DataImportError(f"{path.name}: {err}") from None
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)


def to_grey(data: ImportedData) -> ImportedData:
    """Colour images made grey (one channel of luma, as Pillow's "L" weighs red, green and
    blue); other data are returned as they are."""
    if data.kind != KIND_IMAGE or data.input_shape[0] != 3:
        return data
    grey = np.tensordot(data.x, np.asarray(LUMA, np.float32), axes=([1], [0]))[:, None]
    return replace(data, x=grey, note=MADE_GREY)


def _images(images: np.ndarray, labels: Sequence[Any], source: str) -> ImportedData:
    """Classified images: pixels scaled to [0, 1], labels turned into class indices."""
    y, names = encode_classes(labels)
    return ImportedData(_scaled(images), y, task=class_task(len(names)), kind=KIND_IMAGE,
                        class_names=names, source=source)


def _scaled(images: np.ndarray) -> np.ndarray:
    """Pixels in [0, 1]: 8-bit images are divided by 255, others by their largest value."""
    x = images.astype(np.float32)
    if images.dtype == np.uint8:
        return x / 255.0
    top = float(np.abs(x).max()) if x.size else 0.0
    return x / top if top > 1.0 else x


# ---- image folders ---------------------------------------------------------------------------
def load_image_folder(path: str | Path, size: tuple[int, int] | None = None,
                      grayscale: bool | None = None,
                      progress: Callable[[float], None] | None = None) -> ImportedData:
    """Import a folder with one sub-folder of images per class (the folder's name is the
    class). Images are resized to `size` (width, height; default: the first image's size).
    `progress` is told the share of the images read, every few dozen images.

    By default colour images keep their three channels (RGB) and grey ones (red = green =
    blue everywhere) have one; `grayscale` True makes every image grey, False keeps three
    channels even for grey images."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise DataImportError("importing image folders needs Pillow: pip install pillow") \
            from None
    root = Path(path)
    files = _class_files(root)
    total = sum(len(f) for f in files.values())
    if total > MAX_IMAGES:  # before opening any
        raise DataImportError(f"{root.name}: more than {MAX_IMAGES:,} images; the playground "
                              "imports up to that many")
    pictures, labels = [], []
    for name, paths in files.items():
        for file in paths:
            picture = _read_image(file, f"{root.name}/{name}/{file.name}", size)
            if size is None:
                size = (picture.shape[1], picture.shape[0])
                try:
                    limits.check_values(total * picture.size)
                except limits.LimitExceeded as err:
                    raise DataImportError(f"{root.name}: {total:,} images of {size[0]}×"
                                          f"{size[1]} pixels: {err}") from None
            pictures.append(picture)
            labels.append(name)
            if progress is not None and len(labels) % PROGRESS_IMAGES == 0:
                progress(len(labels) / total)
    x = np.stack(pictures).transpose(0, 3, 1, 2)
    colour = bool((x != x[:, :1]).any())
    data = _images(x if colour or grayscale is False else x[:, :1], labels, root.name)
    return to_grey(data) if colour and grayscale else data


def _read_image(file: Path, where: str, size: tuple[int, int] | None) -> np.ndarray:
    """One image as 8-bit RGB pixels at `size` (its own size if None); its size is checked
    from its header, before its pixels are unpacked."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > limits.IMAGE_PIXELS.value:
                too_many = limits.IMAGE_PIXELS.exceeded(f"{width}×{height} pixels")
                raise DataImportError(f"{where}: {too_many}; shrink the images")
            size = size or image.size
            if max(size) > MAX_SIDE:
                raise DataImportError(f"{where}: {size[0]}×{size[1]} pixels is larger than the "
                                      f"{MAX_SIDE}×{MAX_SIDE} the playground trains on; shrink "
                                      "the images first")
            image = image.convert("RGB")
            if image.size != size:
                image = image.resize(size)
            return np.asarray(image, dtype=np.uint8)
    except Image.DecompressionBombError:
        raise DataImportError(f"{where}: the image is far too large to unpack (over "
                              f"{limits.IMAGE_PIXELS.text()} pixels); shrink the images"
                              ) from None
    except DataImportError:
        raise
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError):
        raise DataImportError(f"{where}: cannot read this image; it is damaged or not an "
                              "image: remove it") from None


def _class_files(root: Path) -> dict[str, list[Path]]:
    """Image files per class sub-folder, in name order; empty or missing classes refused."""
    if not root.is_dir():
        raise DataImportError(f"{root.name}: no such folder")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        loose = any(p.suffix.lower() in IMAGE_SUFFIXES for p in root.iterdir())
        hint = "the images lie directly in it: " if loose else ""
        raise DataImportError(f"{root.name}: the folder has no class sub-folders; {hint}put "
                              "the images of each class in a sub-folder named after the class")
    files = {}
    for folder in folders:
        images = sorted(p for p in folder.iterdir()
                        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise DataImportError(f"{root.name}/{folder.name}: this class folder has no images "
                                  f"({', '.join(IMAGE_SUFFIXES)}); add some or remove it")
        files[folder.name] = images
    if len(files) < 2:
        raise DataImportError(f"{root.name}: only one class ('{folders[0].name}'); a classifier "
                              "needs at least two class sub-folders")
    return files
