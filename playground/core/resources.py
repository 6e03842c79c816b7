"""Where the shipped files (`resources/`) lie: beside the source tree, or inside a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The `resources` folder: in a PyInstaller bundle under `sys._MEIPASS`, else the repo's."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[2]
    return root / "resources"
