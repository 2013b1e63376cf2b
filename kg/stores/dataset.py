"""The built dataset as kg sends it to a store: named graphs of N-Triples lines.

Every line is written by pyoxigraph's N-Triples serialiser from the parsed dist/kg.nq, so what
goes into a request body or an INSERT DATA is always well-formed, whatever the literals hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError

__all__ = ["DatasetGraph", "read_dataset", "dataset_file", "dataset_base", "merged_graph", "merged_graph_iri",
           "METADATA_GRAPH_NAME"]

METADATA_GRAPH_NAME = "graph/metadata"
MERGED_GRAPH_NAME = "dataset/merged"


def dataset_base(graph_iri: str) -> str | None:
    """The base IRI of the dataset whose metadata graph this is, or None for any other graph.

    >>> dataset_base("https://kg.example.org/graph/metadata"), dataset_base("https://kg.example.org/graph/a")
    ('https://kg.example.org/', None)
    """
    base = graph_iri[: -len(METADATA_GRAPH_NAME)]
    if graph_iri.endswith(METADATA_GRAPH_NAME) and base.endswith(("/", "#")):
        return base
    return None


def merged_graph_iri(base: str) -> str:
    """The graph where a store holds the dataset built under `base` merged, each triple once.

    >>> merged_graph_iri("https://kg.example.org/")
    'https://kg.example.org/dataset/merged'
    """
    return base + MERGED_GRAPH_NAME


@dataclass
class DatasetGraph:
    """One named graph: its IRI and its triples as N-Triples lines (each ending in ' .')."""

    iri: str
    lines: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def term(self) -> str:
        """The graph's IRI in N-Triples form, escaped by the serialiser."""
        return str(ox.NamedNode(self.iri))

    def ntriples(self) -> bytes:
        """The graph as an N-Triples document."""
        return ("\n".join(self.lines) + "\n").encode("utf-8") if self.lines else b""


def dataset_file(dist: Path, build: Callable[[], object] | None = None) -> Path:
    """dist/kg.nq; when `dist` does not exist and `build` is given, build it first."""
    path = dist / "kg.nq"
    if not dist.exists() and build is not None:
        build()
    if not path.is_file():
        raise InputError("no built dataset here (kg.nq is missing): run `kg build` first", path=dist)
    return path


def read_dataset(path: Path) -> list[DatasetGraph]:
    """The named graphs of an N-Quads file: article graphs sorted by IRI, then the metadata graph.

    The metadata graph goes last so that a store never describes a graph it does not hold yet.
    """
    graphs: dict[str, DatasetGraph] = {}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise InputError("a triple outside any named graph; kg loads named graphs only", path=path)
            if any(isinstance(term, ox.BlankNode) for term in (quad.subject, quad.object, quad.graph_name)):
                raise InputError("a blank node; kg's output has none, and a store would rename it", path=path)
            iri = quad.graph_name.value
            graph = graphs.get(iri)
            if graph is None:
                graph = graphs[iri] = DatasetGraph(iri)
            graph.lines.append(f"{quad.subject} {quad.predicate} {quad.object} .")
    except SyntaxError as error:
        raise InputError(f"not valid N-Quads: {error.msg if hasattr(error, 'msg') else error}", path=path,
                         line=getattr(error, "lineno", None)) from None
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror or error}", path=path) from None
    for graph in graphs.values():
        # A repeated quad is one triple in the store: count it once.
        graph.lines = list(dict.fromkeys(graph.lines))
    return sorted(graphs.values(), key=lambda g: (dataset_base(g.iri) is not None, g.iri))


def merged_graph(graphs: list[DatasetGraph]) -> DatasetGraph | None:
    """Every triple of the dataset's graphs, each once, as the graph `merged_graph_iri`; None without a metadata graph.

    A store queried for the dataset takes it as its default graph: one graph, where listing the
    dataset's thousand graphs as default graphs makes a store join every pattern across all of
    them (minutes for one query at a thousand articles). It is kg's own default graph, as
    `kg build` writes it into dist/store. The lines are those of the graphs, not copies.
    """
    base = next((dataset_base(graph.iri) for graph in graphs if dataset_base(graph.iri) is not None), None)
    if base is None:
        return None
    lines = dict.fromkeys(line for graph in graphs for line in graph.lines)
    return DatasetGraph(merged_graph_iri(base), list(lines))
