"""A triple store reached over the SPARQL 1.1 protocols: graph store, update and query."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox
from SPARQLWrapper import CONSTRUCT, INSERT, JSON, POST, POSTDIRECTLY, SELECT, URLENCODED

from kg.errors import StoreError
from kg.stores.credentials import Credentials, credentials_for
from kg.stores.endpoints import Endpoints, public_url, resolve_endpoints
from kg.stores.http import Connection
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT

__all__ = ["Store", "ignore_cut"]

_NTRIPLES = "application/n-triples"
# What a store may answer N-Triples as (text/plain is its media type of before RDF 1.1).
_NTRIPLES_TYPES = frozenset({_NTRIPLES, "text/plain"})
_RESULTS_TYPES = frozenset({"application/sparql-results+json", "application/json"})
_TERM_TYPES = frozenset({"uri", "literal", "typed-literal", "bnode"})
# Graphs counted in one query: a few hundred IRIs keep the query small for every store.
_COUNT_CHUNK = 200


def ignore_cut(limit: str) -> None:
    """For `Store.select(on_cut=...)`: the caller checks that the answer is complete itself."""


class Store:
    """A store kg loads into and queries.

    >>> store = Store(Endpoints("oxigraph", "http://127.0.0.1:7878/query",
    ...                         "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store"))
    >>> store
    Store(oxigraph at http://127.0.0.1:7878/query)
    """

    def __init__(self, endpoints: Endpoints, connection: Connection | None = None) -> None:
        self.endpoints = endpoints
        self.connection = connection or Connection()

    @classmethod
    def connect(
        cls,
        url: str | None = None,
        *,
        store_type: str | None = None,
        query: str | None = None,
        update: str | None = None,
        graph_store: str | None = None,
        credentials: Credentials | None | bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        allow_redirects: bool = False,
    ) -> Store:
        """The store at `url` (base URL or an endpoint), its layout given or detected.

        `credentials=True` reads them from KG_STORE_USER/KG_STORE_PASSWORD or netrc; None or False: none.
        `timeout` bounds each request, from connecting to the last byte of the answer.
        `allow_redirects` lets a GET follow a redirect to another origin, without credentials.
        """
        if credentials is True:
            credentials = credentials_for(url or query or update or graph_store or "")
        connection = Connection(credentials or None, timeout=timeout, retries=retries, backoff=backoff,
                                allow_redirects=allow_redirects)
        endpoints = resolve_endpoints(
            url,
            store_type,
            query=query,
            update=update,
            graph_store=graph_store,
            authenticated=bool(credentials),
            probe=connection.headers_of,
        )
        return cls(endpoints, connection)

    def __repr__(self) -> str:
        return f"Store({self.endpoints.store_type or 'SPARQL store'} at {public_url(self.endpoints.query)})"

    def close(self) -> None:
        """Release the connection."""
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- Graph Store Protocol ----------------------------------------------------------------

    def put_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace the named graph `graph_iri` with an N-Triples document (GSP PUT)."""
        self._send_graph("PUT", graph_iri, ntriples, f"replacing graph <{graph_iri}>")

    def post_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Add an N-Triples document's triples to the named graph `graph_iri` (GSP POST)."""
        self._send_graph("POST", graph_iri, ntriples, f"adding to graph <{graph_iri}>")

    def _send_graph(self, method: str, graph_iri: str, ntriples: bytes, action: str) -> None:
        url = self._graph_store_url()
        response = self.connection.request(
            method, url, params={"graph": graph_iri}, data=ntriples,
            headers={"Content-Type": _NTRIPLES}, action=action, expect=(200, 201, 204),
        )
        # A login page or a web server's index answers 200 too; a store answers with no page.
        if _media_type(response.headers) in ("text/html", "application/xhtml+xml") and \
                re.search(rb"<(?:!doctype\s+html|html|body)\b", response.content[:4000], re.IGNORECASE):
            page = self.connection.detail(response.content, response.headers)
            raise self.connection.unexpected(url, action, (
                f"the store answered HTTP {response.status_code} with a web page, not a Graph Store answer"
                + (f" ({page})" if page else "")))

    def delete_graph(self, graph_iri: str) -> None:
        """Remove the named graph `graph_iri` (GSP DELETE); a graph the store does not have is no error."""
        self.connection.request("DELETE", self._graph_store_url(), params={"graph": graph_iri},
                                action=f"removing graph <{graph_iri}>", expect=(200, 204, 404))

    def get_graph(self, graph_iri: str) -> bytes:
        """The named graph `graph_iri` as N-Triples (GSP GET, or CONSTRUCT without a graph store)."""
        if self.endpoints.graph_store is None:
            return self._construct_graph(graph_iri)
        action = f"reading graph <{graph_iri}>"
        response = self.connection.request(
            "GET", self._graph_store_url(), params={"graph": graph_iri},
            headers={"Accept": _NTRIPLES}, action=action,
        )
        self._check_not_cut(response.headers, self.endpoints.graph_store)
        self._check_type(self.endpoints.graph_store, action, response.headers, response.content, _NTRIPLES_TYPES,
                         "N-Triples")
        return response.content

    def _graph_store_url(self) -> str:
        if self.endpoints.graph_store is None:
            raise StoreError(
                f"kg does not know the graph store endpoint of {public_url(self.endpoints.query)}: "
                "give --store-type or --graph-store-endpoint, or load with --method update"
            )
        return self.endpoints.graph_store

    # -- SPARQL ------------------------------------------------------------------------------

    def update(self, text: str, *, action: str = "updating") -> None:
        """Run a SPARQL update, sent by POST as an application/sparql-update body.

        Not form-encoded: percent-encoding megabytes of INSERT DATA costs more than sending them.
        """
        endpoint = self.endpoints.update
        wrapper = self.connection.sparql(endpoint, INSERT)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setQuery(text)
        status, _, _ = self.connection.run(endpoint, action, lambda: _answer(wrapper))
        if status not in (200, 204):
            raise self.connection.unexpected(endpoint, action,
                                             f"the store answered HTTP {status}, where 200 or 204 was expected")

    def select(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        action: str = "querying",
        on_cut: Callable[[str], None] | None = None,
    ) -> dict:
        """Run a SPARQL SELECT or ASK; the SPARQL JSON results, checked to be well-formed.

        A store that says it cut the answer short (Virtuoso's X-SPARQL-MaxRows header) makes this
        a StoreError, unless `on_cut` is given: it is then called with the store's row limit.
        Queries go as a form-encoded POST: Virtuoso hangs on application/sparql-query bodies,
        and a GET would not hold the IRIs of thousands of named graphs.
        """
        endpoint = self.endpoints.query
        wrapper = self.connection.sparql(endpoint, SELECT)  # SELECT or ASK: the same request
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setReturnFormat(JSON)
        wrapper.setQuery(text)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named_graphs:
            wrapper.addParameter("named-graph-uri", graph)
        status, headers, body = self.connection.run(endpoint, action, lambda: _answer(wrapper))
        if status != 200:
            raise self.connection.unexpected(endpoint, action,
                                             f"the store answered HTTP {status}, where 200 was expected")
        self._check_type(endpoint, action, headers, body, _RESULTS_TYPES, "SPARQL JSON results")
        try:
            answer = json.loads(body)
        except ValueError as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
            raise self.connection.unexpected(endpoint, action, f"the answer is not SPARQL JSON results ({reason})") \
                from None
        problem = _results_problem(answer)
        if problem:
            raise self.connection.unexpected(endpoint, action, f"the answer is not SPARQL JSON results: {problem}")
        limit = headers.get("X-SPARQL-MaxRows")
        if limit and on_cut is None:
            self._check_not_cut(headers, endpoint)
        elif limit:
            on_cut(limit)
        return answer

    def construct(self, text: str, *, default_graphs: Sequence[str] = (), action: str = "querying") -> bytes:
        """Run a SPARQL CONSTRUCT or DESCRIBE; the answer as N-Triples."""
        endpoint = self.endpoints.query
        wrapper = self.connection.sparql(endpoint, CONSTRUCT)  # or DESCRIBE: the same request
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(text)
        wrapper.addCustomHttpHeader("Accept", _NTRIPLES)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        status, headers, body = self.connection.run(endpoint, action, lambda: _answer(wrapper))
        if status != 200:
            raise self.connection.unexpected(endpoint, action,
                                             f"the store answered HTTP {status}, where 200 was expected")
        self._check_not_cut(headers, endpoint)
        self._check_type(endpoint, action, headers, body, _NTRIPLES_TYPES, "N-Triples")
        return body

    def count_triples(self, graph_iris: Iterable[str]) -> dict[str, int]:
        """How many triples the store holds in each of these named graphs (0 if it has none).

        The query answers one row per graph asked, empty or not, so an answer cut short shows:
        the graphs left out are asked again, as many at a time as the store answered.
        """
        pending = list(dict.fromkeys(graph_iris))
        counts: dict[str, int] = {}
        chunk = _COUNT_CHUNK
        action = "counting triples"
        while pending:
            asked = pending[:chunk]
            terms = " ".join(str(ox.NamedNode(iri)) for iri in asked)
            answer = self.select(
                f"SELECT ?g (COUNT(?s) AS ?n) WHERE {{ VALUES ?g {{ {terms} }} "
                f"OPTIONAL {{ GRAPH ?g {{ ?s ?p ?o }} }} }} GROUP BY ?g",
                action=action, on_cut=ignore_cut,
            )
            wanted = set(asked)
            answered = {}
            for row in answer["results"]["bindings"]:
                iri = self._iri(row, "g", action)
                if iri in wanted:
                    answered[iri] = self._count(row, "n", action)
            if not answered:
                raise self.connection.unexpected(self.endpoints.query, action,
                                                 f"the store answered no count for graph <{asked[0]}>")
            counts.update(answered)
            pending = [iri for iri in pending if iri not in counts]
            chunk = min(chunk, len(answered))
        return counts

    def list_iris(self, where: str, variable: str, *, action: str) -> list[str]:
        """Every IRI that `?variable` takes in the pattern `where`, sorted; all of them, checked by a COUNT.

        A store that cuts answers (Virtuoso's ResultSetMaxRows, a proxy) is read page by page,
        with ORDER BY, LIMIT and OFFSET, each page as long as the first answer it gave.
        """
        # One row, which a limit cannot cut (Virtuoso still says it reached a limit of 1).
        answer = self.select(f"SELECT (COUNT(DISTINCT ?{variable}) AS ?n) WHERE {{ {where} }}", action=action,
                             on_cut=ignore_cut)
        rows = answer["results"]["bindings"]
        total = self._count(rows[0], "n", action) if rows else 0
        found: dict[str, None] = {}
        offset, page = 0, None
        while offset < total:
            text = f"SELECT DISTINCT ?{variable} WHERE {{ {where} }} ORDER BY ?{variable}"
            if page:
                text += f" LIMIT {page} OFFSET {offset}"
            rows = self.select(text, action=action, on_cut=ignore_cut)["results"]["bindings"]
            if not rows:
                break
            found.update(dict.fromkeys(self._iri(row, variable, action) for row in rows))
            offset += len(rows)
            page = page or len(rows)
        if len(found) < total:
            raise self.connection.unexpected(self.endpoints.query, action, (
                f"the store counts {total:,} values of ?{variable} but answers only {len(found):,} of them"))
        return sorted(found)

    def _iri(self, row: dict, variable: str, action: str) -> str:
        """The IRI bound to `?variable` in a row of a checked answer; StoreError if there is none."""
        term = row.get(variable)
        if term is None:
            raise self.connection.unexpected(self.endpoints.query, action, f"the answer has a row without ?{variable}")
        if term["type"] != "uri":
            raise self.connection.unexpected(self.endpoints.query, action,
                                             f"?{variable} is a {term['type']}, not an IRI, in the answer")
        return term["value"]

    def _count(self, row: dict, variable: str, action: str) -> int:
        """The count bound to `?variable` in a row of a checked answer; StoreError if it is not one."""
        term = row.get(variable)
        value = term["value"] if term is not None else None
        if term is None or term["type"] not in ("literal", "typed-literal") or not re.fullmatch(r"\d+", value.strip()):
            shown = "nothing" if term is None else repr(value[:40])
            raise self.connection.unexpected(self.endpoints.query, action,
                                             f"?{variable} is {shown}, not a count, in the answer")
        return int(value)

    def _construct_graph(self, graph_iri: str) -> bytes:
        graph = str(ox.NamedNode(graph_iri))
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                              action=f"reading graph {graph}")

    def _check_type(self, endpoint: str, action: str, headers, body: bytes, accepted: frozenset[str],
                    name: str) -> None:
        media = _media_type(headers)
        if media not in accepted:
            said = self.connection.detail(body, headers)
            raise self.connection.unexpected(endpoint, action, (
                f"the store answered {media or 'without a content type'}, not {name}" + (f" ({said})" if said else "")))

    def _check_not_cut(self, headers, endpoint: str) -> None:
        # Virtuoso answers 200 with the first ResultSetMaxRows rows and says so only here.
        limit = headers.get("X-SPARQL-MaxRows") if headers else None
        if limit:
            raise StoreError(
                f"{public_url(endpoint)} cut its answer at {self.connection.redact(limit)} rows; raise the store's "
                "result limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)"
            )


