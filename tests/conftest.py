"""Shared test settings: offscreen Qt, one torch thread, small helpers."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
