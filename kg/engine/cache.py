"""A content-addressed cache of articles' results, so a rebuild redoes only what changed.

An entry belongs to one record and is valid while every file the article's work read (the record
and its text) has the digest it had, and kg's code, the shapes and the base IRI are the ones that
made it (the salt, which says too whether the full text is published). Entries are JSON, the graph's
N-Quads (.nq) and its fragments of the files (.ttl: Turtle statements, .trig: TriG block, .jsonld:
JSON-LD nodes), the same for the graph of the article's full text when it is published
(.text.nq, ...), written whole (temporary file, then rename), and read back as data: a damaged or
foreign entry is a miss, never code that runs.

The graph's files are named by the digest of their content (and of the salt): a result refers to
them as `Path`s (`kg.write.Part`), and the build copies them into its files without reading the
corpus into memory. The workers store their results themselves, so what comes back to the build is
a result without its bytes. An entry lists its files' sizes, and is written after them: a file of
another size, or changed after its entry (edited by hand, say), makes the entry a miss, as
dist/'s list of files does (kg.write.manifest), without reading 500 MB again for 1,000 articles.

Beside the entries are the shapes' compiled plan and the findings of the dataset's description,
named by the salt and by the description's digest: a build whose description did not change takes
its findings from there rather than checking it again. The description's N-Quads are kept too, by
their digest, so that the next build updates the store's copy of it from them (kg.write.store)
rather than reading it back from the store.

`changed` guesses from the files' times which records were written after their entry, so that the
build looks those up first; the guess orders the work only, and `lookup` decides by the digests.

Builds may run at once on one folder (eight hash seeds in a test, two terminals): each holds it
with a shared lock (`share`), and only a build that holds it alone prunes it, so that no build
removes a file another is reading or writing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import itertools
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on a POSIX system: builds that run at once may prune each other's files
    fcntl = None

from kg.check import Finding
from kg.engine.result import GRAPH_PARTS, ArticleResult
from kg.resources import package_digest
from kg.shacl.plan import Plan, plan_data, plan_from_data
from kg.write import GraphText, with_fragments
from kg.write.manifest import unchanged_since
from kg.write.nquads import part_bytes

__all__ = ["Cache", "code_digest", "file_digest"]

_FORMAT = 8  # bumped when an entry's layout changes
_LOCK = ".lock"  # in the folder: every build that uses it holds it shared, and prunes it only alone
_GRAPH_FILES = (".nq", ".ttl", ".trig", ".jsonld")  # the graph's N-Quads and its fragments of the files
_TEXT_FILES = tuple(".text" + suffix for suffix in _GRAPH_FILES)  # the same of the full text's graph


def file_digest(path: str | Path, *, follow_links: bool = True) -> str | None:
    """The sha256 of a regular file's bytes, or None where it cannot be read, is no regular file (a
    device, a pipe, which are not read: neither would end or answer at once), or is a link and
    `follow_links` is false."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    try:  # plain calls, not a file object: a rebuild of 1,000 articles reads 2,000 files
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(handle, max(status.st_size + 1, 1 << 16)):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(handle)


def code_digest() -> str:
    """The digest of kg's own code and data and of the entries' layout, so that a changed kg never
    reuses an old result."""
    return hashlib.sha256(f"{_FORMAT}\0{package_digest()}".encode()).hexdigest()


