"""File → Export… and File → Export Plot: the dialog, what it writes, and what it says."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from playground.core.export import FORMATS
from playground.gui.worker import RUNNING


@pytest.fixture
def told(window) -> list[tuple[str, str]]:
    """Information boxes and error boxes the window shows, as (title, text), not shown."""
    shown: list[tuple[str, str]] = []
    window.exporter.inform = lambda title, text: shown.append((title, text))
    window.show_error = lambda title, text: shown.append((title, text))
    return shown


def export_now(window, qtbot, fmt: str, path: Path) -> bool:
    """Export as File → Export… does, and wait for the result: whether it worked."""
    with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as finished:
        window.exporter.export(fmt, path)
    return finished.args[0]


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
    folder = tmp_path / "export"
    folder.mkdir()
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "script", folder / "circle.py")
    with qtbot.waitSignal(window.exporter.finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert finished.args == [True]
    title, text = told[0]
    assert title == "Export finished" and str(folder / "circle.py") in text
    assert {p.name for p in folder.iterdir()} == {"circle.py", "circle.pt", "circle-data.npz"}
    assert window.settings.value("export-folder") == str(folder.resolve())
    assert window.statusBar().currentMessage() == f"Exported to {folder / 'circle.py'}"


def test_export_while_training_pulls_the_weights_reached_and_training_goes_on(
        window, qtbot, told, tmp_path):
    controller = window.controller
    initial = controller.preview_weights()
    controller.play()
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.epoch >= 2, timeout=30_000)
    assert export_now(window, qtbot, "state_dict", tmp_path / "w.pt")
    state = torch.load(tmp_path / "w.pt", weights_only=True)
    reached = window.document.project.weights
    assert all(torch.equal(state[k], torch.from_numpy(reached[k])) for k in reached)
    assert not all(torch.equal(state[k], torch.from_numpy(initial[k])) for k in initial)
    assert export_now(window, qtbot, "csv", tmp_path / "run.csv")
    epochs = [int(r["epoch"]) for r in csv.DictReader((tmp_path / "run.csv").open())]
    assert epochs[:2] == [1, 2] and epochs == sorted(epochs)
    assert not any("no trained weights" in text for _, text in told)
    assert controller.state == RUNNING


def test_a_traced_export_in_the_training_process_loads_and_runs(window, qtbot, told, tmp_path):
    assert export_now(window, qtbot, "pt2", tmp_path / "net.pt2")
    assert told[0][0] == "Export finished"
    program = torch.export.load(tmp_path / "net.pt2").module()
    assert program(torch.zeros(4, 2)).shape == (4, 1)


def test_a_failed_export_says_why(window, qtbot, told, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "state_dict", blocker / "w.pt")
    with qtbot.waitSignal(window.exporter.finished) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert finished.args == [False]
    assert told == [("Cannot export", told[0][1])] and "cannot write" in told[0][1]


def test_the_window_stays_alive_and_locked_while_an_export_runs(window, qtbot, told, tmp_path):
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.last_frame.snapshot.epoch >= 1, timeout=30_000)
    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "pt2", tmp_path / "net.pt2")
    with qtbot.waitSignal(window.exporter.finished, timeout=60_000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        reached = {k: v.copy() for k, v in window.document.project.weights.items()}
        progress = window.exporter.progress
        assert progress.isVisible() and QApplication.activeModalWidget() is progress
        assert progress.label.text() == "Exporting torch.export program to net.pt2…"
        qtbot.keyClick(progress, Qt.Key.Key_Escape)  # cannot be dismissed: the export goes on
        assert progress.isVisible()
        ticks.clear()
        window.document.set_weights({k: np.zeros_like(v) for k, v in reached.items()})
    timer.stop()
    assert len(ticks) >= 5  # the window's event loop kept running
    assert finished.args == [True] and told[0][0] == "Export finished"
    assert window.exporter.progress is None and QApplication.activeModalWidget() is None
    program = torch.export.load(tmp_path / "net.pt2").module()
    assert program(torch.zeros(4, 2)).shape == (4, 1)
    # the weights reached when Export was clicked, not the zeros set after
    assert all(t.abs().sum() > 0 for t in program.state_dict().values())


def test_closing_the_window_while_exporting_lets_the_file_be_finished(
        window, qtbot, told, tmp_path):
    window.exporter.export("script", tmp_path / "net.py")
    assert window.exporter.running
    window.close()
    assert not window.isVisible() and not window.exporter.running
    assert (tmp_path / "net.py").is_file()
    QApplication.processEvents()  # a result sent before the window closed is dropped
    assert told == []


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
