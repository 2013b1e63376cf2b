"""Validation time per article: pyshacl (kg.check) against the fast engine (kg.shacl), same findings.

Run from the repository:  python tests/benchmarks/bench_shacl.py [--runs 5] [--articles 10]

Two cases, each built once into a temporary folder by kg.build.build:
- the seed, as kg build checks it today (every named graph merged), and its article graph alone;
- a synthetic corpus of --articles articles (tests/benchmarks/corpus.py), each article's named
  graph validated on its own, as a worker would check one article.
Each case is validated once to warm up (the engine's plan is compiled beforehand, once, and that
time is printed), then --runs times; the figures are medians of time.perf_counter, in ms per
graph. The engine reads N-Quads bytes: making them from an rdflib graph is timed apart (a build
can write them with pyoxigraph instead). Both paths must give the same findings, or the run stops.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from dataclasses import astuple
from pathlib import Path

from rdflib import Graph

from kg.build import build
from kg.check import load_shapes, run_shapes
from kg.shacl import compile_shapes, validate_nquads
from kg.validate import read_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _median_ms(runs: int, work) -> float:
    work()  # warm-up: caches, the engine's linked plan, rdflib's parsed queries
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000


def _compare(name: str, graphs: list[Graph], shapes: Graph, plan, runs: int) -> None:
    data = [g.serialize(format="nt", encoding="utf-8") for g in graphs]
    for graph, nquads in zip(graphs, data):
        theirs = sorted(map(astuple, run_shapes(graph, shapes)[0]))
        if theirs != sorted(map(astuple, validate_nquads(nquads, plan))):
            raise SystemExit(f"{name}: the engine's findings differ from pyshacl's on {graph.identifier}")
    triples = sum(len(g) for g in graphs) / len(graphs)
    pyshacl_ms = _median_ms(runs, lambda: [run_shapes(g, shapes) for g in graphs]) / len(graphs)
    engine_ms = _median_ms(runs, lambda: [validate_nquads(d, plan) for d in data]) / len(graphs)
    nquads_ms = _median_ms(runs, lambda: [g.serialize(format="nt", encoding="utf-8") for g in graphs]) / len(graphs)
    print(f"{name} ({len(graphs)} graph{'s' if len(graphs) > 1 else ''}, {triples:,.0f} triples on average):")
    print(f"  pyshacl        {pyshacl_ms:9.1f} ms per graph")
    print(f"  kg.shacl       {engine_ms:9.1f} ms per graph   ({pyshacl_ms / engine_ms:.0f}x faster)")
    print(f"  (rdflib graph to N-Quads bytes: {nquads_ms:.1f} ms per graph, not included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--articles", type=int, default=10, help="articles in the synthetic corpus (default 10)")
    args = parser.parse_args()
    shapes = load_shapes()
    start = time.perf_counter()
    plan = compile_shapes(shapes)
    print(f"plan compiled once in {(time.perf_counter() - start) * 1000:.0f} ms; pickled, {len(pickle.dumps(plan)):,} bytes")
    with tempfile.TemporaryDirectory() as folder:
        seed = build(ROOT / "seeds", Path(folder) / "seed-dist")
        union = read_data([seed.out / "kg.trig"])
        _compare("seed, every graph merged (as kg build checks it)", [union], shapes, plan, args.runs)
        _compare("seed article graph alone", seed.graphs[:1], shapes, plan, args.runs)
        seeds = Path(folder) / "corpus"
        write_corpus(args.articles, seeds)
        corpus = build(seeds, Path(folder) / "corpus-dist")
        _compare(f"{args.articles}-article corpus, each article graph alone", corpus.graphs[:-1], shapes, plan, args.runs)


if __name__ == "__main__":
    main()
