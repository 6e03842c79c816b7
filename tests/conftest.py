"""Shared test settings: offscreen Qt, one torch thread, small helpers."""

import os

if not os.environ.get("QT_QPA_PLATFORM", "").strip():  # unset, or set to nothing
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
