"""The app's window opens offscreen and offers the presets."""

from playground.gui.app import build_window


def test_the_window_lists_the_presets(qtbot):
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    text = window.centralWidget().text()
    assert "Circle (TensorFlow Playground's default)" in text
    assert "playground train NAME" in text
