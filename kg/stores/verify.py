"""Compare what a store holds with what was sent, by value.

Stores rewrite literals into their own lexical form: Oxigraph writes "007"^^xsd:integer as "7",
xsd:nonNegativeInteger as xsd:integer, "P0D" as "PT0S", and drops ^^xsd:string; Virtuoso writes
doubles in another notation and keeps a duration of years and months as a number of months
("P2Y" becomes "24") and one of days and hours as seconds ("P2D" becomes "172800.0"). So triples
are compared through keys that are equal for equal values, and then, literal by literal, by
datatype and form: `literal_changes` counts what a store changed, which `kg load --verify full`
reports, as a dump of such a store no longer passes kg's shapes.

After a load (kg.stores.loading), `verify_counts` asks the store for each graph's count of triples
(`--verify count`, the default), and `verify_graphs` reads each graph back and compares it value for
value, then datatype for datatype (`--verify full`).

>>> term_key(ox.Literal("P2D", datatype=ox.NamedNode(XSD + "duration"))) == \\
...     term_key(ox.Literal("172800.0", datatype=ox.NamedNode(XSD + "duration")))
True
>>> term_key(ox.Literal("007", datatype=ox.NamedNode(XSD + "integer"))) == \\
...     term_key(ox.Literal("7", datatype=ox.NamedNode(XSD + "nonNegativeInteger")))
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import StoreError
from kg.stores.dataset import DatasetGraph
from kg.stores.endpoints import public_url

if TYPE_CHECKING:  # annotations only: the comparisons need no HTTP client
    from kg.stores.store import Store

__all__ = ["ChangedDataError", "verify_counts", "verify_graphs", "XSD", "term_key", "triple_key", "keys_of_lines", "keys_of_ntriples", "iso_duration", "kg_lexical",
           "literal_change", "literal_changes", "change_lines", "triples_of_ntriples"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING_TYPES = {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_INTEGER_TYPES = {XSD + name for name in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + "float", XSD + "double"}
_DURATION = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


def term_key(term) -> tuple:
    """A key equal for terms of equal value: an IRI, a string, a number, or a typed value."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("blank", term.value)
    if term.language:
        return ("text", term.value, term.language.lower())
    return _literal_key(term.value, term.datatype.value)


@lru_cache(maxsize=65_536)
def _literal_key(lexical: str, datatype: str) -> tuple:
    if datatype in _STRING_TYPES:
        return ("text", lexical, "")
    text = lexical.strip()
    try:
        if datatype in _INTEGER_TYPES or datatype == XSD + "decimal":
            return ("number", Decimal(text).normalize())
        if datatype in _FLOAT_TYPES:
            return ("float", float(text))
        if datatype == XSD + "boolean":
            return ("boolean", text in ("true", "1"))
        if datatype == XSD + "duration":
            return ("duration", *_duration(text))
        if datatype == XSD + "dateTime":
            return ("dateTime", datetime.fromisoformat(text))
    except (ValueError, InvalidOperation):
        pass
    return ("typed", text, datatype)


def _duration(text: str) -> tuple[Decimal, Decimal]:
    """A duration as (months, seconds), from ISO 8601 or from Virtuoso's number."""
    match = _DURATION.fullmatch(text)
    if match and text not in ("P", "-P") and not text.endswith("T"):
        sign, years, months, days, hours, minutes, seconds = match.groups()
        total_months = int(years or 0) * 12 + int(months or 0)
        total_seconds = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
                         + Decimal(seconds or 0))
        factor = -1 if sign else 1
        return Decimal(factor * total_months), (factor * total_seconds).normalize() + 0
    # Virtuoso: an integer counts months, a decimal counts seconds.
    number = Decimal(text)
    if "." in text or "e" in text.lower():
        return Decimal(0), number.normalize() + 0
    return number, Decimal(0)


def iso_duration(lexical: str) -> str:
    """An xsd:duration in ISO 8601 form, whether written so or as Virtuoso's number.

    >>> iso_duration("48"), iso_duration("172800.0"), iso_duration("P1Y6M"), iso_duration("5400.5")
    ('P4Y', 'P2D', 'P1Y6M', 'PT1H30M0.5S')
    """
    try:
        months, seconds = _duration(lexical.strip())
    except (ValueError, InvalidOperation):
        return lexical
    sign = "-" if months < 0 or seconds < 0 else ""
    months, seconds = abs(months), abs(seconds)
    years, months = divmod(int(months), 12)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    date = "".join(f"{int(n)}{unit}" for n, unit in ((years, "Y"), (months, "M"), (days, "D")) if n)
    parts = ((int(hours), "H"), (int(minutes), "M"), (format(rest.normalize(), "f"), "S"))
    time = "".join(f"{n}{unit}" for n, unit in parts if n not in (0, "0"))
    if not date and not time:
        return "PT0S"
    return f"{sign}P{date}" + (f"T{time}" if time else "")


