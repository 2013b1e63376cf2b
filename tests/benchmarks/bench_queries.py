"""Time of each bundled query on the seeds, in-process, on pyoxigraph (kg's engine) and on rdflib.

Run from the repository:  python tests/benchmarks/bench_queries.py [--runs 21]
The seeds are built once into a temporary folder and loaded once per engine (load times are shown
too); each query's first example then runs once to warm up and `--runs` times measured with
time.perf_counter. Figures are medians in milliseconds; rows is the number of answers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # the rdflib runner and the examples live beside the tests

from kg.build import build  # noqa: E402
from kg.query import LocalDataset, bind_params  # noqa: E402
from regenerate_expected import SEEDS, examples  # noqa: E402
from test_query_engines import RdflibDataset  # noqa: E402


def median_ms(run, runs: int) -> float:
    run()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "dist" / "kg.nq"
        build(SEEDS, data.parent)
        engines = {}
        for name, load in (("pyoxigraph", LocalDataset.from_files), ("rdflib", RdflibDataset)):
            start = time.perf_counter()
            engines[name] = load(data)
            print(f"load kg.nq into {name}: {(time.perf_counter() - start) * 1000:.1f} ms")
        print("\n| query | rows | pyoxigraph ms | rdflib ms | question |\n|---|---:|---:|---:|---|")
        seen = set()
        for query, _, params in examples():
            if query.name in seen:
                continue
            seen.add(query.name)
            bindings = bind_params(query, params)
            rows = len(engines["pyoxigraph"].execute(query, bindings))
            times = {name: median_ms(lambda e=engine: e.execute(query, bindings), args.runs)
                     for name, engine in engines.items()}
            print(f"| {query.name} | {rows} | {times['pyoxigraph']:.2f} | {times['rdflib']:.1f} | {query.question} |")


if __name__ == "__main__":
    main()
