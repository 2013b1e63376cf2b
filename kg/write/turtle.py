"""Turtle and TriG written as text from canonical N-Quads, a subject at a time.

Sorted lines come subject by subject, so a subject's statements are grouped as they stream by,
with no graph in memory: `a` first, then rdfs:label, then the other predicates in order, several
objects of one predicate after commas. An IRI in one of kg's namespaces is written as a prefixed
name when its local part is plainly one (letters, digits, `_` and `-`), else whole; an integer or
a boolean in its canonical form is written bare. A literal is written as N-Quads has it, which is
also Turtle. The prefixes are kg's (kg.vocab.PREFIXES), all of them, in name order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.vocab import PREFIXES, RDF, RDFS, XSD

__all__ = ["PREFIX_LINES", "turtle", "trig_block"]

PREFIX_LINES = "".join(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n" for prefix in sorted(PREFIXES)).encode()

_NAMESPACES = sorted(((str(namespace).encode(), prefix.encode()) for prefix, namespace in PREFIXES.items()),
                     key=lambda pair: -len(pair[0]))  # the longest namespace that fits wins
_LOCAL = re.compile(rb"(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?")  # a subset of PN_LOCAL that every reader takes
_TYPE = f"<{RDF.type}>".encode()
_LABEL = f"<{RDFS.label}>".encode()
_BARE = {
    f"^^<{XSD.integer}>".encode(): re.compile(rb"-?(?:0|[1-9][0-9]*)"),
    f"^^<{XSD.boolean}>".encode(): re.compile(rb"true|false"),
}
_CACHED = 100_000  # IRIs remembered at once, so that memory does not grow with the corpus


def turtle(triples: Iterable[tuple[bytes, bytes, bytes]]) -> Iterator[bytes]:
    """Turtle statements of sorted triples (terms as N-Quads writes them), one chunk per subject.

    >>> lines = [(b"<https://a/s>", b"<http://www.w3.org/2000/01/rdf-schema#label>", b'"s"'),
    ...          (b"<https://a/s>", b"<https://schema.org/sameAs>", b"<http://www.wikidata.org/entity/Q1>"),
    ...          (b"<https://a/s>", b"<https://schema.org/sameAs>", b"<http://www.wikidata.org/entity/Q2>")]
    >>> print(b"".join(turtle(lines)).decode(), end="")
    <https://a/s> rdfs:label "s" ;
        schema:sameAs wd:Q1,
            wd:Q2 .
    <BLANKLINE>
    """
    names = _NAMES
    subject, statements = None, []
    for triple in triples:
        if triple[0] != subject:
            if statements:
                yield _block(subject, statements, names)
            subject, statements = triple[0], []
        statements.append(triple[1:])
    if statements:
        yield _block(subject, statements, names)


def trig_block(graph_iri: str, body: bytes) -> bytes:
    """One named graph in TriG: its IRI, then its Turtle statements indented in braces."""
    inner = b"    " + body.rstrip(b"\n").replace(b"\n", b"\n    ").replace(b"\n    \n", b"\n\n")
    return b"<" + graph_iri.encode("utf-8") + b"> {\n" + inner + b"\n}\n\n"


def _block(subject: bytes, statements: list[tuple[bytes, bytes]], names: _Names) -> bytes:
    statements.sort(key=_rank)  # stable: the objects of each predicate keep their order
    parts = [names[subject]]
    previous = None
    for predicate, obj in statements:
        if predicate == previous:
            parts.append(b",\n        ")
        else:
            parts.append(b" " if previous is None else b" ;\n    ")
            parts.append(b"a " if predicate == _TYPE else names[predicate] + b" ")
            previous = predicate
        parts.append(_object(obj, names))
    parts.append(b" .\n\n")
    return b"".join(parts)


def _rank(statement: tuple[bytes, bytes]) -> int:
    return 0 if statement[0] == _TYPE else 1 if statement[0] == _LABEL else 2


def _object(term: bytes, names: _Names) -> bytes:
    first = term[:1]
    if first == b"<":
        return names[term]
    if first != b'"':
        raise ValueError(f"{term[:100]!r}: a blank node, which kg's output never holds")
    end = term.rindex(b'"')
    suffix = term[end + 1:]
    if suffix.startswith(b"^^"):
        bare = _BARE.get(suffix)
        if bare is not None and bare.fullmatch(term, 1, end):
            return term[1:end]
        return term[:end + 3] + names[suffix[2:]]
    return term


class _Names(dict):
    """IRI (as N-Quads writes it) -> its prefixed name, or itself."""

    def __missing__(self, term: bytes) -> bytes:
        if not term.startswith(b"<"):
            raise ValueError(f"{term[:100]!r}: a blank node, which kg's output never holds")
        written = term
        for namespace, prefix in _NAMESPACES:
            if term.startswith(namespace, 1):
                if _LOCAL.fullmatch(term, 1 + len(namespace), len(term) - 1):
                    written = prefix + b":" + term[1 + len(namespace):-1]
                break
        if len(self) >= _CACHED:
            self.clear()
        self[term] = written
        return written


# One for the process: an article's graphs name the same predicates, classes and actors as the last one's.
_NAMES = _Names()
