"""Synthetic datasets shaped like kg's output, as large as a test or a benchmark needs.

The triples mix what kg writes (IRIs under a base, typed integers and dates, long text) with the
literals stores are known to get wrong: escapes, non-ASCII, control characters, a backslash
before `u`, and values that stores rewrite into another lexical form.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

__all__ = ["synthetic_quads", "write_synthetic_dist", "graph_iri"]

XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://kg.example.org/synthetic/"

_TEXTS = (
    "plain words",
    "Myanmar’s “junta” and Prak Sokhonn — é, ñ, 中文",
    'a "quoted" line\nand a second line\twith a tab',
    "a backslash \\ and a Windows path C:\\user\\u0041 that is not an escape",
    "a control character \x07 in the middle",
    "} ; GRAPH <http://not.a.graph/> { braces in a string",
)
_TYPED = (
    ("{n}", "integer"),
    ("{n}", "nonNegativeInteger"),
    ("00{n}", "integer"),
    ("2022-01-{day:02d}", "date"),
    ("2021-{month:02d}", "gYearMonth"),
    ("P{n}Y", "duration"),
    ("{n}.5e0", "double"),
)


def graph_iri(number: int, base: str = BASE) -> str:
    """The IRI of synthetic graph `number`."""
    return f"{base}graph/{number}"


def synthetic_quads(graphs: int, triples_per_graph: int, *, base: str = BASE, seed: int = 5):
    """Yield `graphs` named graphs of exactly `triples_per_graph` distinct triples each, as Quads."""
    rng = random.Random(seed)
    predicates = [ox.NamedNode(f"{base}p/{name}") for name in ("label", "count", "date", "link", "text")]
    for number in range(graphs):
        graph = ox.NamedNode(graph_iri(number, base))
        for index in range(triples_per_graph):
            subject = ox.NamedNode(f"{base}g{number}/s{index // 5}")
            kind = index % 5
            predicate = predicates[kind]
            if kind == 3:
                obj = ox.NamedNode(f"{base}g{number}/s{rng.randrange(triples_per_graph)}")
            elif kind in (0, 4):
                text = _TEXTS[rng.randrange(len(_TEXTS))]
                obj = ox.Literal(f"{text} #{index}", **({"language": "en"} if kind == 0 else {}))
            else:
                lexical, datatype = _TYPED[rng.randrange(len(_TYPED))]
                value = lexical.format(n=index, day=1 + index % 28, month=1 + index % 12)
                obj = ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
            yield ox.Quad(subject, predicate, obj, graph)


def write_synthetic_dist(folder: Path, graphs: int, triples_per_graph: int, *, base: str = BASE) -> Path:
    """Write a dist/ folder whose kg.nq holds a synthetic dataset, sorted like kg's; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = sorted(f"{quad} .\n" for quad in synthetic_quads(graphs, triples_per_graph, base=base))
    (folder / "kg.nq").write_text("".join(lines), encoding="utf-8")
    return folder
