"""Where the shipped files (`resources/`) lie: beside the source tree, in an installed copy's
`<prefix>/share/nn-playground`, or inside a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path

INSTALLED = Path("share") / "nn-playground"  # under sys.prefix, for a non-editable install


def resource_dir() -> Path:
    """The `resources` folder: in a PyInstaller bundle under `sys._MEIPASS`; else the source
    tree's (a clone, or an editable install); else the installed copy under `sys.prefix`."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    source = Path(__file__).resolve().parents[2] / "resources"
    return source if source.is_dir() else Path(sys.prefix) / INSTALLED
