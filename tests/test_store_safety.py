"""Stores that misbehave: stall, cut answers, answer nonsense, echo credentials, redirect elsewhere.

Each store here is a scripted HTTP server on a loopback port, started and stopped by the test.
Whatever it does, kg ends with exit code 3 and one line `Error: ...` naming the endpoint (or, for
an answer a store says it cut, a warning), never a traceback, never a hang, never the password.
"""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import parse_qs, quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.errors import StoreError
from kg.stores import Credentials, Store
from stores.scripted import ScriptedServer, Trickle

pytestmark = pytest.mark.usefixtures("store_env")

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RESULTS = {"Content-Type": "application/sparql-results+json"}
DIGEST = {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc", qop="auth"'}


def _one_error_line(result) -> str:
    """The error line, which ends stderr; before it only progress lines."""
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("Error:")] == lines[-1:], result.stderr
    assert all(line.startswith("loaded ") for line in lines[:-1]), result.stderr
    return lines[-1]


def _query_of(handler) -> str:
    return parse_qs(handler.body.decode("utf-8")).get("query", [""])[0]


def _json(data, headers=RESULTS) -> tuple[int, dict[str, str], bytes]:
    return 200, dict(headers), json.dumps(data).encode("utf-8")


def _iris(variable: str, iris: list[str]) -> dict:
    return {"head": {"vars": [variable]},
            "results": {"bindings": [{variable: {"type": "uri", "value": iri}} for iri in iris]}}


def _count(n: int) -> dict:
    return {"head": {"vars": ["n"]},
            "results": {"bindings": [{"n": {"type": "literal", "datatype": XSD_INTEGER, "value": str(n)}}]}}


def _empty_store(number, handler):
    """A store that holds nothing and takes every graph: counts are 0, PUTs are created."""
    if handler.command == "PUT":
        return 201, {}, b""
    return _json(_count(0))


# 1. Timeouts bound the whole request ----------------------------------------------------------------


def test_query_on_a_store_that_trickles_its_answer_ends_at_the_timeout_with_exit_3(run_kg):
    answer = _json(_count(1))
    with ScriptedServer(lambda number, handler: Trickle(answer)) as server:
        started = time.monotonic()
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph", "--timeout", "2")
        elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == \
        f"Error: {server.url}/query: listing the dataset's graphs: no complete answer within 2 s"
    assert elapsed < 5
    # Not sent again: the store had the whole time the user gave.
    assert len(server.requests) == 1


def test_load_into_a_store_that_trickles_the_body_of_its_answer_ends_at_the_timeout_with_exit_3(run_kg, built_seed):
    def script(number, handler):
        if handler.command == "PUT":
            return Trickle((201, {"Content-Type": "text/plain"}, b"created, slowly"), head_first=True)
        return _json(_count(0))

    with ScriptedServer(script) as server:
        started = time.monotonic()
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--timeout", "2")
        elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    line = _one_error_line(result)
    assert line.startswith(f"Error: {server.url}/store: replacing graph <")
    assert line.endswith(">: no complete answer within 2 s")
    assert elapsed < 5


def test_a_trickled_answer_with_no_length_is_not_taken_as_complete():
    # Shut down by the deadline, a body read until the connection closes would end without error.
    def script(number, handler):
        return Trickle((200, {"Content-Type": "application/n-triples"}, b"<http://s> <http://p> <http://o> .\n"),
                       head_first=True, interval=0.2)

    with ScriptedServer(script) as server:
        store = Store.connect(server.url, store_type="oxigraph", credentials=None, timeout=1, retries=0)
        with pytest.raises(StoreError, match="no complete answer within 1 s"):
            store.get_graph("http://g")


