"""Time of each bundled query on a built dataset: in a fresh `kg query` process, and in-process.

Run from the repository:
    python tests/benchmarks/bench_corpus_queries.py --dist /tmp/qc/dist [--runs 5] [--only NAME ...]
    python tests/benchmarks/bench_corpus_queries.py --size 1000      # makes and builds a corpus first
    python tests/benchmarks/bench_corpus_queries.py --dist DIR --param evidence:resource=IRI
    python tests/benchmarks/bench_corpus_queries.py --endpoint http://127.0.0.1:7878   # a store kg load filled

Each query runs once for each of its examples: a query with an optional parameter is timed with it
and without it, the widest answer. The examples name the seed's resources; a corpus renames the
seed's people and keeps its events' and statements' names under each article's own IRI, so most
examples find nothing there, and a lookup that finds nothing is fast. An example that finds
nothing in the dataset therefore runs with a stand-in of the dataset (marked in the table, listed
after it). The candidates are, for an optional parameter, that column of the query's own answer
without it; for a required one, a column of that name in the answers of the queries that need no
parameter, or else the IRIs there of the same kind (scheme, host and first path segment:
…/person/, …/event/). Among them, those that end like the example's value are preferred, and of
those the one on most rows is taken (for an optional parameter, the widest lookup, the slowest).
`--as-written` runs the examples as they are. `--param QUERY:KEY=VALUE` stands in for that
query's examples with parameters (given more than once for one query, the parameters are used
together), and `--param QUERY:` runs them without.

"fresh" is the wall time of `python -m kg query NAME --format csv --out DIR` in a new process, the
median of `--runs`; "execute" is `LocalDataset.execute` on the store opened once in this process (after a
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
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from kg.query import QueryFile, RemoteEndpoint, bind_params, list_queries, load_query, open_dataset, parse_params
from kg.results import Results, format_results

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
    return " ".join(f"{key}={_short(value)}" for key, value in params.items())


def _short(value: str) -> str:
    return f"…/{_last_segment(value)}" if "/" in value else value


class StandIns:
    """Values of the dataset to run an example with when the resources it names are not there.

    The candidates come from the answers of the bundled queries that need no parameter, each asked
    once, when first needed."""

    def __init__(self, dataset) -> None:
        self.dataset = dataset
        self._answers: dict[str, Results] = {}

    def listing(self, query: QueryFile) -> Results:
        """The query's answer on the dataset without parameters."""
        if query.name not in self._answers:
            self._answers[query.name] = self.dataset.execute(query, {})
        return self._answers[query.name]

    def listings(self) -> list[Results]:
        """The answers of every bundled query that needs no parameter."""
        return [self.listing(query) for query in list_queries() if not query.needs_parameters]

    def candidates(self, query: QueryFile, name: str, example: str) -> Counter[str]:
        """The values that could stand in for `example` as the query's parameter `name`, each with
        its number of rows, in the order the answers first give them."""
        if not query.needs_parameters:  # an optional parameter: its own answer without it
            return column_values([self.listing(query)], name)
        listings = self.listings()
        found = column_values(listings, name)
        if found or not urlsplit(example).scheme:
            return found
        return Counter({value: count for value, count in column_values(listings).items()
                        if kind(value) == kind(example)})

    def params(self, query: QueryFile, params: dict[str, str]) -> dict[str, str]:
        """`params`, or, if they find nothing in the dataset, a stand-in for each of them that has
        candidates: the candidate that ends like the example, or else the one with most rows."""
        if not params or self.dataset.execute(query, bind_params(query, params)).rows:
            return params
        chosen = dict(params)
        for name, example in params.items():
            candidates = self.candidates(query, name, example)
            alike = Counter({value: count for value, count in candidates.items()
                             if _last_segment(value) == _last_segment(example)})
            best = (alike or candidates).most_common(1)
            if best:
                chosen[name] = best[0][0]
        return chosen


def column_values(answers, column: str | None = None) -> Counter[str]:
    """The values of `column` (of every column if None) in `answers`, each with its number of rows."""
    counts: Counter[str] = Counter()
    for answer in answers:
        columns = [i for i, var in enumerate(answer.vars) if column is None or var == column]
        for row in answer.rows:
            counts.update(row[i].value for i in columns if row[i] is not None)
    return counts


def kind(iri: str) -> str:
    """An IRI's scheme, host and first path segment: https://kg.example.org/person/ for a person."""
    parts = urlsplit(iri)
    return f"{parts.scheme}://{parts.netloc}/{parts.path.lstrip('/').split('/', 1)[0]}/"


def _last_segment(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1]


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
              overrides: dict[str, dict[str, str]], stand_ins: StandIns | None = None) -> list[QueryTime]:
    """Print the markdown table, a row per query as soon as it is timed (in-process on `dataset`, the
    store of the dist/ folder or endpoint `source` opened here); the figures of each row. With
    `stand_ins`, an example that finds nothing runs with stand-ins from the dataset."""
    print(f"dataset: {source}; medians of {runs} runs\n")
    print("| query | parameters | rows | fresh s | execute ms | csv ms |\n|---|---|---:|---:|---:|---:|")
    times, replaced = [], []
    for query in list_queries():
        if only and query.name not in only:
            continue
        for example in example_params(query, overrides):
            params = stand_ins.params(query, example) if stand_ins and query.name not in overrides else example
            rows, execute, csv = time_in_process(dataset, query, params, runs)
            fresh = time_fresh(query, params, source, runs)
            changed = [f"{query.name} {key}: {params[key]} for {example[key]}" for key in params
                       if params[key] != example[key]]
            replaced += changed
            print(f"| {query.name} | {shown(params)}{' (stand-in)' if changed else ''} | {rows} | {fresh:.2f} "
                  f"| {execute * 1000:.0f} | {csv * 1000:.0f} |", flush=True)
            times.append(QueryTime(query.name, shown(params), rows, fresh, execute))
    if replaced:
        print("\nStand-ins for the examples' values, which find nothing in this dataset:")
        print("\n".join(f"- {line}" for line in replaced))
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
    parser.add_argument("--as-written", action="store_true",
                        help="run the examples as written, even those that find nothing in the dataset")
    parser.add_argument("--chart", type=Path, metavar="FILE.svg", help="also draw the figures as an SVG picture")
    args = parser.parse_args()
    overrides = parse_overrides(args.param)
    with tempfile.TemporaryDirectory() as folder:
        if args.endpoint:
            source, dataset = args.endpoint, RemoteEndpoint.connect(args.endpoint)
        else:
            source = args.dist or build_corpus(args.size, Path(folder))
            dataset = open_dataset(source)
        times = benchmark(dataset, source, args.runs, args.only, overrides,
                          None if args.as_written else StandIns(dataset))
        if args.chart:
            chart(args.chart, times, dataset, args.runs)


if __name__ == "__main__":
    main()
