"""Check stage: the graph against the SHACL shapes in shapes/; a violation stops the build."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import InputError, NotConformingError
from kg.resources import shipped_dir
from kg.text import shorten
from kg.vocab import DCTERMS, GAF, NIF, RDF, RDFS, SCHEMA, SKOS, new_graph

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rdflib.plugins.sparql.sparql import Query

__all__ = ["Finding", "load_shapes", "check_graph", "run_shapes", "one_line", "SH"]

SH = "http://www.w3.org/ns/shacl#"
EVIDENCE_LENGTH = 160

# Names a person reads for a resource, in order of preference.
_LABELS = (RDFS.label, SCHEMA.name, SKOS.prefLabel, DCTERMS.title, SCHEMA.headline, SCHEMA.identifier)


@dataclass(frozen=True)
class Finding:
    """One result of a validation report, in words a person can act on."""

    severity: str
    focus: str
    label: str
    path: str
    message: str
    value: str
    evidence: str = ""
    component: str = ""
    shape: str = ""
    constraint: str = ""

    def line(self) -> str:
        """The finding on one line, as `kg build` prints its warnings."""
        name = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        evidence = f" — “{shorten(self.evidence, EVIDENCE_LENGTH)}”" if self.evidence else ""
        return f"{self.severity}: {name}{path}: {self.message}{value}{evidence}"


def warning_lines(findings: list[Finding], names: int = 6) -> list[str]:
    """One line per finding, or per kind of finding (same path and message) that recurs.

    >>> same = dict(severity="Warning", path="schema:sameAs", message="No link out.", value="")
    >>> found = [Finding(focus=f"https://kg.example.org/{n}", label=n, **same) for n in "ABC"]
    >>> warning_lines(found, names=2)
    ['Warning: 3 resources schema:sameAs: No link out. — A, B and 1 more']
    >>> warning_lines(found[:1])
    ['Warning: A <https://kg.example.org/A> schema:sameAs: No link out.']
    """
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.severity, finding.path, finding.message), []).append(finding)
    lines = []
    for (severity, path, message), group in groups.items():
        if len(group) == 1:
            lines.append(group[0].line())
            continue
        shown = [finding.label or f"<{finding.focus}>" for finding in group[:names]]
        more = f" and {len(group) - names} more" if len(group) > names else ""
        path_part = f" {path}" if path else ""
        lines.append(f"{severity}: {len(group)} resources{path_part}: {message} — {', '.join(shown)}{more}")
    return lines


def load_shapes(folder: Path | None = None) -> Graph:
    """All shapes files (*.ttl) of a folder, kg's own shapes/ by default."""
    folder = folder or shipped_dir("shapes")
    if not folder.is_dir():
        raise InputError("the shapes folder does not exist", path=folder)
    shapes = new_graph()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError("no shapes (*.ttl) in the shapes folder", path=folder)
    for file in files:
        part = new_graph()
        try:
            part.parse(file, format="turtle")
        except Exception as error:  # rdflib raises many kinds for a bad file
            raise InputError(f"the shapes cannot be read: {one_line(error)}", path=file) from None
        shapes += _blank_nodes_named(part, file.stem)
    return shapes


# rdflib's Turtle parser names a blank node by a random id of the parse and a counter.
_PARSED_BLANK = re.compile(r"n[0-9a-f]{32}b(\d+)")


def _blank_nodes_named(graph: Graph, stem: str) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of a shapes file, each blank node named by the file and rdflib's counter instead,
    so that the shapes compile to the same plan in every process (kg.shacl.shipped ships one)."""
    def named(term: Node) -> Node:
        found = _PARSED_BLANK.fullmatch(term) if isinstance(term, BNode) else None
        return BNode(f"{stem}-{found[1]}") if found else term

    for triple in graph:
        yield named(triple[0]), named(triple[1]), named(triple[2])


def check_graph(data: Graph, shapes: Graph) -> list[Finding]:
    """Validate `data`; raise NotConformingError on a violation, return the warnings otherwise."""
    findings, _ = run_shapes(data, shapes)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        text = "\n".join(f.line() for f in findings)
        raise NotConformingError(
            f"the data does not conform to the shapes: {len(violations)} violation(s)", report=text
        )
    return findings


def run_shapes(data: Graph, shapes: Graph, shapes_source: Path | str = "shapes") -> tuple[list[Finding], Graph]:
    """Validate `data` with SHACL Core and SHACL-SPARQL only; the findings, sorted, and the report graph."""
    # Imported here: kg build checks with kg.shacl and needs pyshacl only where kg.shacl cannot.
    from pyparsing import ParseBaseException  # rdflib's SPARQL parser raises it
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError, ValidationFailure

    # pyshacl logs each error it raises to stderr; kg reports it once, as one `Error: ...` line.
    logging.getLogger("pyshacl-validate").addFilter(_silence)
    try:
        # No inference and no SHACL-AF (advanced) features: another engine must reach the same verdict.
        _, report, _ = validate(
            _PreparedQueries(store=data.store, identifier=data.identifier),
            shacl_graph=shapes,
            inference="none",
            advanced=False,
        )  # and without allow_warnings: SHACL's sh:conforms is false as soon as there is any result
    except (ReportableRuntimeError, ParseBaseException) as error:  # not SHACL, or a SPARQL query that does not parse
        raise InputError(f"the shapes cannot be used: {_first_sentence(error)}", path=shapes_source) from None
    if isinstance(report, ValidationFailure):  # returned, not raised: a SPARQL constraint with MINUS, VALUES, SERVICE
        raise InputError(f"the shapes cannot be used: {_first_sentence(report)}", path=shapes_source)
    findings = sorted(
        _findings(report, data, shapes), key=lambda f: (f.severity != "Violation", f.label or f.focus, f.focus, f.path, f.message)
    )
    return findings, report


def one_line(error: BaseException) -> str:
    """An exception's message on one line: parsers' messages span several."""
    lines = getattr(error, "lines", None)
    why = getattr(error, "_why", None)
    if isinstance(lines, int) and why:  # rdflib's Turtle parser: the line and the reason
        return f"line {lines + 1}: {why}"
    return " ".join(str(error).split()) or type(error).__name__


def _silence(record: logging.LogRecord) -> bool:
    return False


def _first_sentence(error: BaseException) -> str:
    # pyshacl repeats its message with "For reference, ..." lines; the first line says it all.
    return one_line(Exception(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__))


class _PreparedQueries(Graph):
    """A view of a graph whose SPARQL queries are parsed once.

    pyshacl sends the text of a SPARQL constraint once per focus node, and parsing it costs rdflib
    far more than evaluating it; the view shares the graph's store, so nothing is copied.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=1024)
