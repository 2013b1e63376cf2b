"""kg opens no connection it was not asked to: no update reaches a store, no SERVICE or remote @context is followed.

A recording HTTP server on a free loopback port stands for a store or a remote document: each test
asserts what kg said, its exit code, and how many requests the server received.
"""

from __future__ import annotations

import dataclasses
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.query import QueryFile, check, check_query, list_queries
from kg.resources import data_file

NO_ROWS = json.dumps({"head": {"vars": ["graph"]}, "results": {"bindings": []}}).encode()
ONE_ROW = json.dumps(
    {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "http://example.org/answer"}}]}}
).encode()
CONTEXT = json.dumps({"@context": {"name": "https://schema.org/name"}}).encode()


class Recorder:
    """What the server received, and what it answers (SPARQL JSON results unless told otherwise)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.answer = NO_ROWS
        self.content_type = "application/sparql-results+json"
        self.url = ""


@pytest.fixture
def server():
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.requests.append((self.command, self.path))
            self.send_response(200)
            self.send_header("Content-Type", recorder.content_type)
            self.send_header("Content-Length", str(len(recorder.answer)))
            self.end_headers()
            self.wfile.write(recorder.answer)

        do_POST = do_PUT = do_DELETE = do_GET

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield recorder
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def dist(built_seed) -> str:
    return str(built_seed.out)


def _query_file(tmp_path: Path, text: str, name: str = "mine.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# Updates -----------------------------------------------------------------------------------------

UPDATES = {
    "INSERT DATA": "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }",
    "DELETE DATA": "DELETE DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "DELETE/INSERT": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "INSERT": "PREFIX ex: <http://example.org/>\nINSERT { ex:s ex:p ?o } WHERE { ?s ?p ?o }",
    "WITH": "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>",
    "CLEAR": "CLEAR ALL",
    "CREATE": "CREATE GRAPH <http://example.org/g>",
    "DROP": "DROP ALL",
    "drop, in lower case": "drop silent graph <http://example.org/g>",
    "COPY": "COPY DEFAULT TO <http://example.org/g>",
    "MOVE": "MOVE DEFAULT TO <http://example.org/g>",
    "ADD": "ADD DEFAULT TO <http://example.org/g>",
    "two operations": "# Nothing to see\nINSERT DATA { <http://example.org/s> <http://example.org/p> 1 } ;\nDROP ALL",
}
KEYWORDS = {"INSERT": "DELETE/INSERT", "WITH": "DELETE/INSERT", "drop, in lower case": "DROP",
            "two operations": "INSERT DATA"}


@pytest.mark.parametrize("form", UPDATES)
def test_an_update_sent_to_an_endpoint_exits_2_before_any_request(run_kg, tmp_path, server, form):
    path = _query_file(tmp_path, UPDATES[form], "drop.rq")
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql")
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {path}: a SPARQL update ({KEYWORDS.get(form, form)}) is never run: kg query only reads; "
        "give a SELECT query"
    )
    assert server.requests == []


@pytest.mark.parametrize("form", UPDATES)
def test_an_update_on_the_embedded_store_exits_2(run_kg, tmp_path, dist, form):
    path = _query_file(tmp_path, UPDATES[form], "drop.rq")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _error_line(result).startswith(f"Error: {path}: a SPARQL update (")


def test_an_update_is_refused_even_with_allow_service(run_kg, tmp_path, server):
    path = _query_file(tmp_path, "DROP ALL", "drop.rq")
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql", "--allow-service")
    assert result.exit_code == 2, result.output
    assert server.requests == []


def test_the_recording_server_sees_a_select_query_sent_to_it(run_kg, tmp_path, server):
    """The harness itself: a query that passes the check does reach the server (which holds no kg dataset)."""
    path = _query_file(tmp_path, "SELECT ?s WHERE { ?s ?p ?o }")
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql", "--store-type", "virtuoso")
    assert result.exit_code == 3, result.output
    assert ("POST", "/sparql") in server.requests


def test_an_ask_query_is_refused_before_it_is_sent(run_kg, tmp_path, server):
    path = _query_file(tmp_path, "ASK { ?s ?p ?o }", "ask.rq")
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql")
    assert result.exit_code == 2, result.output
    assert _error_line(result) == f"Error: {path}: only SELECT queries can be run by kg query"
    assert server.requests == []


def test_a_syntax_error_is_refused_before_it_is_sent(run_kg, tmp_path, server):
    path = _query_file(tmp_path, "# Who is there?\nSELECT ?s\nWHERE { ?s ?p ?o ) }\n", "broken.rq")
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql")
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {path}:3: SPARQL syntax error: error at 3:18: unexpected ')' "
        "(kg reads each query with rdflib's SPARQL 1.1 parser first, and runs none it cannot read)"
    )
    assert server.requests == []


def test_a_file_with_no_query_is_refused(run_kg, tmp_path, dist):
    path = _query_file(tmp_path, "# Just a comment\n", "empty.rq")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _error_line(result) == f"Error: {path}: the file holds no query"


def test_a_query_kg_cannot_check_is_not_run_though_pyoxigraph_reads_it(run_kg, tmp_path, dist):
    # A SPARQL 1.2 triple term: pyoxigraph reads it, rdflib's SPARQL 1.1 parser does not.
    path = _query_file(tmp_path, "SELECT ?t WHERE {\n  BIND(<<( <http://x/a> <http://x/b> <http://x/c> )>> AS ?t)\n}\n")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {path}:2: SPARQL syntax error: error at 2:3: unexpected 'BIND' "
        "(kg reads each query with rdflib's SPARQL 1.1 parser first, and runs none it cannot read)"
    )


def test_a_query_nested_too_deeply_to_check_is_one_line(run_kg, tmp_path, dist):
    path = _query_file(tmp_path, "SELECT * WHERE { " + "{ " * 60 + "?s ?p ?o " + "} " * 60 + "}")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _error_line(result) == f"Error: {path}: the query nests groups too deeply for kg to check it"


def test_check_query_is_a_library_call_too():
    query = QueryFile("drop", "drop.rq", "CLEAR DEFAULT", "", (), ())
    with pytest.raises(InputError, match=r"^drop\.rq: a SPARQL update \(CLEAR\) is never run"):
        check_query(query)


# SERVICE -----------------------------------------------------------------------------------------

SERVICE_PLACES = {
    "at the top": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "in lower case": "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "in OPTIONAL": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }}",
    "in UNION": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in MINUS": "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in GRAPH": "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in FILTER EXISTS": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "in BIND": "SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} AS ?b) }}",
    "in a subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "in HAVING": "SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }})",
    "by a prefixed name": "PREFIX remote: <{url}#>\nSELECT * WHERE {{ SERVICE remote:x {{ ?s ?p ?o }} }}",
    "by a variable": "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("place", SERVICE_PLACES)
def test_a_service_clause_on_the_embedded_store_exits_2_without_a_request(run_kg, tmp_path, dist, server, place):
    path = _query_file(tmp_path, SERVICE_PLACES[place].format(url=f"{server.url}/sparql"))
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    line = _error_line(result)
    assert line.startswith(f"Error: {path}: the query calls another endpoint (SERVICE ")
    assert line.endswith("); kg makes no such call unless given --allow-service")
    assert server.requests == []


def test_a_service_clause_names_its_endpoint(run_kg, tmp_path, dist, server):
    path = _query_file(tmp_path, SERVICE_PLACES["at the top"].format(url=f"{server.url}/sparql"))
    result = run_kg("query", str(path), "--out", dist)
    assert f"(SERVICE <{server.url}/sparql>)" in _error_line(result)


def test_a_service_clause_sent_to_an_endpoint_exits_2_without_a_request(run_kg, tmp_path, server):
    path = _query_file(tmp_path, SERVICE_PLACES["in OPTIONAL"].format(url="http://169.254.169.254/latest"))
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql")
    assert result.exit_code == 2, result.output
    assert "--allow-service" in _error_line(result)
    assert server.requests == []


def test_allow_service_lets_the_embedded_store_call_the_endpoint(run_kg, tmp_path, dist, server):
    server.answer = ONE_ROW
    path = _query_file(tmp_path, SERVICE_PLACES["at the top"].format(url=f"{server.url}/sparql")
                       .replace("SELECT *", "SELECT ?s"))
    result = run_kg("query", str(path), "--out", dist, "--format", "csv", "--allow-service")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"s\r\nhttp://example.org/answer\r\n"
    assert [method for method, _ in server.requests] == ["POST"]


def test_allow_service_sends_a_service_clause_to_the_endpoint(run_kg, tmp_path, server):
    path = _query_file(tmp_path, SERVICE_PLACES["at the top"].format(url="http://example.org/sparql"))
    result = run_kg("query", str(path), "--endpoint", f"{server.url}/sparql", "--store-type", "virtuoso",
                    "--allow-service")
    assert result.exit_code == 3, result.output  # the server holds no kg dataset, but was asked
    assert ("POST", "/sparql") in server.requests


@pytest.mark.parametrize("text", [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }" }',
    "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }",
    "# SERVICE <http://127.0.0.1:9/sparql>\nSELECT ?s WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX service: <http://example.org/>\nSELECT ?service WHERE { ?service service:p ?o }",
], ids=["in a string", "in a comment", "in an IRI", "as a name"])
def test_the_word_service_outside_a_service_clause_is_not_refused(run_kg, tmp_path, dist, text):
    result = run_kg("query", str(_query_file(tmp_path, text)), "--out", dist)
    assert result.exit_code == 0, result.output


def test_an_escaped_quote_cannot_hide_a_service_clause(run_kg, tmp_path, dist, server):
    # rdflib expands \u0022 before parsing, so it would read the SERVICE clause as part of a string;
    # pyoxigraph expands it inside the string only, and would call the endpoint.
    text = ('SELECT * { BIND("""a\\u0022\\u0022\\u0022 AS ?v) BIND(""" AS ?x) '
            f'SERVICE <{server.url}/sparql> {{ ?a ?b ?c }} # """ AS ?y)\n}}\n')
    path = _query_file(tmp_path, text)
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {path}:1: \\u0022 escapes the ASCII character '\"', which SPARQL engines read in different places; "
        "kg runs no query with such an escape: write the character itself"
    )
    assert server.requests == []


