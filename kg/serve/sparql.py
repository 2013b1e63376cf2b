"""The read-only SPARQL 1.1 endpoint of `kg serve`: queries answered by worker processes, each with
the dataset's store (dist/store/) open read-only, under a time limit.

A query runs in a worker process, not in the server: pyoxigraph cannot stop a query once it runs,
so a query that runs past its time is ended with its process, which is replaced; the server goes
on answering. Before it runs, each query is read by rdflib's SPARQL 1.1 parser, as `kg query`
reads it: an update (INSERT, DELETE, LOAD, DROP, ...) is refused with 403, and so is a SERVICE
clause, which would have the store call another server. The default graph is the merge of the
dataset's graphs unless the request names graphs (default-graph-uri, named-graph-uri). The name
`<base>dataset/merged`, the graph where `kg load` writes that merge in a triple store, names it
here too, so that `kg query --endpoint` asks kg serve as it asks a store.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["QueryPool", "Answer", "RESULT_TYPES", "GRAPH_TYPES", "FORMAT_NAMES", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 30.0  # seconds a query may run
MAX_QUERY = 256 * 1024  # characters of a query

# What SELECT and ASK answer in, and CONSTRUCT and DESCRIBE; the first is the default.
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "application/json", "text/html")
GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
               "application/n-quads", "application/trig", "text/html")
# The `format` (or `output`) parameter that many endpoints take, and SPARQLWrapper sends.
FORMAT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "html": "text/html", "turtle": "text/turtle", "ttl": "text/turtle",
    "n-triples": "application/n-triples", "nt": "application/n-triples", "json-ld": "application/ld+json",
    "jsonld": "application/ld+json", "rdf+xml": "application/rdf+xml", "rdfxml": "application/rdf+xml",
}


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers: an HTTP status, a media type, the body; `rows` for an HTML table."""

    status: int
    media_type: str
    body: bytes
    rows: tuple | None = None


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


# The worker ------------------------------------------------------------------------------------


def _worker(connection, store_folder: str) -> None:
    """A worker process: answer each request sent on `connection` until it closes."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_folder)
    merged = _merged_names(store)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer = _answer(store, **request, merged=merged)
        except Exception as error:  # never lose the worker to one query
            answer = _error(500, f"the query failed: {error}")
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return


def _merged_names(store) -> frozenset[str]:
    """The names a store loaded by kg load gives the default graph here: `<base>dataset/merged`, for the dataset's base."""
    from kg.stores.dataset import dataset_base, merged_graph_iri

    bases = {dataset_base(graph.value) for graph in store.named_graphs()}
    return frozenset(merged_graph_iri(base) for base in bases if base is not None)


