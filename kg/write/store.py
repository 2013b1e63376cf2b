"""The query-ready store: dist/store/, an Oxigraph (RocksDB) store folder holding the quads of kg.nq,
and their triples merged (each once, as in kg.ttl) as its default graph, which the bundled queries ask.

`kg query` can open it with `pyoxigraph.Store.read_only(path)` in a fresh process, in a fraction of
a second, instead of parsing kg.nq again. It is written once, in the staging folder, and never
opened for writing after the swap; its files' bytes vary from build to build (RocksDB's own ids,
times and logs), its quads do not. Oxigraph keeps a number by its value: `"7"^^xsd:nonNegativeInteger`
in kg.nq is `7` (xsd:integer) in the store, as in any Oxigraph store loaded from kg.nq.

The store loads in a thread of its own while the files are written: pyoxigraph lets go of the GIL
while it loads, so on two cores the store costs little more time than the files. The named graphs
come from the graphs' texts, a batch at a time; the default graph from kg.ttl once it is written,
parsed by pyoxigraph a slice of subjects at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph

from kg.write.nquads import GraphText

__all__ = ["STORE", "StoreLoader", "write_store", "open_store"]

STORE = "store"  # the store's folder in dist/
# Bytes per bulk load. The loader's memory grows faster than a batch (32 MiB of Turtle: 1 GiB), and
# small batches load faster too: 1,000 articles take 11 s with a peak of 80 MiB, whatever the corpus.
_QUADS_BATCH = 4 * 1024 * 1024
_TURTLE_BATCH = 2 * 1024 * 1024  # Turtle holds about three times the triples in a byte


def write_store(folder: Path, graphs: Sequence[GraphText], union: Path) -> None:
    """Create the store in `folder` (which must not exist): the quads of `graphs`, and as its default
    graph the triples of the Turtle file `union` (kg.ttl); close it."""
    loader = StoreLoader(folder, graphs, union)
    loader.union_written()
    loader.wait()


def open_store(folder: Path) -> pyoxigraph.Store:
    """The store in `folder`, read-only: any number of processes may read it while nothing writes it."""
    return pyoxigraph.Store.read_only(str(folder))


class StoreLoader:
    """The store written in a thread of its own, started at once.

    Call `union_written` when the Turtle file of the merged triples is whole, then `wait`; or `stop`
    after a failure.
    """

    def __init__(self, folder: Path, graphs: Sequence[GraphText], union: Path) -> None:
        self.folder, self.union = folder, union
        self._union_ready = threading.Event()
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, args=(graphs,), name="kg-store", daemon=True)
        self._thread.start()

    def union_written(self) -> None:
        """The union file is complete: the store may read it once the graphs are in."""
        self._union_ready.set()

    def wait(self) -> None:
        """Wait until the store is written and closed; raise what stopped it (an OSError names the folder)."""
        self._thread.join()
        error, self._error = self._error, None
        if isinstance(error, OSError) and not error.filename:  # RocksDB's errors are a message alone
            raise OSError(error.errno, error.strerror or str(error), str(self.folder)) from error
        if error is not None:
            raise error

    def stop(self) -> None:
        """Have the store stop after the load under way and close; wait for it. Its error, if any, is dropped."""
        self._stopped.set()
        self._union_ready.set()
        self._thread.join()

    def _load(self, graphs: Sequence[GraphText]) -> None:
        try:
            store = pyoxigraph.Store(str(self.folder))
            try:
                for batch in _batches(graphs):
                    if self._stopped.is_set():
                        return
                    store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS)
                self._union_ready.wait()
                if self._stopped.is_set():
                    return
                for batch in _turtle_batches(self.union):
                    store.bulk_load(batch, format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.DefaultGraph())
                store.optimize()
                store.flush()
            finally:
                del store  # the last reference: RocksDB closes here, before the folder moves
        except BaseException as error:  # handed to the writing thread by wait()
            self._error = error


def _turtle_batches(path: Path) -> Iterator[bytes]:
    """kg's Turtle file in pieces of about `_TURTLE_BATCH` bytes, each the prefixes and whole subjects.

    kg writes a literal's line breaks escaped, so a blank line only ever ends a subject's statements.
    """
    with path.open("rb") as file:
        pending = file.read(_TURTLE_BATCH)
        while b"\n\n" not in pending and (more := file.read(_TURTLE_BATCH)):
            pending += more
        prefixes = pending[:pending.find(b"\n\n") + 2]
        while True:
            more = file.read(_TURTLE_BATCH)
            if not more:
                yield pending
                return
            pending += more
            end = pending.rfind(b" .\n\n", len(prefixes))
            if end < 0:
                continue  # one subject longer than a piece: read on
            yield pending[:end + 4]
            pending = prefixes + pending[end + 4:]


def _batches(graphs: Iterable[GraphText]) -> Iterator[bytes]:
    batch: list[bytes] = []
    size = 0
    for graph in graphs:
        batch.append(graph.nquads)
        size += len(graph.nquads)
        if size >= _QUADS_BATCH:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)
