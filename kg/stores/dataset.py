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

__all__ = ["DatasetGraph", "read_dataset", "dataset_file", "dataset_base", "METADATA_GRAPH_NAME"]

METADATA_GRAPH_NAME = "graph/metadata"


def dataset_base(graph_iri: str) -> str | None:
    """The base IRI of the dataset whose metadata graph this is, or None for any other graph.

    >>> dataset_base("https://kg.example.org/graph/metadata"), dataset_base("https://kg.example.org/graph/a")
    ('https://kg.example.org/', None)
    """
    base = graph_iri[: -len(METADATA_GRAPH_NAME)]
    if graph_iri.endswith(METADATA_GRAPH_NAME) and base.endswith(("/", "#")):
        return base
    return None


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
