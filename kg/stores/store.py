"""A triple store reached over the SPARQL 1.1 protocols: graph store, update and query."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, URLENCODED

from kg.errors import StoreError
from kg.stores.credentials import Credentials, credentials_for
from kg.stores.endpoints import Endpoints, public_url, resolve_endpoints
from kg.stores.http import Connection
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT

__all__ = ["Store"]

_NTRIPLES = "application/n-triples"
# Graphs counted in one query: a few hundred IRIs keep the query small for every store.
_COUNT_CHUNK = 200


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
    ) -> Store:
        """The store at `url` (base URL or an endpoint), its layout given or detected.

        `credentials=True` reads them from KG_STORE_USER/KG_STORE_PASSWORD or netrc; None or False: none.
        """
        if credentials is True:
            credentials = credentials_for(url or query or update or graph_store or "")
        connection = Connection(credentials or None, timeout=timeout, retries=retries, backoff=backoff)
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
        url = self._graph_store_url()
        self.connection.request(
            "PUT", url, params={"graph": graph_iri}, data=ntriples,
            headers={"Content-Type": _NTRIPLES}, action=f"replacing graph <{graph_iri}>",
        ).close()

    def get_graph(self, graph_iri: str) -> bytes:
        """The named graph `graph_iri` as N-Triples (GSP GET, or CONSTRUCT without a graph store)."""
        if self.endpoints.graph_store is None:
            return self._construct_graph(graph_iri)
        response = self.connection.request(
            "GET", self._graph_store_url(), params={"graph": graph_iri},
            headers={"Accept": _NTRIPLES}, action=f"reading graph <{graph_iri}>",
        )
        self._check_not_cut(response.headers, self.endpoints.graph_store)
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
        wrapper = self.connection.sparql(endpoint, update=True)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setQuery(text)

        def call() -> None:
            result = wrapper.query()
            result.response.read()
            result.response.close()

        self.connection.run(endpoint, action, call)

    def select(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        action: str = "querying",
    ) -> dict:
        """Run a SPARQL SELECT or ASK; the SPARQL JSON results, checked not to be cut short.

        Queries go as a form-encoded POST: Virtuoso hangs on application/sparql-query bodies,
        and a GET would not hold the IRIs of thousands of default graphs.
        """
        endpoint = self.endpoints.query
        wrapper = self.connection.sparql(endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setReturnFormat(JSON)
        wrapper.setQuery(text)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named_graphs:
            wrapper.addParameter("named-graph-uri", graph)

        def call() -> dict:
            result = wrapper.query()
            self._check_not_cut(result.response.headers, endpoint)
            body = result.response.read()
            result.response.close()
            return json.loads(body)

        try:
            return self.connection.run(endpoint, action, call)
        except json.JSONDecodeError as error:
            raise StoreError(f"{public_url(endpoint)}: {action}: the answer is not SPARQL JSON ({error.msg})") from None

    def construct(self, text: str, *, default_graphs: Sequence[str] = (), action: str = "querying") -> bytes:
        """Run a SPARQL CONSTRUCT or DESCRIBE; the answer as N-Triples."""
        endpoint = self.endpoints.query
        wrapper = self.connection.sparql(endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(text)
        wrapper.addCustomHttpHeader("Accept", _NTRIPLES)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)

        def call() -> bytes:
            result = wrapper.query()
            self._check_not_cut(result.response.headers, endpoint)
            body = result.response.read()
            result.response.close()
            return body

        return self.connection.run(endpoint, action, call)

    def count_triples(self, graph_iris: Iterable[str]) -> dict[str, int]:
        """How many triples the store holds in each of these named graphs (0 if it has none)."""
        iris = list(graph_iris)
        counts = dict.fromkeys(iris, 0)
        for start in range(0, len(iris), _COUNT_CHUNK):
            terms = " ".join(str(ox.NamedNode(iri)) for iri in iris[start:start + _COUNT_CHUNK])
            answer = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {terms} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
                action="counting triples",
            )
            for row in answer["results"]["bindings"]:
                counts[row["g"]["value"]] = int(row["n"]["value"])
        return counts

    def _construct_graph(self, graph_iri: str) -> bytes:
        graph = str(ox.NamedNode(graph_iri))
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                              action=f"reading graph {graph}")

    @staticmethod
    def _check_not_cut(headers, endpoint: str) -> None:
        # Virtuoso answers 200 with the first ResultSetMaxRows rows and says so only here.
        limit = headers.get("X-SPARQL-MaxRows") if headers else None
        if limit:
            raise StoreError(
                f"{public_url(endpoint)} cut its answer at {limit} rows; raise the store's result limit "
                "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)"
            )
