"""Write stage: the dataset as Turtle, TriG, N-Quads, JSON-LD and a query-ready store, moved into place all at once.

Input is each named graph as canonical N-Quads text (`GraphText`: sorted, unique lines) with its
fragments of the files, its Turtle statements and its JSON-LD nodes, which the article's work
makes once, in parallel, and the cache keeps. So every file is the graphs' pieces put one after
another, in the order given (articles in name order, then the metadata), and no file needs the
corpus in one graph: kg.nq is each graph's sorted lines in turn (sorted within a graph, not
across graphs); kg.ttl each graph's statements in turn, so a triple that several graphs hold (a
shared actor's label) is written once per graph, which a Turtle reader takes as one triple;
kg.trig, graphs/NAME.ttl and kg.jsonld the same statements and nodes graph by graph. store/ is an
Oxigraph store written meanwhile, in a thread of its own: from the previous build's store, when
only a few graphs changed, else loaded whole (see kg.write.store).
Output is the same bytes for the same input (no blank nodes, sorted statements, no clock), except
store/, whose files RocksDB writes with ids and times of its own.

The output folder is replaced whole, so kg replaces only a folder it wrote: one holding the
marker file `.kg-dist` (or, built before the marker, one holding void.ttl that names kg's build
and nothing but kg's files), a new folder or an empty one; never the seeds' folder, the current
folder or the home folder, nor a folder above one of them.

Files go to a staging folder beside the output folder, `.dist-new-PID-XXXXXXXX` (PID: the
writer's process id), which replaces it only when every file is written. On Linux the two folders
trade places in one step (renameat2 with RENAME_EXCHANGE), so whenever a reader looks, or the
process dies, dist/ is the old complete folder or the new one. Where the system cannot trade, the
old folder is renamed to `.dist-old-PID-XXXXXXXX` and the new one into its place: a process killed
between those two renames leaves no dist/ but the old folder beside it, and `recover`, run before
every build, puts it back. `recover` also removes the staging and old folders of writers that no
longer run (killed with kill -9, say), recognised by that name and by holding nothing but kg's files;
a dead writer is preferred to a guess from a folder's age, which cannot tell a slow build from a
killed one. Guarding against process death, not power loss, nothing is fsync'ed.

A write that fails (a full disk, a read-only folder, a name too long, a file-size limit) is an
InputError naming the file and the reason; the output folder is left as it was.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import functools
import hashlib
import json
import os
import queue
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.threads import start_thread, wait_for
from kg.write.jsonld import jsonld, jsonld_context, jsonld_fragment
from kg.write.manifest import FILES, Listed, Written, link_previous, read_manifest, write_manifest
from kg.write.nquads import GraphText, Part, TripleSet, graph_text, graph_triples, part_bytes
from kg.write.store import GRAPHS, STORE, StoreLoader, open_store
from kg.write.turtle import PREFIX_LINES, trig_block, turtle

__all__ = ["write_dataset", "swap_folder", "write_outputs", "write_file", "recover", "jsonld_context", "graph_text", "GraphText",
           "with_fragments", "open_store", "OUTPUT_FILES", "STORE", "GRAPHS", "FILES", "MARKER"]

OUTPUT_FILES = ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld", "context.jsonld", "void.ttl", "ontology.ttl")

# The file that tells kg a folder is its own output, which the next build may replace.
MARKER = ".kg-dist"
_MARKER_SIGN = "Written by kg build"
_MARKER_TEXT = f"{_MARKER_SIGN}; the next kg build replaces this whole folder.\n"


def write_dataset(graphs: Sequence[GraphText], metadata: GraphText, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = (), store: bool = True, texts: Sequence[GraphText] = (),
                  describe_files: Callable[[Mapping[str, tuple[int, str]]], Iterable[tuple]] | None = None
                  ) -> list[Path]:
    """Write every output file into `out` from the graphs' texts, replacing it only when all were written.

    `graphs` are the article graphs in the order every file gives them (name order), `texts` the
    graphs of the articles' full texts, published (texts/NAME.ttl) after them, `metadata` the
    dataset's description (void.ttl, and the last graph of each file), `ontology` the Turtle file of
    kg's own terms, published as it is (ontology.ttl, with its authors' comments and order). A graph's fragments are made
    here unless it carries them (`with_fragments`). void.ttl is written last, with the triples
    `describe_files` gives of every other file as written (path in `out` -> size and sha256), such
    as their sizes and checksums, which no file holding the metadata graph can give of itself.
    Returns the files written, store/ and the lists of graphs and files aside (see `STORE`, `GRAPHS`, `FILES`). `out`
    must be new, empty or written by kg, and must not be (or be above) a folder in `keep`, such as
    the seeds.
    """
    out = out.resolve()
    _check_names(graphs)
    _check_names(texts)
    everything = [with_fragments(graph) for graph in [*graphs, *texts, metadata]]
    graphs, texts, metadata = everything[:len(graphs)], everything[len(graphs):-1], everything[-1]
    staging = loader = files = None
    try:
        _check_out(out, keep)
        recover(out)
        staging = _make_staging(out)
        if store:  # loads in a thread of its own while the files are written
            loader = StoreLoader(staging / STORE, everything, previous=out)
        files = _Files(staging, previous=out)
        header = PREFIX_LINES + b"\n"
        files.write(staging / "kg.ttl", [header, *(graph.turtle for graph in everything)])
        (staging / "graphs").mkdir()
        for graph in graphs:
            files.write(staging / "graphs" / f"{graph.name}.ttl", (header, graph.turtle), source=_source(graph))
        if texts:
            (staging / "texts").mkdir()
        for graph in texts:
            files.write(staging / "texts" / f"{graph.name}.ttl", (header, graph.turtle), source=_source(graph))
        files.write(staging / "kg.trig", [header, *(graph.trig for graph in everything)])
        files.write(staging / "kg.nq", [graph.nquads for graph in everything])
        files.write(staging / "kg.jsonld", jsonld(everything))
        files.write(staging / "context.jsonld", _json(jsonld_context()))
        files.write(staging / "ontology.ttl", [ontology])
        files.wait()
        void = _void_statements(metadata, describe_files(files.written(staging)) if describe_files else ())
        _write(staging / "void.ttl", (header, void))
        write_manifest(staging, files.entries)
        if loader is not None:
            loader.wait()
        swap_folder(staging, out)
    except OSError as error:
        raise _cannot_write(error, out, staging) from None
    finally:
        if files is not None:
            files.stop()
        if loader is not None:
            loader.stop()  # after a failure, before its folder goes (at once after wait)
        if staging is not None:
            _remove(staging)  # the unfinished build, or after the swap the previous one
    return _files(out)


def with_fragments(graph: GraphText) -> GraphText:
    """`graph` with its Turtle statements, TriG block and JSON-LD nodes, made from its lines (checked) unless it has them.

    >>> line = b'<https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://g> .\\n'
    >>> print(with_fragments(GraphText("https://g", "a", line)).turtle.decode(), end="")
    <https://kg.example.org/person/a> rdfs:label "A" .
    <BLANKLINE>
    """
    if graph.turtle is not None and graph.trig is not None and graph.jsonld is not None:
        return graph
    statements = b"".join(turtle(graph_triples(graph)))
    return dataclasses.replace(graph, turtle=statements, trig=trig_block(graph.iri, statements),
                               jsonld=jsonld_fragment(graph))


def write_outputs(graphs: list[Graph], metadata: Graph, union: Graph, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = ()) -> list[Path]:
    """`write_dataset` for rdflib graphs; `union` (them and the metadata merged) is not needed any more."""
    texts = [graph_text(graph, _graph_name(graph)) for graph in graphs]
    return write_dataset(texts, graph_text(metadata, "metadata"), ontology, out, keep=keep)


def _source(graph: GraphText) -> str:
    """What a graph's own file is made from, by which the next build tells it unchanged (kg.write.manifest)."""
    return graph.sha256()


