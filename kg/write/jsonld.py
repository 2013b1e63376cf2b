"""JSON-LD with kg's context, written as text from canonical N-Quads, a node a line.

Each named graph is an object with its `id` and its `@graph`, the nodes of its subjects in order,
each on one line: `id`, `type`, then its keys in order. A predicate with a short key in the context
(`label`, `denotedBy`, ...) takes it for the values that key's coercion fits, and its compact IRI
(`schema:appearance`) otherwise; an IRI is compacted with kg's prefixes where one fits. An integer
or a boolean in its canonical form is a JSON number or boolean; every other literal keeps its
lexical form, with its language or datatype.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from kg.vocab import PREFIXES, RDF, XSD
from kg.write.nquads import GraphText

__all__ = ["jsonld_context", "jsonld", "jsonld_fragment"]

# Short JSON-LD keys for the terms people meet most; everything else is a compact IRI.
_TERMS = {
    "label": ("rdfs", "label", None),
    "name": ("schema", "name", None),
    "alternateName": ("schema", "alternateName", None),
    "description": ("schema", "description", None),
    "text": ("schema", "text", None),
    "sameAs": ("schema", "sameAs", "@id"),
    "denotedBy": ("gaf", "denotedBy", "@id"),
    "beginIndex": ("nif", "beginIndex", "xsd:integer"),
    "endIndex": ("nif", "endIndex", "xsd:integer"),
    "anchorOf": ("nif", "anchorOf", None),
    "referenceContext": ("nif", "referenceContext", "@id"),
    "hasActor": ("sem", "hasActor", "@id"),
    "hasPlace": ("sem", "hasPlace", "@id"),
    "hasTime": ("sem", "hasTime", "@id"),
    "roleType": ("sem", "roleType", "@id"),
    "eventStatus": ("schema", "eventStatus", "@id"),
    "about": ("schema", "about", "@id"),
    "attributedTo": ("prov", "wasAttributedTo", "@id"),
    "holds": ("org", "holds", "@id"),
    "postIn": ("org", "postIn", "@id"),
    "inXSDDate": ("time", "inXSDDate", "xsd:date"),
    "inXSDgYearMonth": ("time", "inXSDgYearMonth", "xsd:gYearMonth"),
    "inXSDgYear": ("time", "inXSDgYear", "xsd:gYear"),
}


def jsonld_context() -> dict:
    """The JSON-LD context of kg's output: the profile's prefixes and short keys."""
    context: dict = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for key, (prefix, local, kind) in _TERMS.items():
        context[key] = {"@id": f"{prefix}:{local}", **({"@type": kind} if kind else {})}
    context["id"] = "@id"
    context["type"] = "@type"
    return {"@context": context}


_RDF_TYPE = str(RDF.type)
_XSD_INTEGER, _XSD_BOOLEAN = str(XSD.integer), str(XSD.boolean)
_INTEGER = re.compile(r"-?[1-9][0-9]{0,14}|0")  # canonical, and exact in any JSON reader
_NAMESPACES = sorted(((str(namespace), prefix) for prefix, namespace in PREFIXES.items()), key=lambda p: -len(p[0]))
_ESCAPE = re.compile(r'\\(?:([tbnrf"\'\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_CACHED = 100_000
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def jsonld(graphs: Sequence[GraphText]) -> Iterator[bytes]:
    """The JSON-LD document of `graphs`, in their order, as chunks of UTF-8: each graph's fragment
    (`jsonld_fragment`, or the one it carries) in its object."""
    context = json.dumps(jsonld_context()["@context"], indent=2, ensure_ascii=False, sort_keys=True)
    yield ('{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": [').encode("utf-8")
    iris = _Compact()
    for number, graph in enumerate(graphs):
        opening = f'{"," if number else ""}\n    {{\n      "id": {_encode(iris[graph.iri])},\n      "@graph": ['
        yield opening.encode("utf-8")
        fragment = jsonld_fragment(graph) if graph.jsonld is None else graph.jsonld
        if fragment:
            yield _NODE_SEPARATOR[1:] + fragment
        yield b"\n      ]\n    }"
    yield b"\n  ]\n}\n"


_NODE_SEPARATOR = b",\n        "


def jsonld_fragment(graph: GraphText) -> bytes:
    """The nodes of one graph as kg.jsonld holds them in its `@graph`: one JSON object a line, between commas.

    >>> from kg.write.nquads import GraphText
    >>> line = b'<https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://g> .\\n'
    >>> print(jsonld_fragment(GraphText("https://g", "g", line)).decode())
    {"id": "https://kg.example.org/person/a", "label": "A"}
    """
    return _NODE_SEPARATOR.join(_encode(node).encode("utf-8") for node in _nodes(graph, _Keys()))


def _nodes(graph: GraphText, keys: _Keys) -> Iterator[dict]:
    """One node object per subject of `graph`."""
    iris = keys.iris
    subject, node = None, {}
    for line in graph.lines():
        text = line.decode("utf-8")
        end_s = text.index("> ") + 1
        end_p = text.index("> ", end_s + 1) + 1
        end_o = text.rindex(" <", end_p, len(text) - 3)
        if text[:end_s] != subject:
            if node:
                yield _ordered(node)
            subject, node = text[:end_s], {"id": iris[text[1:end_s - 1]]}
        predicate, obj = text[end_s + 2:end_p - 1], text[end_p + 1:end_o]
        key, value = keys.entry(predicate, obj)
        held = node.get(key)
        if held is None:
            node[key] = value
        elif type(held) is list:
            held.append(value)
        else:
            node[key] = [held, value]
    if node:
        yield _ordered(node)


def _ordered(node: dict) -> dict:
    first = {key: node.pop(key) for key in ("id", "type") if key in node}
    return {**first, **{key: node[key] for key in sorted(node)}}


class _Compact(dict):
    """IRI -> its compact IRI with kg's prefixes, or itself."""

    def __missing__(self, iri: str) -> str:
        written = iri
        for namespace, prefix in _NAMESPACES:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if not local.startswith("//"):  # prefix://... would be read as an absolute IRI
                    written = f"{prefix}:{local}"
                break
        if len(self) >= _CACHED:
            self.clear()
        self[iri] = written
        return written


