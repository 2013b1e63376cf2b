"""The remote executor: a triple store holding the dataset (see `kg load`), asked over SPARQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.query.params import _IRI_STRING_OR_COMMENT, with_values
from kg.results import Results, Term

if TYPE_CHECKING:
    from kg.query.files import QueryFile

class RemoteEndpoint:
    """A triple store holding the dataset (see `kg load`), queried through SPARQLWrapper.

    Its default graph is made the dataset's graphs, one `default-graph-uri` each, as listed by the
    dataset's metadata graph in the store: Oxigraph's default graph is not the union of its named
    graphs, and Virtuoso's holds its own system graphs too. The same graphs are passed as
    `named-graph-uri`, for queries that ask `GRAPH ?g`: a store given default graphs alone may
    offer no named graphs (Oxigraph) or all of them (Virtuoso). A triple that two graphs hold comes
    back once per graph (both stores take the graphs as a bag, not a merge), which the bundled
    queries absorb with DISTINCT. Booleans and xsd:durations that Virtuoso returns as numbers are
    shown in their own form ("true", "P4Y"; kg's own durations are text, which every store keeps);
    Virtuoso also types computed booleans (EXISTS, true) as xsd:integer, which cannot be told from
    numbers.

    A store that says it cut an answer short (Virtuoso's ResultSetMaxRows) gets the rows it gave
    shown, and a warning, for people, through `warn` (a Python warning when it is None).
    """

    def __init__(self, store, graphs: Iterable[str], warn: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.graphs = tuple(graphs)
        self.warn = warn

    @classmethod
    def connect(cls, url: str, *, base: str | None = None, warn: Callable[[str], None] | None = None,
                **options) -> RemoteEndpoint:
        """The store at `url` (base URL or query endpoint) with the dataset built under `base`.

        `options` go to `kg.stores.Store.connect` (store_type, timeout, retries, credentials).
        """
        from kg.iris import DEFAULT_BASE, check_base
        from kg.stores import Store

        try:
            base = check_base(base or DEFAULT_BASE)
        except ValueError as error:
            raise InputError(str(error), field="--base") from None
        store = Store.connect(url, **options)
        return cls(store, _dataset_graphs(store, f"{base}graph/metadata"), warn)

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Send the query with its parameters as a VALUES block opening its WHERE clause; the answer as Results."""
        from kg.stores import StoreAnswerError

        try:
            answer = self.store.select(with_values(query.text, bindings, query.display), default_graphs=self.graphs,
                                       named_graphs=self.graphs, action=f"running {query.display}",
                                       on_cut=lambda limit: self._cut(query, limit))
        except StoreAnswerError as error:
            if error.status == 400:
                raise InputError(str(error), path=query.display) from None
            raise
        if "results" not in answer:
            raise InputError("only SELECT queries can be run by kg query", path=query.display)
        results = Results.from_json(answer)
        rows = tuple(tuple(_kg_lexical(term) for term in row) for row in results.rows)
        if _selects_distinct(query.text):
            # Virtuoso 7.2 repeats rows of a SELECT DISTINCT with OPTIONAL and ORDER BY when a
            # triple comes from two default graphs.
            rows = tuple(dict.fromkeys(rows))
        return Results(results.vars, rows)

    def _cut(self, query: QueryFile, limit: str) -> None:
        from kg.stores.endpoints import public_url

        message = (f"warning: {public_url(self.store.endpoints.query)} cut the answer to {query.display} at its "
                   f"limit of {limit} rows (X-SPARQL-MaxRows): rows are missing; raise the store's result limit "
                   "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        if self.warn is None:
            import warnings

            warnings.warn(message, RuntimeWarning, stacklevel=2)
        else:
            self.warn(message)


def _dataset_graphs(store, metadata: str) -> list[str]:
    """The metadata graph and the graphs it lists as subsets of the dataset, as the store holds them.

    All of them, even from a store that cuts answers short: `Store.list_iris` checks the list
    against a COUNT and reads it page by page where it must.
    """
    from kg.stores.endpoints import public_url

    graph = ox.NamedNode(metadata)
    graphs = store.list_iris(f"GRAPH {graph} {{ ?dataset <http://rdfs.org/ns/void#subset> ?graph }}", "graph",
                             action="listing the dataset's graphs")
    if not graphs:
        raise StoreError(
            f"{public_url(store.endpoints.query)} holds no kg dataset: its graph <{metadata}> lists no graphs; "
            "load it with kg load (and give the --base it was built with)"
        )
    return graphs + [metadata]
_SELECT = re.compile(r"\bSELECT\s+(DISTINCT|REDUCED)?", re.IGNORECASE)


def _selects_distinct(text: str) -> bool:
    """Whether the query's outer SELECT (its first, outside IRIs, strings and comments) is DISTINCT or REDUCED.

    >>> _selects_distinct('PREFIX s: <http://x/SELECT#> # SELECT\\nSELECT DISTINCT ?a { ?a ?b "SELECT" }')
    True
    >>> _selects_distinct("SELECT ?a { { SELECT DISTINCT ?a { ?a ?b ?c } } }")
    False
    """
    match = _SELECT.search(_IRI_STRING_OR_COMMENT.sub(" ", text))
    return bool(match and match.group(1))


def _kg_lexical(term: Term | None) -> Term | None:
    from kg.stores.verify import kg_lexical

    if term is None or term.kind != "literal" or not term.datatype:
        return term
    return Term.literal(kg_lexical(term.value, term.datatype), term.datatype)
