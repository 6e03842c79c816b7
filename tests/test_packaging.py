"""The stand-alone app's recipe (packaging/): checked without running PyInstaller."""

from __future__ import annotations

import ast
import configparser
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from playground.core import resources
from playground.core.presets import PRESET_DIR
from playground.core.resources import resource_dir

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def run_spec(datas: list[tuple[str, str, str]] | None = None) -> dict:
    """Execute playground.spec with PyInstaller's build steps recorded instead of run."""
    calls: dict = {}

    def record(name: str):
        def step(*args, **kwargs):
            calls[name] = SimpleNamespace(args=args, kwargs=kwargs)
            return SimpleNamespace(datas=list(datas or []), binaries=[], pure=[], scripts=[])
        return step

    namespace = {"SPECPATH": str(PACKAGING)}
    namespace.update({name: record(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT")})
    exec(compile((PACKAGING / "playground.spec").read_text(), "playground.spec", "exec"),
         namespace)
    calls["result"] = namespace["a"]
    return calls


def test_spec_builds_from_files_that_exist():
    analysis = run_spec()["Analysis"]
    (script,) = analysis.args[0]
    assert Path(script) == PACKAGING / "launch.py"
    for source, _ in analysis.kwargs["datas"]:
        assert Path(source).is_dir()
    assert [dest for _, dest in analysis.kwargs["datas"]] == ["resources"]


def test_spec_drops_test_programs_but_keeps_what_torch_needs():
    entries = [(path, "/src/" + path, "DATA") for path in (
        "torch/bin/torch_shm_manager", "torch/bin/test_api", "torch/test/atest",
        "torch/lib/libtorchbind_test.so", "resources/screenshots/training.png",
        "resources/presets/circle.json", "PySide6/Qt/plugins/platforms/libqxcb.so")]
    kept = [dest for dest, _, _ in run_spec(entries)["result"].datas]
    assert kept == ["torch/bin/torch_shm_manager", "resources/presets/circle.json",
                    "PySide6/Qt/plugins/platforms/libqxcb.so"]


def test_entry_point_calls_freeze_support_before_anything_else():
    """Without it the spawned training process would run the command line instead."""
    tree = ast.parse((PACKAGING / "launch.py").read_text())
    main_block = next(node for node in tree.body if isinstance(node, ast.If))
    first = main_block.body[0]
    assert ast.unparse(first) == "multiprocessing.freeze_support()"


def test_desktop_entry_is_complete_and_its_icon_exists():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "playground.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    for key in ("Type", "Name", "Comment", "Exec", "Icon", "Categories"):
        assert desktop[key], key
    assert desktop["Type"] == "Application"
    assert {"Education", "Science"} <= set(desktop["Categories"].rstrip(";").split(";"))
    assert desktop["Exec"].split()[0] == run_spec()["EXE"].kwargs["name"]
    icons = PACKAGING / "icons"
    assert (icons / f"{desktop['Icon']}.svg").is_file()
    for size in (16, 32, 48, 64, 128, 256):
        assert (icons / f"{desktop['Icon']}-{size}.png").is_file()


@pytest.mark.parametrize("script", ["build.sh", "install-desktop.sh"])
def test_scripts_are_executable_bash(script: str):
    path = PACKAGING / script
    assert os.access(path, os.X_OK)
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


def test_install_desktop_points_the_menu_entry_at_the_bundle(tmp_path: Path):
    bundle = tmp_path / "dist" / "playground"
    bundle.mkdir(parents=True)
    (bundle / "playground").write_text("#!/bin/sh\n")
    (bundle / "playground").chmod(0o755)
    data = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    subprocess.run([str(PACKAGING / "install-desktop.sh"), str(bundle)], env=env, check=True,
                   capture_output=True)
    entry = (data / "applications" / "playground.desktop").read_text()
    assert f'Exec="{bundle}/playground"' in entry
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "playground.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "playground.svg").is_file()


def test_install_desktop_without_a_build_says_what_to_do(tmp_path: Path):
    done = subprocess.run([str(PACKAGING / "install-desktop.sh"), str(tmp_path)],
                          env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")},
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "run packaging/build.sh first" in done.stderr
    assert not (tmp_path / "share").exists()


def test_resources_are_found_from_source():
    assert resource_dir() == ROOT / "resources"
    assert (PRESET_DIR / "circle.json").is_file()


def test_resources_are_found_inside_a_frozen_app(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_dir() == tmp_path / "resources"


def test_a_non_editable_install_finds_its_shared_copy(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path):
    """`pip install .` puts the package in site-packages and resources/ under the prefix."""
    site = tmp_path / "lib" / "site-packages" / "playground" / "core"
    monkeypatch.setattr(resources, "__file__", str(site / "resources.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert resource_dir() == tmp_path / "share" / "nn-playground"
    wheel_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    assert set(wheel_files) == {"share/nn-playground/presets", "share/nn-playground/datasets"}


@pytest.mark.slow
def test_start_up_timing_mode_quits_once_the_training_process_answers(tmp_path: Path):
    """PLAYGROUND_EXIT_AFTER_START=1: the app opens, starts training's process, and exits 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLAYGROUND_EXIT_AFTER_START": "1",
           "XDG_CONFIG_HOME": str(tmp_path)}  # the app's settings go to tmp_path
    done = subprocess.run([sys.executable, "-m", "playground"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
