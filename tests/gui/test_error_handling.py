"""No failure reaches the user as a traceback or loses the open project: user errors become
messages at every entry point, anything else the last-resort dialog with Details."""

from __future__ import annotations

import json
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.core.errors import PlaygroundError
from playground.core.presets import load_preset
from playground.core.project import save_project
from playground.core.spec import NetworkSpec
from playground.gui import main_window as main_window_module
from playground.gui.error_dialog import ErrorReporter
from playground.gui.main_window import FRAGMENT_KEY
from tests.gui.test_import_data import drop


@pytest.fixture
def errors(window) -> list[tuple[str, str, str]]:
    shown: list[tuple[str, str, str]] = []
    window.show_error = lambda title, text, details="": shown.append((title, text, details))
    return shown


@pytest.fixture
def reported(window, monkeypatch) -> list[QMessageBox]:
    """The last-resort hook, installed as the app does; its dialogs are kept, not run."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    reporter = ErrorReporter(window)
    boxes: list[QMessageBox] = []
    reporter.present = boxes.append
    reporter.install()
    yield boxes
    reporter.uninstall()


def state(window) -> tuple:
    document = window.document
    return document, document.spec.to_dict(), document.project.data, document.undo_stack.count()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_a_dialog_and_keeps_the_document(
        window, qtbot, reported, monkeypatch):
    window.scene.select_only([window.document.spec.layers[1].id])
    window.copy()
    before = state(window)

    def half_done(spec: NetworkSpec, fragment: dict, *args: object) -> list[str]:
        spec.add_layer("Dense")  # changed a little, then failed
        raise KeyError("layer-7")

    monkeypatch.setattr(NetworkSpec, "paste", half_done)
    window.paste_action.trigger()  # the exception escapes the slot into Qt
    qtbot.waitUntil(lambda: len(reported) == 1)
    box = reported[0]
    assert box.windowTitle() == "Unexpected error"
    assert box.text().startswith("Something went wrong inside the playground: "
                                 "KeyError: 'layer-7'\n\nYour project is as it was before the "
                                 "last action; you can keep working and save it.")
    assert "Traceback (most recent call last)" in box.detailedText()
    assert "half_done" in box.detailedText()
    assert any(b.text() == "Show Details..." for b in box.buttons())
    assert state(window) == before
    assert len(window.scene.nodes) == len(window.document.spec.layers)
    window.scene.delete_selection()  # the app goes on working
    assert window.document.undo_stack.count() == before[3] + 1


@pytest.mark.qt_no_exception_capture
def test_the_same_failure_again_and_again_shows_one_dialog(window, qtbot, reported):
    def work(n: int) -> None:
        raise RuntimeError(f"failure {n // 10}")  # the same traceback ten times in a row

    for n in range(20):
        thread = threading.Thread(target=work, args=(n,))
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: len(reported) == 2)
    QApplication.processEvents()
    assert ["failure 0" in box.text() for box in reported] == [True, False]
    assert len(reported) == 2


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_shows_the_dialog_on_the_windows_thread(
        window, qtbot, reported):
    def work() -> None:
        raise RuntimeError("worker fell over")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(reported) == 1)
    assert "RuntimeError: worker fell over" in reported[0].text()
    assert reported[0].thread() is QApplication.instance().thread()


def test_a_project_that_a_view_cannot_show_leaves_the_open_one(window, monkeypatch,
                                                               tmp_path):
    path = tmp_path / "other.json"
    other = load_preset("xor")
    save_project(other, path)
    before = state(window)
    title = window.windowTitle()
    show = window.training_panel.set_document

    def refuse_new(document) -> None:
        show(document)
        if document is not before[0]:
            raise RuntimeError("cannot show it")

    monkeypatch.setattr(window.training_panel, "set_document", refuse_new)
    with pytest.raises(RuntimeError):
        window.open_path(path)
    assert state(window) == before and window.windowTitle() == title
    assert window.undo_group.activeStack() is before[0].undo_stack
    assert window.scene.document is before[0] and window.controller.document is before[0]
    assert window.data_panel.document is before[0]


def test_a_bad_project_dropped_on_the_window_is_a_message(window, errors, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{")
    before = state(window)
    drop(window, path)
    assert [title for title, _, _ in errors] == ["Cannot open the project"]
    assert errors[0][1].startswith("broken.json")
    assert errors[0][1].endswith("\n\nThe open project is unchanged.")
    assert state(window) == before


def test_a_preset_that_fails_to_load_is_a_message(window, errors, monkeypatch):
    class Chosen:
        """The New dialog, answered with a preset."""

        class DialogCode:
            Accepted = 1

        def __init__(self, parent) -> None:
            pass

        def exec(self) -> int:
            return 1

        def chosen(self) -> str:
            return "circle"

    monkeypatch.setattr(main_window_module, "PresetGallery", Chosen)

    def broken(name: str):
        raise PlaygroundError(f"preset {name}: damaged")

    monkeypatch.setattr(main_window_module, "load_preset", broken)
    before = state(window)
    window.new_project()
    assert errors == [("Cannot open the preset", "preset circle: damaged\n\nThe open project "
                                                 "is unchanged.", "")]
    assert state(window) == before


@pytest.mark.parametrize("clipboard, message", [
    ("[" * 100_000, "Nothing to paste: the clipboard holds no layers"),
    ("12" * 3000, "Nothing to paste: the clipboard holds no layers"),
    (json.dumps({FRAGMENT_KEY: {"layers": "three"}}), "the network needs a list of 'layers'"),
])
def test_pasting_a_malformed_clipboard_is_a_message(window, qtbot, clipboard, message):
    before = state(window)
    QApplication.clipboard().setText(clipboard)
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert message in window.statusBar().currentMessage()
    assert state(window) == before


def test_a_training_failure_with_a_traceback_is_one_line_and_a_dialog(window, errors):
    text = ("Training failed unexpectedly:\nTraceback (most recent call last):\n"
            '  File "engine.py", line 9, in step\nValueError: Expected more than 1 value per '
            "channel when training")
    window.controller.message.emit(text)
    summary = ("Training failed unexpectedly: ValueError: Expected more than 1 value per "
               "channel when training")
    assert window.statusBar().currentMessage() == summary
    [(title, shown, details)] = errors
    assert title == "Training failed" and shown.startswith(summary + "\n\nThe project is "
                                                           "unchanged")
    assert details == text


def test_a_training_message_without_a_traceback_stays_in_the_status_line(window, errors):
    window.controller.message.emit("Cannot train yet: connect the Output")
    assert window.statusBar().currentMessage() == "Cannot train yet: connect the Output"
    assert errors == []
