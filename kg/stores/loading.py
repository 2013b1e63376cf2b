"""`kg load`: replace each named graph of the built dataset in a store, then verify the store.

Each graph is replaced whole, by a Graph Store PUT or by DROP then INSERT DATA, so a load can be
repeated or rerun after a failure. kg also records in the store, in the graph
`<base>dataset/loaded`, which graphs it wrote there for the dataset built under that base, and
removes those that the dataset no longer has: the store ends with exactly the graphs of dist/,
and graphs that kg did not write are never touched. The record is written before any graph
(listing what was there and what is coming), so a load that fails halfway leaves no graph of
its own unrecorded, and rewritten after, listing only what was loaded.

Beside the dataset's graphs, kg writes their triples merged, each once, into the graph
`<base>dataset/merged`, which `kg query --endpoint` asks as its default graph (see
`kg.stores.dataset.merged_graph`). It goes just before the metadata graph, so that a store whose
metadata lists a graph holds its triples in the merge too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.stores.dataset import DatasetGraph, dataset_base, dataset_file, merged_graph, read_dataset
from kg.stores.endpoints import public_url
from kg.stores.http import StoreAnswerError
from kg.stores.options import BATCH_SIZES, DEFAULT_BATCH_SIZE, METHODS, VERIFY_LEVELS
from kg.stores.store import Store
from kg.stores.verify import XSD, verify_counts, verify_graphs

__all__ = ["LoadProgress", "LoadResult", "load", "load_dist", "record_graph_iri", "recorded_graphs", "MAX_BATCH_BYTES",
           "MAX_PUT_BYTES"]

# An INSERT DATA larger than this is split even below the batch size: long literals add up.
MAX_BATCH_BYTES = 4_000_000
# A store that finds a request too large answers one of these; kg then halves the batch.
_TOO_LARGE = frozenset({400, 413})
# Virtuoso 7.2 cannot compile these literals in INSERT DATA ("P2D"^^xsd:duration fails with
# "SQ200: No column P2DD", xsd:time with "DT011"), but takes them built by STRDT in a WHERE.
_BOUND_TYPES = tuple(f"^^<{XSD}{name}> ." for name in ("duration", "dayTimeDuration", "time"))
_VOID_SUBSET = "http://rdfs.org/ns/void#subset"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RECORD_PATH = "dataset/loaded"
# Graphs dropped in one SPARQL update.
_DROP_CHUNK = 50
# A graph larger than this (the merged graph) is sent by GSP in parts: a PUT, then POSTs.
MAX_PUT_BYTES = 16_000_000


@dataclass(frozen=True)
class LoadProgress:
    """How far a load has got."""

    graphs_done: int
    graphs_total: int
    triples_done: int
    triples_total: int
    seconds: float

    @property
    def rate(self) -> float:
        """Triples sent per second so far."""
        return self.triples_done / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """One line for people: graphs, triples, rate."""
        return (f"loaded {self.graphs_done}/{self.graphs_total} graphs, "
                f"{self.triples_done:,}/{self.triples_total:,} triples, {self.rate:,.0f} triples/s")


@dataclass
class LoadResult:
    """What a load sent and what the store was found to hold."""

    store: str
    method: str
    graphs: int
    triples: int
    seconds: float
    verified: str
    counts: dict[str, int] = field(default_factory=dict)
    # Graphs an earlier load wrote that the dataset no longer has, removed from the store.
    removed: list[str] = field(default_factory=list)
    # The graph holding the dataset merged, and its triples (counted in `graphs` and `triples` too).
    merged: str | None = None
    merged_triples: int = 0

    @property
    def rate(self) -> float:
        """Triples per second, from the first request to the last (verification excluded)."""
        return self.triples / self.seconds if self.seconds > 0 else 0.0


def load_dist(
    store: Store,
    dist: Path = Path("dist"),
    *,
    seeds: Path = Path("seeds"),
    base: str | None = None,
    say: Callable[[str], None] | None = None,
    **options,
) -> LoadResult:
    """Load dist/kg.nq into `store` (building `seeds` into `dist` first, under `base`, if it is missing)."""

    def build_first() -> None:
        from kg.build import build
        from kg.iris import DEFAULT_BASE

        if say:
            say(f"{dist}/ is missing: building it from {seeds}/")
        build(seeds, dist, base or DEFAULT_BASE, progress=say)

    return load(store, read_dataset(dataset_file(dist, build_first)), **options)


def load(
    store: Store,
    graphs: list[DatasetGraph],
    *,
    method: str = "gsp",
    verify: str = "count",
    batch_size: int | None = None,
    progress: Callable[[LoadProgress], None] | None = None,
    progress_every: float = 1.0,
) -> LoadResult:
    """Replace each graph of `graphs` in `store`, in order, then verify (`count`, `full` or `none`).

    Graphs that an earlier load of the same dataset (the same base, told by its metadata graph)
    wrote and that `graphs` no longer holds are removed; without a metadata graph, none are.
    `batch_size` is the number of triples per INSERT DATA (method `update`); by default it suits
    the store, and a batch the store refuses is halved until it passes, down to one triple.
    """
    if batch_size is None:
        batch_size = BATCH_SIZES.get(store.endpoints.store_type or "", DEFAULT_BATCH_SIZE)
    if method not in METHODS:
        raise InputError(f"unknown load method {method!r}; use one of {', '.join(METHODS)}", field="--method")
    if verify not in VERIFY_LEVELS:
        raise InputError(f"unknown verification {verify!r}; use one of {', '.join(VERIFY_LEVELS)}", field="--verify")
    if batch_size < 1:
        raise InputError("the batch size must be at least 1", field="--batch-size")
    record = record_graph_iri(graphs)
    merged = merged_graph(graphs)
    if merged is not None:
        graphs = [graph for graph in graphs if graph.iri != merged.iri]
        graphs.insert(len(graphs) - 1 if dataset_base(graphs[-1].iri) else len(graphs), merged)
    sending = [graph.iri for graph in graphs]
    earlier = recorded_graphs(store, record) if record else []
    if record and not set(sending) <= set(earlier):
        _write_record(store, record, earlier + sending, method, batch_size)
    total = sum(len(graph) for graph in graphs)
    tracker = _Tracker(len(graphs), total, progress, progress_every)
    for graph in graphs:
        if method == "gsp":
            _put_in_parts(store, graph, tracker)
        else:
            batch_size = _replace_by_update(store, graph, batch_size, tracker)
        tracker.graph_done()
    seconds = tracker.finish()
    stale = [iri for iri in earlier if iri not in set(sending)]
    _remove(store, stale, method)
    if record and set(earlier) != set(sending):
        _write_record(store, record, sending, method, batch_size)
    written = store.endpoints.graph_store if method == "gsp" else store.endpoints.update
    result = LoadResult(public_url(written or store.endpoints.query), method, len(graphs), total, seconds, verify,
                        removed=stale, merged=merged.iri if merged else None,
                        merged_triples=len(merged) if merged else 0)
    if verify != "none":
        result.counts = verify_counts(store, graphs, removed=stale)
    if verify == "full":
        verify_graphs(store, graphs)
    return result


def record_graph_iri(graphs: list[DatasetGraph]) -> str | None:
    """The graph where kg records which graphs it wrote into a store for this dataset, or None.

    It is `<base>dataset/loaded`, the base told by the dataset's metadata graph: one record per
    dataset, so that datasets built under different bases share a store without touching each
    other's graphs.
    """
    for graph in graphs:
        base = dataset_base(graph.iri)
        if base is not None:
            return base + _RECORD_PATH
    return None


def recorded_graphs(store: Store, record: str) -> list[str]:
    """The graphs that earlier loads recorded in `record` as written by kg, all of them, sorted."""
    term = ox.NamedNode(record)
    return store.list_iris(f"GRAPH {term} {{ {term} <{_VOID_SUBSET}> ?graph }}", "graph",
                           action="reading which graphs earlier loads wrote")


def _write_record(store: Store, record: str, iris: list[str], method: str, batch_size: int) -> None:
    term = ox.NamedNode(record)
    label = ox.Literal("The graphs kg load wrote into this store for the dataset, which the next load may remove")
    lines = [f"{term} <{_RDFS_LABEL}> {label} ."]
    lines += [f"{term} <{_VOID_SUBSET}> {ox.NamedNode(iri)} ." for iri in sorted(set(iris))]
    graph = DatasetGraph(record, lines)
    if method == "gsp":
        store.put_graph(record, graph.ntriples())
    else:
        _replace_by_update(store, graph, batch_size, _Tracker(1, len(graph), None, 1.0))


def _put_in_parts(store: Store, graph: DatasetGraph, tracker: _Tracker) -> None:
    """Replace the graph by a GSP PUT; one of over MAX_PUT_BYTES by a PUT of its first part, then a POST of each other.

    Not one request of hundreds of megabytes: the merged graph of a large archive would need that
    much memory on both sides, and a store may refuse it.
    """
    start, first = 0, True
    while first or start < len(graph.lines):
        part = _chunk(graph.lines, start, len(graph.lines), MAX_PUT_BYTES)
        body = DatasetGraph(graph.iri, part).ntriples()
        if first:
            store.put_graph(graph.iri, body)
        else:
            store.post_graph(graph.iri, body)
        tracker.sent(len(part))
        start, first = start + len(part), False


def _remove(store: Store, iris: list[str], method: str) -> None:
    """Remove these graphs from the store (a graph already gone is no error)."""
    if method == "gsp":
        for iri in iris:
            store.delete_graph(iri)
        return
    for start in range(0, len(iris), _DROP_CHUNK):
        drops = [f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in iris[start:start + _DROP_CHUNK]]
        store.update(" ;\n".join(drops), action="removing graphs an earlier load wrote")


def _replace_by_update(store: Store, graph: DatasetGraph, batch_size: int, tracker: _Tracker) -> int:
    """DROP the graph then INSERT DATA in batches; returns the batch size that worked.

    The drop travels with the first batch, so a graph that fits one batch is replaced in one
    request, which stores run as one transaction.
    """
    term, lines = graph.term, graph.lines
    action = f"replacing graph <{graph.iri}>"
    start, first = 0, True
    while first or start < len(lines):
        chunk = _chunk(lines, start, batch_size)
        text = " ;\n".join(([f"DROP SILENT GRAPH {term}"] if first else []) + _inserts(term, chunk))
        try:
            store.update(text, action=action)
        except StoreAnswerError as error:
            if error.status not in _TOO_LARGE or len(chunk) <= 1:
                raise
            batch_size = max(1, len(chunk) // 2)
            continue
        start += len(chunk)
        first = False
        tracker.sent(len(chunk))
    return batch_size


def _inserts(term: str, lines: list[str]) -> list[str]:
    """INSERT DATA for the lines, and an INSERT ... WHERE for the literals Virtuoso needs built."""
    plain = [line for line in lines if not line.endswith(_BOUND_TYPES)]
    operations = ["INSERT DATA { GRAPH " + term + " {\n" + "\n".join(plain) + "\n} }"] if plain else []
    bound = [line for line in lines if line.endswith(_BOUND_TYPES)]
    if bound:
        patterns, binds = [], []
        for number, line in enumerate(bound):
            triple = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
            value = triple.object
            patterns.append(f"{triple.subject} {triple.predicate} ?v{number} .")
            binds.append(f"BIND(STRDT({ox.Literal(value.value)}, {value.datatype}) AS ?v{number})")
        operations.append(
            "INSERT { GRAPH " + term + " {\n" + "\n".join(patterns) + "\n} } WHERE {\n" + "\n".join(binds) + "\n}"
        )
    return operations


def _chunk(lines: list[str], start: int, batch_size: int, max_bytes: int = MAX_BATCH_BYTES) -> list[str]:
    """Up to `batch_size` lines from `start`, fewer if they would pass `max_bytes` (UTF-8, a newline each)."""
    end, size = start, 0
    while end < len(lines) and end - start < batch_size:
        size += len(lines[end].encode("utf-8")) + 1
        if size > max_bytes and end > start:
            break
        end += 1
    return lines[start:end]


class _Tracker:
    """Counts what was sent and reports it at most every `every` seconds, and at the end."""

    def __init__(self, graphs: int, triples: int, report: Callable[[LoadProgress], None] | None, every: float):
        self.graphs_total, self.triples_total = graphs, triples
        self.graphs_done = self.triples_done = 0
        self.report, self.every = report, every
        self.start = time.perf_counter()
        self.last_report = self.start

    def sent(self, triples: int) -> None:
        self.triples_done += triples
        self._maybe_report()

    def graph_done(self) -> None:
        self.graphs_done += 1
        self._maybe_report()

    def finish(self) -> float:
        seconds = time.perf_counter() - self.start
        if self.report:
            self.report(self._progress(seconds))
        return seconds

    def _maybe_report(self) -> None:
        now = time.perf_counter()
        if self.report and now - self.last_report >= self.every:
            self.last_report = now
            self.report(self._progress(now - self.start))

    def _progress(self, seconds: float) -> LoadProgress:
        return LoadProgress(self.graphs_done, self.graphs_total, self.triples_done, self.triples_total, seconds)