def _void_statements(metadata: GraphText, triples: Iterable[tuple]) -> bytes:
    """The Turtle statements of the metadata graph with `triples` added to it (a few per file), as
    void.ttl gives them."""
    added = TripleSet(URIRef(metadata.iri))
    for triple in triples:
        added.add(triple)
    if not len(added):
        return part_bytes(metadata.turtle)
    lines = set(metadata.lines()) | set(graph_text(added, metadata.name).lines())
    return b"".join(turtle(graph_triples(GraphText(metadata.iri, metadata.name, b"".join(sorted(lines))))))


def _graph_name(graph: Graph) -> str:
    return str(graph.identifier).rstrip("/").rsplit("/", 1)[-1]


def _check_names(graphs: Sequence[GraphText]) -> None:
    seen: set[str] = set()
    for graph in graphs:
        if not graph.name or graph.name.startswith(".") or any(c in graph.name for c in "/\\\0"):
            raise ValueError(f"{graph.name!r} cannot name a file in graphs/")
        if graph.name in seen:
            raise ValueError(f"two graphs are named {graph.name!r}; each needs a file of its own in graphs/")
        seen.add(graph.name)


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _files(out: Path) -> list[Path]:
    """The files written, without the marker and the store's own files."""
    files = [path for path in out.iterdir() if path.is_file() and path.name not in (MARKER, GRAPHS, FILES)]
    for folder in ("graphs", "texts"):
        if (out / folder).is_dir():
            files += [path for path in (out / folder).iterdir() if path.is_file()]
    return sorted(files)


