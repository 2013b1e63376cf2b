"""kg serve: content negotiation on the resources' IRIs, and a read-only SPARQL 1.1 Protocol endpoint
that answers every bundled query as the embedded store does, through kg query and SPARQLWrapper."""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
import pytest
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from kg.query import LocalDataset, list_queries, run_query
from kg.serve import Server

QUERY = "SELECT ?label WHERE { <https://kg.example.org/person/hun-sen> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


def get(server, path: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url.rstrip("/") + path, headers=headers, allow_redirects=False, timeout=30, **kwargs)


@pytest.mark.parametrize("accept, location, media", [
    ("text/turtle", "/person/hun-sen.ttl", "text/turtle"),
    ("application/ld+json", "/person/hun-sen.jsonld", "application/ld+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/person/hun-sen/", "text/html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "/person/hun-sen.jsonld", "application/ld+json"),
    (None, "/person/hun-sen/", "text/html"),
])
def test_a_resource_iri_answers_303_with_the_document_asked_for(served, accept, location, media):
    answer = get(served, "/person/hun-sen", accept)
    assert answer.status_code == 303
    assert answer.headers["Location"] == location
    assert "Accept" in answer.headers["Vary"]
    document = get(served, location, accept)
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith(media)


def test_the_documents_hold_the_resource(served):
    turtle = get(served, "/person/hun-sen.ttl").text
    assert '<https://kg.example.org/person/hun-sen> a sem:Actor' in turtle
    jsonld = json.loads(get(served, "/person/hun-sen.jsonld").content)
    assert any(node.get("id") == "https://kg.example.org/person/hun-sen" for node in jsonld["@graph"])
    assert "Hun Sen" in get(served, "/person/hun-sen/").text


def test_a_resource_whose_iri_ends_in_a_slash_is_its_own_page(served):
    assert get(served, "/charge/").status_code == 200
    answer = get(served, "/charge/", "text/turtle")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/charge/index.ttl")


def test_an_unacceptable_type_is_406_and_a_missing_resource_404(served):
    assert get(served, "/person/hun-sen", "application/n-triples").status_code == 406
    missing = get(served, "/person/nobody")
    assert missing.status_code == 404 and "Nothing here" in missing.text
    assert get(served, "/../../etc/passwd").status_code == 404
    assert get(served, "/%2e%2e/%2e%2e/etc/passwd").status_code == 404
    assert get(served, "/.htaccess").status_code == 404 and get(served, "/.kg-site").status_code == 404


def test_pages_are_sent_with_a_content_security_policy(served):
    answer = get(served, "/person/hun-sen/")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_void_names_the_sparql_endpoint(served):
    answer = get(served, "/.well-known/void")
    assert answer.headers["Content-Type"].startswith("text/turtle")
    assert f"<{served.url}sparql>" in answer.text
    as_jsonld = get(served, "/.well-known/void", "application/ld+json")
    assert as_jsonld.headers["Content-Type"].startswith("application/ld+json")
    json.loads(as_jsonld.content)


@pytest.mark.parametrize("accept, start", [
    ("application/sparql-results+json", b"{"),
    ("application/sparql-results+xml", b"<?xml"),
    ("text/csv", b"label\r\n"),
    ("text/tab-separated-values", b"?label\n"),
])
def test_the_endpoint_answers_in_the_standard_result_formats(served, accept, start):
    answer = get(served, "/sparql", accept, params={"query": QUERY})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith(accept)
    assert answer.content.startswith(start) and b"Hun Sen" in answer.content


def test_the_endpoint_takes_a_query_by_post_form_and_by_post_body(served):
    form = requests.post(served.url + "sparql", data={"query": QUERY}, timeout=30,
                         headers={"Accept": "application/sparql-results+json"})
    body = requests.post(served.url + "sparql", data=QUERY.encode(), timeout=30,
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})
    for answer in (form, body):
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["label"]["value"] == "Hun Sen"


def _graphs_answered(served, query: str, **params) -> list[str]:
    answer = get(served, "/sparql", "application/sparql-results+json", params={"query": query, **params})
    assert answer.status_code == 200, answer.text
    return sorted(row["g"]["value"] for row in answer.json()["results"]["bindings"])


