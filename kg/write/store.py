"""The query-ready store: dist/store/, an Oxigraph (RocksDB) store folder holding the quads of kg.nq,
and their triples merged (each once) as its default graph, which the bundled queries ask.

`kg query` can open it with `pyoxigraph.Store.read_only(path)` in a fresh process, in a fraction of
a second, instead of parsing kg.nq again. It is written once, in the staging folder, and never
opened for writing after the swap; its files' bytes vary from build to build (RocksDB's own ids,
times and logs), its quads do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph

from kg.write.nquads import GraphText, merged_lines, union_triples

__all__ = ["STORE", "write_store", "open_store"]

STORE = "store"  # the store's folder in dist/
_BATCH = 32 * 1024 * 1024  # bytes of N-Quads per bulk load: bounds the loader's memory, whatever the corpus


def write_store(folder: Path, graphs: Sequence[GraphText]) -> None:
    """Create the store in `folder` (which must not exist) holding every quad of `graphs` and their
    merge as the default graph, and close it."""
    store = pyoxigraph.Store(str(folder))
    try:
        for batch in _batches(graphs):
            store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_QUADS)
        for batch in _sized(b" ".join(triple) + b" .\n" for triple in union_triples(merged_lines(graphs))):
            store.bulk_load(batch, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.DefaultGraph())
        store.optimize()
        store.flush()
    finally:
        del store  # the last reference: RocksDB closes here, before the folder moves


def open_store(folder: Path) -> pyoxigraph.Store:
    """The store in `folder`, read-only: any number of processes may read it while nothing writes it."""
    return pyoxigraph.Store.read_only(str(folder))


def _batches(graphs: Iterable[GraphText]) -> Iterator[bytes]:
    return _sized(graph.nquads for graph in graphs)


def _sized(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces joined into batches of about `_BATCH` bytes."""
    batch: list[bytes] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= _BATCH:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)