class _Keys(dict):
    """Predicate IRI -> (its short key or None, that key's coercion, the key for any value)."""

    def __init__(self) -> None:
        super().__init__()
        self.iris = _Compact()
        self.terms = {}
        for key, (prefix, local, kind) in _TERMS.items():
            if kind is not None and kind != "@id":
                kind = str(PREFIXES["xsd"]) + kind.split(":", 1)[1]
            self.terms[str(PREFIXES[prefix]) + local] = (key, kind)

    def __missing__(self, predicate: str) -> tuple:
        key, kind = self.terms.get(predicate, (None, None))
        # A key with no coercion takes every value; one with a coercion only the values it fits.
        loose = key if key is not None and kind is None else self.iris[predicate]
        entry = self[predicate] = (key, kind, loose)
        return entry

    def entry(self, predicate: str, obj: str) -> tuple[str, object]:
        """The key and the value of one statement of a node."""
        if predicate == _RDF_TYPE and obj[0] == "<":
            return "type", self.iris[obj[1:-1]]
        key, kind, loose = self[predicate]
        if obj[0] == "<":
            if kind == "@id":
                return key, self.iris[obj[1:-1]]
            return loose, {"id": self.iris[obj[1:-1]]}
        if obj[0] != '"':
            raise ValueError(f"{obj[:100]!r}: a blank node, which kg's output never holds")
        end = obj.rindex('"')
        lexical = _unescape(obj[1:end])
        suffix = obj[end + 1:]
        if suffix.startswith("^^"):
            datatype = suffix[3:-1]
            if kind == datatype:
                return key, lexical
            if datatype == _XSD_INTEGER and _INTEGER.fullmatch(lexical):
                value = int(lexical)
            elif datatype == _XSD_BOOLEAN and lexical in ("true", "false"):
                value = lexical == "true"
            else:
                value = {"@value": lexical, "type": self.iris[datatype]}
        elif suffix:
            value = {"@value": lexical, "@language": suffix[1:]}
        else:
            value = lexical
        return loose, value


def _unescape(text: str) -> str:
    """The string an N-Quads literal's text stands for."""
    return _ESCAPE.sub(_unescaped, text) if "\\" in text else text


def _unescaped(match: re.Match) -> str:
    if match.group(1):
        return _ECHAR[match.group(1)]
    return chr(int(match.group(2) or match.group(3), 16))
