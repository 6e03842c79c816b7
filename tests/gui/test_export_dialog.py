"""File → Export… and File → Export Plot: the dialog, what it writes, and what it says."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from playground.core.export import FORMATS
from playground.gui.worker import RUNNING


@pytest.fixture
def told(window) -> list[tuple[str, str]]:
    """Information boxes and error boxes the window shows, as (title, text), not shown."""
    shown: list[tuple[str, str]] = []
    window.exporter.inform = lambda title, text: shown.append((title, text))
    window.show_error = lambda title, text: shown.append((title, text))
    return shown


def open_dialog(window, qtbot):
    window.export_action.trigger()
    dialog = window.exporter.dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def choose(dialog, qtbot, fmt: str, path: Path) -> None:
    """Pick the format with the keyboard and type the file name, as a user would."""
    dialog.format_box.setFocus()
    qtbot.keyClick(dialog.format_box, Qt.Key.Key_Home)
    while dialog.fmt != fmt:
        qtbot.keyClick(dialog.format_box, Qt.Key.Key_Down)
    dialog.path_edit.selectAll()
    qtbot.keyClicks(dialog.path_edit, str(path))


def test_every_format_says_what_it_is_for_and_sets_the_file_ending(window, qtbot):
    dialog = open_dialog(window, qtbot)
    for fmt, info in FORMATS.items():
        qtbot.keyClick(dialog.format_box, Qt.Key.Key_Home)
        while dialog.fmt != fmt:
            qtbot.keyClick(dialog.format_box, Qt.Key.Key_Down)
        assert dialog.summary.text() == info.summary
        assert dialog.path_edit.text().endswith(info.suffix)
    dialog.path_edit.clear()
    assert not dialog.export_button.isEnabled()  # nowhere to write yet
    dialog.reject()


def test_export_a_script_from_the_dialog(window, qtbot, told, tmp_path):
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "script", tmp_path / "circle.py")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told))
    title, text = told[0]
    assert title == "Export finished" and str(tmp_path / "circle.py") in text
    assert {p.name for p in tmp_path.iterdir()} == {"circle.py", "circle.pt", "circle-data.npz"}
    assert window.settings.value("export-folder") == str(tmp_path.resolve())


def test_export_while_training_pulls_the_weights_reached_and_training_goes_on(
        window, qtbot, told, tmp_path):
    controller = window.controller
    initial = controller.preview_weights()
    controller.play()
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.epoch >= 2, timeout=30_000)
    assert window.exporter.export("state_dict", tmp_path / "w.pt")
    state = torch.load(tmp_path / "w.pt", weights_only=True)
    reached = window.document.project.weights
    assert all(torch.equal(state[k], torch.from_numpy(reached[k])) for k in reached)
    assert not all(torch.equal(state[k], torch.from_numpy(initial[k])) for k in initial)
    assert window.exporter.export("csv", tmp_path / "run.csv")
    epochs = [int(r["epoch"]) for r in csv.DictReader((tmp_path / "run.csv").open())]
    assert epochs[:2] == [1, 2] and epochs == sorted(epochs)
    assert not any("no trained weights" in text for _, text in told)
    assert controller.state == RUNNING


def test_a_failed_export_says_why(window, qtbot, told, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "state_dict", blocker / "w.pt")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told))
    assert told[0][0] == "Cannot export" and "cannot write" in told[0][1]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_export_the_output_and_curves_plots(window, qtbot, told, tmp_path, suffix):
    window.exporter.ask_plot_path = lambda which: tmp_path / f"{which}{suffix}"
    plots = next(a.menu() for a in window.menuBar().actions()[0].menu().actions()
                 if a.menu() is not None and a.text() == "Export &Plot")
    for action in plots.actions():
        action.trigger()
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([f"output{suffix}", f"curves{suffix}", f"curves-accuracy{suffix}"])
    for name in written:
        path = tmp_path / name
        if suffix == ".png":
            image = QImage(str(path))
            assert image.width() > 100 and image.height() > 100
        else:
            assert "<svg" in path.read_text()
    assert [title for title, _ in told] == ["Plot exported"] * 2


def test_a_plot_needs_a_png_or_svg_name(window, told, tmp_path):
    assert window.exporter.save_plots("output", tmp_path / "plot.gif") == []
    assert "png or .svg" in told[0][1]
