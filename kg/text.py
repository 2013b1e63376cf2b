"""Text for people: on one line, and cut to a length with an ellipsis."""

from __future__ import annotations

__all__ = ["shorten"]


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters, the last of them "…" when cut.

    >>> shorten("Hun Sen is due\\n to arrive in Myanmar", 20)
    'Hun Sen is due to a…'
    >>> shorten("on Friday", 20)
    'on Friday'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