def _answer(wrapper) -> tuple[int, object, bytes]:
    """Send a SPARQLWrapper's request; the status, headers and whole body of the answer."""
    response = wrapper.query().response
    try:
        return response.status, response.headers, response.read()
    finally:
        response.close()


def _media_type(headers) -> str:
    return ((headers or {}).get("Content-Type") or "").split(";")[0].strip().lower()


def _results_problem(answer: object) -> str:
    """What makes `answer` not a SPARQL 1.1 JSON results document, or ''."""
    if not isinstance(answer, dict):
        return f"a JSON {type(answer).__name__}, not an object"
    if "boolean" in answer:
        return "" if isinstance(answer["boolean"], bool) else "its boolean is not true or false"
    head, results = answer.get("head"), answer.get("results")
    variables = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(variables, list) or not all(isinstance(name, str) for name in variables):
        return "no head.vars list of names"
    rows = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(rows, list):
        return "no results.bindings list"
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            return f"row {number} is not an object"
        for name, term in row.items():
            if not (isinstance(term, dict) and term.get("type") in _TERM_TYPES and isinstance(term.get("value"), str)
                    and all(isinstance(term.get(key, ""), str) for key in ("datatype", "xml:lang"))):
                return f"row {number}: ?{name} is not an RDF term"
    return ""