def _prepared(text: str) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _findings(report: Graph, data: Graph, shapes: Graph) -> list[Finding]:
    found = []
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    for result in report.subjects(RDF.type, sh("ValidationResult")):
        source = report.value(result, sh("sourceShape"))
        if not isinstance(source, URIRef):  # a property shape: name the node shape that holds it
            source = shapes.value(predicate=sh("property"), object=source)
        focus = report.value(result, sh("focusNode"))
        path = report.value(result, sh("resultPath"))
        value = report.value(result, sh("value"))
        constraint = report.value(result, sh("sourceConstraint"))
        found.append(
            Finding(
                severity=str(report.value(result, sh("resultSeverity"))).rsplit("#", 1)[-1],
                focus=str(focus),
                label=_label(data, focus),
                path=path_text(report, path) if path is not None else "",
                message=str(report.value(result, sh("resultMessage")) or ""),
                value=_term_text(data, value) if value is not None and value != focus else "",
                evidence=evidence(data, focus),
                component=_term_text(data, report.value(result, sh("sourceConstraintComponent"))),
                shape=_term_text(data, source) if isinstance(source, URIRef) else "",
                constraint=_term_text(data, constraint) if isinstance(constraint, URIRef) else "",
            )
        )
    return found


def evidence(data: Graph, node: Node | None) -> str:
    """The words of the article that ground `node`: its first mention's anchor, or its own if a mention."""
    if node is None:
        return ""
    anchor = data.value(node, NIF.anchorOf)
    if anchor is not None:
        return str(anchor)
    mentions = [m for m in data.objects(node, GAF.denotedBy) if data.value(m, NIF.anchorOf) is not None]
    if not mentions:
        return ""
    first = min(mentions, key=lambda m: (_number(data.value(m, NIF.beginIndex)), str(m)))
    return str(data.value(first, NIF.anchorOf))


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL's syntax: `schema:name`, `^nif:sourceUrl`, `(a|b)`, `a/b`."""
    if isinstance(path, URIRef):
        return _term_text(graph, path)
    inverse = graph.value(path, URIRef(SH + "inversePath"))
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    alternatives = graph.value(path, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = graph.value(path, URIRef(SH + name))
        if inner is not None:
            return f"({path_text(graph, inner)}){mark}"
    if isinstance(path, BNode) and graph.value(path, RDF.first) is not None:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return str(path)


def _label(data: Graph, node: Node | None) -> str:
    for predicate in _LABELS:
        label = data.value(node, predicate)
        if label is not None:
            return str(label)
    anchor = data.value(node, NIF.anchorOf)
    return f"mention “{shorten(str(anchor), EVIDENCE_LENGTH)}”" if anchor is not None else ""


def _term_text(graph: Graph, term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return f"\"{term}\"" + (f"^^{_term_text(graph, term.datatype)}" if term.datatype else "")
    if isinstance(term, URIRef):
        # Only the profile's own prefixes and SHACL's: never a prefix a data file happened to bind.
        try:
            prefix, namespace, local = _NAMES.compute_qname(str(term), generate=False)
        except (KeyError, ValueError):
            return f"<{term}>"
        return f"{prefix}:{local}"
    return str(term)


def _number(literal: Node | None) -> int:
    try:
        return int(literal)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


_NAMES = new_graph().namespace_manager
_NAMES.bind("sh", SH)
_NAMES.bind("kgs", "https://kg.example.org/shapes#")
