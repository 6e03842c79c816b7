"""The one error type for everything a user can cause (a bad file, setting or network).

Every user-facing failure derives from `PlaygroundError`; its message says what is wrong
(naming the file, row, column or layer) and how to fix it. Loaders wrap what their libraries
raise at their boundary, so nothing else reaches the window or the command line.
"""

from __future__ import annotations


class PlaygroundError(ValueError):
    """A failure the user caused and can fix; `str(err)` is the whole message to show."""


def shown(text: str, most: int = 40) -> str:
    """A piece of the user's data for a one-line message: control characters (line breaks,
    escape sequences) written as escapes, and cut to `most` characters."""
    text = "".join(c.encode("unicode_escape").decode("ascii") if not c.isprintable() and c != " "
                   else c for c in text)
    return text if len(text) <= most else text[:most - 1] + "…"
