"""Time of each bundled query on a built dataset: in a fresh `kg query` process, and in-process.

Run from the repository:
    python tests/benchmarks/bench_corpus_queries.py --dist /tmp/qc/dist [--runs 5] [--only NAME ...]
    python tests/benchmarks/bench_corpus_queries.py --size 1000      # makes and builds a corpus first
    python tests/benchmarks/bench_corpus_queries.py --dist DIR --param evidence:resource=IRI
    python tests/benchmarks/bench_corpus_queries.py --endpoint http://127.0.0.1:7878   # a store kg load filled

Each query runs once for each of its examples: a query with an optional parameter is timed with it
and without it, the widest answer. The examples name resources of the seed, so on a corpus they
find nothing: `--param QUERY:KEY=VALUE` stands in for that query's examples with parameters (given
more than once for one query, the parameters are used together), and `--param QUERY:` runs them
without. "fresh" is the
wall time of `python -m kg query NAME --format csv --out DIR` in a new process, the median of
`--runs`; "execute" is `LocalDataset.execute` on the store opened once in this process (after a
first run to warm up), "csv" the formatting of its answer, both medians of `--runs` in
milliseconds; rows is the number of answers. `--size N` writes N articles with
tests/benchmarks/corpus.py and builds them with `kg build` into a temporary folder first.
`--chart FILE.svg` also draws the figures: a bar a query form, against a line at 1 s (charts.py).
`--endpoint URL` times a triple store that `kg load` filled instead: "fresh" is then
`kg query NAME --endpoint URL`, and "execute" `RemoteEndpoint.execute`, the store's answer read
and parsed (credentials from KG_STORE_USER and KG_STORE_PASSWORD, as for kg query).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.query import QueryFile, RemoteEndpoint, bind_params, list_queries, load_query, open_dataset, parse_params
from kg.results import format_results

CORPUS = Path(__file__).resolve().parent / "corpus.py"
sys.path.insert(0, str(CORPUS.parent))
from charts import QueryTime, machine, queries_svg  # noqa: E402


def median_seconds(run: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `run`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh_command(query: QueryFile, params: dict[str, str], source: Path | str) -> list[str]:
    """The `kg query` command line that answers the query in a new process, from a dist/ folder or an endpoint's URL."""
    where = ["--out", str(source)] if isinstance(source, Path) else ["--endpoint", source]
    words = [sys.executable, "-m", "kg", "query", query.name, "--format", "csv", *where]
    for key, value in params.items():
        words += ["--param", f"{key}={value}"]
    return words


def time_fresh(query: QueryFile, params: dict[str, str], source: Path | str, runs: int) -> float:
    """Median seconds of the query in a fresh process; a failing command stops the benchmark."""
    command = fresh_command(query, params, source)
    return median_seconds(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), runs)


def time_in_process(dataset, query: QueryFile, params: dict[str, str], runs: int) -> tuple[int, float, float]:
    """Rows, and median seconds of executing the query and of formatting its answer as CSV."""
    bindings = bind_params(query, params)
    answer = dataset.execute(query, bindings)
    execute = median_seconds(lambda: dataset.execute(query, bindings), runs)
    csv = median_seconds(lambda: format_results(answer, "csv"), runs)
    return len(answer.rows), execute, csv


