"""`kg query`: the bundled SPARQL queries, their parameters, and running them on a dataset.

Three steps, kept apart so that a remote endpoint can replace the embedded store:

1. `load_query` reads a query file and its header (question, parameters, examples), and
   `check_query` refuses what could change a store or call another endpoint (an update, SERVICE);
   `bind_params` turns `--param key=value` strings into typed RDF terms, checking every one.
2. an executor runs the query with those bindings: `LocalDataset` (pyoxigraph, in-process, the
   graphs' merge as default graph, bindings passed as substitutions) or any object with the same
   `execute` method, such as `RemoteEndpoint` (a triple store, sent `with_values(query.text, bindings)`,
   the bindings as a VALUES block at the start of the WHERE clause).
3. `kg.results.format_results` prints the `Results` the same way whatever answered.

Queries are written against the default graph, which is the merge of the dataset's graphs.

The modules: `model` (a query file and its parameters), `files` (reading query files and their
headers), `check` (what a query may do), `params` (parameters as terms, and as a VALUES block),
`local` and `remote` (the two executors); this package gives their public names, and `run_query`
which ties them together.

>>> query = load_query("evidence")
>>> query.question
'Where does the article mention a resource: the exact words and their character offsets?'
>>> [(p.name, p.kind, p.optional) for p in query.parameters]
[('resource', 'IRI', False)]
>>> bind_params(query, {"resource": "https://kg.example.org/person/hun-sen"})
{'resource': Term(kind='uri', value='https://kg.example.org/person/hun-sen', datatype=None, lang=None)}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from kg.query.check import check_query, service_endpoints
from kg.query.files import format_list, list_queries, load_query
from kg.query.local import DATASET_FILE, LocalDataset, open_dataset
from kg.query.model import Parameter, QueryFile
from kg.query.params import bind_params, parse_params, with_values
from kg.query.remote import RemoteEndpoint
from kg.results import Results, Term

__all__ = [
    "Parameter",
    "QueryFile",
    "Executor",
    "LocalDataset",
    "RemoteEndpoint",
    "DATASET_FILE",
    "list_queries",
    "load_query",
    "check_query",
    "service_endpoints",
    "parse_params",
    "bind_params",
    "with_values",
    "open_dataset",
    "run_query",
    "format_list",
]


class Executor(Protocol):
    """Something that answers a query: the embedded store, or a remote SPARQL endpoint."""

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Run `query` with its parameters bound to `bindings`; raise InputError if it is bad."""
        ...


def run_query(
    query: QueryFile | str | Path,
    params: Mapping[str, str] | None = None,
    dataset: Executor | None = None,
    *,
    allow_service: bool = False,
) -> Results:
    """Answer a query (a QueryFile, a bundled name or a file) with `params` on `dataset` (default dist/).

    The query is checked first (`check_query`): it may not change the store, nor call another
    endpoint unless `allow_service`.
    """
    if isinstance(query, QueryFile):
        check_query(query, allow_service=allow_service)
    else:
        query = load_query(query, allow_service=allow_service)
    bindings = bind_params(query, params or {})
    return (dataset or open_dataset()).execute(query, bindings)