def test_a_store_that_stops_reading_a_large_body_for_longer_than_the_connect_timeout_is_waited_for(monkeypatch):
    # Oxigraph stops reading a PUT of 64 MB for more than 10 s while it stores what it read.
    monkeypatch.setattr("kg.stores.attempts._CONNECT_TIMEOUT", 0.5)
    body = b"<http://s> <http://p> <http://o> .\n" * 1_000_000  # 35 MB: more than the sockets' buffers

    def script(number, handler):
        return 204, {}, b""

    with ScriptedServer(script, read_after=1.5) as server:
        store = Store.connect(server.url, store_type="oxigraph", credentials=None, timeout=20, retries=0)
        store.put_graph("http://g", body)
        store.put_graph("http://g", body)  # again, on the connection kept open
    assert server.bodies == [body, body]


# 2. Answers cut short ------------------------------------------------------------------------------


def _dataset_store(graphs: list[str], limit: int, answer_query):
    """A store holding a kg dataset of `graphs` (and their merge), which lists at most `limit` of them
    at a time, with Virtuoso's X-SPARQL-MaxRows header when it cuts, and answers the query itself
    with `answer_query(handler)`."""

    def script(number, handler):
        query = _query_of(handler)
        if query.startswith("ASK"):
            return _json({"head": {}, "boolean": True})
        if "COUNT(DISTINCT ?graph)" in query:
            return _json(_count(len(graphs)))
        if "SELECT DISTINCT ?graph" in query:
            page = re.search(r"LIMIT (\d+) OFFSET (\d+)", query)
            start = int(page.group(2)) if page else 0
            rows = graphs[start:start + min(limit, int(page.group(1)) if page else limit)]
            cut = {"X-SPARQL-MaxRows": str(limit)} if len(rows) == limit else {}
            return _json(_iris("graph", rows), {**RESULTS, **cut})
        return answer_query(handler)

    return ScriptedServer(script)


def _cutting_store(graphs: list[str], limit: int, query_rows: int):
    """A store that answers at most `limit` rows, with Virtuoso's X-SPARQL-MaxRows header when it cuts."""

    def answer_query(handler):
        rows = [f"https://kg.example.org/person/{n}" for n in range(min(limit, query_rows))]
        cut = {"X-SPARQL-MaxRows": str(limit)} if query_rows >= limit else {}
        return _json(_iris("actor", rows), {**RESULTS, **cut})

    return _dataset_store(graphs, limit, answer_query)


def test_kg_query_reads_every_graph_from_a_store_that_cuts_answers_and_warns_of_a_cut_answer(run_kg):
    graphs = [f"https://kg.example.org/graph/{n:02d}" for n in range(21)]
    with _cutting_store(graphs, limit=3, query_rows=10) as server:
        result = run_kg("query", "graphs", "--endpoint", server.url, "--store-type", "oxigraph", "--format", "json")
    assert result.exit_code == 0, result.output
    asked = parse_qs(server.bodies[-1].decode("utf-8"))
    # The dataset merged is the default graph; its graphs, all 22, are the named graphs GRAPH asks.
    assert asked["default-graph-uri"] == ["https://kg.example.org/dataset/merged"]
    assert asked["named-graph-uri"] == graphs + ["https://kg.example.org/graph/metadata"]
    assert len(json.loads(result.stdout)["results"]["bindings"]) == 3
    assert result.stderr == (
        f"warning: {server.url}/query cut the answer to graphs.rq at its limit of 3 rows (X-SPARQL-MaxRows): "
        "rows are missing; raise the store's result limit (Virtuoso: ResultSetMaxRows in the [SPARQL] "
        "section of virtuoso.ini)\n")


def test_an_answer_with_a_header_for_each_of_a_thousand_named_graphs_is_read(run_kg):
    # Virtuoso echoes each named graph of the request in a header of the answer.
    graphs = [f"https://kg.example.org/graph/{n:04d}" for n in range(1000)]

    def echo_graphs(handler):
        named = parse_qs(handler.body.decode("utf-8"))["named-graph-uri"]
        echo = {f"X-SPARQL-named-graph-{n}": graph for n, graph in enumerate(named)}
        return _json({"head": {"vars": ["graph", "graphLabel", "triples", "declaredTriples"]},
                      "results": {"bindings": []}}, {**RESULTS, **echo})

    with _dataset_store(graphs, 10_000, echo_graphs) as server:
        result = run_kg("query", "graphs", "--endpoint", server.url, "--store-type", "virtuoso", "--format", "csv",
                        "--retries", "0")
    assert result.exit_code == 0, result.output
    assert len(parse_qs(server.bodies[-1].decode("utf-8"))["named-graph-uri"]) == 1001
    assert result.stdout.splitlines() == ["graph,graphLabel,triples,declaredTriples"]


