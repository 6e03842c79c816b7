"""`playground snapshot` renders the real window to a PNG of the asked size."""

import pytest
from PySide6.QtGui import QImage

from playground.cli import main
from playground.gui import app


def test_snapshot_writes_a_png_of_the_window(tmp_path, qapp, capsys):
    out = tmp_path / "shots" / "xor.png"
    assert main(["snapshot", "xor", "--out", str(out), "--size", "900x600"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    assert len({image.pixel(x, 300) for x in range(0, 900, 7)}) > 10  # not a blank picture
    assert "Wrote" in capsys.readouterr().out


def test_a_bad_size_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["snapshot", "xor", "--out", str(tmp_path / "a.png"), "--size", "big"])
    assert done.value.code == 2
    assert "is not a size like 1400x860" in capsys.readouterr().err


def test_the_gui_refuses_to_start_without_a_display(monkeypatch, capsys):
    monkeypatch.setattr(app.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app.main() == 2
    assert capsys.readouterr().err.startswith("error: no display")
