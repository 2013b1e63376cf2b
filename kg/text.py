"""Text for people: on one line, cut to a length with an ellipsis, or made fit for XML and SVG."""

from __future__ import annotations

import re

__all__ = ["shorten", "svg_text", "xml_escape"]

# What XML 1.0 cannot carry at all, even as a character reference (its production Char). Compiled
# on first use (re keeps it), not at import: compiling it costs every kg command 5 ms.
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters, the last of them "…" when cut.

    >>> shorten("Hun Sen is due\\n to arrive in Myanmar", 20)
    'Hun Sen is due to a…'
    >>> shorten("on Friday", 20)
    'on Friday'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def xml_escape(text: str) -> str:
    """`text` escaped for XML content or a quoted attribute, with what XML cannot carry replaced by U+FFFD.

    >>> xml_escape('a <b> & "c"\x01\ufffe')
    'a &lt;b&gt; &amp; &quot;c&quot;\ufffd\ufffd'
    """
    # By hand rather than xml.sax.saxutils.escape, whose import (urllib, http, email) every kg command paid.
    text = re.sub(_NOT_XML, "\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def svg_text(x: float, y: float, text: str, *, size: int = 12, bold: bool = False, colour: str = "#222222",
             anchor: str = "start", tooltip: str = "") -> str:
    """An SVG `<text>` element at (x, y), its text and tooltip escaped.

    >>> svg_text(4, 10, "<b> & c", bold=True, anchor="end")
    '<text x="4.0" y="10.0" font-size="12" fill="#222222" font-weight="bold" text-anchor="end">&lt;b&gt; &amp; c</text>'
    """
    title = f"<title>{xml_escape(tooltip)}</title>" if tooltip else ""
    extra = (' font-weight="bold"' if bold else "") + (f' text-anchor="{anchor}"' if anchor != "start" else "")
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}"{extra}>{title}{xml_escape(text)}</text>'