def test_kg_query_does_not_warn_when_the_store_did_not_cut(run_kg):
    graphs = [f"https://kg.example.org/graph/{n:02d}" for n in range(5)]
    with _cutting_store(graphs, limit=10, query_rows=4) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    # A query without GRAPH asks the merged graph alone.
    asked = parse_qs(server.bodies[-1].decode("utf-8"))
    assert asked["default-graph-uri"] == ["https://kg.example.org/dataset/merged"]
    assert "named-graph-uri" not in asked


def test_counts_from_a_store_that_cuts_answers_are_all_read():
    graphs = [f"http://g/{n}" for n in range(7)]
    asked: list[int] = []

    def script(number, handler):
        wanted = re.findall(r"<(http://g/\d+)>", _query_of(handler))
        asked.append(len(wanted))
        rows = [{"g": {"type": "uri", "value": iri}, "n": {"type": "literal", "value": iri.rsplit("/", 1)[1]}}
                for iri in wanted[:3]]
        answer = {"head": {"vars": ["g", "n"]}, "results": {"bindings": rows}}
        return _json(answer, {**RESULTS, "X-SPARQL-MaxRows": "3"})

    with ScriptedServer(script) as server:
        store = Store.connect(server.url, store_type="oxigraph", credentials=None, retries=0)
        counts = store.count_triples(graphs)
    assert counts == {iri: int(iri.rsplit("/", 1)[1]) for iri in graphs}
    assert asked == [7, 3, 1]


def test_a_listing_shorter_than_its_count_is_an_error(run_kg):
    def script(number, handler):
        query = _query_of(handler)
        if "COUNT(DISTINCT ?graph)" in query:
            return _json(_count(21))
        return _json(_iris("graph", [] if "OFFSET" in query else ["https://kg.example.org/graph/a"]))

    with ScriptedServer(script) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == (f"Error: {server.url}/query: listing the dataset's graphs: the store counts 21 "
                                       "values of ?graph but answers only 1 of them")


# 3. Malformed answers ------------------------------------------------------------------------------


MALFORMED = [
    pytest.param(_json({"head": {"vars": ["graph"]}, "results": {"bindings": [{}]}}),
                 "the answer has a row without ?graph", id="row-without-graph"),
    pytest.param((200, RESULTS, b"<html>oops</html>"),
                 "the answer is not SPARQL JSON results (Expecting value)", id="not-json"),
    pytest.param((200, RESULTS, b"\xff\xfe\xfa"), "the answer is not SPARQL JSON results (not UTF-8)", id="not-utf8"),
    pytest.param(_json({"head": {"vars": ["graph"]}}),
                 "the answer is not SPARQL JSON results: no results.bindings list", id="no-results"),
    pytest.param(_json({"results": {"bindings": []}}),
                 "the answer is not SPARQL JSON results: no head.vars list of names", id="no-head"),
    pytest.param(_json([1, 2]), "the answer is not SPARQL JSON results: a JSON list, not an object", id="a-list"),
    pytest.param(_json({"head": {"vars": ["graph"]},
                        "results": {"bindings": [{"graph": {"type": "uri", "value": 5}}]}}),
                 "the answer is not SPARQL JSON results: row 1: ?graph is not an RDF term", id="value-not-text"),
    pytest.param(_json({"head": {"vars": ["graph"]}, "results": {"bindings": ["g"]}}),
                 "the answer is not SPARQL JSON results: row 1 is not an object", id="row-not-object"),
    pytest.param(_json({"head": {"vars": ["graph"]}, "results": {"bindings": [{"graph": {"type": "literal",
                                                                                         "value": "g"}}]}}),
                 "?graph is a literal, not an IRI, in the answer", id="literal-not-iri"),
    pytest.param((200, {"Content-Type": "text/html"}, b"<html><body><p>Please sign in</p></body></html>"),
                 "the store answered text/html, not SPARQL JSON results (Please sign in)", id="html-page"),
    pytest.param((200, {}, b""), "the store answered without a content type, not SPARQL JSON results",
                 id="no-content-type"),
    pytest.param((204, RESULTS, b""), "the store answered HTTP 204, where 200 was expected", id="no-content"),
]