class _Files:
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
        """Write `content` at `path` (in staging), or link the previous folder's file made from `source`."""
        future: Future = Future()
        self._pending.append(future)
        self._paths.append(path)
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
                written = _write(path, content) if source is None else self._write_listed(path, content, source)
            except BaseException as error:
                future.set_exception(error)
            else:
                future.set_result(written)

    def _write_listed(self, path: Path, content: Iterable[Part], source: str) -> tuple[int, str]:
        name = path.relative_to(self._staging).as_posix()
        entry = None
        if self._previous is not None:
            entry = link_previous(self._previous, self._listed, name, source, path)
        if entry is None:
            entry = Written(source, *_write(path, content))
        self.entries[name] = entry
        return entry.size, entry.sha256


def _write(path: Path, content: str | bytes | Iterable[Part]) -> tuple[int, str]:
    """Write `content` (text, bytes, or pieces: bytes or files to copy) into a new file at `path`; its
    size and sha256.

    The digest is of the bytes as they go to the file, so the file is not read again; hashlib lets go
    of the GIL on large chunks, so two writers hash at once. A piece that is a file is copied a
    megabyte at a time, so that no file needs the corpus in memory.
    """
    if isinstance(content, str):
        content = content.encode("utf-8")
    pieces = [content] if isinstance(content, bytes) else content
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as file:  # a chunk larger than the buffer goes to the system as it is
            for chunk in _chunks(pieces):
                file.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        error.filename = error.filename or str(path)  # a failed write() names no file
        raise
    return size, digest.hexdigest()


def _chunks(pieces: Iterable[Part]) -> Iterator[bytes]:
    """The bytes of `pieces` in order, a file's a megabyte at a time."""
    for piece in pieces:
        if isinstance(piece, Path):
            with piece.open("rb") as source:
                while chunk := source.read(_COPY_CHUNK):
                    yield chunk
        else:
            yield piece


_COPY_CHUNK = 1 << 20


def write_file(path: Path, text: str) -> None:
    """Write one file whole or not at all: a temporary file beside it, then renamed over it."""
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=path.parent)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror or error}", path=path) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def recover(out: Path) -> None:
    """Undo what kg processes killed while writing `out` left: put the old folder back, remove the rest."""
    out = out.resolve()
    try:
        leftovers = _leftovers(out)
        missing = not out.exists()
    except OSError:
        return  # nothing of ours can be beside a folder that cannot be looked at
    previous = [p for p in leftovers if p.name.startswith(f".{out.name}-old-") and _is_kg_dist(p)]
    if missing and previous:
        newest = max(previous, key=lambda p: p.stat().st_mtime)
        try:
            os.rename(newest, out)
        except OSError as error:
            raise InputError(f"cannot put back the previous build from {newest.name}: {error.strerror}",
                             path=out, field="--out") from None
        leftovers.remove(newest)
    for folder in leftovers:
        _remove(folder)


def _check_out(out: Path, keep: Iterable[Path]) -> None:
    """Raise unless kg may replace `out`: new, empty or its own, and above none of `keep`, here or home."""
    guarded = [(Path(folder).resolve(), "the seeds folder") for folder in keep]
    guarded.append((Path.cwd().resolve(), "the current folder"))
    try:
        guarded.append((Path.home().resolve(), "the home folder"))
    except (RuntimeError, KeyError):
        pass  # no home folder to guard
    for folder, name in guarded:
        if out == folder or out in folder.parents:
            raise InputError(f"{'is' if out == folder else 'holds'} {name} ({folder}), which would be lost, since "
                             "kg build replaces --out whole; choose a new or empty folder, such as dist",
                             path=out, field="--out")
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError("is a file, not a folder; choose a new or empty folder", path=out, field="--out")
    if any(out.iterdir()) and not _is_kg_dist(out):
        raise InputError(f"is not a folder kg built (no {MARKER} marker), and kg build would replace it whole; "
                         "choose an empty or new folder", path=out, field="--out")


