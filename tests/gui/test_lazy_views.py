"""The views of tabs behind others are made when the user first brings them forward."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from playground.core.presets import load_preset
from playground.gui.document import Document


def click_tab(window, qtbot, title: str) -> None:
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            if bar.tabText(index) == title and bar.isVisible():
                qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                                 pos=bar.tabRect(index).center())
                return
    raise AssertionError(f"no tab {title!r} on screen")


def test_a_tab_behind_the_curves_is_made_when_chosen_and_draws_the_network(window, qtbot):
    assert not window.gradients_slot.built  # opening the window did not make it
    click_tab(window, qtbot, "Gradients")
    qtbot.waitUntil(lambda: window.gradients_slot.built)
    view = window.gradients
    assert view.isVisible() and not view.visibleRegion().isEmpty()
    assert view.width() > 200 and view.height() > 100  # it fills the dock


def test_a_view_made_later_gets_the_settings_given_before_it_was_made(window, qtbot):
    """The window tells the sequence view the test set's size as a project opens; for an
    RNN the view is made only then, when its dock comes forward, and still learns it."""
    assert not window.deep.sequence_slot.built
    window.set_document(Document.untitled(load_preset("parity-rnn")))
    qtbot.waitUntil(lambda: window.deep.sequence_slot.built)  # its dock came forward
    dataset = window.document.dataset
    count = len(dataset.x_test) or len(dataset.x_train)
    assert count > 1 and window.deep.sequence.chooser.spin.maximum() == count - 1
    assert not window.gradients_slot.built and not window.deep.latent_slot.built