@pytest.mark.parametrize(("answer", "message"), MALFORMED)
def test_a_malformed_listing_of_the_graphs_is_exit_3_in_one_line(run_kg, answer, message):
    def script(number, handler):
        return _json(_count(1)) if "COUNT(DISTINCT ?graph)" in _query_of(handler) else answer

    with ScriptedServer(script) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == f"Error: {server.url}/query: listing the dataset's graphs: {message}"


@pytest.mark.parametrize(("value", "shown"), [("many", "'many'"), ("-1", "'-1'"), (None, "nothing")])
def test_a_count_that_is_not_a_count_is_exit_3_in_one_line(run_kg, value, shown):
    rows = [{"n": {"type": "literal", "value": value}}] if value is not None else [{}]

    answer = _json({"head": {"vars": ["n"]}, "results": {"bindings": rows}})
    with ScriptedServer(lambda number, handler: answer) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == \
        f"Error: {server.url}/query: listing the dataset's graphs: ?n is {shown}, not a count, in the answer"


def test_a_malformed_answer_to_the_query_itself_is_exit_3_in_one_line(run_kg):
    def script(number, handler):
        query = _query_of(handler)
        if query.startswith("ASK"):
            return _json({"head": {}, "boolean": True})
        if "COUNT(DISTINCT ?graph)" in query:
            return _json(_count(1))
        if "SELECT DISTINCT ?graph" in query:
            return _json(_iris("graph", ["https://kg.example.org/graph/a"]))
        return _json({"head": {"vars": ["actor"]}, "results": {"bindings": [{"actor": {"type": "triple",
                                                                                        "value": "x"}}]}})

    with ScriptedServer(script) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == (f"Error: {server.url}/query: running names.rq: the answer is not SPARQL JSON "
                                       "results: row 1: ?actor is not an RDF term")


# 4. Credentials never printed ----------------------------------------------------------------------


def _echoing_store(challenge: dict[str, str], password_forms: bool = True):
    """Asks for credentials, then answers 500 with the request echoed on one line, and what it decoded."""

    def script(number, handler):
        authorization = handler.headers.get("Authorization", "")
        if not authorization:
            return 401, challenge, b""
        echo = f"{handler.command} {handler.path} " + " ".join(f"{k}: {v}" for k, v in handler.headers.items())
        if password_forms and authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode("utf-8")
            password = pair.split(":", 1)[1]
            echo += f" user:password {pair} url {quote(password)} json {json.dumps(pair)[1:-1]}"
        echo += " body " + handler.body[:200].decode("utf-8", "replace")
        return 500, {"Content-Type": "text/plain; charset=utf-8"}, echo.encode("utf-8")

    return ScriptedServer(script)


def _secret_forms(user: str, password: str) -> list[str]:
    pair = f"{user}:{password}".encode("utf-8")
    forms = [password, quote(password, safe="")]
    for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
        forms += [encoded.decode("ascii"), encoded.decode("ascii").rstrip("=")]
    return forms


def _sent_authorizations(server) -> list[str]:
    return [headers["Authorization"] for _, _, headers in server.requests if "Authorization" in headers]


