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
default graph unless another named graph still holds their triple. Otherwise the store is loaded
whole: the named graphs from the graphs' N-Quads, the default graph from their Turtle statements,
a batch at a time.

The store is written in a thread of its own: pyoxigraph lets go of the GIL while it loads. A store
that is updated is written while the files are; one loaded whole is loaded as the articles are
built (`StoreLoader.add`, see kg.write.Staged), so that it costs no time of its own after the last one.
"""

from __future__ import annotations

import json
import queue
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph

from kg.write.nquads import GraphText, part_bytes
from kg.write.turtle import PREFIX_LINES

__all__ = ["STORE", "GRAPHS", "StoreLoader", "write_store", "open_store", "loads_whole"]

STORE = "store"  # the store's folder in dist/
GRAPHS = ".kg-graphs.json"  # beside it: each graph the store holds, with the sha256 of its N-Quads
_LAYOUT = 1  # bumped when what the store holds changes, so that an older store is loaded again, not updated
# Bytes per bulk load. The loader's memory grows faster than a batch (32 MiB of Turtle: 1 GiB), and
# small batches load faster too: 1,000 articles take 11 s with a peak of 80 MiB, whatever the corpus.
_QUADS_BATCH = 4 * 1024 * 1024
_TURTLE_BATCH = 2 * 1024 * 1024  # Turtle holds about three times the triples in a byte
_CHANGED_AT_MOST = 0.25  # the share of graphs changed, gone or new beyond which the store is loaded whole


def write_store(folder: Path, graphs: Sequence[GraphText], previous: Path | None = None) -> None:
    """Create the store in `folder` (which must not exist) and its list of graphs beside it, from the
    store of the folder `previous` if that can be updated; `graphs` must carry their fragments."""
    loader = StoreLoader(folder, graphs, previous)
    loader.wait()


def open_store(folder: Path) -> pyoxigraph.Store:
    """The store in `folder`, read-only: any number of processes may read it while nothing writes it."""
    return pyoxigraph.Store.read_only(str(folder))


def loads_whole(previous: Path, changed: int, total: int) -> bool:
    """Whether a build that redoes `changed` of `total` graphs loads its store whole rather than
    updating the one in `previous`: there is none there, or too many graphs changed."""
    return not (previous / STORE).is_dir() or changed > _CHANGED_AT_MOST * total


class StoreLoader:
    """The store written in a thread of its own, started at once; call `wait`, or `stop` after a failure.

    `graphs` must carry their Turtle statements (`kg.write.with_fragments`); `previous` is the output
    folder being replaced, whose store is updated when it can be. With `graphs` None, the store is
    loaded whole from the graphs given to `add` as they come (such as articles as they are built),
    until `close`.
    """

    def __init__(self, folder: Path, graphs: Sequence[GraphText] | None = None, previous: Path | None = None) -> None:
        self.folder, self.previous = folder, previous
        self.updated = False  # whether the previous store was updated, rather than a new one loaded whole
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._coming: queue.SimpleQueue = queue.SimpleQueue()
        self._streaming = graphs is None
        for graph in graphs or ():
            self._coming.put(graph)
        if graphs is not None:
            self._coming.put(None)
        self._thread = threading.Thread(target=self._write, name="kg-store", daemon=True)
        self._thread.start()

    def add(self, graph: GraphText) -> None:
        """One more graph to load (with `graphs` None only)."""
        self._coming.put(graph)

    def close(self) -> None:
        """No more graphs: the store is finished once those given are loaded."""
        if self._streaming:
            self._coming.put(None)
            self._streaming = False

    def wait(self) -> None:
        """Wait until the store is written and closed; raise what stopped it (an OSError names the folder)."""
        self.close()
        self._thread.join()
        error, self._error = self._error, None
        if isinstance(error, OSError) and not error.filename:  # RocksDB's errors are a message alone
            raise OSError(error.errno, error.strerror or str(error), str(self.folder)) from error
        if error is not None:
            raise error

    def stop(self) -> None:
        """Have the store stop after the load under way and close; wait for it. Its error, if any, is dropped."""
        self._stopped.set()
        self._coming.put(None)
        self._thread.join()

    def _graphs(self) -> Iterator[GraphText]:
        return iter(self._coming.get, None)

    def _write(self) -> None:
        try:
            if self._streaming:
                digests = self._load(self._graphs())
            else:
                graphs = list(self._graphs())
                digests = {graph.iri: graph.sha256() for graph in graphs}
                changes = _changes(self.previous, digests)
                if changes is not None:
                    try:
                        self.updated = self._update(graphs, *changes)
                    except Exception:  # a damaged or foreign store: load a new one whole
                        self.updated = False
                    if not self.updated:
                        shutil.rmtree(self.folder, ignore_errors=True)
                if not self.updated:
                    digests = self._load(iter(graphs))
            if digests is None:
                return
            manifest = {"layout": _LAYOUT, "pyoxigraph": pyoxigraph.__version__, "graphs": digests}
            (self.folder.parent / GRAPHS).write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n",
                                                     encoding="utf-8")
        except BaseException as error:  # handed to the writing thread by wait()
            self._error = error

    def _load(self, graphs: Iterator[GraphText]) -> dict[str, str] | None:
        """Load the store whole, the named graphs from their N-Quads and the default graph from their
        Turtle statements, a batch at a time; each graph's digest, or None if stopped on the way."""
        store = pyoxigraph.Store(str(self.folder))
        digests: dict[str, str] = {}
        default = pyoxigraph.DefaultGraph()
        quads, statements = _Batches(b"", _QUADS_BATCH), _Batches(PREFIX_LINES, _TURTLE_BATCH)
        try:
            for graph in graphs:
                if self._stopped.is_set():
                    return None
                digests[graph.iri] = graph.sha256()
                for batch in quads.add(part_bytes(graph.nquads)):
                    store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS)
                for batch in statements.add(part_bytes(graph.turtle)):
                    store.bulk_load(batch, format=pyoxigraph.RdfFormat.TURTLE, to_graph=default)
            if self._stopped.is_set():
                return None
            for batch in quads.rest():
                store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS)
            for batch in statements.rest():
                store.bulk_load(batch, format=pyoxigraph.RdfFormat.TURTLE, to_graph=default)
            store.optimize()
            store.flush()
            return digests
        finally:
            del store  # the last reference: RocksDB closes here, before the folder moves

    def _update(self, graphs: Sequence[GraphText], redo: set[str], gone: set[str]) -> bool:
        """The previous store, with the graphs in `redo` brought to their new quads and those `gone`
        removed; False if stopped on the way."""
        old = pyoxigraph.Store.read_only(str(self.previous / STORE))
        try:
            old.backup(str(self.folder))
        finally:
            del old
        store = pyoxigraph.Store(str(self.folder))
        default = pyoxigraph.DefaultGraph()
        try:
            left = []  # the triples that left a graph, which the default graph keeps while another holds them
            for iri in sorted(gone):
                name = pyoxigraph.NamedNode(iri)
                left += [quad.triple for quad in store.quads_for_pattern(None, None, None, name)]
                store.remove_graph(name)
            for graph in graphs:
                if graph.iri not in redo:
                    continue
                if self._stopped.is_set():
                    return False
                name = pyoxigraph.NamedNode(graph.iri)
                held = set(store.quads_for_pattern(None, None, None, name))
                wanted = _as_stored(part_bytes(graph.nquads))
                for quad in held - wanted:
                    store.remove(quad)
                    left.append(quad.triple)
                added = wanted - held
                store.extend(added)
                store.extend(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, default) for quad in added)
                if not wanted:
                    store.remove_graph(name)  # as a store loaded whole holds no empty graph
            for triple in left:
                if not _named(store, triple):
                    store.remove(pyoxigraph.Quad(*triple, default))
            store.flush()
            return True
        finally:
            del store


