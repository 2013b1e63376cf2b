"""A resource's description as the files beside its page: Turtle (`PATH.ttl`) and JSON-LD
(`PATH.jsonld`), written like kg's own files (kg.write.turtle, kg.write.jsonld) from sorted triples.

The JSON-LD carries its context inline, cut to the prefixes and short keys it uses, so that it
needs no other document and stays small.

>>> triples = [("https://kg.example.org/person/a", "http://www.w3.org/2000/01/rdf-schema#label", Lit("A"))]
>>> print(turtle_document(triples).decode().splitlines()[-2])
<https://kg.example.org/person/a> rdfs:label "A" .
>>> import json; json.loads(jsonld_document(triples))["@graph"]
[{'id': 'https://kg.example.org/person/a', 'label': 'A'}]
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kg.site.data import Lit, Term, n3  # Lit: for the example above
from kg.write.jsonld import jsonld_context, jsonld_fragment
from kg.write.nquads import GraphText
from kg.write.turtle import PREFIX_LINES, turtle

__all__ = ["turtle_document", "jsonld_document", "nquad_lines"]

_GRAPH = "urn:kg:site"  # a name for the lines kg's JSON-LD writer reads; it is not written


def nquad_lines(triples: Iterable[tuple[str, str, Term]]) -> list[bytes]:
    """The triples as sorted, unique N-Triples lines (terms escaped by pyoxigraph), without the dot."""
    return sorted({f"{n3(s)} {n3(p)} {n3(o)}".encode("utf-8") for s, p, o in triples})


def turtle_document(triples: Iterable[tuple[str, str, Term]]) -> bytes:
    """The triples in Turtle, with kg's prefixes, a subject at a time."""
    split = []
    for line in nquad_lines(triples):
        subject, rest = line.split(b" ", 1)
        predicate, obj = rest.split(b" ", 1)
        split.append((subject, predicate, obj))
    return PREFIX_LINES + b"\n" + b"".join(turtle(split))


def jsonld_document(triples: Iterable[tuple[str, str, Term]]) -> bytes:
    """The triples in JSON-LD: a node a line, with the part of kg's context that they use."""
    lines = b"".join(line + f" <{_GRAPH}> .\n".encode() for line in nquad_lines(triples))
    nodes = jsonld_fragment(GraphText(_GRAPH, "site", lines)).decode("utf-8")
    context = jsonld_context()["@context"]
    used = {key: value for key, value in context.items()
            if key in ("id", "type") or f'"{key}:' in nodes or f'"{key}"' in nodes
            or (isinstance(value, dict) and f'"{key}"' in nodes)}
    for value in list(used.values()):  # a short key's IRI and coercion name prefixes too
        if isinstance(value, dict):
            for part in value.values():
                prefix = part.split(":", 1)[0]
                if prefix in context and ":" in part:
                    used.setdefault(prefix, context[prefix])
    head = json.dumps({"@context": dict(sorted(used.items()))}, indent=2, ensure_ascii=False)
    body = ",\n    ".join(nodes.split(",\n        ")) if nodes else ""
    return (head[:-2] + ',\n  "@graph": [\n    ' + body + "\n  ]\n}\n").encode("utf-8")
