"""The query-ready store: dist/store/, an Oxigraph (RocksDB) store folder holding the quads of kg.nq,
and their triples merged (each once) as its default graph, which the bundled queries ask.

`kg query` can open it with `pyoxigraph.Store.read_only(path)` in a fresh process, in a fraction of
a second, instead of parsing kg.nq again. It is written in the staging folder, and never opened for
writing after the swap; its files' bytes vary from build to build (RocksDB's own ids, times and
logs), its quads do not. Oxigraph keeps a number by its value: `"7"^^xsd:nonNegativeInteger` in
kg.nq is `7` (xsd:integer) in the store, as in any Oxigraph store loaded from kg.nq.

Beside it, dist/.kg-graphs.json names each graph it holds with the sha256 of the graph's N-Quads.
When the folder being replaced has both, and at most a quarter of the graphs changed, came or went,
the new store starts as a checkpoint of the old one (RocksDB hard-links its table files, which it
never changes) and only those graphs are brought to their new quads: the quads a graph gains go
into it and into the default graph; those it loses, or a graph gone, leave it, and leave the
default graph unless another named graph still holds their triple. What a graph held is known
from its previous N-Quads where the cache kept them (the dataset's description, which changes
with every article), else read back from the old store. Otherwise the store is loaded
whole: the named graphs from the graphs' N-Quads, the default graph from the same lines without
their graph's name (N-Triples), a batch at a time, without Oxigraph checking each IRI again
(`lenient`: a fifth of the N-Quads' load time, a tenth of the whole): kg checked them when it
wrote each graph's N-Quads (kg.write.nquads).

The store is written in a thread of its own while the files are written: pyoxigraph lets go of
the GIL while it loads, so on two cores the store costs little more time than the files. (Loaded
as the articles are built, when their work already takes both cores, it cost a third more work.)
Oxigraph's bulk loader works on several threads itself (1,000 articles: 31 s of processor time in
19 s), so the named graphs and the default graph loaded at once, in two threads, saved only 3 %.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph

from kg.layout import STORE, open_store
from kg.threads import join, start_thread
from kg.write.nquads import GraphText, part_bytes, part_size, quad_subject, split_quad

__all__ = ["STORE", "GRAPHS", "Kept", "Report", "StoreLoader", "write_store", "open_store"]

GRAPHS = ".kg-graphs.json"  # beside it: each graph the store holds, with the sha256 of its N-Quads
_LAYOUT = 1  # bumped when what the store holds changes, so that an older store is loaded again, not updated
# Bytes of lines per bulk load. The loader's memory grows faster than a batch (32 MiB of Turtle: 1 GiB),
# and small batches load faster too: 1,000 articles take 11 s with a peak of 80 MiB, whatever the corpus.
_QUADS_BATCH = 4 * 1024 * 1024
_CHANGED_AT_MOST = 0.25  # the share of graphs changed, gone or new beyond which the store is loaded whole
Kept = Callable[[str], "bytes | None"]  # a graph's N-Quads by their digest, where they were kept
# How far a whole load has got: called in the store's thread with the step under way ("graphs",
# "default graph", then "compacting") and the bytes of N-Quads loaded and to load, each graph's
# counted once for its named graph and once for the default graph.
Report = Callable[[str, int, int], None]


def write_store(folder: Path, graphs: Sequence[GraphText], previous: Path | None = None,
                kept: Kept | None = None) -> None:
    """Create the store in `folder` (which must not exist) and its list of graphs beside it, from the
    store of the folder `previous` if that can be updated."""
    loader = StoreLoader(folder, graphs, previous, kept)
    loader.wait()


class StoreLoader:
    """The store written in a thread of its own, started at once; call `wait`, or `stop` after a failure.

    `graphs` are the graphs to hold; `previous` is the output folder being replaced, whose store is
    updated when it can be; `kept` gives the N-Quads of a graph by their digest where they were
    kept (the previous description's, in the cache), from which a graph's quads in the previous
    store are known without reading them back from it; `report`, if given, hears how far a whole
    load has got (see `Report`; an update of the previous store, a fraction of a second, says nothing).
    """

    def __init__(self, folder: Path, graphs: Sequence[GraphText], previous: Path | None = None,
                 kept: Kept | None = None, report: Report | None = None) -> None:
        self.folder, self.previous, self.kept = folder, previous, kept
        self.report = report or (lambda step, done, total: None)
        self.updated = False  # whether the previous store was updated, rather than a new one loaded whole
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._thread = start_thread(self._write, graphs, name="kg-store")

    def wait(self) -> None:
        """Wait until the store is written and closed; raise what stopped it (an OSError names the folder)."""
        join(self._thread)
        error, self._error = self._error, None
        if isinstance(error, OSError) and not error.filename:  # RocksDB's errors are a message alone
            raise OSError(error.errno, error.strerror or str(error), str(self.folder)) from error
        if error is not None:
            raise error

    def stop(self) -> None:
        """Have the store stop after the load under way and close; wait for it. Its error, if any, is dropped."""
        self._stopped.set()
        join(self._thread)

    def _write(self, graphs: Sequence[GraphText]) -> None:
        try:
            digests = {graph.iri: graph.sha256() for graph in graphs}
            changes = _changes(self.previous, digests)
            if changes is not None:
                try:
                    self.updated = self._update(graphs, *changes)
                except Exception:  # a damaged or foreign store: load a new one whole
                    self.updated = False
                if not self.updated:
                    shutil.rmtree(self.folder, ignore_errors=True)
            if not self.updated and not self._load(graphs):
                return
            manifest = {"layout": _LAYOUT, "pyoxigraph": pyoxigraph.__version__, "graphs": digests}
            (self.folder.parent / GRAPHS).write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n",
                                                     encoding="utf-8")
        except BaseException as error:  # handed to the writing thread by wait()
            self._error = error

    def _load(self, graphs: Sequence[GraphText]) -> bool:
        """Load the store whole: the graphs' quads, then their triples as the default graph, a batch
        at a time (loading the two by turns took a sixth more work); False if stopped on the way."""
        store = pyoxigraph.Store(str(self.folder))
        sizes = [part_size(graph.nquads) for graph in graphs]
        total, done = 2 * sum(sizes), 0
        try:
            self.report("graphs", 0, total)
            for batch, size in _batches((part_bytes(graph.nquads), size) for graph, size in zip(graphs, sizes)):
                if self._stopped.is_set():
                    return False
                store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS, lenient=True)
                done += size
                self.report("graphs", done, total)
            for batch, size in _batches((_triples_of(graph.iri, part_bytes(graph.nquads)), size)
                                        for graph, size in zip(graphs, sizes)):
                if self._stopped.is_set():
                    return False
                store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.DefaultGraph(),
                                lenient=True)
                done += size
                self.report("default graph", done, total)
            self.report("compacting", done, total)
            store.optimize()
            store.flush()
            return True
        finally:
            del store  # the last reference: RocksDB closes here, before the folder moves

    def _update(self, graphs: Sequence[GraphText], redo: set[str], gone: set[str], held: dict[str, str]) -> bool:
        """The previous store, with the graphs in `redo` brought to their new quads and those `gone`
        removed (`held`: the digest of each graph's N-Quads in it); False if stopped on the way."""
        old = pyoxigraph.Store.read_only(str(self.previous / STORE))
        try:
            old.backup(str(self.folder))
        finally:
            del old
        store = pyoxigraph.Store(str(self.folder))
        default = pyoxigraph.DefaultGraph()
        try:
            # The triples that left a graph, which the default graph keeps while another holds them.
            left: list[pyoxigraph.Triple] = []
            # A graph gone is one brought to no quads.
            targets = [*((iri, b"") for iri in sorted(gone)),
                       *((graph.iri, graph.nquads) for graph in graphs if graph.iri in redo)]
            for iri, part in targets:
                if self._stopped.is_set():
                    return False
                name, nquads = pyoxigraph.NamedNode(iri), part_bytes(part)
                lost, added = self._difference(store, name, held.get(iri), nquads)
                for triple in lost:
                    store.remove(pyoxigraph.Quad(*triple, name))
                left += lost
                store.extend(pyoxigraph.Quad(*triple, name) for triple in added)
                store.extend(pyoxigraph.Quad(*triple, default) for triple in added)
                if not nquads:
                    store.remove_graph(name)  # as a store loaded whole holds no empty graph
            for triple in left:
                if not _named(store, triple):
                    store.remove(pyoxigraph.Quad(*triple, default))
            store.flush()
            return True
        finally:
            del store

    def _difference(self, store: pyoxigraph.Store, name: pyoxigraph.NamedNode, digest: str | None,
                    nquads: bytes) -> tuple[list[pyoxigraph.Triple], list[pyoxigraph.Triple]]:
        """The triples the graph `name` of the previous store (whose N-Quads have `digest`; None if
        the store lacks it) loses to hold `nquads`, and those it gains (some it may hold already:
        adding them again changes nothing).

        Where its previous N-Quads were kept, they are compared with `nquads`, not read back from
        the store, which is slow while few of its blocks are in memory (the description of 1,000
        articles: 0.6 s). Only the lines that differ are compared as a store holds them, with those
        of the same subject and predicate that stay: two lines may be one quad in a store ("7" as
        an xsd:integer and as an xsd:nonNegativeInteger), which must stay while either does (the
        description's 21,000 quads, of which a few change: 0.03 s, against 0.24 s to compare all)."""
        if digest is None:
            previous = b""
        else:
            previous = self.kept(digest) if self.kept is not None else None
        if previous is None:
            before, wanted = _stored_lines(store, name), _as_stored(nquads, name)
            return _triples(before - wanted), _triples(wanted - before)
        old, new = set(previous.splitlines(keepends=True)), set(nquads.splitlines(keepends=True))
        went, came = old - new, new - old
        pairs = {split_quad(line)[:2] for line in went}
        subjects = {subject for subject, _ in pairs}
        staying = [line for line in new if quad_subject(line) in subjects and split_quad(line)[:2] in pairs]
        lost = _as_stored(b"".join(went), name) - _as_stored(b"".join(staying), name)
        return _triples(lost), _triples(_as_stored(b"".join(came), name))


# A graph's quads are compared as the lines of its N-Triples, which a store gives in one call that
# lets go of the interpreter's lock: read quad by quad, the store's thread held the lock for 0.6 s of
# a rebuild of 1,000 articles (right after a full build, whose store's blocks were not yet read),
# while the threads that write the files waited for it; 0.08 s with one call.
def _stored_lines(store: pyoxigraph.Store, name: pyoxigraph.NamedNode) -> set[bytes]:
    """The N-Triples lines of the graph `name` of `store`."""
    return set(store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name).splitlines())


def _as_stored(nquads: bytes, name: pyoxigraph.NamedNode) -> set[bytes]:
    """The N-Triples lines of the graph `name` of `nquads` as a store gives them back (a number by its
    value, say), to compare with a store's."""
    memory = pyoxigraph.Store()
    memory.load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    return _stored_lines(memory, name)


def _triples(lines: set[bytes]) -> list[pyoxigraph.Triple]:
    """The triples of N-Triples lines (kg writes no blank node, so a line stands for itself)."""
    return [quad.triple for quad in pyoxigraph.parse(b"\n".join(sorted(lines)) + b"\n",
                                                     format=pyoxigraph.RdfFormat.N_TRIPLES)] if lines else []


def _named(store: pyoxigraph.Store, triple: pyoxigraph.Triple) -> bool:
    """Whether a named graph of `store` holds `triple`."""
    return any(not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)
               for quad in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def _changes(previous: Path | None, digests: dict[str, str]) -> tuple[set[str], set[str], dict[str, str]] | None:
    """The graphs to load again, those gone and the digests of those the store holds, if the store of
    `previous` can be updated to `digests`."""
    if previous is None or not (previous / STORE).is_dir():
        return None
    try:
        manifest = json.loads((previous / GRAPHS).read_text(encoding="utf-8"))
        if manifest["layout"] != _LAYOUT or manifest["pyoxigraph"] != pyoxigraph.__version__:
            return None
        held = dict(manifest["graphs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    redo = {iri for iri, digest in digests.items() if held.get(iri) != digest}
    gone = set(held) - set(digests)
    if len(redo | gone) > _CHANGED_AT_MOST * max(len(digests), len(held)):
        return None
    return redo, gone, held


def _triples_of(iri: str, nquads: bytes) -> bytes:
    """The quads of the graph `iri` as N-Triples lines, for the default graph: each line without the
    graph's name, which ends every line (GraphText), so one replace in C (1,000 articles: a quarter
    less work than loading them from their Turtle statements)."""
    end = f" <{iri}> .\n".encode()
    triples = nquads.replace(end, b" .\n")
    if len(nquads) - len(triples) != nquads.count(b"\n") * (len(end) - len(b" .\n")):  # a line of another graph
        quads = pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        return pyoxigraph.serialize((quad.triple for quad in quads), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return triples


def _batches(pieces: Iterable[tuple[bytes, int]]) -> Iterator[tuple[bytes, int]]:
    """Whole graphs' lines joined into batches of about _QUADS_BATCH bytes; each piece comes with a
    size of its graph's (for progress), and each batch with the sum of its pieces' sizes."""
    batch: list[bytes] = []
    held = counted = 0
    for piece, size in pieces:
        batch.append(piece)
        held += len(piece)
        counted += size
        if held >= _QUADS_BATCH:
            yield b"".join(batch), counted
            batch, held, counted = [], 0, 0
    if batch:
        yield b"".join(batch), counted