def kg_lexical(lexical: str, datatype: str | None) -> str:
    """The lexical form kg writes, for a value a store answers in its own (Virtuoso: durations, booleans).

    >>> kg_lexical("48", XSD + "duration"), kg_lexical("1", XSD + "boolean"), kg_lexical("7", XSD + "integer")
    ('P4Y', 'true', '7')
    """
    if datatype == XSD + "duration" and not lexical.lstrip("-").startswith("P"):
        return iso_duration(lexical)
    if datatype == XSD + "boolean" and lexical in ("0", "1"):
        return "true" if lexical == "1" else "false"
    return lexical


def triple_key(triple: ox.Triple) -> tuple:
    """The key of a triple: the keys of its three terms."""
    return (term_key(triple.subject), term_key(triple.predicate), term_key(triple.object))


def keys_of_ntriples(data: bytes | str) -> set[tuple]:
    """The keys of every triple of an N-Triples document."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return {triple_key(triple) for triple in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES)}


def keys_of_lines(lines: Iterable[str]) -> set[tuple]:
    """The keys of N-Triples lines, as kg sends them."""
    return keys_of_ntriples("\n".join(lines) + "\n")


def _short(datatype: str) -> str:
    return "xsd:" + datatype[len(XSD):] if datatype.startswith(XSD) else f"<{datatype}>"


def _kept_form(lexical: str, datatype: str) -> bool:
    """Whether a literal is still written in a form of its datatype: a duration in ISO 8601, not a number."""
    if datatype == XSD + "duration" or datatype.endswith(("#dayTimeDuration", "#yearMonthDuration")):
        return lexical.lstrip("-").startswith("P")
    return True


def literal_change(sent, held) -> tuple[str, str] | None:
    """What a store changed in a literal it holds with the value sent: (the datatype sent, the change).

    None if it kept the datatype and a form of it (a canonical form, such as "7" for "007", is kept).

    >>> literal_change(ox.Literal("7", datatype=ox.NamedNode(XSD + "nonNegativeInteger")), ox.Literal(7))
    ('xsd:nonNegativeInteger', 'now typed xsd:integer')
    >>> literal_change(ox.Literal("P2D", datatype=ox.NamedNode(XSD + "duration")),
    ...                ox.Literal("172800.0", datatype=ox.NamedNode(XSD + "duration")))
    ('xsd:duration', 'now written as numbers')
    >>> literal_change(ox.Literal("007", datatype=ox.NamedNode(XSD + "integer")), ox.Literal(7)) is None
    True
    """
    if not isinstance(sent, ox.Literal) or not isinstance(held, ox.Literal) or sent.language or held.language:
        return None
    before, after = sent.datatype.value, held.datatype.value
    if before != after:
        return _short(before), f"now typed {_short(after)}"
    if not _kept_form(held.value, after):
        return _short(before), "now written as numbers"
    return None


def literal_changes(sent: Iterable[ox.Triple], held: Iterable[ox.Triple], counts: dict | None = None) -> dict:
    """What the store changed in the literals sent that it holds with the same value, counted per change.

    A triple is matched to those held with the same subject, predicate and value (`triple_key`);
    one that has no such match is missing, which comparing `triple_key`s reports, not this. The
    counts are added to `counts` when given (one dict for all the graphs of a load), and read by
    `change_lines`.
    """
    counts = {} if counts is None else counts
    held_objects: dict[tuple, list] = {}
    for triple in held:
        if isinstance(triple.object, ox.Literal):
            held_objects.setdefault(triple_key(triple), []).append(triple.object)
    for triple in sent:
        candidates = held_objects.get(triple_key(triple), [])
        found = [literal_change(triple.object, other) for other in candidates]
        if found and None not in found:
            entry = counts.setdefault(found[0], [0, triple.object.value, candidates[0].value])
            entry[0] += 1
    return counts


def change_lines(counts: dict) -> list[str]:
    """One line per change that `literal_changes` counted: how many literals of which datatype, and what became of them.

    >>> change_lines(literal_changes([ox.Triple(ox.NamedNode("http://s"), ox.NamedNode("http://p"),
    ...                                         ox.Literal("P2Y", datatype=ox.NamedNode(XSD + "duration")))],
    ...                              [ox.Triple(ox.NamedNode("http://s"), ox.NamedNode("http://p"),
    ...                                         ox.Literal("24", datatype=ox.NamedNode(XSD + "duration")))]))
    ['1 xsd:duration literal now written as numbers, such as "P2Y" as "24"']
    """
    lines = []
    for (datatype, change), (count, sent, held) in sorted(counts.items()):
        line = f"{count:,} {datatype} literal{'s' if count != 1 else ''} {change}"
        lines.append(line + (f', such as "{sent}" as "{held}"' if sent != held else ""))
    return lines


def triples_of_ntriples(data: bytes | str) -> list[ox.Triple]:
    """The triples of an N-Triples document."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))


