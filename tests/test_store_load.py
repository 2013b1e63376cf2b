"""`kg load` against real stores: the same tests for an Oxigraph server and for Virtuoso 7.

What the store holds is checked with an independent probe (plain HTTP), not with kg's own
verification; expected triples come from dist/kg.nq read with pyoxigraph.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from conftest import SEEDS
from kg.query import RemoteEndpoint
from kg.stores import Store, load, load_dist, read_dataset
from kg.stores.verify import triple_key
from stores.probe import quads_by_graph
from stores.synthetic import graph_iri, write_synthetic_dist

pytestmark = pytest.mark.usefixtures("store_env")


@pytest.fixture
def seed(built_seed) -> tuple[Path, dict[str, list]]:
    """The built seed dataset's folder and its triples per graph."""
    return built_seed.out, quads_by_graph(built_seed.out / "kg.nq")


MERGED = "https://kg.example.org/dataset/merged"


def _merged(expected: dict[str, list]) -> set:
    """The triples of all the graphs, each once, by value."""
    return {triple_key(triple) for triples in expected.values() for triple in triples}


def _one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


class TestLoad:
    """Loading, reloading, verification and failures, once per kind of store."""

    def test_store_type_is_detected(self, store):
        with Store.connect(store.url, credentials=None) as connected:
            assert connected.endpoints.store_type == store.kind

    def test_load_then_reload_leaves_each_graph_with_its_triples(self, store, seed, run_kg):
        dist, expected = seed
        store.probe.drop(*expected)
        first = run_kg("load", "--store", store.url, "--dist", str(dist), env=store.env)
        assert first.exit_code == 0, first.output
        assert {graph: store.probe.count(graph) for graph in expected} == {g: len(t) for g, t in expected.items()}
        again = run_kg("load", "--store", store.url, "--dist", str(dist), env=store.env)
        assert again.exit_code == 0, again.output
        assert {graph: store.probe.count(graph) for graph in expected} == {g: len(t) for g, t in expected.items()}
        assert "Verified: every graph holds as many triples as were sent" in again.stdout

    @pytest.mark.parametrize("method", ["gsp", "update"])
    def test_full_verification_passes_and_the_store_holds_the_same_values_and_datatypes(self, store, seed, run_kg,
                                                                                        method):
        dist, expected = seed
        store.probe.drop(*expected)
        result = run_kg("load", "--store", store.url, "--dist", str(dist), "--method", method, "--verify", "full",
                        env=store.env)
        assert result.exit_code == 0, result.output
        assert "Verified: every graph holds exactly the triples sent (values and datatypes)" in result.stdout
        for graph, triples in expected.items():
            held = {(triple_key(triple), _datatype(triple.object)) for triple in store.probe.triples(graph)}
            assert held == {(triple_key(triple), _datatype(triple.object)) for triple in triples}, graph

    @pytest.mark.parametrize("method", ["gsp", "update"])
    def test_the_merged_graph_holds_every_triple_of_the_dataset_once_and_only_those(self, store, built_two_articles,
                                                                                     run_kg, method):
        # Two articles share triples (an actor's name and type): the merge holds each once.
        dist = built_two_articles.out
        expected = quads_by_graph(dist / "kg.nq")
        store.probe.put(MERGED, b'<urn:kg:stale> <urn:kg:stale> "left from another load" .\n')
        result = run_kg("load", "--store", store.url, "--dist", str(dist), "--method", method, env=store.env)
        assert result.exit_code == 0, result.output
        held = store.probe.triples(MERGED)
        assert len(held) == len(_merged(expected)) < sum(len(triples) for triples in expected.values())
        assert {triple_key(triple) for triple in held} == _merged(expected)
        assert (f"Of them, <{MERGED}> holds the others' {len(held):,} distinct triples merged, which kg query "
                "--endpoint asks\n") in result.stdout

    def test_a_merged_graph_larger_than_one_put_is_sent_in_parts_and_replaced_whole(self, store, seed, monkeypatch):
        dist, expected = seed
        monkeypatch.setattr("kg.stores.loading.MAX_PUT_BYTES", 50_000)
        store.probe.put(MERGED, b'<urn:kg:stale> <urn:kg:stale> "left from another load" .\n')
        sent: list[tuple[str, str, int]] = []
        with Store.connect(store.url, credentials=_credentials(store)) as target:
            for method in ("put_graph", "post_graph"):
                monkeypatch.setattr(target, method, _recording(getattr(target, method), method, sent))
            result = load_dist(target, dist)
        merged = [(method, size) for graph, method, size in sent if graph == MERGED]
        assert [method for method, _ in merged] == ["put_graph"] + ["post_graph"] * (len(merged) - 1)
        assert len(merged) > 3 and max(size for _, size in merged) <= 50_000
        assert result.counts[MERGED] == len(_merged(expected))
        assert {triple_key(triple) for triple in store.probe.triples(MERGED)} == _merged(expected)

    def test_update_replaces_a_graph_that_already_holds_other_triples(self, store, seed, run_kg):
        dist, expected = seed
        graph = next(iter(expected))
        store.probe.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:kg:stale> <urn:kg:stale> \"stale\" }} }}")
        result = run_kg("load", "--store", store.url, "--dist", str(dist), "--method", "update", env=store.env)
        assert result.exit_code == 0, result.output
        assert store.probe.count(graph) == len(expected[graph])

    def test_a_missing_dist_is_built_first(self, store, tmp_path):
        dist = tmp_path / "dist"
        said: list[str] = []
        with Store.connect(store.url, credentials=_credentials(store)) as target:
            result = load_dist(target, dist, seeds=SEEDS, say=said.append)
        assert said[0] == f"{dist}/ is missing: building it from {SEEDS}/"
        expected = quads_by_graph(dist / "kg.nq")
        assert result.counts == {**{graph: len(triples) for graph, triples in expected.items()},
                                 MERGED: len(_merged(expected))}

    def test_progress_names_graphs_triples_and_rate_on_stderr(self, store, seed, run_kg):
        dist, expected = seed
        result = run_kg("load", "--store", store.url, "--dist", str(dist), env=store.env)
        assert result.exit_code == 0, result.output
        # The dataset's graphs and their merge.
        graphs, total = len(expected) + 1, sum(len(triples) for triples in expected.values()) + len(_merged(expected))
        assert f"loaded {graphs}/{graphs} graphs, {total:,}/{total:,} triples, " in result.stderr
        assert "triples/s" in result.stderr

    def test_wrong_password_exits_3_naming_the_endpoint_not_the_password(self, store, seed, run_kg):
        dist, _ = seed
        env = dict(store.auth_env, KG_STORE_PASSWORD="not-the-password-" + store.auth_env["KG_STORE_PASSWORD"])
        result = run_kg("load", "--store", store.auth_url, "--store-type", store.kind, "--dist", str(dist), env=env)
        assert result.exit_code == 3, result.output
        line = _one_error_line(result)
        assert line.startswith(f"Error: {store.auth_url}/")
        assert "refused the credentials of user 'kgtest'" in line
        assert env["KG_STORE_PASSWORD"] not in result.output
        assert store.auth_env["KG_STORE_PASSWORD"] not in result.output

    def test_credentials_from_a_netrc_file_reach_the_store(self, store, seed, run_kg, tmp_path, monkeypatch):
        # Regression: requests sent netrc credentials as basic auth unasked, and Virtuoso's answer
        # (401 without a challenge) hid that it wants digest.
        dist, expected = seed
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login {store.auth_env['KG_STORE_USER']} "
                         f"password {store.auth_env['KG_STORE_PASSWORD']}\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        result = run_kg("load", "--store", store.auth_url, "--store-type", store.kind, "--dist", str(dist),
                        "--verify", "full")
        assert result.exit_code == 0, result.output
        assert {graph: store.probe.count(graph) for graph in expected} == {g: len(t) for g, t in expected.items()}

    def test_no_credentials_for_an_endpoint_that_asks_exits_3(self, store, seed, run_kg):
        dist, _ = seed
        url = f"{store.auth_url}/sparql-graph-crud-auth" if store.kind == "virtuoso" else store.auth_url
        result = run_kg("load", "--store", url, "--store-type", store.kind, "--dist", str(dist),
                        "--graph-store-endpoint", url if store.kind == "virtuoso" else f"{url}/store")
        assert result.exit_code == 3, result.output
        assert "asks for credentials (HTTP 401): set KG_STORE_USER and KG_STORE_PASSWORD" in _one_error_line(result)

    def test_port_where_nothing_listens_exits_3(self, store, seed, run_kg, unused_port):
        dist, _ = seed
        url = f"http://127.0.0.1:{unused_port}"
        result = run_kg("load", "--store", url, "--store-type", store.kind, "--dist", str(dist), "--retries", "1",
                        env=store.env)
        assert result.exit_code == 3, result.output
        line = _one_error_line(result)
        assert line.startswith(f"Error: cannot reach the store at {url}/")
        assert "connection refused (after 2 attempts)" in line

    @pytest.mark.parametrize("method", ["gsp", "update"])
    def test_killed_mid_load_then_rerun_ends_with_exactly_the_graphs(self, store, tmp_path, run_kg, method):
        graphs, size = (4, 25_000) if method == "gsp" else (3, 4_000)
        dist = write_synthetic_dist(tmp_path / "dist", graphs, size)
        iris = [graph_iri(number) for number in range(graphs)]
        store.probe.drop(*iris)
        killers: list[threading.Timer] = []

        def kill_after_first_graph(progress) -> None:
            # The next request is then in flight, or about to be, when the server dies.
            if progress.triples_done > size and not killers:
                killers.append(threading.Timer(0.05, store.server.kill))
                killers[0].start()

        with Store.connect(store.url, credentials=_credentials(store), retries=1, backoff=0.1) as target:
            with pytest.raises(StoreError, match="cannot reach the store|connection was") as failure:
                load(target, read_dataset(dist / "kg.nq"), method=method, batch_size=500,
                     progress=kill_after_first_graph, progress_every=0)
        assert killers, f"the load failed before the server was killed: {failure.value}"
        killers[0].join()
        store.server.start()
        counts_after_crash = [store.probe.count(iri) for iri in iris]
        assert counts_after_crash != [size] * graphs, "the load finished before the server was killed"

        result = run_kg("load", "--store", store.url, "--dist", str(dist), "--method", method, env=store.env)
        assert result.exit_code == 0, result.output
        assert [store.probe.count(iri) for iri in iris] == [size] * graphs
        expected = quads_by_graph(dist / "kg.nq")
        held = store.probe.triples(iris[1])
        assert len(held) == size
        assert {triple_key(t) for t in held} == {triple_key(t) for t in expected[iris[1]]}

    @pytest.mark.parametrize("method", ["gsp", "update"])
    def test_a_smaller_dataset_removes_the_graphs_kg_wrote_and_no_other(self, store, built_seed, built_two_articles,
                                                                         run_kg, method):
        one, two = quads_by_graph(built_seed.out / "kg.nq"), quads_by_graph(built_two_articles.out / "kg.nq")
        [gone] = sorted(set(two) - set(one))
        someone_elses = "https://kg.example.org/graph/someone-else"
        store.probe.put(someone_elses, b'<urn:kg:test:s> <urn:kg:test:p> "not written by kg" .\n')
        first = run_kg("load", "--store", store.url, "--dist", str(built_two_articles.out), "--method", method,
                       env=store.env)
        assert first.exit_code == 0, first.output
        assert store.probe.count(gone) == len(two[gone])
        second = run_kg("load", "--store", store.url, "--dist", str(built_seed.out), "--method", method,
                        env=store.env)
        assert second.exit_code == 0, second.output
        assert f"Removed 1 graph that an earlier load wrote and dist/ no longer has: <{gone}>\n" in second.stdout
        assert store.probe.count(gone) == 0
        assert store.probe.count(someone_elses) == 1
        assert {graph: store.probe.count(graph) for graph in one} == {g: len(t) for g, t in one.items()}
        again = run_kg("load", "--store", store.url, "--dist", str(built_seed.out), "--method", method, env=store.env)
        assert again.exit_code == 0, again.output
        assert "Removed" not in again.stdout
        store.probe.drop(someone_elses)

    def test_a_graph_written_by_a_load_that_failed_halfway_is_removed_by_the_next(self, store, built_seed,
                                                                                  built_two_articles):
        one, two = quads_by_graph(built_seed.out / "kg.nq"), quads_by_graph(built_two_articles.out / "kg.nq")
        [gone] = sorted(set(two) - set(one))
        store.probe.drop(*two, RECORD)

        def fail_before_the_metadata_graph(progress) -> None:
            if progress.graphs_done == len(two) - 1:
                raise RuntimeError("the load stops here")

        with Store.connect(store.url, credentials=_credentials(store)) as target:
            with pytest.raises(RuntimeError):
                load(target, read_dataset(built_two_articles.out / "kg.nq"), progress=fail_before_the_metadata_graph,
                     progress_every=0)
            assert store.probe.count(gone) == len(two[gone])
            result = load(target, read_dataset(built_seed.out / "kg.nq"))
        assert result.removed == [gone]
        assert store.probe.count(gone) == 0


