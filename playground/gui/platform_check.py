"""Before the window opens: which Qt platform it will use, and whether X's libraries are there.

Qt's X11 (xcb) platform needs system libraries that PySide6 does not ship; without one, Qt
prints a long message and aborts. This module names the packages to install instead. It
imports no Qt, so that it can run before the QApplication exists.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable
from typing import NamedTuple

PLATFORM_VARIABLE = "QT_QPA_PLATFORM"


class XLibrary(NamedTuple):
    """A library Qt's xcb platform loads, and the packages that install it."""

    soname: str
    debian: str
    fedora: str


# The non-Qt libraries libqxcb.so and libQt6XcbQpa.so link to (from `ldd`), most often
# missing first.
XCB_LIBRARIES = (
    XLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    XLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    XLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    XLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    XLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    XLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    XLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    XLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    XLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    XLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    XLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    XLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    XLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    XLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
)


def forget_empty_platform() -> None:
    """QT_QPA_PLATFORM set to nothing means 'not set' (Qt would otherwise abort on it)."""
    if not os.environ.get(PLATFORM_VARIABLE, "x").strip():
        del os.environ[PLATFORM_VARIABLE]


def uses_xcb() -> bool:
    """Whether Qt will open the window through X11 (xcb) on this Linux desktop."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get(PLATFORM_VARIABLE, "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    wayland = bool(os.environ.get("WAYLAND_DISPLAY")) and \
        os.environ.get("XDG_SESSION_TYPE") == "wayland"
    return not wayland


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(libraries: Iterable[XLibrary] = XCB_LIBRARIES,
                      loads: Callable[[str], bool] = _loads) -> list[XLibrary]:
    """The libraries of `libraries` that the system cannot load."""
    return [library for library in libraries if not loads(library.soname)]


def install_message(missing: list[XLibrary]) -> str:
    """What is missing and the commands that install it, on Debian/Ubuntu and on Fedora."""
    names = ", ".join(library.soname for library in missing)
    debian = " ".join(dict.fromkeys(library.debian for library in missing))
    fedora = " ".join(dict.fromkeys(library.fedora for library in missing))
    return (f"error: the window cannot open: Qt's X11 platform needs system libraries that "
            f"are not installed ({names}).\n"
            f"  Debian/Ubuntu:  sudo apt install {debian}\n"
            f"  Fedora:         sudo dnf install {fedora}\n"
            f"Then start the playground again. (On a Wayland desktop, "
            f"{PLATFORM_VARIABLE}=wayland uses Wayland instead.)")
