"""The bundled queries answer on Comunica, a SPARQL engine in JavaScript, as embedded, types and all.

Comunica reads dist/kg.nq with the merge of its graphs as the default graph (tests/node/query.mjs)
and gets the parameters as kg sends them to a store, in a VALUES block that `with_values` puts at
the start of the WHERE clause. Rows are compared term for term, datatypes included, in the
queries' order. Comunica is installed by `npm ci --prefix tests/node`; without node or Comunica
these tests skip, and fail instead when KG_REQUIRE_STORES=1 (as in CI).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.query import LocalDataset, bind_params, with_values
from kg.results import Results
from regenerate_expected import examples

NODE_DIR = Path(__file__).resolve().parent / "node"
EXAMPLES = examples()
EXAMPLE_IDS = [f"{query.name}-{number}" for query, number, _ in EXAMPLES]


def _node() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "node (Node.js) is not installed"
    elif _version(node) < (20, 19):
        reason = f"Comunica 5 needs Node.js 20.19 or later, and node is {'.'.join(map(str, _version(node)))}"
    elif not (NODE_DIR / "node_modules" / "@comunica" / "query-sparql").is_dir():
        reason = "Comunica is not installed: run `npm ci --prefix tests/node`"
    if reason:
        if os.environ.get("KG_REQUIRE_STORES") == "1":
            pytest.fail(f"KG_REQUIRE_STORES=1, but {reason}")
        pytest.skip(reason)
    return node


def _version(node: str) -> tuple[int, ...]:
    run = subprocess.run([node, "-p", "process.versions.node"], capture_output=True, text=True, timeout=60)
    return tuple(int(part) for part in run.stdout.strip().split(".")[:2])


def comunica(data: Path, queries: list[str], folder: Path) -> list[Results]:
    """Each query's answer from Comunica over the N-Quads file `data`, in one Node.js process."""
    manifest, answers = folder / "queries.json", folder / "answers.json"
    manifest.write_text(json.dumps(queries), encoding="utf-8")
    run = subprocess.run([_node(), str(NODE_DIR / "query.mjs"), str(data), str(manifest), str(answers)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return [Results.from_json(answer) for answer in json.loads(answers.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module", params=["seed", "two-articles"])
def answers(request, tmp_path_factory) -> tuple[LocalDataset, dict[str, Results]]:
    """The embedded store of a built dataset, and Comunica's answer to every example of every bundled query."""
    built = request.getfixturevalue("built_seed" if request.param == "seed" else "built_two_articles")
    data = built.out / "kg.nq"
    queries = [with_values(query.text, bind_params(query, params), query.display) for query, _, params in EXAMPLES]
    found = comunica(data, queries, tmp_path_factory.mktemp("comunica"))
    return LocalDataset.from_files(data), dict(zip(EXAMPLE_IDS, found))


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_bundled_query_answers_on_comunica_as_embedded(answers, query, number, params):
    embedded, found = answers
    expected = embedded.execute(query, bind_params(query, params))
    answer = found[f"{query.name}-{number}"]
    assert answer.vars == expected.vars
    assert answer.rows == expected.rows
