"""`kg query --endpoint`: every bundled query answered by each real store as by the embedded one.

Answers are compared by value and datatype, row by row in the query's order: stores write some
literals in their own lexical form ("007" as "7"), but every engine gives the same datatypes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import LocalDataset, RemoteEndpoint, bind_params
from kg.results import Results, Term
from kg.stores import Credentials, Store, load, read_dataset
from kg.stores.dataset import merged_graph
from kg.stores.verify import XSD, term_key
from regenerate_expected import TIMELINE, examples

pytestmark = pytest.mark.usefixtures("store_env")

EXAMPLES = examples()


def _load_if_needed(store, dist: Path):
    """The store holding the dataset in `dist` (loaded unless each graph, and their merge, already has its count)."""
    graphs = read_dataset(dist / "kg.nq")
    if any(store.probe.count(graph.iri) != len(graph) for graph in graphs + [merged_graph(graphs)]):
        with Store.connect(store.url, credentials=_credentials(store.env)) as target:
            load(target, graphs)
    return store


@pytest.fixture
def seeded(store, built_seed):
    """The store holding the seed dataset."""
    return _load_if_needed(store, built_seed.out)


@pytest.fixture(scope="session", params=["seed", "two-articles"])
def dataset(request, built_seed) -> tuple[Path, LocalDataset]:
    """A built dataset and the embedded store answering on it."""
    dist = built_seed.out if request.param == "seed" else request.getfixturevalue("built_two_articles").out
    return dist, LocalDataset.from_files(dist / "kg.nq")


def _credentials(env: dict[str, str]) -> Credentials | None:
    return Credentials(env["KG_STORE_USER"], env["KG_STORE_PASSWORD"]) if env else None


def _by_value(results: Results) -> list[tuple]:
    """Each row's terms by value and datatype: equal whatever lexical form a store writes."""
    def key(term: Term | None):
        if term is None or term.kind != "literal":
            return term
        if term.lang:
            return ("text", term.value, term.lang)
        return term.datatype, term_key(ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or XSD + "string")))

    return [tuple(key(term) for term in row) for row in results.rows]


@pytest.mark.parametrize(("query", "params"), [(query, params) for query, _, params in EXAMPLES],
                         ids=[f"{query.name}-{number}" for query, number, _ in EXAMPLES])
def test_bundled_query_answers_as_embedded(store, dataset, query, params):
    dist, embedded = dataset
    _load_if_needed(store, dist)
    bindings = bind_params(query, params)
    expected = embedded.execute(query, bindings)
    remote = RemoteEndpoint.connect(store.url, credentials=_credentials(store.env))
    answer = remote.execute(query, bindings)
    assert answer.vars == expected.vars
    assert len(answer.rows) == len(expected.rows)
    assert _by_value(answer) == _by_value(expected)


class TestQueryCommand:
    """The command line with --endpoint, once per kind of store."""

    @pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
    def test_remote_output_is_the_local_output(self, seeded, built_seed, run_kg, fmt):
        local = run_kg("query", "names", "--out", str(built_seed.out), "--format", fmt)
        remote = run_kg("query", "names", "--endpoint", seeded.url, "--format", fmt, env=seeded.env)
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout

    def test_the_timeline_picture_drawn_from_the_store_is_the_embedded_one(self, seeded, run_kg):
        remote = run_kg("timeline", "--endpoint", seeded.url, "-o", "-", env=seeded.env)
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == TIMELINE.read_text(encoding="utf-8")

    def test_parameters_are_sent_as_values(self, seeded, built_seed, run_kg):
        args = ("query", "evidence", "--param", "resource=https://kg.example.org/person/hun-sen", "--format", "json")
        local = Results.from_json(json.loads(run_kg(*args, "--out", str(built_seed.out)).stdout))
        remote = run_kg(*args, "--endpoint", seeded.url, env=seeded.env)
        assert remote.exit_code == 0, remote.output
        assert len(local.rows) > 1
        assert _by_value(Results.from_json(json.loads(remote.stdout))) == _by_value(local)

    def test_a_query_whose_comments_name_updates_is_sent_as_a_query(self, seeded, built_seed, run_kg, tmp_path):
        # SPARQLWrapper guessed the form from the text: from these comments, LOAD, and it sent the
        # query as an update, which stores refuse.
        query = tmp_path / "who.rq"
        query.write_text(
            "# Who is named? Everyone the load added,\n"
            "# whatever was dropped, copied or moved since,\n"
            "# and the address of each.\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?label WHERE { <https://kg.example.org/person/hun-sen> rdfs:label ?label }\n",
            encoding="utf-8")
        local = run_kg("query", str(query), "--out", str(built_seed.out), "--format", "csv")
        remote = run_kg("query", str(query), "--endpoint", seeded.url, "--format", "csv", env=seeded.env)
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout == "label\nHun Sen\n"

    def test_wrong_password_exits_3_without_printing_it(self, store, seeded, run_kg):
        env = dict(store.auth_env, KG_STORE_PASSWORD="wrong-" + store.auth_env["KG_STORE_PASSWORD"])
        result = run_kg("query", "names", "--endpoint", store.auth_url, "--store-type", store.kind, env=env)
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(f"Error: {store.auth_url}/")
        assert "refused the credentials of user 'kgtest'" in result.stderr
        assert result.stderr.count("\n") == 1
        assert env["KG_STORE_PASSWORD"] not in result.output
        assert store.auth_env["KG_STORE_PASSWORD"] not in result.output

    def test_a_store_without_the_dataset_exits_3(self, seeded, run_kg):
        result = run_kg("query", "names", "--endpoint", seeded.url, "--base", "https://elsewhere.example/",
                        env=seeded.env)
        assert result.exit_code == 3, result.output
        assert "holds no kg dataset: its graph <https://elsewhere.example/graph/metadata> lists no graphs" in \
            result.stderr

    def test_a_store_loaded_without_the_merged_graph_exits_3_saying_to_load_again(self, seeded, built_seed, run_kg):
        merged = "https://kg.example.org/dataset/merged"
        seeded.probe.drop(merged)
        result = run_kg("query", "names", "--endpoint", seeded.url, env=seeded.env)
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(f"Error: {seeded.url}/")
        assert result.stderr.endswith(
            f" holds the dataset's graphs but not their merge, the graph <{merged}> that kg queries: load the "
            "dataset again with this version of kg load\n")
        again = run_kg("load", "--store", seeded.url, "--dist", str(built_seed.out), env=seeded.env)
        assert again.exit_code == 0, again.output
        assert run_kg("query", "names", "--endpoint", seeded.url, env=seeded.env).exit_code == 0

    def test_nothing_listening_exits_3(self, store, run_kg):
        from stores.servers import free_port

        url = f"http://127.0.0.1:{free_port()}"
        result = run_kg("query", "names", "--endpoint", url, "--retries", "0")
        assert result.exit_code == 3, result.output
        assert result.stderr == f"Error: cannot reach the store at {url}: connection refused\n"
