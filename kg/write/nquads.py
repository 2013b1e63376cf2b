"""Canonical N-Quads: one named graph as sorted, unique lines, and the reading of such lines.

A graph's canonical text is its quads in N-Quads, one a line, in kg's escaping (as rdflib writes a
literal, then every character that some reader takes for a line break as a \\uXXXX escape), sorted
as bytes, with no line twice. Since a quad's line is its triple's text then its graph's, a
subject's triples come in a run, which the Turtle and JSON-LD writers group as they stream by.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["GraphText", "TripleSet", "Part", "part_bytes", "part_size", "graph_text", "split_quad", "quad_subject", "checked_lines",
           "graph_triples"]

# A graph's piece of a file: its bytes, or the file that holds them and nothing else (a cache
# entry's), which the writers copy without holding the whole corpus in memory.
Part = bytes | Path


def part_bytes(part: Part) -> bytes:
    """The bytes of a piece, read from its file if it is one."""
    return part.read_bytes() if isinstance(part, Path) else part


def part_size(part: Part) -> int:
    """The length of a piece, from its file's size if it is one."""
    return part.stat().st_size if isinstance(part, Path) else len(part)


@dataclass(frozen=True)
class GraphText:
    """One named graph as canonical N-Quads.

    `iri` is the graph's IRI, `name` its file's name in graphs/ (NAME.ttl), `nquads` every quad of
    the graph: one a line, each ending in ` <iri> .` and a newline, sorted as bytes, none twice,
    no blank nodes. `turtle`, `trig` and `jsonld` are the graph's fragments of the files, made once
    from `nquads` by `kg.write.with_fragments` (in the article's own work, and kept in the cache):
    its Turtle statements, as graphs/NAME.ttl holds them after the prefixes; its block of kg.trig;
    and its nodes, one JSON object a line, as kg.jsonld holds them. None until made. Each is bytes,
    or the file that holds them (`Part`), as a cached graph's are. `digest` is the sha256 of the
    N-Quads (hex), computed when first asked for unless given.
    """

    iri: str
    name: str
    nquads: Part = field(repr=False)
    turtle: Part | None = field(default=None, repr=False, compare=False)
    trig: Part | None = field(default=None, repr=False, compare=False)
    jsonld: Part | None = field(default=None, repr=False, compare=False)
    digest: str | None = field(default=None, repr=False, compare=False)

    def lines(self) -> Iterator[bytes]:
        """The quads' lines, each with its newline, read lazily."""
        return iter(io.BytesIO(part_bytes(self.nquads)))

    def sha256(self) -> str:
        """The sha256 of the graph's N-Quads, in hex."""
        return self.digest or hashlib.sha256(part_bytes(self.nquads)).hexdigest()


# Characters that some reader takes for the end of a line: N-Triples allows them raw inside a
# literal, but Python's str.splitlines, grep and others split there. Written as \uXXXX escapes,
# every line of kg.nq is one whole quad, whatever tool reads it.
_LINE_BREAKING = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
# What an IRI in N-Quads cannot hold raw (IRIREF), and rdflib refuses to write.
_NOT_IN_IRI = re.compile('[\x00-\x20<>"{}|^`\\\\]')
_XSD_STRING = str(XSD.string)


class TripleSet:
    """A graph's triples as a plain set, with its identifier: all that `graph_text` reads of a graph,
    without the indexes of an rdflib Graph, which cost more than the rest of making a graph that is
    only written (an article's graph as the mapper makes it, the dataset's description of an
    archive of thousands of articles)."""

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self._triples: set[tuple] = set()
        self.add = self._triples.add

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._triples)

    def __contains__(self, triple: tuple) -> bool:
        return triple in self._triples

    def __len__(self) -> int:
        return len(self._triples)


def graph_text(graph: Graph | TripleSet, name: str) -> GraphText:
    """The canonical N-Quads of `graph`, whose file in graphs/ is NAME.ttl.

    >>> from rdflib import Graph, Literal, URIRef
    >>> graph = Graph(identifier=URIRef("https://kg.example.org/graph/a"))
    >>> s, p = URIRef("https://kg.example.org/person/a"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    >>> _ = graph.add((s, p, Literal("A\\u2028B", lang="en")))
    >>> print(graph_text(graph, "a").nquads.decode(), end="")
    <https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A\\u2028B"@en <https://kg.example.org/graph/a> .
    """
    terms: dict = {}

    def text(term) -> str:
        written = terms.get(term)
        if written is None:
            written = terms[term] = _term(term)
        return written

    tail = f" {_iri(graph.identifier)} .\n"
    lines = {f"{text(s)} {text(p)} {text(o)}{tail}" for s, p, o in graph}
    nquads = "".join(sorted(lines)).encode("utf-8")
    return GraphText(str(graph.identifier), name, nquads, digest=hashlib.sha256(nquads).hexdigest())


def _term(term) -> str:
    if isinstance(term, Literal):
        return _literal(term)
    if isinstance(term, URIRef):
        return _iri(term)
    raise ValueError(f"{term!r}: a blank node or a variable, which kg's output never holds")


def _iri(term) -> str:
    if not isinstance(term, URIRef) or _NOT_IN_IRI.search(term):
        raise ValueError(f"{term!r} is not an IRI that N-Quads can hold")
    return f"<{term}>"


def _literal(term: Literal) -> str:
    """A literal as rdflib's N-Quads writes it, plus kg's escapes; xsd:string is left implicit."""
    text = str(term).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    text = _LINE_BREAKING.sub(_uchar, text)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return f'"{text}"^^{_iri(term.datatype)}'
    return f'"{text}"'


def _uchar(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04X}"


def split_quad(line: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """Subject, predicate, object and graph of one canonical line, each as N-Quads writes it.

    An IRI holds no space, so the subject and predicate end at the first two `> `, and the graph
    starts at the last ` <`.

    >>> split_quad(b'<https://a/s> <https://a/p> "x <y> z"@en <https://a/g> .\\n')
    (b'<https://a/s>', b'<https://a/p>', b'"x <y> z"@en', b'<https://a/g>')
    """
    subject = line.index(b"> ") + 1
    predicate = line.index(b"> ", subject + 1) + 1
    graph = line.rindex(b" <", predicate, len(line) - 3)
    return line[:subject], line[subject + 1:predicate], line[predicate + 1:graph], line[graph + 1:-3]


def quad_subject(line: bytes) -> bytes:
    """The subject of one canonical line, as `split_quad` finds it (up to the first `> `).

    >>> quad_subject(b'<https://a/s> <https://a/p> "x" <https://a/g> .\\n')
    b'<https://a/s>'
    """
    return line[:line.index(b"> ") + 1]


def checked_lines(graph: GraphText) -> Iterator[bytes]:
    """The lines of `graph`, raising ValueError at the first that breaks the canonical form."""
    tail = f" <{graph.iri}> .\n".encode("utf-8")
    previous = b""
    for number, line in enumerate(graph.lines(), start=1):
        if line <= previous or not line.endswith(tail) or not line.startswith(b"<"):
            problem = ("is not after the line before it (sorted, unique lines)" if line <= previous
                       else f"is not a quad of {graph.iri} with an IRI as subject")
            raise ValueError(f"graph {graph.name}: line {number} {problem}: {line[:200]!r}")
        previous = line
        yield line


def graph_triples(graph: GraphText) -> Iterator[tuple[bytes, bytes, bytes]]:
    """The triples of one graph, in its lines' order, raising ValueError at a line out of the canonical form."""
    for line in checked_lines(graph):
        subject, predicate, obj, _ = split_quad(line)
        yield subject, predicate, obj