@pytest.mark.parametrize("challenge", [{"WWW-Authenticate": 'Basic realm="kg"'}, DIGEST], ids=["basic", "digest"])
@pytest.mark.parametrize("command", ["load", "query"])
def test_a_store_that_echoes_the_request_in_an_error_does_not_get_the_credentials_printed(
        run_kg, built_seed, challenge, command):
    env = {"KG_STORE_USER": "kgtest", "KG_STORE_PASSWORD": "s3cret-Pässword/+="}
    with _echoing_store(challenge) as server:
        if command == "load":
            result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                            "--retries", "0", env=env)
        else:
            result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph", "--retries", "0",
                            env=env)
    assert result.exit_code == 3, result.output
    line = _one_error_line(result)
    assert "failed with HTTP 500 Internal Server Error: " in line
    assert "Authorization: ***" in line
    sent = _sent_authorizations(server)
    assert sent
    for secret in _secret_forms("kgtest", env["KG_STORE_PASSWORD"]) + sent:
        assert secret not in result.output
    for response in re.findall(r'response="(\w+)"', " ".join(sent)):
        assert response not in result.output


_PASSWORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=6, max_size=40).filter(
    lambda password: len(set(password)) >= 3)


@pytest.fixture(scope="module")
def echoing_basic_store():
    with _echoing_store({"WWW-Authenticate": 'Basic realm="kg"'}) as server:
        yield server


@settings(max_examples=100, deadline=None)
@given(password=_PASSWORDS)
def test_no_form_of_any_password_survives_an_echoing_store(echoing_basic_store, password):
    server = echoing_basic_store
    skeleton = f"{server.url}/store: replacing graph <http://g> failed with HTTP 500 Internal Server Error"
    assume(all(form not in skeleton for form in _secret_forms("kgtest", password)))
    before = len(server.requests)
    with Store.connect(server.url, store_type="oxigraph", credentials=Credentials("kgtest", password),
                       retries=0) as store:
        with pytest.raises(StoreError) as caught:
            store.put_graph("http://g", b"")
    message = str(caught.value)
    assert message.startswith(skeleton)
    sent = [headers["Authorization"] for _, _, headers in server.requests[before:] if "Authorization" in headers]
    assert sent
    for secret in _secret_forms("kgtest", password) + sent:
        assert secret not in message


def test_a_digest_algorithm_kg_does_not_know_is_exit_3_in_one_line(run_kg):
    challenge = {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc", qop="auth", algorithm="SHA-512"'}
    with ScriptedServer(lambda number, handler: (401, challenge, b"")) as server:
        result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph",
                        env={"KG_STORE_USER": "kgtest", "KG_STORE_PASSWORD": "pw"})
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == (f"Error: {server.url}/query: listing the dataset's graphs: the store asks for "
                                       "digest algorithm 'SHA-512', which kg does not know")
    assert len(server.requests) == 1


# 5. Redirects --------------------------------------------------------------------------------------


def _signed_or_challenge(answer):
    """A digest store: a challenge for an unsigned request, else `answer(handler)`."""

    def script(number, handler):
        if "Authorization" not in handler.headers:
            return 401, DIGEST, b""
        return answer(handler)

    return script


def test_a_put_redirected_to_another_host_is_exit_3_and_nothing_goes_there(run_kg, built_seed):
    with ScriptedServer(lambda number, handler: (201, {}, b"")) as elsewhere:
        def answer(handler):
            if handler.command == "PUT":
                return 307, {"Location": f"{elsewhere.url}{handler.path}"}, b""
            return _json(_count(0))

        with ScriptedServer(_signed_or_challenge(answer)) as server:
            result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                            "--allow-redirects", env={"KG_STORE_USER": "kgtest", "KG_STORE_PASSWORD": "pw-for-a"})
    assert result.exit_code == 3, result.output
    line = _one_error_line(result)
    assert line.startswith(f"Error: {server.url}/store: replacing graph <")
    assert line.endswith(f">: the store redirects (HTTP 307) to {elsewhere.url}/store; kg sends a request body only "
                         "to the endpoint it was given: give that endpoint instead")
    assert elsewhere.requests == []