RECORD = "https://kg.example.org/dataset/loaded"


@pytest.mark.virtuoso
def test_a_store_that_cuts_every_answer_to_one_row_is_loaded_verified_cleaned_and_queried_whole(
        virtuoso_cutting_server, built_seed, built_two_articles, run_kg):
    server, env = virtuoso_cutting_server, virtuoso_cutting_server.env
    for dist in (built_two_articles.out, built_seed.out, built_two_articles.out):
        result = run_kg("load", "--store", server.url, "--dist", str(dist), env=env)
        assert result.exit_code == 0, result.output
    # The record lists three graphs, read one row at a time: the second article's graph goes.
    result = run_kg("load", "--store", server.url, "--dist", str(built_seed.out), "--method", "update", env=env)
    assert result.exit_code == 0, result.output
    assert "Removed 1 graph that an earlier load wrote" in result.stdout
    assert "Verified: every graph holds as many triples as were sent" in result.stdout
    # Read back whole for a full verification, a graph comes back cut, and kg says so.
    full = run_kg("load", "--store", server.url, "--dist", str(built_seed.out), "--verify", "full", env=env)
    assert full.exit_code == 3, full.output
    assert full.stderr.splitlines()[-1] == (
        f"Error: {server.url}/sparql-graph-crud-auth cut its answer at 1 rows; raise the store's result limit "
        "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
    again = run_kg("load", "--store", server.url, "--dist", str(built_two_articles.out), env=env)
    assert again.exit_code == 0, again.output

    answer = run_kg("query", "graphs", "--endpoint", server.url, "--format", "csv", env=env)
    assert answer.exit_code == 0, answer.output
    assert len(answer.stdout.splitlines()) == 2
    assert answer.stderr.startswith(
        f"warning: {server.url}/sparql-auth cut the answer to graphs.rq at its limit of 1 rows")
    remote = RemoteEndpoint.connect(server.url, credentials=None)
    assert sorted(remote.graphs) == sorted(quads_by_graph(built_two_articles.out / "kg.nq"))


def _recording(send, method: str, sent: list):
    def record(graph_iri: str, ntriples: bytes) -> None:
        sent.append((graph_iri, method, len(ntriples)))
        send(graph_iri, ntriples)

    return record


def _credentials(store):
    from kg.stores import Credentials

    if not store.env:
        return None
    return Credentials(store.env["KG_STORE_USER"], store.env["KG_STORE_PASSWORD"])


@pytest.fixture
def unused_port() -> int:
    from stores.servers import free_port

    return free_port()


def _datatype(term) -> str | None:
    """A literal's datatype (xsd:string for a simple literal), None for an IRI."""
    return term.datatype.value if isinstance(term, ox.Literal) else None
