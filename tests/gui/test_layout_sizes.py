"""The window at common screen sizes: every dock shows its essentials, the network fills
the canvas readably, nothing is squeezed below its minimum size, and the canvas follows
resizes until the user zooms.

Set LAYOUT_SHOTS to a folder to also save each window as a PNG to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QGraphicsItem,
    QGraphicsView,
    QScrollArea,
    QWidget,
)

from playground.core.presets import load_preset
from playground.gui.document import Document
from playground.gui.main_window import MainWindow
from tests.gui.conftest import wait_for_preview

SIZES = ((1280, 800), (1600, 1000), (1920, 1080))
PRESETS = ("circle", "spiral", "digits-cnn", "parity-lstm", "digits-autoencoder")
READABLE_PX = 9  # node text at the fitted zoom
Part = QWidget | tuple[QGraphicsView, QGraphicsItem]


def essentials(window: MainWindow) -> dict[str, Callable[[], list[Part]]]:
    """What each dock must show without scrolling, by dock title."""
    deep, data, panel = window.deep, window.data_panel, window.training_panel

    def sequence() -> list[Part]:
        view = deep.sequence
        gates = [g for g in view.gates if g.isVisible()]
        return [view.chooser, *[(view.charts, item) for item in
                                (view.hidden, *gates, view.gradient)]]

    def feature_maps() -> list[Part]:
        view = deep.feature_maps
        first = next(iter(view.sections.values()))
        return [view.chooser, view.sample, first.title, first.grid]

    return {
        "Layers": lambda: [window.palette_widget],
        "Inspector": lambda: [window.inspector._title],
        "Training": lambda: [panel.play_button, panel.step_button, panel.reset_button,
                             panel.figures["epoch"], panel.figures["test_loss"]],
        "Data": lambda: [w for w in (data.dataset_combo, data.import_button,
                                     data.noise_slider, data.samples_spin, data.train_spin,
                                     data.seed_spin) if w.isVisible()],
        "Output": lambda: [window.boundary],
        "Curves": lambda: [window.curves],
        "Sequence": sequence,
        "Latent space": lambda: [deep.latent.originals, deep.latent.rebuilt, deep.latent.plot],
        "Feature maps": feature_maps,
    }


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def visible_area(widget: QWidget, window: QWidget) -> QRect:
    """The part of the window where `widget` can show: its rectangle clipped by every
    parent's (a scroll area's viewport clips what is scrolled away)."""
    area = in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area &= in_window(parent, window)
        parent = parent.parentWidget()
    return area


def part_rect(part: Part, window: QWidget) -> tuple[QRect, QRect]:
    """The part's rectangle and the area it must lie in, both in window coordinates."""
    if isinstance(part, tuple):
        view, item = part
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        return rect.translated(view.mapTo(window, QPoint(0, 0))), visible_area(view, window)
    return in_window(part, window), visible_area(part.parentWidget(), window)


def squeezed(window: QWidget) -> list[str]:
    """Visible widgets narrower than their minimum size hint, and plot layouts narrower
    than their plots need (pyqtgraph then clips them at the right edge)."""
    found = []
    for widget in window.findChildren(QWidget):
        on_screen = widget.isVisible() and not widget.visibleRegion().isEmpty()
        if not on_screen or isinstance(widget.parentWidget(), QScrollArea):
            continue
        hint = widget.minimumSizeHint()
        if hint.isValid() and widget.minimumWidth() == 0 and widget.width() + 1 < hint.width():
            found.append(f"{type(widget).__name__} {widget.objectName()!r} "
                         f"{widget.width()} < {hint.width()}")
    for charts in window.findChildren(pg.GraphicsLayoutWidget):
        need = charts.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        if charts.isVisible() and charts.width() + 1 < need:
            found.append(f"plots {charts.width()} < {need:.0f}")
    return found