def test_a_put_answered_with_302_is_not_followed_as_a_get(run_kg, built_seed):
    def script(number, handler):
        if handler.command == "PUT":
            return 302, {"Location": "/login"}, b""
        if handler.path == "/login":
            return 200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html>"
        return _json(_count(0))

    with ScriptedServer(script) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--verify", "none")
    assert result.exit_code == 3, result.output
    assert "the store redirects (HTTP 302) to " + server.url + "/login; kg sends a request body only" in \
        _one_error_line(result)
    assert [method for method, _, _ in server.requests] == ["POST", "PUT"]


def test_a_query_redirected_elsewhere_is_exit_3_and_nothing_goes_there(run_kg):
    with ScriptedServer(lambda number, handler: _json(_count(0))) as elsewhere:
        with ScriptedServer(lambda number, handler: (307, {"Location": f"{elsewhere.url}/sparql"}, b"")) as server:
            result = run_kg("query", "names", "--endpoint", server.url, "--store-type", "oxigraph")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result) == (
        f"Error: {server.url}/query: listing the dataset's graphs: the store redirects (HTTP 307) to "
        f"{elsewhere.url}/sparql; kg sends a request body only to the endpoint it was given: "
        "give that endpoint instead")
    assert elsewhere.requests == []


NTRIPLES = (200, {"Content-Type": "application/n-triples"}, b"<http://s> <http://p> <http://o> .\n")


def test_a_read_redirected_to_another_host_is_refused_by_default():
    with ScriptedServer(lambda number, handler: NTRIPLES) as elsewhere:
        answer = _signed_or_challenge(lambda handler: (307, {"Location": f"{elsewhere.url}/data"}, b""))
        with ScriptedServer(answer) as server:
            store = Store.connect(server.url, store_type="oxigraph", credentials=Credentials("kgtest", "pw"),
                                  retries=0)
            with pytest.raises(StoreError) as caught:
                store.get_graph("http://g")
    assert str(caught.value) == (
        f"{server.url}/store: reading graph <http://g>: the store redirects (HTTP 307) to another host, "
        f"{elsewhere.url}/data; kg follows that only when allowed (--allow-redirects), and then without credentials")
    assert elsewhere.requests == []


def test_an_allowed_redirect_to_another_host_goes_there_without_credentials():
    with ScriptedServer(lambda number, handler: NTRIPLES) as elsewhere:
        answer = _signed_or_challenge(lambda handler: (307, {"Location": f"{elsewhere.url}/data"}, b""))
        with ScriptedServer(answer) as server:
            store = Store.connect(server.url, store_type="oxigraph", credentials=Credentials("kgtest", "pw"),
                                  retries=0, allow_redirects=True)
            assert store.get_graph("http://g") == NTRIPLES[2]
    assert [(method, path) for method, path, _ in elsewhere.requests] == [("GET", "/data")]
    assert "Authorization" not in elsewhere.requests[0][2]


def test_another_host_that_asks_for_credentials_after_an_allowed_redirect_gets_none():
    with ScriptedServer(lambda number, handler: (401, DIGEST, b"")) as elsewhere:
        answer = _signed_or_challenge(lambda handler: (307, {"Location": f"{elsewhere.url}/data"}, b""))
        with ScriptedServer(answer) as server:
            store = Store.connect(server.url, store_type="oxigraph", credentials=Credentials("kgtest", "pw"),
                                  retries=0, allow_redirects=True)
            with pytest.raises(StoreError) as caught:
                store.get_graph("http://g")
    assert str(caught.value) == (
        f"{server.url}/store: reading graph <http://g>: the store redirects to {elsewhere.url}/data, which asks for "
        "credentials (HTTP 401); kg sends credentials only to the host they are for")
    assert all("Authorization" not in headers for _, _, headers in elsewhere.requests)


