"""The query plans benchmark: Oxigraph's plan of each bundled query on the seed's store, its
answers those of `kg query`, and dist/store/ itself left as it was."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from benchmarks import query_plans
from kg.layout import STORE
from kg.query import load_query, open_dataset
from stores.fixtures import unavailable
from stores.servers import oxigraph_command

SCRIPT = Path(query_plans.__file__)


def _digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_each_plan_counts_the_rows_kg_query_answers_and_the_store_is_untouched(built_seed, tmp_path):
    if oxigraph_command() is None:
        unavailable("the oxigraph command is not installed (pip install '.[test]')")
    dist = built_seed.out
    before = _digests(dist / STORE)
    names = ["articles", "names", "said-about"]
    result = subprocess.run([sys.executable, str(SCRIPT), "--dist", str(dist), "--out", str(tmp_path),
                             "--only", *names], capture_output=True, text=True, check=True)
    dataset = open_dataset(dist)
    for name in names:
        explanation = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        rows = len(dataset.execute(load_query(name), {}).rows)  # said-about: for every resource
        assert explanation["plan"]["number of results"] == rows, name
        assert f"## {name}\n" in result.stdout
    assert sorted(path.stem for path in tmp_path.glob("*.json")) == sorted(names)
    assert _digests(dist / STORE) == before


def test_the_tree_shows_each_step_under_the_one_that_reads_it():
    explanation = {"plan": {"name": "Project(?a)", "number of results": 1200, "duration in seconds": 0.5,
                            "children": [{"name": "QuadPattern(?a <p> ?b)", "number of results": 1200,
                                          "duration in seconds": 0.25}]}}
    assert query_plans.tree(explanation).splitlines() == [
        "   0.500 s     1,200  Project(?a)",
        "   0.250 s     1,200    QuadPattern(?a <p> ?b)",
    ]
    long = {"plan": {"name": "Sort(" + "ASC(?x), " * 40 + ")", "number of results": 1, "duration in seconds": 0.0}}
    line = query_plans.tree(long, width=60)
    assert len(line) == 60 and line.endswith("…")

