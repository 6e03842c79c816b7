"""The one error type for everything a user can cause (a bad file, setting or network).

Every user-facing failure derives from `PlaygroundError`; its message says what is wrong
(naming the file, row, column or layer) and how to fix it. Loaders wrap what their libraries
raise at their boundary, so nothing else reaches the window or the command line.
"""

from __future__ import annotations


class PlaygroundError(ValueError):
    """A failure the user caused and can fix; `str(err)` is the whole message to show."""