def check_window(window: MainWindow, qtbot, name: str) -> list[str]:
    problems = []
    docks = [d for d in window.findChildren(QDockWidget) if not d.isHidden()]
    parts = essentials(window)
    for dock in docks:
        dock.raise_()
        qtbot.waitUntil(dock.isVisible)
        QApplication.processEvents()
        for part in parts.get(dock.windowTitle(), list)():
            rect, area = part_rect(part, window)
            if not area.adjusted(-1, -1, 1, 1).contains(rect):
                problems.append(f"{name}: {dock.windowTitle()}: {part!r} at {rect.getRect()} "
                                f"is not inside {area.getRect()}")
        problems += [f"{name}: {dock.windowTitle()}: {s}" for s in squeezed(window)]
    view = window.view
    nodes = view.mapFromScene(view.network_scene().itemsBoundingRect()).boundingRect()
    port = view.viewport().rect()
    if nodes.width() < port.width() / 2 and nodes.height() < port.height() / 2:
        problems.append(f"{name}: the network {nodes.size().toTuple()} fills less than half "
                        f"of the canvas {port.size().toTuple()}")
    text = QFontInfo(QApplication.font()).pixelSize() * view.zoom()
    if text < READABLE_PX:
        problems.append(f"{name}: node text is {text:.1f} px at zoom {view.zoom():.2f}")
    return sorted(set(problems))


def settle(window: MainWindow, qtbot) -> None:
    """Wait until the deferred canvas fit and dock sizing (zero-time timers) have run."""
    qtbot.waitUntil(lambda: not window._sizing._timer.isActive()
                    and not window.view._refit.isActive())


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_preset_fits_the_window(size, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, Document.untitled(load_preset(PRESETS[0])))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    shots = os.environ.get("LAYOUT_SHOTS")
    problems = []
    for count, name in enumerate(PRESETS, start=1):
        if name != PRESETS[0]:
            window.set_document(Document.untitled(load_preset(name)))
        wait_for_preview(window.controller, qtbot, count)  # the views' first picture
        settle(window, qtbot)  # the deferred fit and dock sizing
        problems += check_window(window, qtbot, f"{name} {size[0]}x{size[1]}")
        if shots:
            window.grab().save(str(Path(shots) / f"{name}-{size[0]}x{size[1]}.png"))
    window.controller.shutdown()
    assert not problems, "\n".join(problems)


def test_the_canvas_fits_the_network_until_the_user_zooms(window, qtbot):
    view = window.view
    fitted = view.zoom()
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: view.zoom() > fitted)  # a bigger canvas shows it bigger
    view.zoom_by(0.8)
    zoomed = view.zoom()
    window.resize(1280, 800)
    settle(window, qtbot)
    assert view.zoom() == zoomed and not view.auto_fit
    window.fit_action.trigger()  # Ctrl+0 fits and follows resizes again
    assert view.auto_fit
    before = view.zoom()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: view.zoom() > before)


def test_the_output_view_grows_with_the_window(window, qtbot):
    widths = []
    for size in SIZES:
        window.resize(*size)
        settle(window, qtbot)
        widths.append(window.boundary.width())
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_shrinking_and_growing_again_leaves_no_sideways_scroll_bar(window, qtbot):
    output = window.findChild(QDockWidget, "dock-output")
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: output.width() > 450)
    wide = output.width()
    window.resize(window.minimumSizeHint().width(), 600)  # as small as it goes
    qtbot.waitUntil(lambda: output.width() < wide)
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: output.width() == wide)  # the columns grow back with the window
    holders = [d.widget() for d in window.findChildren(QDockWidget)
               if isinstance(d.widget(), QScrollArea) and not d.visibleRegion().isEmpty()]
    assert holders
    qtbot.waitUntil(lambda: not any(h.horizontalScrollBar().isVisible() for h in holders))
    assert all(h.widget().width() >= h.widget().minimumSizeHint().width() for h in holders)


def test_sizes_the_user_chose_stay_when_the_window_grows(window, qtbot):
    output = window.findChild(QDockWidget, "dock-output")
    qtbot.waitUntil(lambda: output.width() == 400)
    edge = QPoint(output.x() - 2, output.y() + output.height() // 2)  # the separator
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, edge)
    window.resizeDocks([output], [440], Qt.Orientation.Horizontal)  # as the drag does
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       edge)
    qtbot.waitUntil(lambda: output.width() == 440)
    window.resize(1920, 1080)
    settle(window, qtbot)
    assert output.width() == 440
