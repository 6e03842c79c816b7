"""Starting on a desktop without Qt's X libraries, or with QT_QPA_PLATFORM set to nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playground.gui import app, platform_check
from playground.gui.platform_check import XLibrary, install_message, missing_libraries

ROOT = Path(__file__).resolve().parents[2]
FAKE = XLibrary("libplayground-not-installed.so.7", "libplayground-fake7", "playground-fake")


def test_a_library_that_does_not_load_is_named_with_its_packages():
    present = XLibrary("libc.so.6", "libc6", "glibc")
    assert missing_libraries([present, FAKE]) == [FAKE]
    message = install_message([FAKE, platform_check.XCB_LIBRARIES[1]])
    assert "libplayground-not-installed.so.7" in message
    assert "sudo apt install libplayground-fake7 libxcb-icccm4" in message
    assert "sudo dnf install playground-fake xcb-util-wm" in message


def test_every_xcb_library_names_a_debian_and_a_fedora_package():
    for library in platform_check.XCB_LIBRARIES:
        assert library.soname.startswith("lib") and ".so." in library.soname
        assert library.debian and library.fedora


def test_the_app_names_the_missing_packages_instead_of_aborting(monkeypatch, capsys):
    monkeypatch.setattr(app.sys, "platform", "linux")
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(app, "missing_libraries", lambda: missing_libraries([FAKE]))
    assert app.main() == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the window cannot open")
    assert "libplayground-fake7" in err and "playground-fake" in err


def test_which_platform_qt_will_use(monkeypatch):
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    for value, xcb in (("xcb", True), ("xcb:display=:1", True), ("offscreen", False),
                       ("wayland;xcb", False)):
        monkeypatch.setenv("QT_QPA_PLATFORM", value)
        assert platform_check.uses_xcb() is xcb, value
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert not platform_check.uses_xcb()
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    assert platform_check.uses_xcb()


def test_an_empty_platform_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", " ")
    platform_check.forget_empty_platform()
    assert "QT_QPA_PLATFORM" not in os.environ
    platform_check.forget_empty_platform()  # and nothing to forget is fine
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    platform_check.forget_empty_platform()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_the_tests_run_offscreen_when_the_variable_is_empty():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="", PYTHONPATH=str(ROOT))
    code = ("import tests.conftest\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "print(app.platformName())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offscreen"