def _is_kg_dist(folder: Path) -> bool:
    """Whether kg wrote `folder`: its marker says so, or (built before the marker) void.ttl and nothing else does."""
    marker = folder / MARKER
    if marker.is_file():
        return marker.read_text(encoding="utf-8", errors="replace").startswith(_MARKER_SIGN)
    void = folder / "void.ttl"
    return (void.is_file() and '"kg build"' in void.read_text(encoding="utf-8", errors="replace")
            and _holds_only_outputs(folder))


# Where RocksDB makes a checkpoint (the previous store copied, to be updated) before renaming it to
# STORE: a build killed meanwhile leaves it in its staging folder.
_STORE_CHECKPOINT = f"{STORE}.tmp"


def _holds_only_outputs(folder: Path) -> bool:
    """Whether everything in `folder` has the name of one of kg's files (true of an empty folder)."""
    for entry in folder.iterdir():
        if entry.name in ("graphs", "texts") and entry.is_dir() and not entry.is_symlink():
            if not all(p.suffix == ".ttl" and p.is_file() for p in entry.iterdir()):
                return False
        elif entry.name in (STORE, _STORE_CHECKPOINT) and entry.is_dir() and not entry.is_symlink():
            if not all(p.is_file() and not p.is_symlink() for p in entry.iterdir()):
                return False
        elif entry.name == "site" and entry.is_dir() and not entry.is_symlink():
            if not (entry / ".kg-site").is_file():  # the site that kg build --site writes (kg.site.build.MARKER)
                return False
        elif entry.name not in (*OUTPUT_FILES, MARKER, GRAPHS, FILES) or not entry.is_file():
            return False
    return True


def _leftovers(out: Path) -> list[Path]:
    """The staging and old folders beside `out` whose writer no longer runs and that hold only kg's files."""
    named = re.compile(rf"\.{re.escape(out.name)}-(?:new|old)-(\d+)-\w+")
    found = []
    for entry in out.parent.iterdir():
        match = named.fullmatch(entry.name)
        if (match and entry.is_dir() and not entry.is_symlink() and not _runs(int(match[1]))
                and _holds_only_outputs(entry)):
            found.append(entry)
    return found


def _runs(pid: int) -> bool:
    if os.name == "nt":
        return True  # there os.kill(pid, 0) would stop the process, not ask after it; leave its folders be
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as someone else
    return True


def _make_staging(out: Path) -> Path:
    """An empty folder of ours beside `out`, named for this process so that a later build knows when it was left."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
    _write(staging / MARKER, _MARKER_TEXT)
    return staging


def _cannot_write(error: OSError, out: Path, staging: Path | None) -> InputError:
    """An OSError while writing, as one line naming the output file it was for and the reason."""
    path = Path(error.filename) if error.filename else out
    if staging is not None and staging in path.parents:
        path = out / path.relative_to(staging)
    elif path.parent == out.parent and path.name.startswith(f".{out.name}-"):
        path = out  # the staging or old folder, which are ours, not the user's
    return InputError(f"cannot write: {error.strerror or error}; the output folder is left as it was",
                      path=path, field="--out")


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def swap_folder(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is; after it, `staging` holds the previous folder, if any, to be removed.

    `staging` is named `.NAME-new-PID-XXXXXXXX` beside `out` (kg site writes its folder so too)."""
    staging.chmod(0o755)
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = out.with_name(f".{out.name}-old-{staging.name.rsplit('-new-', 1)[1]}")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    os.rename(old, staging)  # so that only a complete old folder is ever named -old-


_AT_FDCWD = -100  # <fcntl.h> on Linux: paths relative to the current folder
_RENAME_EXCHANGE = 2  # <linux/fs.h>


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None  # a C library older than glibc 2.28
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _exchange(staging: Path, out: Path) -> bool:
    """Trade the places of two folders in one step; False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(out), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(staging))