def test_a_read_redirected_within_the_store_keeps_its_credentials():
    def answer(handler):
        if handler.path.startswith("/store"):
            return 307, {"Location": "/moved/store"}, b""
        return NTRIPLES

    with ScriptedServer(_signed_or_challenge(answer)) as server:
        store = Store.connect(server.url, store_type="oxigraph", credentials=Credentials("kgtest", "pw"), retries=0)
        assert store.get_graph("http://g") == NTRIPLES[2]
    assert server.requests[-1][1] == "/moved/store"
    assert server.requests[-1][2]["Authorization"].startswith("Digest ")


def test_a_redirect_loop_is_exit_3():
    with ScriptedServer(lambda number, handler: (302, {"Location": f"/loop/{number}"}, b"")) as server:
        store = Store.connect(server.url, store_type="oxigraph", credentials=None, retries=0)
        with pytest.raises(StoreError, match="reading graph <http://g>: the store redirects more than 5 times"):
            store.get_graph("http://g")
    assert len(server.requests) == 6


# 6. Every answer checked ---------------------------------------------------------------------------


def test_a_put_answered_with_a_web_page_is_not_loaded(run_kg, built_seed):
    def script(number, handler):
        if handler.command == "PUT":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1>"
        return _json(_count(0))

    with ScriptedServer(script) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--verify", "none")
    assert result.exit_code == 3, result.output
    line = _one_error_line(result)
    assert line.startswith(f"Error: {server.url}/store: replacing graph <")
    assert line.endswith(">: the store answered HTTP 200 with a web page, not a Graph Store answer (Welcome to nginx!)")
    assert "Loaded" not in result.stdout


@pytest.mark.parametrize("status", [202, 206])
def test_a_put_answered_with_another_success_status_is_not_loaded(run_kg, built_seed, status):
    def script(number, handler):
        return (status, {}, b"") if handler.command == "PUT" else _json(_count(0))

    with ScriptedServer(script) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--verify", "none")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result).endswith(f"the store answered HTTP {status} {_REASONS[status]}, where 200, 201 or "
                                            "204 was expected")


_REASONS = {202: "Accepted", 206: "Partial Content"}


def test_an_update_answered_with_201_is_not_loaded(run_kg, built_seed):
    def script(number, handler):
        if handler.headers.get("Content-Type") == "application/sparql-update":
            return 201, {}, b""
        return _json(_count(0))

    with ScriptedServer(script) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--method", "update", "--verify", "none")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result).startswith(f"Error: {server.url}/update: replacing graph <")
    assert result.stderr.rstrip().endswith(">: the store answered HTTP 201, where 200 or 204 was expected")


def test_a_graph_read_back_as_html_is_exit_3(run_kg, built_seed):
    def script(number, handler):
        if handler.command == "GET":
            return 200, {"Content-Type": "text/html"}, b"<html><body>Graph browser</body></html>"
        if handler.command == "PUT":
            return 204, {}, b""
        graphs = re.findall(r"<(https://kg\.example\.org/[^>]+)>", _query_of(handler))
        return _json(_count(0)) if "COUNT(DISTINCT ?graph)" in _query_of(handler) else _json({
            "head": {"vars": ["g", "n"]},
            "results": {"bindings": [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n)}}
                                     for g, n in zip(graphs, _expected_counts(built_seed, graphs))]}})

    with ScriptedServer(script) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--verify", "full")
    assert result.exit_code == 3, result.output
    assert _one_error_line(result).endswith(">: the store answered text/html, not N-Triples (Graph browser)")


def _expected_counts(built, graphs: list[str]) -> list[int]:
    from kg.stores import read_dataset
    from kg.stores.dataset import merged_graph

    graphs_sent = read_dataset(built.out / "kg.nq")
    sizes = {graph.iri: len(graph) for graph in graphs_sent + [merged_graph(graphs_sent)]}
    return [sizes.get(graph, 0) for graph in graphs]


def test_a_store_that_answers_well_is_loaded(run_kg, built_seed):
    with ScriptedServer(_empty_store) as server:
        result = run_kg("load", "--store", server.url, "--store-type", "oxigraph", "--dist", str(built_seed.out),
                        "--verify", "none")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Loaded ")
