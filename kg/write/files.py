"""Files written by threads of their own while the build goes on, each with its size and sha256 as
written; a graph's file that the folder being replaced holds unchanged is linked instead
(kg.write.manifest).
"""

from __future__ import annotations

import hashlib
import os
import queue
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from kg.threads import start_thread, wait_for
from kg.write.manifest import Listed, Written, link_previous, read_manifest
from kg.write.nquads import Part

__all__ = ["Files", "PieceWriter", "write_pieces"]


class Files:
    """Files written into `staging` by two threads of their own, which let go of the GIL as they
    write, while this one makes the next files' contents: two write faster than one into the page
    cache. A file given with its `source` is linked from the `previous` folder instead where that
    holds it unchanged (kg.write.manifest), and listed in `entries` for the next build.

    The threads are daemons and `stop` does not wait for a write under way: after Ctrl-C or an error
    its folder is removed at once, and the process ends whatever a slow disk is doing.
    """

    _WRITERS = 2

    def __init__(self, staging: Path, previous: Path | None = None) -> None:
        self._staging, self._previous = staging, previous
        self._listed = read_manifest(previous) if previous is not None else Listed({}, 0)
        self.entries: dict[str, Written] = {}  # each file written with a source, by its path in staging
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: list[Future] = []
        self._paths: list[Path] = []
        for _ in range(self._WRITERS):
            start_thread(self._work, name="kg-files")

    def write(self, path: Path, content: str | bytes | Iterable[Part], *, source: str | None = None) -> None:
        """Write `content` at `path` (in staging), or link the previous folder's file made from `source`:
        a link is made here and now, a few system calls, rather than queued behind the writes."""
        future: Future = Future()
        self._pending.append(future)
        self._paths.append(path)
        if source is not None and self._previous is not None:
            name = path.relative_to(self._staging).as_posix()
            entry = link_previous(self._previous, self._listed, name, source, path)
            if entry is not None:
                self.entries[name] = entry
                future.set_result((entry.size, entry.sha256))
                return
        self._jobs.put((future, path, content, source))

    def wait(self) -> None:
        """Wait until every file is written; raise the error of the first one, in the order given, that failed."""
        wait_for(self._pending)
        for future in self._pending:
            future.result()

    def written(self, folder: Path) -> dict[str, tuple[int, str]]:
        """Each file written, by its path in `folder`: its size and the sha256 of its bytes (after `wait`)."""
        return {path.relative_to(folder).as_posix(): future.result() for path, future in zip(self._paths, self._pending)}

    def stop(self) -> None:
        """Write no more files."""
        for future in self._pending:
            future.cancel()
        for _ in range(self._WRITERS):
            self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, path, content, source = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                written = write_pieces(path, content) if source is None else self._write_listed(path, content, source)
            except BaseException as error:
                future.set_exception(error)
            else:
                future.set_result(written)

    def _write_listed(self, path: Path, content: Iterable[Part], source: str) -> tuple[int, str]:
        entry = Written(source, *write_pieces(path, content))
        self.entries[path.relative_to(self._staging).as_posix()] = entry
        return entry.size, entry.sha256


def write_pieces(path: Path, content: str | bytes | Iterable[Part]) -> tuple[int, str]:
    """Write `content` (text, bytes, or pieces: bytes or files to copy) into a new file at `path`; its
    size and sha256.

    A piece that is a file is copied a megabyte at a time, so no file needs the corpus in memory;
    each chunk is hashed as it passes, while it is in the processor's cache (copying with
    copy_file_range and then reading the file back to hash it took a quarter longer for kg.nq of
    1,000 articles). hashlib and the reads and writes let go of the GIL, so two writers work at once.
    """
    if isinstance(content, str):
        content = content.encode("utf-8")
    writer = PieceWriter(path)
    try:
        writer.write([content] if isinstance(content, bytes) else content)
    finally:
        written = writer.close()
    return written


class PieceWriter:
    """A new file at `path` written piece by piece (bytes, or files to copy), with its size and
    sha256 as written; an OSError names the file (a failed write() names none)."""

    def __init__(self, path: Path) -> None:
        self.path, self.size, self.digest = path, 0, hashlib.sha256()
        with self._naming():
            self.file = path.open("wb", buffering=0)

    def write(self, pieces: Iterable[Part]) -> None:
        target = self.file.fileno()
        with self._naming():
            for piece in pieces:
                self.size += copy_into(piece, target, self.digest) if isinstance(piece, Path) else \
                    write_into(target, piece, self.digest)

    def close(self) -> tuple[int, str]:
        """Close the file; its size and sha256."""
        self.file.close()
        return self.size, self.digest.hexdigest()

    @contextmanager
    def _naming(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            error.filename = error.filename or str(self.path)
            raise


def write_into(target: int, data: bytes | memoryview, digest) -> int:
    """Write all of `data` to the open file `target`, and add it to `digest`; its length."""
    digest.update(data)
    view = memoryview(data)
    while view:
        view = view[os.write(target, view):]
    return len(data)


def copy_into(source: Path, target: int, digest) -> int:
    """Append the file `source` to the open file `target`, and add it to `digest`; the bytes copied."""
    copied = 0
    chunk = bytearray(_CHUNK)
    with source.open("rb", buffering=0) as file:
        while read := file.readinto(chunk):
            copied += write_into(target, memoryview(chunk)[:read], digest)
    return copied


_CHUNK = 1 << 20
