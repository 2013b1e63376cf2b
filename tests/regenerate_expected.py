"""Regenerate tests/expected/: every bundled query's answer on the seeds, once per example.

Each `# Example:` line of a query's header is one expected file, in SPARQL 1.1 TSV (IRIs and
literals in N-Triples form, rows in the query's ORDER BY order): the first is `NAME.tsv`, the
others `NAME.2.tsv`, `NAME.3.tsv`, ... Run this deliberately, after the queries or the data
changed, then read the diff against the article before committing it:

    python tests/regenerate_expected.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kg.build import build
from kg.query import LocalDataset, QueryFile, bind_params, list_queries
from kg.results import format_results
from kg.timeline import Timeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = Path(__file__).resolve().parent / "expected"
TIMELINE = EXPECTED / "timeline.svg"


def examples() -> list[tuple[QueryFile, int, dict[str, str]]]:
    """Every (query, example number from 1, example parameters) of the bundled queries."""
    return [
        (query, number, params)
        for query in list_queries()
        for number, params in enumerate(query.examples, start=1)
    ]


def expected_path(query: QueryFile, number: int) -> Path:
    """Where the expected answer to a query's example is kept."""
    return EXPECTED / (f"{query.name}.tsv" if number == 1 else f"{query.name}.{number}.tsv")


def answer(dataset: LocalDataset, query: QueryFile, params: dict[str, str]) -> str:
    """The answer as it is kept in an expected file."""
    return format_results(dataset.execute(query, bind_params(query, params)), "tsv")


def _keep(path: Path, text: str, detail: str = "") -> None:
    """Write `text` to `path`, saying whether it changed."""
    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    path.write_text(text, encoding="utf-8", newline="\n")
    print(f"{'changed' if changed else 'same   '}  {path.relative_to(ROOT)}{detail}")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "dist"
        build(SEEDS, out)
        dataset = LocalDataset.from_files(out / "kg.nq")
        EXPECTED.mkdir(exist_ok=True)
        written = set()
        for query, number, params in examples():
            path = expected_path(query, number)
            text = answer(dataset, query, params)
            rows = text.count("\n") - 1
            _keep(path, text, f"  ({rows} rows)")
            written.add(path)
        _keep(TIMELINE, Timeline.of(dataset).svg())
        for stale in sorted(set(EXPECTED.glob("*.tsv")) - written):
            stale.unlink()
            print(f"removed  {stale.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
