"""Times as the article words them: OWL-Time instants and intervals with kg's bounds and hedges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from kg.mapping.scope import Scope
from kg.timex import TimeValue
from kg.vocab import GAF, KGO, RDF, RDFS, TIME, XSD

if TYPE_CHECKING:
    from kg.model import TimeExpression

UNIT = {"day": TIME.unitDay, "week": TIME.unitWeek, "month": TIME.unitMonth, "year": TIME.unitYear}
POSITION = {"day": (TIME.inXSDDate, XSD.date), "month": (TIME.inXSDgYearMonth, XSD.gYearMonth),
            "year": (TIME.inXSDgYear, XSD.gYear)}


def time(scope: Scope, owner: URIRef, name: str, expression: TimeExpression, instant: bool = False) -> URIRef:
    """The time resource for an expression: an Instant at a calendar unit, else an Interval.

    Where an instant is wanted (a holding's beginning or end) and the expression is a week or a
    span of days, the instant has no calendar position, only the bounds it lies within.
    """
    value: TimeValue = expression.value
    iri = scope.iris.time(owner, name)
    if value.unit in POSITION:
        predicate, datatype = POSITION[value.unit]
        scope.add(iri, RDF.type, TIME.Instant)
        scope.add(iri, predicate, Literal(value.label, datatype=datatype))
    elif instant:
        scope.add(iri, RDF.type, TIME.Instant)
    else:
        interval(scope, iri, value.begin, value.end)
    if value.unit in UNIT:
        scope.add(iri, KGO.precision, UNIT[value.unit])
    scope.add(iri, RDFS.label, Literal(expression.quote.text))
    scope.add(iri, KGO.timeExpression, Literal(expression.quote.text))
    scope.add(iri, KGO.normalisedValue, Literal(value.label))
    scope.add(iri, KGO.notBefore, Literal(value.begin.isoformat(), datatype=XSD.date))
    scope.add(iri, KGO.notAfter, Literal(value.end.isoformat(), datatype=XSD.date))
    if value.approximate:
        scope.add(iri, RDF.type, KGO.ApproximateTime)
    scope.add(iri, GAF.denotedBy, scope.mention(expression.quote.span))
    if expression.after:
        scope.add(iri, TIME.after, scope.iris.time(scope.events[expression.after], "1"))
    return iri

def interval(scope: Scope, iri: URIRef, begin, end) -> None:
    """An Interval known only by the days it lies within: both bounds as kg's dates and as Instants."""
    scope.add(iri, RDF.type, TIME.Interval)
    scope.add(iri, KGO.notBefore, Literal(begin.isoformat(), datatype=XSD.date))
    scope.add(iri, KGO.notAfter, Literal(end.isoformat(), datatype=XSD.date))
    for predicate, side, day in ((TIME.hasBeginning, "begin", begin), (TIME.hasEnd, "end", end)):
        point = URIRef(f"{iri}/{side}")
        scope.add(iri, predicate, point)
        scope.add(point, RDF.type, TIME.Instant)
        scope.add(point, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date))
