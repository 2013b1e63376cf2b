"""The store reads benchmark: on the seed's store, its patterns' rows are the store's own counts,
and each query's rows and values are those `kg query` answers."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import store_reads
from benchmarks.store_reads import PATTERNS, Read, per_value, without_parameters
from kg.query import list_queries, load_query, open_dataset

SCRIPT = Path(store_reads.__file__)


def _table(output: str, header: str) -> dict[str, list[str]]:
    """The rows of the markdown table under `header` (its first column's cell -> the other cells)."""
    lines = output.split(header, 1)[1].splitlines()[2:]
    rows = {}
    for line in lines:
        if not line.startswith("| "):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_patterns_and_queries_read_back_what_kg_query_answers(built_seed):
    dist = built_seed.out
    names = ["articles", "actor-events", "names"]
    result = subprocess.run([sys.executable, str(SCRIPT), "--dist", str(dist), "--runs", "1", "--only", *names],
                            capture_output=True, text=True, check=True)
    dataset = open_dataset(dist)

    patterns = _table(result.stdout, "| pattern |")
    assert sorted(patterns) == sorted(PATTERNS)
    for name, predicate in PATTERNS.items():
        counted = dataset.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o }}")
        assert int(patterns[name][0]) == int(next(iter(counted))["n"].value) > 0, name
    assert re.search(r"reading a value back: \d+\.\d\d µs", result.stdout)

    queries = _table(result.stdout, "| query |")
    assert sorted(queries) == sorted(names)
    for name in names:
        answer = dataset.execute(load_query(name), {})
        values = sum(value is not None for row in answer.rows for value in row)
        assert (int(queries[name][0]), int(queries[name][1])) == (len(answer.rows), values), name


def test_a_value_costs_what_the_rows_cost_beyond_the_count():
    assert per_value(Read(rows=10, values=20, python=0.003, tsv=0.002), counting=0.001) == pytest.approx(0.0001)
    assert per_value(Read(rows=10, values=20, python=0.001, tsv=0.001), counting=0.002) == 0.0  # a noisy count
    assert per_value(Read(rows=0, values=0, python=0.001, tsv=0.001), counting=0.0) == 0.0
    failed, _ = doctest.testmod(store_reads)
    assert failed == 0


def test_only_the_queries_that_need_no_parameter_are_read():
    chosen = {query.name for query in without_parameters(list_queries(), [])}
    required = {query.name for query in list_queries() if any(not p.optional for p in query.parameters)}
    assert "said-about" in required and "actor-events" in chosen  # actor-events' actor is optional
    assert chosen == {query.name for query in list_queries()} - required
    assert {query.name for query in without_parameters(list_queries(), ["names", "said-about"])} == {"names"}
