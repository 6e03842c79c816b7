"""Image folders keep their colour (an option makes them grey), say what was done, and
convolutional networks take as many input channels as the images have."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.core.datasets.imports import load_image_folder, load_path
from playground.core.presets import load_preset
from playground.core.project import load_project, save_project
from playground.core.training.engine import Trainer


def colour_folder(root: Path) -> Path:
    """Red and blue squares of equal brightness in grey: only colour tells them apart."""
    from PIL import Image

    for name, rgb in (("red", (200, 40, 40)), ("blue", (40, 40, 200))):
        (root / name).mkdir(parents=True)
        for i in range(4):
            Image.new("RGB", (8, 8), tuple(v + i for v in rgb)).save(root / name / f"{i}.png")
    return root


def grey_folder(root: Path) -> Path:
    from PIL import Image

    for name, shade in (("dark", 30), ("light", 220)):
        (root / name).mkdir(parents=True)
        Image.new("RGB", (8, 8), (shade,) * 3).save(root / name / "a.png")  # grey, saved as RGB
    return root


def test_colour_images_keep_three_channels_and_say_so(tmp_path):
    data = load_path(colour_folder(tmp_path / "squares"))
    assert data.x.shape == (8, 3, 8, 8)
    assert data.class_names == ("blue", "red")
    assert data.x[0, :, 0, 0] == pytest.approx(np.array([40, 40, 200]) / 255)
    assert data.summary() == "8 samples, 8×8 images (colour), 2 classes"


def test_grey_images_have_one_channel(tmp_path):
    data = load_path(grey_folder(tmp_path / "shades"))
    assert data.x.shape == (2, 1, 8, 8) and data.summary() == "2 samples, 8×8 images, 2 classes"


def test_colour_can_be_made_grey_and_the_import_says_so(tmp_path):
    folder = colour_folder(tmp_path / "squares")
    grey = load_path(folder, grey=True)
    assert grey.x.shape == (8, 1, 8, 8)
    assert grey.x[0, 0, 0, 0] == pytest.approx((0.299 * 40 + 0.587 * 40 + 0.114 * 200) / 255,
                                               abs=1e-5)
    assert "(made grey from colour)" in grey.summary()
    assert load_image_folder(folder, grayscale=True).x.shape == (8, 1, 8, 8)
    project = load_preset("digits-cnn")
    project.import_data(grey)
    again = load_project(save_project(project, tmp_path / "p.playground"))
    assert "made grey from colour" in again.imported.summary()  # the note is kept


def test_a_cnn_takes_three_channels_from_colour_images(tmp_path):
    project = load_preset("digits-cnn")
    changes = project.import_data(load_path(colour_folder(tmp_path / "squares")))
    assert "Input shape set to [3, 8, 8]" in changes
    trainer = Trainer(project.network, project.dataset(),
                      project.training.replace(epochs=2, batch_size=4))
    conv = project.network.of_kind("Conv2d")[0].id
    assert trainer.model.nodes[conv].transform.in_channels == 3
    trainer.train()
    assert trainer.epoch == 2


def test_the_command_line_keeps_colour_unless_told_grey(tmp_path, capsys):
    folder = colour_folder(tmp_path / "squares")
    for flag, channels in (([], 3), (["--grey"], 1)):
        out = tmp_path / f"run{channels}"
        assert main(["train", "digits-cnn", "--data", str(folder), "--epochs", "1",
                     "--out", str(out), *flag]) == 0
        project = load_project(out / "project.playground")
        assert project.imported.input_shape[0] == channels
    err = capsys.readouterr().err
    assert "8×8 images (colour)" in err and "made grey from colour" in err