def verify_counts(store: Store, graphs: list[DatasetGraph], removed: Sequence[str] = ()) -> dict[str, int]:
    """The store's triple count per graph; StoreError unless each equals what was sent, and `removed` are empty."""
    counts = store.count_triples([graph.iri for graph in graphs] + list(removed))
    left = [iri for iri in removed if counts.get(iri, 0)]
    if left:
        raise StoreError(f"{public_url(store.endpoints.query)} still holds {counts[left[0]]:,} triples in graph "
                         f"<{left[0]}>, which an earlier load wrote and this one removed")
    wrong = [graph for graph in graphs if counts.get(graph.iri, 0) != len(graph)]
    if wrong:
        first = wrong[0]
        others = f" ({len(wrong) - 1} other graph{'s' if len(wrong) > 2 else ''} differ too)" if len(wrong) > 1 else ""
        raise StoreError(
            f"{public_url(store.endpoints.query)} holds {counts.get(first.iri, 0):,} triples in graph "
            f"<{first.iri}>, but {len(first):,} were sent{others}"
        )
    return {graph.iri: counts.get(graph.iri, 0) for graph in graphs}


class ChangedDataError(StoreError):
    """The store holds the values sent, but some literals with another datatype or in another form.

    `changes` says what changed, one line per datatype and kind of change, with its count, for people.
    """

    def __init__(self, where: str, changes: list[str]) -> None:
        self.where = where
        self.changes = changes
        super().__init__(f"{where} holds the values sent, but {self.summary()}: " + "; ".join(changes))

    def summary(self) -> str:
        """How many literals changed, and why it matters."""
        return "changed the datatype or form of some literals, so a dump of the store is not the data kg sent"


def verify_graphs(store: Store, graphs: list[DatasetGraph]) -> None:
    """StoreError unless each graph in the store equals, value for value and datatype for datatype, the graph sent.

    A value missing or added is reported first; then ChangedDataError if the store holds the
    values but changed literals' datatypes or forms (Oxigraph's xsd:integer for an
    xsd:nonNegativeInteger, Virtuoso's numbers for durations).
    """
    where = public_url(store.endpoints.graph_store or store.endpoints.query)
    changes: dict = {}
    for graph in graphs:
        try:
            held_triples = triples_of_ntriples(store.get_graph(graph.iri))
        except SyntaxError as error:
            raise StoreError(f"{where}: reading graph <{graph.iri}>: the answer is not valid N-Triples "
                             f"({store.connection.redact(str(error))[:200]})") from None
        _compare_values(where, graph, {triple_key(triple) for triple in held_triples})
        literal_changes(triples_of_ntriples(graph.ntriples()), held_triples, changes)
    if changes:
        raise ChangedDataError(where, change_lines(changes))


def _compare_values(where: str, graph: DatasetGraph, held: set[tuple]) -> None:
    """StoreError unless the store holds exactly the values of the triples sent."""
    sent = keys_of_lines(graph.lines)
    if held == sent:
        return
    missing = next((line for line in graph.lines if _line_key(line) not in held), None)
    extra = len(held - sent)
    detail = f"it lacks {len(sent - held):,} of the triples sent"
    if missing:
        detail += f", such as {missing}"
    if extra:
        detail += f", and holds {extra:,} triples not sent"
    raise StoreError(f"{where}: graph <{graph.iri}> differs from what was sent: {detail}")


def _line_key(line: str) -> tuple:
    return next(iter(keys_of_lines([line])))
