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
    from kg.query.model import QueryFile

class RemoteEndpoint:
    """A triple store holding the dataset (see `kg load`), queried through SPARQLWrapper.

    Its default graph is made the graph where `kg load` wrote the dataset's triples merged, each
    once (`<base>dataset/merged`), as kg's own store keeps them: Oxigraph's default graph is not
    the union of its named graphs, and Virtuoso's holds its own system graphs too. Not the
    dataset's graphs each as a `default-graph-uri`: at a thousand articles, a store joins every
    pattern across a thousand graphs, and one query takes minutes. A query that asks `GRAPH` is
    also given the dataset's graphs, as listed by its metadata graph in the store, as
    `named-graph-uri`: a store given default graphs alone may offer no named graphs (Oxigraph) or
    all of them (Virtuoso). Booleans and xsd:durations that Virtuoso returns as numbers are
    shown in their own form ("true", "P4Y"; kg's own durations are text, which every store keeps);
    Virtuoso also types computed booleans (EXISTS, true) as xsd:integer, which cannot be told from
    numbers.

    A store that says it cut an answer short (Virtuoso's ResultSetMaxRows) gets the rows it gave
    shown, and a warning, for people, through `warn` (a Python warning when it is None).
    """

    def __init__(self, store, graphs: Iterable[str], default_graphs: Iterable[str],
                 warn: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.graphs = tuple(graphs)
        self.default_graphs = tuple(default_graphs)
        self.warn = warn

    @classmethod
    def connect(cls, url: str, *, base: str | None = None, warn: Callable[[str], None] | None = None,
                **options) -> RemoteEndpoint:
        """The store at `url` (base URL or query endpoint) with the dataset built under `base`.

        `options` go to `kg.stores.Store.connect` (store_type, timeout, retries, credentials).
        """
        from kg.iris import DEFAULT_BASE, check_base
        from kg.stores import Store
        from kg.stores.dataset import merged_graph_iri

        try:
            base = check_base(base or DEFAULT_BASE)
        except ValueError as error:
            raise InputError(str(error), field="--base") from None
        store = Store.connect(url, **options)
        graphs = _dataset_graphs(store, f"{base}graph/metadata")
        default_graphs = [_merged_graph(store, merged_graph_iri(base))]
        if store.endpoints.store_type == "virtuoso":
            # Virtuoso 7.2 loses the rows of voice's second OPTIONAL (19 rows of 20 on the seed)
            # when its default graph is one graph, any one; given a second, empty, it answers right.
            default_graphs.append(base + _EMPTY_GRAPH_NAME)
        return cls(store, graphs, default_graphs, warn)

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Send the query with its parameters as a VALUES block opening its WHERE clause; the answer as Results."""
        from kg.stores import StoreAnswerError

        try:
            answer = self.store.select(with_values(query.text, bindings, query.display), default_graphs=self.default_graphs,
                                       named_graphs=self.graphs if _asks_graph(query.text) else (),
                                       action=f"running {query.display}", on_cut=lambda limit: self._cut(query, limit))
        except StoreAnswerError as error:
            if error.status == 400:
                raise InputError(str(error), path=query.display) from None
            raise
        if "results" not in answer:
            raise InputError("only SELECT queries can be run by kg query", path=query.display)
        results = Results.from_json(answer)
        return Results(results.vars, tuple(tuple(_kg_lexical(term) for term in row) for row in results.rows))

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
# A graph kg never writes.
_EMPTY_GRAPH_NAME = "dataset/empty"


def _merged_graph(store, merged: str) -> str:
    """`merged`, if the store holds it; StoreError, saying to load the dataset again, if not."""
    from kg.stores.endpoints import public_url
    from kg.stores.store import ignore_cut

    answer = store.select("ASK { ?s ?p ?o }", default_graphs=[merged], action="looking for the dataset's merged graph",
                          on_cut=ignore_cut)
    if answer.get("boolean") is not True:
        raise StoreError(
            f"{public_url(store.endpoints.query)} holds the dataset's graphs but not their merge, the graph <{merged}> "
            "that kg queries: load the dataset again with this version of kg load"
        )
    return merged


_GRAPH = re.compile(r"(?<![\w?$:-])GRAPH(?![\w:-])", re.IGNORECASE)


def _asks_graph(text: str) -> bool:
    """Whether the query has a GRAPH clause (outside IRIs, strings and comments), so needs the named graphs.

    >>> _asks_graph("SELECT ?g { GRAPH ?g { ?s ?p ?o } }"), _asks_graph("SELECT ?graph { ?graph a <x:GRAPH> }")
    (True, False)
    >>> _asks_graph('PREFIX graph: <http://x/> SELECT * { ?s graph:p "GRAPH" } # GRAPH')
    False
    """
    return bool(_GRAPH.search(_IRI_STRING_OR_COMMENT.sub(" ", text)))


def _kg_lexical(term: Term | None) -> Term | None:
    from kg.stores.verify import kg_lexical

    if term is None or term.kind != "literal" or not term.datatype:
        return term
    return Term.literal(kg_lexical(term.value, term.datatype), term.datatype)
