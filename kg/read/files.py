"""The files of an article: the records of a folder, and a record or its text read safely.

A record names its text, and may name a file in its own folder only: no path, no symbolic link
leads out of it. Only regular files are read, each up to a size, as UTF-8.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from kg.errors import InputError
from kg.read.fields import quoted

__all__ = ["ARTICLE_ID", "MAX_RECORD_BYTES", "MAX_TEXT_BYTES", "RECORD_SUFFIXES", "find_records", "id_of_record",
           "read_inside"]

MAX_RECORD_BYTES = 1 << 20
"""1 MiB: records are written by hand (the seed's is 22 KB); a cap keeps a stray file from filling memory."""
MAX_TEXT_BYTES = 10 << 20
"""10 MiB: a news article is tens of KB."""

RECORD_SUFFIXES = (".yaml", ".yml")
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""The name of a record before its suffix: the article's id, in its IRIs and file names."""


def find_records(folder: Path) -> list[Path]:
    """The records (*.yaml, *.yml) in a folder, in name order; the name before the suffix is the article's id."""
    if not folder.is_dir():
        raise InputError("not a folder of articles", path=folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        raise InputError(f"the folder cannot be read: {error.strerror}", path=folder) from None
    records: dict[str, Path] = {}
    for entry in entries:
        if not entry.name.endswith(RECORD_SUFFIXES):
            continue
        article_id = id_of_record(entry)
        if not entry.is_file():
            raise InputError(f"a record must be a regular file; this is {_entry_kind(entry)}", path=entry)
        if article_id in records:
            raise InputError(
                f"two records of the article {article_id!r}: {records[article_id].name} and {entry.name}; keep one",
                path=folder,
            )
        records[article_id] = entry
    if not records:
        raise InputError("no article records (*.yaml) in this folder", path=folder)
    return list(records.values())


def id_of_record(record_path: Path) -> str:
    """The name of a record before its suffix, refused unless it is a usable id."""
    name = record_path.name
    suffix = next((suffix for suffix in RECORD_SUFFIXES if name.endswith(suffix)), record_path.suffix)
    article_id = name[: len(name) - len(suffix)]
    if not ARTICLE_ID.fullmatch(article_id):
        raise InputError(
            f"{quoted(name)} cannot be a record: the name before {suffix} is the article's id, "
            "which starts with a letter or digit and holds only letters, digits, '.', '_' and '-'",
            path=record_path.parent,
        )
    return article_id


def _entry_kind(entry: Path) -> str:
    if entry.is_symlink() and not entry.exists():
        return "a symbolic link that leads nowhere"
    if entry.is_dir():
        return "a folder"
    return "not a regular file (a device, FIFO or socket)"


def read_inside(
    folder: Path,
    name: str,
    *,
    what: str,
    limit: int,
    misplaced: Callable[[str], InputError],
    missing: str,
) -> tuple[Path, str]:
    """The file `name` in `folder` (named from `folder`, links followed) and its UTF-8 text.

    `name` may be a path, but neither it nor a symbolic link on the way may lead out of `folder`:
    a record names its text, and must not be able to publish /proc/self/environ or ../../secrets
    as an article. The file must be a regular one of at most `limit` bytes. Errors about where and
    what the file is come from `misplaced`; errors about its content name the file.
    """
    try:
        target = _resolve_inside(folder, name)
    except ValueError as error:
        raise misplaced(f"the {what} must be a file in the record's folder; {error}") from None
    shown = folder / target.relative_to(folder.resolve())
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer; it is refused below.
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise misplaced(missing) from None
    except OSError as error:
        raise misplaced(f"the {what} file cannot be read: {error.strerror}") from None
    too_large = InputError(f"the {what} is larger than {limit >> 20} MiB, the most kg reads", path=shown)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
            raise misplaced(f"the {what} {quoted(name)} must be a regular file; it is {kind}")
        if info.st_size > limit:
            raise too_large
        raw = _read_at_most(descriptor, limit + 1)  # a file in /proc says it is empty and is not
    except OSError as error:
        raise InputError(f"the {what} file cannot be read: {error.strerror}", path=shown) from None
    finally:
        os.close(descriptor)
    if len(raw) > limit:
        raise too_large
    try:
        return shown, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"the {what} is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            path=shown,
            line=line,
        ) from None


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0 and (chunk := os.read(descriptor, min(size, 1 << 20))):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _resolve_inside(folder: Path, name: str) -> Path:
    """`name` resolved in `folder`, symbolic links followed; ValueError saying why when it leads out."""
    if "\0" in name:
        raise ValueError(f"{quoted(name)} holds a NUL character")
    if Path(name).anchor:
        raise ValueError(f"{quoted(name)} is an absolute path")
    try:
        home = folder.resolve()
        target = (home / name).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        raise ValueError(f"{quoted(name)} cannot be resolved: {error}") from None
    lexical = Path(os.path.normpath(home / name))
    if lexical == home:
        raise ValueError(f"{quoted(name)} names the folder itself")
    if not lexical.is_relative_to(home):
        raise ValueError(f"{quoted(name)} leads out of it")
    if target == home or not target.is_relative_to(home):
        raise ValueError(f"{quoted(name)} is a symbolic link that leads out of it")
    return target