def _check(text: str) -> tuple[str | None, Answer | None]:
    """The query's form (SelectQuery, AskQuery, ConstructQuery, DescribeQuery), or the answer refusing it."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    from kg.errors import InputError
    from kg.query import QueryFile, service_endpoints
    from kg.query.check import refuse_ascii_escapes  # as kg query refuses them

    try:
        refuse_ascii_escapes(QueryFile("query", "the query", text, "", (), ()))
    except InputError as error:
        return None, _error(400, str(error).replace("the query: ", "", 1))
    try:
        try:
            parsed = parseQuery(text)
        except ParseBaseException as as_query:
            try:
                parseUpdate(text)
            except ParseBaseException:
                return None, _error(400, f"SPARQL syntax error at line {as_query.lineno}, column {as_query.col}: "
                                         f"{as_query.msg}")
            return None, _error(403, "this endpoint is read-only: a SPARQL update is never run here; "
                                     "send a query (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    except RecursionError:
        return None, _error(400, "the query nests groups too deeply to be read")
    endpoints = service_endpoints(parsed)
    if endpoints:
        return None, _error(403, f"a SERVICE clause ({endpoints[0]}) would call another server; "
                                 "this endpoint calls none")
    return parsed[1].name, None


def _answer(store, text: str, accept: str | None, format_name: str | None, default_graphs: list[str],
            named_graphs: list[str], merged: frozenset[str] = frozenset()) -> Answer:
    import pyoxigraph as ox

    from kg.layout import graph_by_graph
    from kg.serve.negotiation import choose

    form, refusal = _check(text)
    if refusal is not None:
        return refusal
    graph_form = form in ("ConstructQuery", "DescribeQuery")
    offers = GRAPH_TYPES if graph_form else RESULT_TYPES
    if format_name:
        wanted = FORMAT_NAMES.get(format_name.lower(), format_name.lower())
        if wanted not in offers:  # SPARQLWrapper asks format=json of every query; the Accept header decides then
            wanted = choose(accept, offers)
    else:
        wanted = choose(accept, offers)
    if wanted is None:
        return _error(406, "none of the media types the request accepts can hold this answer; this endpoint "
                           "answers " + ", ".join(offers[:-1]))
    options = {}
    try:
        if default_graphs:
            options["default_graph"] = [ox.DefaultGraph() if iri in merged else ox.NamedNode(iri)
                                        for iri in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    except ValueError as error:
        return _error(400, f"a graph IRI is not an IRI: {error}")
    if not options:  # the request names no dataset: the query's own, or the store's graphs
        options = graph_by_graph(store, text)
    try:
        result = store.query(text, **options)
        if wanted == "text/html":
            return _table(result)
        if graph_form:
            formats = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                       "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
                       "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}
            body = result.serialize(format=formats[wanted])
        else:
            formats = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                       "application/json": ox.QueryResultsFormat.JSON,
                       "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                       "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
            if isinstance(result, ox.QueryBoolean) and wanted in ("text/csv", "text/tab-separated-values"):
                return _error(406, "an ASK answer has no CSV or TSV form; accept SPARQL JSON or XML results")
            body = result.serialize(format=formats[wanted])
    except SyntaxError as error:
        return _error(400, f"SPARQL syntax error: {error}")
    except (OSError, RuntimeError, ValueError) as error:
        return _error(400, f"the query cannot be answered: {error}")
    charset = "; charset=utf-8" if wanted.startswith("text/") else ""
    return Answer(200, wanted + charset, body)


def _table(result) -> Answer:
    """An answer as rows of text, for the endpoint's own HTML page."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return Answer(200, "text/html", b"", (("answer",), ((str(bool(result)).lower(),),)))
    if isinstance(result, ox.QuerySolutions):
        names = tuple(v.value for v in result.variables)
        rows = tuple(tuple(_cell(solution[name]) for name in names) for solution in result)
        return Answer(200, "text/html", b"", (names, rows))
    rows = tuple((_cell(t.subject), _cell(t.predicate), _cell(t.object)) for t in result)
    return Answer(200, "text/html", b"", (("subject", "predicate", "object"), rows))


def _cell(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


# The pool --------------------------------------------------------------------------------------


class _Worker:
    def __init__(self, context, store_folder: str) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, store_folder), daemon=True,
                                       name="kg-serve-query")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """`workers` processes answering queries on the store in `store_folder`, each for at most `timeout` seconds."""

    def __init__(self, store_folder: Path, *, workers: int = 2, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.store_folder, self.timeout = str(store_folder), timeout
        # spawn: the server's threads and the store's must not be copied into a forked child.
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(max(1, workers)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.store_folder)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def run(self, text: str, *, accept: str | None = None, format_name: str | None = None,
            default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Answer:
        """Answer one query (blocking: call it from a thread); a query past the time limit gets 503."""
        if len(text) > MAX_QUERY:
            return _error(413, f"the query is longer than {MAX_QUERY:,} characters")
        worker = self._idle.get()
        request = {"text": text, "accept": accept, "format_name": format_name,
                   "default_graphs": default_graphs or [], "named_graphs": named_graphs or []}
        try:
            worker.connection.send(request)
            if worker.connection.poll(self.timeout):
                answer = worker.connection.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            pass
        self._replace(worker)
        if worker.process.exitcode not in (None, -9):
            return _error(500, "the query stopped its worker process")
        return _error(503, f"the query ran out of time: it may run for {self.timeout:g} seconds "
                           "(kg serve --query-timeout)")

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()
