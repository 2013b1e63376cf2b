"""Where a field stands in a record: its path (`FieldPath`), its line, and its name as an error gives it.

`('events', 2, 'roles', 0, 'actor')` is `events[2].roles[0].actor` at the line of the YAML key.
"""

from __future__ import annotations

import re

__all__ = ["FieldPath", "field_name", "line_of", "quoted"]

FieldPath = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,59}")


def line_of(lines: dict[FieldPath, int], path: FieldPath) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return 1


def field_name(path: FieldPath) -> str:
    """`('events', 2, 'roles', 0, 'actor')` -> `events[2].roles[0].actor`; an odd key in quotes: `article['a b']`."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            name += f".{part}" if name else part
        else:
            name += f"[{quoted(part)}]"
    return name


def quoted(text: str, limit: int = 60) -> str:
    """`text` in quotes, with anything unprintable escaped, cut to about `limit` characters."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"
