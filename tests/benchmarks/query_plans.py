"""Where each bundled query spends its time on a built dataset: Oxigraph's plan, with the rows and
seconds of each step.

Run from the repository:
    python tests/benchmarks/query_plans.py --dist /tmp/qc/dist --out /tmp/plans [--only NAME ...]

For each bundled query, the `oxigraph` command (the test extra's `oxigraph` package; the first line
says whether its version is pyoxigraph's, whose plans `kg query` runs) answers the query's text on
dist/store/, which it opens read-only, with `--explain-file --stats`. OUT/NAME.json is Oxigraph's
explanation; stdout shows it as a tree, a step a line: seconds, rows, the step. Counting slows
every step down (1,000 articles: 2.5 times), so the shares of the steps, not their seconds, are the
figures to read; bench_corpus_queries.py gives the times.

A plan is the query's without parameters: `kg query` hands a parameter to Oxigraph as a binding
made after the plan is chosen (pyoxigraph's `substitutions`), so with a parameter the same plan runs,
with the parameter's variable bound. The answers of a query with a required parameter are here
those for every value.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph

from kg.layout import STORE
from kg.query import QueryFile, list_queries

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # the oxigraph command is found as the store tests find it

from stores.servers import oxigraph_command  # noqa: E402


def explain(command: str, store: Path, query: QueryFile, out: Path) -> dict:
    """Oxigraph's explanation of `query` answered on `store`, written to `out` and returned."""
    with tempfile.TemporaryDirectory() as folder:
        text = Path(folder) / f"{query.name}.rq"
        text.write_text(query.text, encoding="utf-8")
        subprocess.run([command, "query", "--location", str(store), "--query-file", str(text),
                        "--results-format", "csv", "--results-file", str(Path(folder) / "answer.csv"),
                        "--explain-file", str(out), "--stats"], check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def steps(node: dict, depth: int = 0) -> Iterator[tuple[int, float, int, str]]:
    """Each step of a plan, depth first: its depth, seconds, rows and name."""
    yield depth, node.get("duration in seconds", 0.0), node.get("number of results", 0), node["name"]
    for child in node.get("children", []):
        yield from steps(child, depth + 1)


def tree(explanation: dict, width: int = 160) -> str:
    """The plan as lines of `seconds rows step`, each step indented under the one that reads it."""
    lines = []
    for depth, seconds, rows, name in steps(explanation["plan"]):
        line = f"{seconds:8.3f} s {rows:>9,}  {'  ' * depth}{name}"
        lines.append(line if len(line) <= width else line[:width - 1] + "…")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True, help="a built dataset (kg build's --out folder)")
    parser.add_argument("--out", type=Path, required=True, help="the folder for the plans, one JSON file a query")
    parser.add_argument("--only", nargs="*", default=[], metavar="NAME", help="these queries alone")
    args = parser.parse_args()
    queries = [query for query in list_queries() if not args.only or query.name in args.only]
    unknown = sorted(set(args.only) - {query.name for query in queries})
    if unknown:
        raise SystemExit(f"--only: no bundled query named {', '.join(unknown)}; `kg query --list` shows them")
    if not (args.dist / STORE).is_dir():
        raise SystemExit(f"--dist: {args.dist} holds no {STORE}/ folder; give the --out folder of a kg build")
    command = oxigraph_command()
    if command is None:
        raise SystemExit("the oxigraph command is not installed: pip install -e '.[test]'")
    version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    same = "the same" if version == pyoxigraph.__version__ else f"NOT pyoxigraph's {pyoxigraph.__version__}"
    print(f"oxigraph {version}, {same} version; plans of {args.dist / STORE}\n")
    args.out.mkdir(parents=True, exist_ok=True)
    for query in queries:
        explanation = explain(command, args.dist / STORE, query, args.out / f"{query.name}.json")
        print(f"## {query.name}\n\n{tree(explanation)}\n", flush=True)


if __name__ == "__main__":
    main()
