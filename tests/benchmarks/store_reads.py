"""What reading an answer back from the embedded store costs: per value, and for each bundled listing.

Run from the repository:
    python tests/benchmarks/store_reads.py --dist /tmp/qc/dist [--runs 5] [--only NAME ...]

dist/store/ is opened read-only, as `kg query` opens it. First, a few of the statements a kg dataset
holds most of are each read by one pattern, three ways: its COUNT, which reads no value back; its
rows, every value made a Python object, as pyoxigraph gives them to `kg query`; and its rows written
by Oxigraph itself as TSV, which makes no Python object. What the rows cost beyond the count, per
value, is what reading one value from the store costs; the TSV shows how little of it is Python's.

Then each bundled query that needs no parameter is answered both ways: its values (the bound cells
of its answer), its time, and what reading those values alone costs at the median rate of the
patterns, a floor that no plan of the query lowers. Figures are medians of `--runs` runs after one
run to warm up, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from kg.layout import STORE, graph_by_graph, open_store
from kg.query import QueryFile, list_queries

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus_queries import median_seconds  # noqa: E402

# Statements of which a kg dataset holds many: a label and a type for nearly every resource, and the
# three that tie an actor to an event through a role.
PATTERNS = {
    "rdf:type": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "rdfs:label": "http://www.w3.org/2000/01/rdf-schema#label",
    "sem:hasActor": "http://semanticweb.cs.vu.nl/2009/11/sem/hasActor",
    "rdf:value": "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
    "sem:roleType": "http://semanticweb.cs.vu.nl/2009/11/sem/roleType",
}


@dataclass(frozen=True)
class Read:
    """One SELECT read back from the store: its rows and values (bound cells), and the median
    seconds of reading it as Python objects and as Oxigraph's own TSV."""

    rows: int
    values: int
    python: float
    tsv: float


def values_of(store: pyoxigraph.Store, text: str) -> tuple[int, int]:
    """The rows of the query's answer and its values: each value made a Python object, as pyoxigraph
    gives them to kg query (kg.query.local)."""
    rows = values = 0
    for solution in store.query(text, **graph_by_graph(store, text)):
        rows += 1
        values += sum(value is not None for value in solution)
    return rows, values


def as_tsv(store: pyoxigraph.Store, text: str) -> bytes:
    """The query's answer written by Oxigraph as TSV, no Python object made of a value."""
    return store.query(text, **graph_by_graph(store, text)).serialize(format=pyoxigraph.QueryResultsFormat.TSV)


def read(store: pyoxigraph.Store, text: str, runs: int) -> Read:
    """The query's answer read back both ways, timed (each once before, to warm up)."""
    rows, values = values_of(store, text)
    as_tsv(store, text)
    return Read(rows, values, median_seconds(lambda: values_of(store, text), runs),
                median_seconds(lambda: as_tsv(store, text), runs))


def count(store: pyoxigraph.Store, predicate: str) -> int:
    """The statements of `predicate` in the default graph, counted by the store."""
    (solution,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o }}")
    return int(solution["n"].value)


def per_value(pattern: Read, counting: float) -> float:
    """Seconds to read one value back: what the pattern's rows cost beyond its count, per value.

    >>> per_value(Read(rows=1000, values=2000, python=0.005, tsv=0.004), counting=0.001)
    2e-06
    """
    return max(pattern.python - counting, 0.0) / pattern.values if pattern.values else 0.0


def without_parameters(queries: list[QueryFile], only: list[str]) -> list[QueryFile]:
    """The bundled queries that run with no parameter given (`only` these, if named)."""
    return [query for query in queries if (not only or query.name in only) and not query.needs_parameters]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True, help="a built dataset (kg build's --out folder)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--only", nargs="*", default=[], metavar="NAME", help="these bundled queries alone")
    args = parser.parse_args()
    folder = args.dist / STORE
    if not folder.is_dir():
        sys.exit(f"{folder}: no store; build the dataset with kg build first")
    store = open_store(folder)
    print(f"store: {folder}; medians of {args.runs} runs\n")
    print("| pattern | rows | count ms | rows ms | tsv ms | µs a value |\n|---|---:|---:|---:|---:|---:|")
    rates = []
    for name, predicate in PATTERNS.items():
        pattern = read(store, f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}", args.runs)
        counted = count(store, predicate)  # and warmed up
        if counted != pattern.rows:
            sys.exit(f"{name}: the store counts {counted} statements but gives {pattern.rows} rows")
        counting = median_seconds(lambda: count(store, predicate), args.runs)
        if pattern.values:
            rates.append(per_value(pattern, counting))
        print(f"| {name} | {pattern.rows} | {counting * 1000:.1f} | {pattern.python * 1000:.1f} | "
              f"{pattern.tsv * 1000:.1f} | {per_value(pattern, counting) * 1e6:.2f} |", flush=True)
    rate = statistics.median(rates) if rates else 0.0
    print(f"\nreading a value back: {rate * 1e6:.2f} µs (median of the patterns)\n")
    print("| query | rows | values | answer ms | tsv ms | values alone ms | share |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for query in without_parameters(list_queries(), args.only):
        answer = read(store, query.text, args.runs)
        floor = answer.values * rate
        share = f"{floor / answer.python:.0%}" if answer.python else "-"
        print(f"| {query.name} | {answer.rows} | {answer.values} | {answer.python * 1000:.0f} | "
              f"{answer.tsv * 1000:.0f} | {floor * 1000:.0f} | {share} |", flush=True)


if __name__ == "__main__":
    main()