def example_params(query: QueryFile, overrides: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Each set of parameters to run the query with: its examples', the given ones standing in for
    those that have parameters; no parameters for a query without examples."""
    forms: list[dict[str, str]] = []
    for example in query.examples or [{}]:
        params = overrides.get(query.name, dict(example)) if example else {}
        if params not in forms:
            forms.append(params)
    return forms


def shown(params: dict[str, str]) -> str:
    """The parameters in a table cell: an IRI by its last segment."""
    return " ".join(f"{key}=…/{value.rsplit('/', 1)[-1]}" if "/" in value else f"{key}={value}"
                    for key, value in params.items())


def parse_overrides(items: list[str]) -> dict[str, dict[str, str]]:
    """`["evidence:resource=IRI", "actor-events:", ...]` as {query: {key: value}}; `QUERY:` alone is no parameter."""
    overrides: dict[str, list[str]] = {}
    for item in items:
        name, sep, param = item.partition(":")
        if not sep:
            raise SystemExit(f"--param {item!r}: expected QUERY:KEY=VALUE or QUERY:")
        overrides.setdefault(name, [])
        if param:
            overrides[name].append(param)
    return {name: parse_params(params) for name, params in overrides.items()}


def build_corpus(size: int, folder: Path) -> Path:
    """A corpus of `size` articles written and built in `folder`; its dist/ folder."""
    subprocess.run([sys.executable, str(CORPUS), str(size), str(folder / "seeds")], check=True)
    dist = folder / "dist"
    subprocess.run([sys.executable, "-m", "kg", "build", "--seeds", str(folder / "seeds"), "--out", str(dist)],
                   check=True)
    return dist


def benchmark(dataset, source: Path | str, runs: int, only: list[str],
              overrides: dict[str, dict[str, str]]) -> list[QueryTime]:
    """Print the markdown table, a row per query as soon as it is timed (in-process on `dataset`, the
    store of the dist/ folder or endpoint `source` opened here); the figures of each row."""
    print(f"dataset: {source}; medians of {runs} runs\n")
    print("| query | parameters | rows | fresh s | execute ms | csv ms |\n|---|---|---:|---:|---:|---:|")
    times = []
    for query in list_queries():
        if only and query.name not in only:
            continue
        for params in example_params(query, overrides):
            rows, execute, csv = time_in_process(dataset, query, params, runs)
            fresh = time_fresh(query, params, source, runs)
            print(f"| {query.name} | {shown(params)} | {rows} | {fresh:.2f} | {execute * 1000:.0f} | {csv * 1000:.0f} |",
                  flush=True)
            times.append(QueryTime(query.name, shown(params), rows, fresh, execute))
    return times


def chart(path: Path, times: list[QueryTime], dataset, runs: int) -> None:
    """Draw `times` in `path`, the caption naming the machine, the dataset's number of articles
    (the rows of the bundled `articles` query) and the store that answered, if not kg's own."""
    articles = len(dataset.execute(load_query("articles"), {}).rows)
    where = f" in the store at {dataset.store.endpoints.query}" if isinstance(dataset, RemoteEndpoint) else ""
    caption = (f"{machine()}; measured {time.strftime('%Y-%m-%d')} by tests/benchmarks/bench_corpus_queries.py "
               f"on {articles:,} articles{where}, medians of {runs} runs")
    path.write_text(queries_svg(times, 1.0, caption), encoding="utf-8")
    print(f"Wrote {path}: {len(times)} query forms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dist", type=Path, help="a built dataset (kg build's --out folder)")
    source.add_argument("--size", type=int, help="make and build a corpus of this many articles first")
    source.add_argument("--endpoint", metavar="URL", help="a triple store that kg load filled (base URL or endpoint)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--only", nargs="*", default=[], metavar="NAME", help="time these queries alone")
    parser.add_argument("--param", action="append", default=[], metavar="QUERY:KEY=VALUE",
                        help="a parameter for one query, instead of its examples' parameters")
    parser.add_argument("--chart", type=Path, metavar="FILE.svg", help="also draw the figures as an SVG picture")
    args = parser.parse_args()
    overrides = parse_overrides(args.param)
    with tempfile.TemporaryDirectory() as folder:
        if args.endpoint:
            source, dataset = args.endpoint, RemoteEndpoint.connect(args.endpoint)
        else:
            source = args.dist or build_corpus(args.size, Path(folder))
            dataset = open_dataset(source)
        times = benchmark(dataset, source, args.runs, args.only, overrides)
        if args.chart:
            chart(args.chart, times, dataset, args.runs)


if __name__ == "__main__":
    main()