class Cache:
    """Results by record, in `folder`/<seeds folder's digest>/; `folder` None is no cache at all."""

    def __init__(self, folder: Path | None, seeds: Path, salt: str) -> None:
        self.salt = salt
        self.folder = None
        self._lock = None
        self._folders: dict[str, str] = {}  # each records' folder looked up -> its real path
        if folder is not None:
            seeds_key = hashlib.sha256(str(seeds.resolve()).encode()).hexdigest()[:16]
            self.folder = folder / seeds_key

    def __getstate__(self) -> dict:
        # A worker given `store` holds no lock of its own: the build's holds while its workers run.
        return {**self.__dict__, "_lock": None}

    def share(self) -> None:
        """Hold the folder as one of the builds that use it (a shared lock), so that no other build
        prunes it while this one reads and writes its files; `prune` lets it go, or the end of the
        process. A folder that cannot be locked is used all the same, and never pruned."""
        if self.folder is None or fcntl is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.folder / _LOCK, "ab")
            fcntl.flock(self._lock, fcntl.LOCK_SH)  # waits while another build prunes
        except OSError:
            self._release()

    def _real(self, folder: str) -> str:
        """A records' folder with its links resolved, once per build rather than once per record."""
        if folder not in self._folders:
            self._folders[folder] = os.path.realpath(folder)
        return self._folders[folder]

    def _entry(self, record: Path) -> Path:
        return self.folder / (hashlib.sha256(record.name.encode()).hexdigest()[:32])

    def _parts(self, entry: Path | str, digest: str, suffixes: tuple[str, ...]) -> tuple[str, ...]:
        """The files of a graph's N-Quads and fragments, named by the digest of its N-Quads and the salt."""
        key = hashlib.sha256(f"{self.salt}\0{digest}".encode()).hexdigest()[:24]
        return tuple(f"{entry}-{key}{suffix}" for suffix in suffixes)

    def lookup(self, record: Path) -> ArticleResult | None:
        """The cached result of `record`, if every input it read is unchanged and so are its graphs'
        files, which are not read here. (Plain strings and `os` calls: a rebuild of thousands of
        articles looks each up, and pathlib's objects cost more than the reads.)"""
        if self.folder is None:
            return None
        entry = self._entry(record)
        try:
            with open(f"{entry}.json", "rb") as file:
                written = os.fstat(file.fileno()).st_mtime_ns
                data = json.loads(file.read())
            if data.get("salt") != self.salt or data.get("record") != str(record):
                return None
            result, sizes = data["result"], data["sizes"]
            for path, digest in result["inputs"].items():
                if self._input_digest(path, record) != digest:
                    return None
            graph = self._held(entry, result["graph"], _GRAPH_FILES, sizes, written)
            text = self._held(entry, result["text"], _TEXT_FILES, sizes, written) if result["text"] else ()
            if graph is None or text is None:
                return None
            return ArticleResult.from_json(result, graph, text)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _input_digest(self, path: str, record: Path) -> str | None:
        """The digest of a file an entry says its article read, or None if it is not one an article
        reads: an article reads files in its record's folder only, and an entry that names another
        file (/dev/zero, say) is not kg's, and the file is not read.

        A regular file right in the folder is read as it is named, without following a link: no
        call more, where resolving the path's links is a call per folder on the way (1,000
        articles: 0.1 s). A link, or a file in a folder below, is resolved."""
        folder = str(record.parent)
        if os.path.dirname(path) == folder:
            digest = file_digest(path, follow_links=False)
            if digest is not None:
                return digest
        inside = os.path.join(self._real(folder), "")  # with its separator, "/" alone for the root
        return file_digest(path) if os.path.realpath(path).startswith(inside) else None

    def changed(self, record: Path) -> bool:
        """Whether `record` has no entry, or it or its text (by default NAME.txt) was written after its
        entry: a guess from the files' times, which orders the work only (`lookup` decides)."""
        if self.folder is None:
            return True
        try:
            kept = self._entry(record).with_suffix(".json").stat().st_mtime_ns
        except OSError:
            return True
        for path in (record, record.with_suffix(".txt")):
            try:
                if path.stat().st_mtime_ns > kept:
                    return True
            except OSError:
                pass
        return False

    def _held(self, entry: Path, graph: dict, suffixes: tuple[str, ...], sizes: dict,
              written: int) -> tuple[Path, ...] | None:
        """The files of a graph the entry describes, or None if one is not as the entry left it: a
        regular file of the size it lists, last changed no later than the entry; OSError if one is gone."""
        parts = self._parts(entry, graph["digest"], suffixes)
        if all(unchanged_since(part, sizes[os.path.basename(part)], written) for part in parts):
            return tuple(map(Path, parts))
        return None

    def store(self, record: Path, result: ArticleResult) -> ArticleResult:
        """Keep `result`; the same result, its graphs' parts now the cache's files. A cache that
        cannot be written only costs time, so the result is given back as it was then."""
        if self.folder is None:
            return result
        entry = self._entry(record)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            kept, sizes = {}, {}
            for key, suffixes, graph in (("graph", _GRAPH_FILES, result.graph), ("text", _TEXT_FILES, result.text)):
                if graph is not None:
                    graph = with_fragments(graph)
                    parts = tuple(map(Path, self._parts(entry, graph.sha256(), suffixes)))
                    for path, part in zip(parts, GRAPH_PARTS):
                        # Written even where a file of that name is (it would have the same bytes,
                        # unless it was changed): the entry, written after, vouches for what is there.
                        content = getattr(graph, part)
                        _write_whole(path, content)
                        sizes[path.name] = len(content)
                    kept[key] = dataclasses.replace(graph, **dict(zip(GRAPH_PARTS, parts)))
            data = {"salt": self.salt, "record": str(record), "result": result.to_json(), "sizes": sizes}
            _write_whole(entry.with_suffix(".json"), json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            return result
        return dataclasses.replace(result, **kept)

    def plan(self, compile_plan: Callable[[], Plan]) -> Plan:
        """The shapes' compiled plan, kept beside the results: compiling it reads every SPARQL
        constraint with rdflib's parser, which costs more than building a small article."""
        if self.folder is None:
            return compile_plan()
        path = self.folder / f"plan-{self.salt[:32]}.json"
        plan = self._read(path, plan_from_data)
        if plan is None:
            plan = compile_plan()
            self._keep(path, plan_data(plan))
        return plan

    def kept_findings(self, graph: GraphText) -> list[Finding] | None:
        """The findings kept for `graph` (the dataset's description) by its digest, or None: an
        unchanged description is not checked again (which would import kg's SHACL engine in a
        build that takes every article from the cache)."""
        if self.folder is None:
            return None
        return self._read(self._findings_file(graph), lambda data: [Finding(**finding) for finding in data])

    def keep_findings(self, graph: GraphText, findings: list[Finding]) -> None:
        """Keep the findings of `graph` for the next build."""
        if self.folder is not None:
            self._keep(self._findings_file(graph), [dataclasses.asdict(finding) for finding in findings])

    def keep_graph(self, graph: GraphText) -> None:
        """Keep the N-Quads of `graph` (the dataset's description) for the next build, by their digest."""
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                _write_whole(self._graph_file(graph.sha256()), part_bytes(graph.nquads))
            except OSError:
                pass

    def kept_graph(self, digest: str) -> bytes | None:
        """The N-Quads kept with the digest `digest`, if they still have it; else None."""
        if self.folder is None:
            return None
        try:
            nquads = self._graph_file(digest).read_bytes()
        except (OSError, ValueError):  # ValueError: a digest that names no file
            return None
        return nquads if hashlib.sha256(nquads).hexdigest() == digest else None

    def _graph_file(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256: {digest!r}")
        return self.folder / f"graph-{digest}.nq"

    def _read(self, path: Path, from_data: Callable):
        """What `path` keeps, read back as data; None if it holds nothing usable."""
        try:
            return from_data(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _keep(self, path: Path, data) -> None:
        """Keep `data` (JSON) in `path` for the next build; a cache that cannot be written only costs time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_whole(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    def _findings_file(self, graph: GraphText) -> Path:
        key = hashlib.sha256(f"{self.salt}\0{graph.sha256()}".encode()).hexdigest()[:32]
        return self.folder / f"findings-{key}.json"

    def prune(self, results: list[ArticleResult], *graphs: GraphText) -> None:
        """Remove every entry and file that none of `results` (this build's) uses, nor the findings
        and N-Quads kept of `graphs` (its description); only when no other build holds the folder
        (see `share`), whose files would be removed under it: the last of builds run at once prunes."""
        if self.folder is None or not self.folder.is_dir():
            return
        try:
            if not self._alone():
                return
            kept = {_LOCK, f"plan-{self.salt[:32]}.json", *(self._findings_file(graph).name for graph in graphs),
                    *(self._graph_file(graph.sha256()).name for graph in graphs)}
            for result in results:
                kept.add(self._entry(Path(result.record_path)).with_suffix(".json").name)
                for graph in (result.graph, result.text):
                    if graph is not None:
                        parts = (getattr(graph, part) for part in GRAPH_PARTS)
                        kept.update(part.name for part in parts if isinstance(part, Path))
            for path in self.folder.iterdir():
                if path.name not in kept:
                    if path.is_dir():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
        finally:
            self._release()

    def _alone(self) -> bool:
        """Whether this build may prune: it holds the folder alone (or no lock can be had here)."""
        if fcntl is None:
            return True
        if self._lock is None:
            return False
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: another build holds it
            return False
        return True

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # which lets the lock go
            self._lock = None


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` at `path` whole: into a new file beside it, then renamed over it.

    The new file's name is this process's and a count's: made with O_EXCL, it is never a file (or
    a link) that was there, and a name that is, left by a killed build, is passed over. Plain `os`
    calls, not mkstemp's random names and file object: a worker keeps five files per article."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = f"{path.parent}{os.sep}.{path.name}-{os.getpid()}-{next(_COUNT)}"
        try:
            handle = os.open(temporary, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no new file name is free", str(path.parent))
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


_COUNT = itertools.count()
