"""The query-ready store's place in dist/, and how a reader opens it and asks it.

kg.write.store writes the store; `kg query`, `kg serve` and `kg site` read it. This module needs
neither rdflib nor the writer, so that a fresh `kg query` starts without importing them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph

__all__ = ["STORE", "open_store", "graph_by_graph"]

STORE = "store"  # the store's folder in dist/
# Words that may name a GRAPH pattern, and a dataset of the query's own (FROM, FROM NAMED): looked for
# anywhere in the text, comments too, which at worst lists the graphs for nothing or leaves a query as it was.
_GRAPH_WORD = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_FROM_WORD = re.compile(r"\bFROM\b", re.IGNORECASE)


def open_store(folder: Path) -> pyoxigraph.Store:
    """The store in `folder`, read-only: any number of processes may read it while nothing writes it."""
    return pyoxigraph.Store.read_only(str(folder))


def graph_by_graph(store: pyoxigraph.Store, text: str) -> dict[str, list[pyoxigraph.NamedNode]]:
    """The options of `store.query` for the query `text`: the store's named graphs, given as the
    query's own where it may read a graph it names by a variable. Oxigraph 0.5 then reads such a
    graph graph by graph, where otherwise it reads every quad of the store, the default graph's
    too, and leaves those out (`graphs`, 1,000 articles: 0.96 s to 0.70 s in-process). The same
    graphs, so the same answers; a query that names its own dataset keeps it, which the graphs
    given would replace."""
    if not _GRAPH_WORD.search(text) or _FROM_WORD.search(text):
        return {}
    return {"named_graphs": list(store.named_graphs())}
