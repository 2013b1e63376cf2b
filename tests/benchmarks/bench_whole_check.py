"""Does checking a whole dataset in one graph grow with its size alone? Each SPARQL constraint's time
on a part of a built dataset's articles and on all of them, with kg's engine (kg.shacl).

Run from the repository:
    python tests/benchmarks/bench_whole_check.py --dist DIR [--part 0.1] [--top 12]

DIR is kg build's --out folder (for instance of `python tests/benchmarks/corpus.py 1000 SEEDS`). Its
kg.nq is read as `kg validate` reads it, every graph merged into one: first the quads of the first
--part of its graphs (in the file's order), then all of them. For each size it prints the time of
reading the data into the engine, of the whole check (kg.shacl.engine.validate) and of each SPARQL
constraint run once over the data, as the check runs it (time.perf_counter, one run each). A
constraint whose time grows more than twice as fast as the data is marked: on a thousand articles,
such a constraint takes most of the check. A build checks each article alone and never meets this;
`kg validate` of an archive does.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from kg.shacl import plan_for
from kg.shacl.data import Data
from kg.shacl.engine import link, validate
from kg.write.nquads import split_quad


def first_graphs(nquads: bytes, part: float) -> bytes:
    """The lines of the first `part` of the graphs, in the order the file first names them."""
    order: dict[bytes, int] = {}
    graphs = [(line, split_quad(line)[3]) for line in nquads.splitlines(keepends=True)]
    for _, graph in graphs:
        order.setdefault(graph, len(order))
    keep = max(1, round(len(order) * part))
    return b"".join(line for line, graph in graphs if order[graph] < keep)


def measure(nquads: bytes) -> tuple[int, float, float, dict[str, float]]:
    """Triples, seconds to read them, seconds of the whole check, and each batch SPARQL constraint's seconds."""
    plan = plan_for()
    gc.disable()  # as kg.shacl.check_nquads reads and checks
    start = time.perf_counter()
    data = Data.from_nquads(nquads, link(plan).terms)
    read = time.perf_counter() - start
    start = time.perf_counter()
    validate(data, plan)
    check = time.perf_counter() - start
    gc.enable()
    constraints = {}
    for shape in plan.shapes:
        for constraint in shape.sparql:
            if constraint.batch:
                start = time.perf_counter()
                for _ in data.store.query(constraint.query, use_default_graph_as_union=True):
                    pass
                constraints[constraint.name] = time.perf_counter() - start
    return len(data), read, check, constraints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True, help="a built dataset (kg build's --out folder)")
    parser.add_argument("--part", type=float, default=0.1, help="the smaller size, a part of the graphs (default 0.1)")
    parser.add_argument("--top", type=int, default=12, help="constraints listed, the slowest on all the data (default 12)")
    args = parser.parse_args()
    everything = (args.dist / "kg.nq").read_bytes()
    small, large = measure(first_graphs(everything, args.part)), measure(everything)
    growth = large[0] / small[0]
    print(f"{args.dist / 'kg.nq'}: {small[0]:,} triples, then {large[0]:,} ({growth:.1f} times as many)\n")
    print("| measure | part s | all s | grew | note |")
    print("|---|---:|---:|---:|---|")
    rows = [("reading the data", small[1], large[1]), ("the whole check", small[2], large[2])]
    rows += sorted(((name, small[3][name], large[3][name]) for name in large[3]), key=lambda row: -row[2])[: args.top]
    for name, before, after in rows:
        grew = after / before if before > 0 else float("inf")
        # Below 50 ms a figure is mostly noise: only a constraint that takes time is judged.
        verdict = "grows faster than the data" if after >= 0.05 and grew > 2 * growth else ""
        print(f"| {name} | {before:.2f} | {after:.2f} | {grew:.1f}x | {verdict} |")
    total = sum(large[3].values())
    print(f"\nall {len(large[3])} batch SPARQL constraints: {sum(small[3].values()):.2f} s, then {total:.2f} s")


if __name__ == "__main__":
    main()