def _as_stored(nquads: bytes) -> set[pyoxigraph.Quad]:
    """The quads of `nquads` as a store gives them back (a number by its value, say), to compare with a store's."""
    memory = pyoxigraph.Store()
    memory.load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    return set(memory)


def _named(store: pyoxigraph.Store, triple: pyoxigraph.Triple) -> bool:
    """Whether a named graph of `store` holds `triple`."""
    return any(not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)
               for quad in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def _changes(previous: Path | None, digests: dict[str, str]) -> tuple[set[str], set[str]] | None:
    """The graphs to load again and those gone, if the store of `previous` can be updated to `digests`."""
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
    return redo, gone


class _Batches:
    """Pieces joined into batches of about `size` bytes, each after `head`."""

    def __init__(self, head: bytes, size: int) -> None:
        self.head, self.size = head, size
        self.pieces: list[bytes] = []
        self.held = 0

    def add(self, piece: bytes) -> Iterator[bytes]:
        """Take `piece`; yield a batch when there is one."""
        self.pieces.append(piece)
        self.held += len(piece)
        if self.held >= self.size:
            yield from self.rest()

    def rest(self) -> Iterator[bytes]:
        """The batch of the pieces held, if any."""
        if self.held:
            yield b"".join([self.head, *self.pieces])
        self.pieces, self.held = [], 0