def test_a_graph_named_by_a_variable_is_any_graph_unless_the_query_or_request_names_them(served,
                                                                                       built_seed_with_text):
    """The endpoint hands the store's named graphs to a query with a GRAPH (read graph by graph, faster):
    every graph answers; a query's FROM NAMED, or the request's named-graph-uri, still decides."""
    every = _graphs_answered(served, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    store = ox.Store()
    store.load(path=str(built_seed_with_text.out / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(every) >= 3 and every == sorted(graph.value for graph in store.named_graphs())
    one = every[1]
    assert _graphs_answered(served, f"SELECT DISTINCT ?g FROM NAMED <{one}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == [one]
    assert _graphs_answered(served, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": one}) == [one]


def test_construct_and_ask_answer_in_their_own_formats(served):
    construct = get(served, "/sparql", "text/turtle", params={
        "query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (?s = <https://kg.example.org/person/hun-sen>) }"})
    assert construct.headers["Content-Type"].startswith("text/turtle") and b"Hun Sen" in construct.content
    ask = get(served, "/sparql", "application/sparql-results+json", params={"query": "ASK { ?s ?p ?o }"})
    assert ask.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("how", ["form", "body", "query", "get"])
def test_updates_are_refused_with_403(served, how):
    update = "DROP ALL"
    if how == "form":
        answer = requests.post(served.url + "sparql", data={"update": update}, timeout=30)
    elif how == "body":
        answer = requests.post(served.url + "sparql", data=update, timeout=30,
                               headers={"Content-Type": "application/sparql-update"})
    elif how == "query":
        answer = requests.post(served.url + "sparql", data={"query": update}, timeout=30)
    else:
        answer = get(served, "/sparql", params={"update": update})
    assert answer.status_code == 403
    assert "read-only" in answer.text
    assert get(served, "/sparql", params={"query": QUERY}).status_code == 200  # nothing was dropped


def test_service_and_bad_queries_are_refused(served):
    service = get(served, "/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert service.status_code == 403 and "SERVICE" in service.text
    bad = get(served, "/sparql", params={"query": "SELECT WHERE {"})
    assert bad.status_code == 400 and "syntax" in bad.text
    hidden = get(served, "/sparql", params={"query": 'SELECT * { ?s ?p "\\u0022 } SERVICE <http://x/> { } #" }'})
    assert hidden.status_code == 400


def test_a_query_past_its_time_is_503_and_the_endpoint_goes_on(served):
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    started = time.monotonic()
    answer = get(served, "/sparql", params={"query": slow})
    assert answer.status_code == 503 and "ran out of time" in answer.text
    assert time.monotonic() - started < served.timeout + 10
    for _ in range(3):  # every worker answers again
        assert get(served, "/sparql", params={"query": QUERY}).status_code == 200


def test_without_a_query_a_browser_gets_a_form(served):
    answer = get(served, "/sparql", "text/html")
    assert answer.status_code == 200 and "<form" in answer.text
    assert get(served, "/sparql", "application/sparql-results+json").status_code == 400


def test_sparqlwrapper_queries_the_endpoint(served):
    wrapper = SPARQLWrapper(served.url + "sparql")
    wrapper.setQuery(QUERY)
    wrapper.setReturnFormat(JSON)
    assert wrapper.queryAndConvert()["results"]["bindings"][0]["label"]["value"] == "Hun Sen"
    wrapper.setMethod(POST)
    assert wrapper.queryAndConvert()["results"]["bindings"][0]["label"]["value"] == "Hun Sen"


@pytest.fixture(scope="module")
def served_default(built_seed, seed_site):
    """kg serve on the seed as kg build makes it by default. (With --with-text, the texts' graphs are
    in the store's merged default graph but not among the graphs the metadata lists, which are what
    kg query --endpoint queries: `statistics` and `graphs` then count differently.)"""
    with Server(built_seed.out, seed_site, timeout=5.0) as server:
        yield server


def _examples():
    for query in list_queries():
        for number, params in enumerate(query.examples or ({},)):
            yield pytest.param(query.name, params, id=f"{query.name}-{number}")


@pytest.mark.parametrize("name, params", list(_examples()))
def test_every_bundled_query_answers_as_embedded_through_kg_query(served_default, built_seed, run_kg, name, params):
    arguments = [a for key, value in params.items() for a in ("--param", f"{key}={value}")]
    remote = run_kg("query", name, *arguments, "--endpoint", served_default.url + "sparql", "--format", "json")
    assert remote.exit_code == 0, remote.output
    embedded = run_kg("query", name, *arguments, "--out", str(built_seed.out), "--format", "json")
    assert json.loads(remote.stdout) == json.loads(embedded.stdout)


def test_every_bundled_query_answers_as_embedded_through_sparqlwrapper(served_default, built_seed):
    from kg.query import bind_params, with_values

    local = LocalDataset.from_files(built_seed.out / "kg.nq")
    for query in list_queries():
        params = query.examples[0] if query.examples else {}
        wrapper = SPARQLWrapper(served_default.url + "sparql")
        wrapper.setMethod(POST)
        wrapper.setQuery(with_values(query.text, bind_params(query, params)))
        wrapper.setReturnFormat(JSON)
        answer = wrapper.queryAndConvert()
        expected = run_query(query, params, local)
        names = answer["head"]["vars"]
        assert tuple(names) == expected.vars, query.name
        got = [tuple(row[name]["value"] if name in row else None for name in names)
               for row in answer["results"]["bindings"]]
        assert got == [tuple(term.value if term is not None else None for term in row) for row in expected.rows], \
            query.name