def test_an_escaped_character_beyond_ascii_is_read(run_kg, tmp_path, dist):
    path = _query_file(tmp_path, 'SELECT ?word WHERE { BIND("caf\\u00e9" AS ?word) }')
    result = run_kg("query", str(path), "--out", dist, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == "word\r\ncafé\r\n".encode()


# JSON-LD contexts ---------------------------------------------------------------------------------

def _jsonld(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "data.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


CONTEXT_PLACES = {
    "the document's": lambda url: {"@context": url, "@id": "http://example.org/a", "name": "A"},
    "in a list": lambda url: {"@context": [{"ex": "http://example.org/"}, url], "@id": "ex:a"},
    "of a nested node": lambda url: {
        "@context": {"knows": "http://example.org/knows"},
        "@id": "http://example.org/a", "knows": {"@context": url, "@id": "http://example.org/b"},
    },
    "in @graph": lambda url: {"@graph": [{"@context": url, "@id": "http://example.org/a"}]},
    "scoped to a term": lambda url: {
        "@context": {"@version": 1.1, "knows": {"@id": "http://example.org/knows", "@context": url}},
        "@id": "http://example.org/a", "knows": {"@id": "http://example.org/b"},
    },
    "by @import": lambda url: {"@context": {"@version": 1.1, "@import": url}, "@id": "http://example.org/a"},
}


@pytest.mark.parametrize("place", CONTEXT_PLACES)
def test_a_remote_context_exits_2_without_a_request(run_kg, tmp_path, server, place):
    url = f"{server.url}/context.jsonld"
    path = _jsonld(tmp_path, CONTEXT_PLACES[place](url))
    result = run_kg("validate", str(path))
    assert result.exit_code == 2, result.output
    key = "@import" if place == "by @import" else "@context"
    assert _error_line(result) == (
        f"Error: {path}: remote {key} {url} is not fetched; inline it or pass --allow-remote-context"
    )
    assert server.requests == []


@pytest.mark.parametrize("reference", [
    lambda folder: "context.jsonld",
    lambda folder: (folder / "context.jsonld").as_uri(),
    lambda folder: "../../../../../../etc/passwd",
], ids=["relative", "file IRI", "outside the folder"])
def test_a_context_in_another_local_file_is_not_read(run_kg, tmp_path, reference):
    (tmp_path / "context.jsonld").write_bytes(CONTEXT)
    path = _jsonld(tmp_path, {"@context": reference(tmp_path), "@id": "http://example.org/a", "name": "A"})
    result = run_kg("validate", str(path))
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {path}: @context {reference(tmp_path)} is not fetched; inline it or pass --allow-remote-context"
    )


def test_allow_remote_context_fetches_it(run_kg, tmp_path, server):
    server.answer, server.content_type = CONTEXT, "application/ld+json"
    path = _jsonld(tmp_path, CONTEXT_PLACES["the document's"](f"{server.url}/context.jsonld"))
    result = run_kg("validate", str(path), "--allow-remote-context")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Checked 1 triples of {path} against kg's shapes\n")
    assert server.requests == [("GET", "/context.jsonld")]


def test_an_inline_context_needs_no_option(run_kg, tmp_path):
    path = _jsonld(tmp_path, {"@context": {"name": "https://schema.org/name"}, "@id": "http://example.org/a",
                              "name": "A"})
    result = run_kg("validate", str(path))
    assert result.exit_code == 0, result.output


def test_a_jsonld_file_that_is_not_json_is_one_line(run_kg, tmp_path):
    path = tmp_path / "data.jsonld"
    path.write_text('{"@context": ', encoding="utf-8")
    result = run_kg("validate", str(path))
    assert result.exit_code == 2, result.output
    assert _error_line(result).startswith(f"Error: {path}: cannot be read as json-ld: ")


# SPARQL in shapes --------------------------------------------------------------------------------

def _shapes_with(tmp_path: Path, select: str) -> Path:
    """A shapes folder with one SPARQL constraint on ex:a, and data about ex:a beside it."""
    folder = tmp_path / "shapes"
    folder.mkdir()
    (folder / "remote.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        f'ex:Remote a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """{select}""" ] .\n',
        encoding="utf-8",
    )
    (tmp_path / "data.ttl").write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("keyword", ["SERVICE ", "SERV\\\\u0049CE "], ids=["plain", "escaped"])
def test_a_shape_whose_sparql_calls_another_endpoint_exits_2_without_a_request(run_kg, tmp_path, server, keyword):
    # pyshacl refuses a plain SERVICE by a pattern on the text, which the escaped one passes; rdflib
    # expands the escape and would call the endpoint.
    url = f"{server.url}/sparql"
    folder = _shapes_with(tmp_path, f"SELECT $this WHERE {{ {keyword}<{url}> {{ $this ?p ?o }} }}")
    result = run_kg("validate", str(tmp_path / "data.ttl"), "--shapes", str(folder))
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {folder}: a SPARQL constraint calls another endpoint (SERVICE <{url}>), "
        "which SHACL does not allow and kg does not do"
    )
    assert server.requests == []


def test_a_shape_that_pyshacl_refuses_to_run_is_one_line(run_kg, tmp_path):
    folder = _shapes_with(tmp_path, "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?type } }")
    result = run_kg("validate", str(tmp_path / "data.ttl"), "--shapes", str(folder))
    assert result.exit_code == 2, result.output
    assert _error_line(result) == (
        f"Error: {folder}: the shapes cannot be used: A SPARQL Constraint must not contain a MINUS clause."
    )


# The bundled queries checked when kg was made (kg/data/checked-queries.json)


def test_the_table_of_checked_queries_holds_each_bundled_query_as_the_parser_reads_it():
    from regenerate_query_table import checked_table

    shipped = json.loads(data_file(check.CHECKED).read_text(encoding="utf-8"))
    assert shipped == checked_table(), "out of date with queries/: run python tests/regenerate_query_table.py"


def test_a_bundled_query_is_not_read_again_and_any_other_text_is(monkeypatch):
    read = []
    parse = check._parse_query
    monkeypatch.setattr(check, "_parse_query", lambda query: read.append(query.name) or parse(query))
    bundled = next(query for query in list_queries() if query.name == "actors")
    check_query(bundled)
    assert read == []
    calling = dataclasses.replace(bundled, name="calling", text=bundled.text.replace(
        "WHERE {", "WHERE {\n  SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z }", 1))
    with pytest.raises(InputError, match="calls another endpoint"):
        check_query(calling)
    assert read == ["calling"]


def test_the_table_is_not_used_with_another_parser(monkeypatch, tmp_path):
    # Another rdflib: a copy of the installed package's parser files, found where rdflib is looked for.
    installed = Path(importlib.util.find_spec("rdflib").submodule_search_locations[0])
    other = tmp_path / "rdflib"
    for name in check.PARSER_FILES:
        (other / name).parent.mkdir(parents=True, exist_ok=True)
        (other / name).write_bytes((installed / name).read_bytes())
    spec = importlib.machinery.ModuleSpec("rdflib", None, is_package=True)
    spec.submodule_search_locations.append(str(other))
    check.checked_texts.cache_clear()
    try:
        with monkeypatch.context() as patched:
            patched.setattr(check.importlib.util, "find_spec", lambda name: spec if name == "rdflib" else None)
            assert len(check.checked_texts()) == len(list_queries())  # the same parser: the table is used
            check.checked_texts.cache_clear()
            with (other / check.PARSER_FILES[-1]).open("a", encoding="utf-8") as parser:
                parser.write("\n")
            assert check.checked_texts() == frozenset()  # one byte more: every query is read again
    finally:
        check.checked_texts.cache_clear()
    assert len(check.checked_texts()) == len(list_queries())


def test_a_fresh_kg_query_imports_neither_rdflib_nor_importlib_metadata(built_seed):
    code = ("import sys; from kg.cli import main\n"
            "try:\n    main(['query', 'articles', '--out', sys.argv[1]], standalone_mode=False)\n"
            "finally:\n    print(sorted(m for m in ('rdflib', 'importlib.metadata') if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(built_seed.out)], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"
