"""dist/.kg-files.json: the graph files a build wrote, so that the next build links the unchanged
ones into its folder rather than writing them again.

A file's entry names what it was made from (`source`: the sha256 of its graph's N-Quads), its size
and its sha256 (which void.ttl gives); the list also names the kg that wrote it (the digest of kg's
code), since another kg may write the same graph otherwise. The next build, by the same kg, makes a
hard link to the previous folder's file, and takes its size and sha256 as listed, when its graph
has the same source and the file is still the one written: a regular file of the same size, last
changed no later than the list, which is written after every file it lists. A file edited since,
or a folder copied anew, is written again. The list holds no inode and no time of its own, so
the same input still gives the same bytes.

On 1,000 articles, a rebuild after one changed article so skips writing and hashing 999 of the
1,000 graph files (80 MB), and removing the previous folder frees only what changed.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import NamedTuple

from kg.resources import package_digest

__all__ = ["FILES", "Written", "Listed", "read_manifest", "write_manifest", "link_previous", "unchanged_since"]

FILES = ".kg-files.json"  # in dist/, beside the files it lists
_LAYOUT = 1  # bumped when an entry's fields change, so that an older list is not trusted


class Written(NamedTuple):
    """A file as written: from what, and its size and sha256."""

    source: str
    size: int
    sha256: str


class Listed(NamedTuple):
    """What a previous folder's list says: its files by their path in it, and the time it was written."""

    files: dict[str, Written]
    mtime_ns: int


def read_manifest(folder: Path) -> Listed:
    """The files that `folder`'s list names; none if it has no list this kg can trust."""
    path = folder / FILES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["layout"] != _LAYOUT or data["kg"] != package_digest():
            return Listed({}, 0)
        files = {str(name): Written(str(e[0]), int(e[1]), str(e[2])) for name, e in data["files"].items()}
        return Listed(files, os.stat(path).st_mtime_ns)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return Listed({}, 0)


def write_manifest(folder: Path, files: dict[str, Written]) -> None:
    """Write the list of `files` (by their path in `folder`) into `folder`, after them."""
    data = {"layout": _LAYOUT, "kg": package_digest(), "files": {name: list(files[name]) for name in sorted(files)}}
    (folder / FILES).write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")


def unchanged_since(path: str | Path, size: int, listed_ns: int) -> bool:
    """Whether `path` is still the file a list written at `listed_ns` (after it) names with `size`: a
    regular file (not a link) of that size, last changed no later than the list. OSError if it is gone."""
    status = os.stat(path, follow_symlinks=False)
    return stat.S_ISREG(status.st_mode) and status.st_size == size and status.st_mtime_ns <= listed_ns


def link_previous(previous: Path, listed: Listed, name: str, source: str, target: Path) -> Written | None:
    """Link the file `name` of the `previous` folder at `target` if it is unchanged since `listed`
    and made from `source`; its entry, or None where it must be written (changed, gone, not made
    from `source`, or a link refused)."""
    entry = listed.files.get(name)
    if entry is None or entry.source != source:
        return None
    file = previous / name
    try:
        if not unchanged_since(file, entry.size, listed.mtime_ns):
            return None
        os.link(file, target, follow_symlinks=False)
    except OSError:  # another file system, too many links, a system without hard links
        return None
    return entry
