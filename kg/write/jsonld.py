"""JSON-LD with kg's context, written as text from canonical N-Quads: each article one tree.

Every predicate kg emits has a short key in the context (`label`, `denotedBy`, `beginIndex`...),
with `@type: @id` where its values are IRIs, its datatype where they are typed literals, and
`@container: @set` where it can hold several values, so a key always holds one kind of value: a
`@set` key an array, any other key one value. Integers (xsd:integer, and xsd:nonNegativeInteger
under a key of that type) and booleans are JSON numbers and booleans; a value that does not fit
its key's type is a value object (`{"@value": ..., "@type": ...}`) or a reference (`{"id": ...}`).

Each named graph is an object with its `id` and its `@graph`, framed as a tree: its article (or,
in the metadata graph, the dataset's description) at the root, with its events (`events`, the
reverse of schema:subjectOf), statements (`statements`, the reverse of schema:appearance) and
text (`articleText`, the reverse of nif:sourceUrl), and an actor with its `memberships`. Each
node is embedded where the walk from the root first reaches it, and referred to by its `id`
elsewhere; a node the root does not reach starts a tree of its own after it. Each tree is one
line of the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from kg.vocab import PREFIXES, RDF, XSD
from kg.write.nquads import GraphText, Part, part_size

__all__ = ["jsonld_context", "jsonld", "jsonld_head", "jsonld_graph", "JSONLD_TAIL", "JsonldNames", "jsonld_fragment", "TERMS",
           "REVERSE_TERMS"]

_ONE, _SET = False, True
# key -> (prefix, local name, its values' type: "@id", a datatype, or None for strings; whether a @set)
TERMS = {
    "label": ("rdfs", "label", None, _ONE),
    "comment": ("rdfs", "comment", None, _ONE),
    "value": ("rdf", "value", "@id", _ONE),
    "name": ("schema", "name", None, _ONE),
    "alternateName": ("schema", "alternateName", None, _SET),
    "description": ("schema", "description", None, _ONE),
    "text": ("schema", "text", None, _ONE),
    "sameAs": ("schema", "sameAs", "@id", _SET),
    "about": ("schema", "about", "@id", _SET),
    "appearance": ("schema", "appearance", "@id", _ONE),
    "subjectOf": ("schema", "subjectOf", "@id", _ONE),
    "creator": ("schema", "creator", "@id", _ONE),
    "spokenByCharacter": ("schema", "spokenByCharacter", "@id", _ONE),
    "hasPart": ("schema", "hasPart", "@id", _SET),
    "mentions": ("schema", "mentions", "@id", _SET),
    "publisher": ("schema", "publisher", "@id", _ONE),
    "copyrightHolder": ("schema", "copyrightHolder", "@id", _ONE),
    "copyrightYear": ("schema", "copyrightYear", "xsd:integer", _ONE),
    "copyrightNotice": ("schema", "copyrightNotice", None, _ONE),
    "datePublished": ("schema", "datePublished", "xsd:date", _ONE),
    "headline": ("schema", "headline", None, _ONE),
    "identifier": ("schema", "identifier", None, _ONE),
    "inLanguage": ("schema", "inLanguage", None, _ONE),
    "location": ("schema", "location", "@id", _ONE),
    "memberOf": ("schema", "memberOf", "@id", _SET),
    "eventStatus": ("schema", "eventStatus", "@id", _ONE),
    "duration": ("schema", "duration", None, _ONE),
    "denotedBy": ("gaf", "denotedBy", "@id", _SET),
    "beginIndex": ("nif", "beginIndex", "xsd:integer", _ONE),
    "endIndex": ("nif", "endIndex", "xsd:integer", _ONE),
    "anchorOf": ("nif", "anchorOf", None, _ONE),
    "referenceContext": ("nif", "referenceContext", "@id", _ONE),
    "sourceUrl": ("nif", "sourceUrl", "@id", _ONE),
    "isString": ("nif", "isString", None, _ONE),
    "hasActor": ("sem", "hasActor", "@id", _SET),
    "hasPlace": ("sem", "hasPlace", "@id", _SET),
    "hasTime": ("sem", "hasTime", "@id", _SET),
    "roleType": ("sem", "roleType", "@id", _ONE),
    "subEventOf": ("sem", "subEventOf", "@id", _ONE),
    "attributedTo": ("prov", "wasAttributedTo", "@id", _ONE),
    "derivedFrom": ("prov", "wasDerivedFrom", "@id", _SET),
    "generatedBy": ("prov", "wasGeneratedBy", "@id", _ONE),
    "used": ("prov", "used", "@id", _SET),
    "endedAtTime": ("prov", "endedAtTime", "xsd:dateTime", _ONE),
    "holds": ("org", "holds", "@id", _SET),
    "heldBy": ("org", "heldBy", "@id", _SET),
    "member": ("org", "member", "@id", _ONE),
    "memberDuring": ("org", "memberDuring", "@id", _ONE),
    "organization": ("org", "organization", "@id", _ONE),
    "postIn": ("org", "postIn", "@id", _ONE),
    "inXSDDate": ("time", "inXSDDate", "xsd:date", _ONE),
    "inXSDgYearMonth": ("time", "inXSDgYearMonth", "xsd:gYearMonth", _ONE),
    "inXSDgYear": ("time", "inXSDgYear", "xsd:gYear", _ONE),
    "hasBeginning": ("time", "hasBeginning", "@id", _ONE),
    "hasEnd": ("time", "hasEnd", "@id", _ONE),
    "after": ("time", "after", "@id", _SET),
    "precision": ("kgo", "precision", "@id", _ONE),
    "prefLabel": ("skos", "prefLabel", None, _ONE),
    "inScheme": ("skos", "inScheme", "@id", _ONE),
    "appointedTo": ("kgo", "appointedTo", "@id", _ONE),
    "attributionCue": ("kgo", "attributionCue", "@id", _ONE),
    "charge": ("kgo", "charge", "@id", _SET),
    "forPost": ("kgo", "forPost", "@id", _ONE),
    "holdingStatus": ("kgo", "holdingStatus", "@id", _ONE),
    "imposedSentence": ("kgo", "imposedSentence", "@id", _ONE),
    "misspelledName": ("kgo", "misspelledName", None, _SET),
    "normalisedValue": ("kgo", "normalisedValue", None, _ONE),
    "notAfter": ("kgo", "notAfter", "xsd:date", _ONE),
    "notBefore": ("kgo", "notBefore", "xsd:date", _ONE),
    "originalSentence": ("kgo", "originalSentence", "@id", _ONE),
    "penalty": ("kgo", "penalty", "@id", _ONE),
    "publishedDuring": ("kgo", "publishedDuring", "@id", _ONE),
    "relayedBy": ("kgo", "relayedBy", "@id", _ONE),
    "resultingSentence": ("kgo", "resultingSentence", "@id", _ONE),
    "sentenceDuration": ("kgo", "sentenceDuration", None, _ONE),
    "timeExpression": ("kgo", "timeExpression", None, _ONE),
    "verdictOutcome": ("kgo", "verdictOutcome", "@id", _ONE),
    "voice": ("kgo", "voice", "@id", _ONE),
    "title": ("dcterms", "title", None, _ONE),
    "summary": ("dcterms", "description", None, _ONE),
    "digest": ("dcterms", "identifier", None, _ONE),
    "license": ("dcterms", "license", "@id", _ONE),
    "rights": ("dcterms", "rights", None, _ONE),
    "rightsHolder": ("dcterms", "rightsHolder", "@id", _ONE),
    "source": ("dcterms", "source", "@id", _SET),
    "primaryTopic": ("foaf", "primaryTopic", "@id", _ONE),
    "distribution": ("dcat", "distribution", "@id", _SET),
    "downloadURL": ("dcat", "downloadURL", "@id", _ONE),
    "mediaType": ("dcat", "mediaType", "@id", _ONE),
    "byteSize": ("dcat", "byteSize", "xsd:integer", _ONE),
    "checksum": ("spdx", "checksum", "@id", _ONE),
    "algorithm": ("spdx", "algorithm", "@id", _ONE),
    "checksumValue": ("spdx", "checksumValue", "xsd:hexBinary", _ONE),
    "triples": ("void", "triples", "xsd:integer", _ONE),
    "distinctSubjects": ("void", "distinctSubjects", "xsd:integer", _ONE),
    "properties": ("void", "properties", "xsd:integer", _ONE),
    "vocabulary": ("void", "vocabulary", "@id", _SET),
    "subset": ("void", "subset", "@id", _SET),
    "dataDump": ("void", "dataDump", "@id", _SET),
    "uriSpace": ("void", "uriSpace", None, _ONE),
    # What records say where the text leaves things open or says them only in words.
    "reportedStatus": ("kgo", "reportedStatus", "@id", _ONE),
    "timeSpan": ("time", "hasTime", "@id", _SET),
    "intervalAfter": ("time", "intervalAfter", "@id", _SET),
    "intervalBefore": ("time", "intervalBefore", "@id", _SET),
    "attributions": ("prov", "qualifiedAttribution", "@id", _SET),
    "agent": ("prov", "agent", "@id", _ONE),
    "hadRole": ("prov", "hadRole", "@id", _ONE),
    "reading": ("kgo", "reading", "@id", _ONE),
    "groupMember": ("foaf", "member", "@id", _SET),
    "subject": ("rdf", "subject", "@id", _ONE),
    "predicate": ("rdf", "predicate", "@id", _ONE),
    "object": ("rdf", "object", "@id", _ONE),
    "nationality": ("schema", "nationality", "@id", _ONE),
    "memberCount": ("kgo", "memberCount", "@id", _SET),
    "quantity": ("schema", "value", "xsd:integer", _ONE),
    "unitText": ("schema", "unitText", None, _ONE),
    "decisionRule": ("kgo", "decisionRule", "@id", _SET),
    "decisionRuleCue": ("kgo", "decisionRuleCue", "@id", _SET),
    "eventAttendanceMode": ("schema", "eventAttendanceMode", "@id", _ONE),
    "attendanceModeCue": ("kgo", "attendanceModeCue", "@id", _ONE),
    "points": ("kgo", "points", "@id", _ONE),
    "itemListElement": ("schema", "itemListElement", "@id", _SET),
    "numberOfItems": ("schema", "numberOfItems", "xsd:integer", _ONE),
    "position": ("schema", "position", "xsd:integer", _ONE),
    "statedPurpose": ("kgo", "statedPurpose", "@id", _SET),
    "backReference": ("kgo", "backReference", "@id", _SET),
    "refersTo": ("kgo", "refersTo", "@id", _SET),
    "references": ("dcterms", "references", "@id", _SET),
    "claimsFirst": ("kgo", "claimsFirst", "@id", _ONE),
    "firstCue": ("kgo", "firstCue", "@id", _ONE),
    "isPartOf": ("schema", "isPartOf", "@id", _ONE),
}
# Reverse keys: on the article, its events, statements and text, which point to it; on an actor, its
# memberships. key -> the key it reverses.
REVERSE_TERMS = {"events": "subjectOf", "statements": "appearance", "articleText": "sourceUrl",
                 "memberships": "member"}
# Where a graph's tree starts: its article, or the dataset's description; then any node not reached.
_ROOT_TYPES = ("schema:NewsArticle", "void:DatasetDescription")
_INTEGERS = {str(XSD[name]) for name in ("integer", "nonNegativeInteger")}


def jsonld_context() -> dict:
    """The JSON-LD context of kg's output: the profile's prefixes and a short key for every predicate."""
    context: dict = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for key, (prefix, local, kind, many) in TERMS.items():
        context[key] = {"@id": f"{prefix}:{local}", **({"@type": kind} if kind else {}),
                        **({"@container": "@set"} if many else {})}
    for key, reversed_key in REVERSE_TERMS.items():
        prefix, local, _, _ = TERMS[reversed_key]
        context[key] = {"@reverse": f"{prefix}:{local}", "@type": "@id", "@container": "@set"}
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


def jsonld(graphs: Iterable[GraphText]) -> Iterator[Part]:
    """The JSON-LD document of `graphs`, in their order, as pieces (bytes, or the files that hold a
    graph's fragment): each graph's fragment (`jsonld_fragment`, or the one it carries) in its object."""
    yield jsonld_head()
    iris = JsonldNames()
    for number, graph in enumerate(graphs):
        yield from jsonld_graph(number, graph, iris)
    yield JSONLD_TAIL


def jsonld_head() -> bytes:
    """kg.jsonld up to its first graph: the context, and the opening of `@graph`."""
    context = json.dumps(jsonld_context()["@context"], indent=2, ensure_ascii=False, sort_keys=True)
    return ('{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": [').encode("utf-8")


def jsonld_graph(number: int, graph: GraphText, iris: JsonldNames) -> list[Part]:
    """The pieces of the `number`th graph's object in kg.jsonld: its fragment a file where it is one."""
    opening = f'{"," if number else ""}\n    {{\n      "id": {_encode(iris[graph.iri])},\n      "@graph": ['.encode("utf-8")
    fragment = jsonld_fragment(graph) if graph.jsonld is None else graph.jsonld
    if part_size(fragment):
        return [opening + _NODE_SEPARATOR[1:], fragment, _GRAPH_END]
    return [opening, _GRAPH_END]


_NODE_SEPARATOR = b",\n        "
_GRAPH_END = b"\n      ]\n    }"
JSONLD_TAIL = b"\n  ]\n}\n"  # kg.jsonld after its last graph


def jsonld_fragment(graph: GraphText) -> bytes:
    """The trees of one graph as kg.jsonld holds them in its `@graph`: one JSON object a line, between commas.

    >>> from kg.write.nquads import GraphText
    >>> line = b'<https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://g> .\\n'
    >>> print(jsonld_fragment(GraphText("https://g", "g", line)).decode())
    {"id": "https://kg.example.org/person/a", "label": "A"}
    """
    return _NODE_SEPARATOR.join(_encode(tree).encode("utf-8") for tree in _framed(list(_nodes(graph, _KEYS))))


def _nodes(graph: GraphText, keys: _Keys) -> Iterator[dict]:
    """One node object per subject of `graph`, in the lines' order."""
    iris = keys.iris
    subject, node = None, {}
    for line in graph.lines():
        text = line.decode("utf-8")
        end_s = text.index("> ") + 1
        end_p = text.index("> ", end_s + 1) + 1
        end_o = text.rindex(" <", end_p, len(text) - 3)
        if text[:end_s] != subject:
            if node:
                yield node
            subject, node = text[:end_s], {"id": iris[text[1:end_s - 1]]}
        key, value, many = keys.entry(text[end_s + 2:end_p - 1], text[end_p + 1:end_o])
        held = node.get(key)
        if many:
            node.setdefault(key, []).append(value)
        elif held is None:
            node[key] = value
        else:  # a second value where the shapes allow one: kept, as an array
            node[key] = [*(held if type(held) is list else [held]), value]
    if node:
        yield node


def _framed(nodes: list[dict]) -> list[dict]:
    """The graph's nodes as trees: the root's first, each node embedded where the tree first reaches it.

    A walk with a stack, not recursion, so that a long chain of nodes (time:after) cannot overflow.
    """
    by_id = {node["id"]: node for node in nodes}
    for node in nodes:  # an event's schema:subjectOf becomes its article's `events`, and so on
        for key, forward in REVERSE_TERMS.items():
            target = node.get(forward)
            if type(target) is str and target in by_id:
                del node[forward]
                by_id[target].setdefault(key, []).append(node["id"])
    roots = [n for root in _ROOT_TYPES for n in nodes if root in _types(n)] + nodes
    reached: set[str] = set()
    trees = []
    for root in roots:
        if root["id"] in reached:
            continue
        reached.add(root["id"])
        trees.append(root)
        stack = [root]
        while stack:
            node = stack.pop()
            for key, held in node.items():
                values = held if type(held) is list else [held]
                for index, value in enumerate(values):
                    target = _reference(key, value)
                    if target in by_id and target not in reached:
                        reached.add(target)
                        stack.append(by_id[target])
                        if values is held:
                            values[index] = by_id[target]
                        else:
                            node[key] = by_id[target]
    return [_ordered(tree) for tree in trees]


def _types(node: dict) -> list:
    types = node.get("type", [])
    return types if type(types) is list else [types]


def _reference(key: str, value) -> str | None:
    """The id a value refers to: a string under a key of IRIs, or an object holding only an id."""
    if type(value) is str:
        return value if key in _REFERENCE_KEYS else None
    if type(value) is dict and len(value) == 1:
        return value.get("id")
    return None


_REFERENCE_KEYS = {key for key, (_, _, kind, _) in TERMS.items() if kind == "@id"} | set(REVERSE_TERMS)


def _ordered(node: dict) -> dict:
    """`id` and `type` first, then the keys in order, in this node and every node embedded in it."""
    stack = [node]
    while stack:
        current = stack.pop()
        first = {key: current.pop(key) for key in ("id", "type") if key in current}
        rest = {key: current.pop(key) for key in sorted(current)}
        current.update(first)
        current.update(rest)
        for held in rest.values():
            for value in held if type(held) is list else [held]:
                if type(value) is dict and "id" in value and len(value) > 1:
                    stack.append(value)
    return node


class JsonldNames(dict):
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
    """Predicate IRI -> (its key, the type of that key's values, whether the key is a @set)."""

    def __init__(self) -> None:
        super().__init__()
        self.iris = JsonldNames()
        self.terms = {}
        for key, (prefix, local, kind, many) in TERMS.items():
            if kind is not None and kind != "@id":
                kind = str(PREFIXES["xsd"]) + kind.split(":", 1)[1]
            self.terms[str(PREFIXES[prefix]) + local] = (key, kind, many)

    def __missing__(self, predicate: str) -> tuple:
        # A predicate with no key of its own (not one kg emits) is written as its compact IRI.
        entry = self[predicate] = self.terms.get(predicate, (self.iris[predicate], "", _SET))
        return entry

    def entry(self, predicate: str, obj: str) -> tuple[str, object, bool]:
        """The key, the value and whether the key is a @set, of one statement of a node."""
        if predicate == _RDF_TYPE and obj[0] == "<":
            return "type", self.iris[obj[1:-1]], False
        key, kind, many = self[predicate]
        if obj[0] == "<":
            iri = self.iris[obj[1:-1]]
            return key, iri if kind == "@id" else {"id": iri}, many
        if obj[0] != '"':
            raise ValueError(f"{obj[:100]!r}: a blank node, which kg's output never holds")
        end = obj.rindex('"')
        lexical = _unescape(obj[1:end])
        suffix = obj[end + 1:]
        if suffix.startswith("^^"):
            return key, self._typed(lexical, suffix[3:-1], kind), many
        if suffix:
            return key, {"@value": lexical, "@language": suffix[1:]}, many
        return key, lexical if kind is None else {"@value": lexical}, many

    def _typed(self, lexical: str, datatype: str, kind: str | None) -> object:
        """A typed literal's value under a key whose values have the type `kind`."""
        native = None
        if datatype in _INTEGERS and _INTEGER.fullmatch(lexical) and (kind == datatype or datatype == _XSD_INTEGER):
            native = int(lexical)  # under its own type, or as JSON-LD reads any number: an xsd:integer
        elif datatype == _XSD_BOOLEAN and lexical in ("true", "false") and kind in (datatype, None):
            native = lexical == "true"
        if native is not None and (kind == datatype or kind is None):
            return native
        if kind == datatype:
            return lexical
        return {"@value": lexical, "type": self.iris[datatype]}


def _unescape(text: str) -> str:
    """The string an N-Quads literal's text stands for."""
    return _ESCAPE.sub(_unescaped, text) if "\\" in text else text


def _unescaped(match: re.Match) -> str:
    if match.group(1):
        return _ECHAR[match.group(1)]
    return chr(int(match.group(2) or match.group(3), 16))


# One for the process: an article's graphs name the same predicates, classes and actors as the last one's.
_KEYS = _Keys()
