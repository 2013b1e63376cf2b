"""Events: their kind, status, times, places, roles, and what verdicts, sentences and appointments add."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.mapping.scope import Scope, camel
from kg.mapping.times import time
from kg.vocab import GAF, KGO, RDF, RDFS, SCHEMA, SEM, SKOS, TIME, integer

# What the article reports of the event (kgo:reportedStatus): finer than schema.org's statuses.
STATUS = {
    "happened": KGO.EventHappened,
    "ongoing": KGO.EventOngoing,
    "planned": KGO.EventPlanned,
    "scheduled": SCHEMA.EventScheduled,
    "possible": KGO.EventPossible,
}

# schema.org's eventStatus tells whether a schedule changed (EventCancelled, EventPostponed,
# EventRescheduled, EventMovedOnline); EventScheduled, its default, says it did not. A record's status
# says how sure the article is that the event happens, which schema.org has no value for, so every
# event is EventScheduled there, and what the article reports is on kgo:reportedStatus.
SCHEMA_STATUS = {status: SCHEMA.EventScheduled for status in STATUS}


def map_event(scope: Scope, event) -> None:
    iri = scope.events[event.id]
    scope.add(iri, RDF.type, SEM.Event)
    scope.add(iri, RDF.type, SCHEMA.Event)
    scope.add(iri, RDF.type, KGO[camel(event.kind)])
    scope.add(iri, RDFS.label, Literal(event.label))
    scope.add(iri, SCHEMA.eventStatus, SCHEMA_STATUS[event.status.value])
    scope.add(iri, KGO.reportedStatus, STATUS[event.status.value])
    # The article reports it: a reader goes from the article to its events (kg.jsonld nests them so).
    scope.add(iri, SCHEMA.subjectOf, scope.iris.article())
    scope.denoted_by(iri, event.quotes)
    for number, expression in enumerate(event.when, start=1):
        scope.add(iri, SEM.hasTime, time(scope, iri, str(number), expression))
    for place in event.places:
        scope.add(iri, SEM.hasPlace, scope.actor_iri(place))
    for role in event.roles:
        actor = scope.actor_iri(role.actor)
        node = scope.iris.role(iri, role.role.value, role.actor)
        scope.add(iri, SEM.hasActor, actor)
        scope.add(iri, SEM.hasActor, node)
        scope.add(node, RDF.type, SEM.Role)
        scope.add(node, RDF.value, actor)
        scope.add(node, SEM.roleType, KGO[camel(role.role.value)])
        scope.add(node, RDFS.label, Literal(f"{role.role.value}: {scope.actors[role.actor].title}"))
        scope.denoted_by(node, role.quotes)
    if event.part_of:
        scope.add(iri, SEM.subEventOf, scope.events[event.part_of])
    kind = event.kind
    # Durations are ISO 8601 text ("P4Y"), as schema.org writes a Duration: Virtuoso 7.2 turns every
    # XSD duration type into a number (P4Y into 48), which no longer passes the shapes.
    if kind == "sentence":
        scope.add(iri, KGO.sentenceDuration, Literal(event.duration.value))
        scope.add(iri, KGO.penalty, KGO[camel(event.penalty)])
    elif event.duration:
        scope.add(iri, SCHEMA.duration, Literal(event.duration.value))
    if kind == "appointment":
        scope.add(iri, KGO.appointedTo, scope.posts[event.post])
    if kind == "verdict":
        for charge in event.charges:
            concept = scope.iris.charge(charge.label)
            scope.add(iri, KGO.charge, concept)
            scope.add(concept, RDF.type, SKOS.Concept)
            scope.add(concept, SKOS.prefLabel, Literal(charge.label))
            scope.add(concept, SKOS.inScheme, scope.iris.charges())
            scope.add(concept, GAF.denotedBy, scope.mention(charge.quote.span))
            scope.add(scope.iris.charges(), RDF.type, SKOS.ConceptScheme)
            scope.add(scope.iris.charges(), RDFS.label, Literal("Charges"))
        if event.outcome:
            scope.add(iri, KGO.verdictOutcome, KGO[camel(event.outcome)])
        if event.sentence:
            scope.add(iri, KGO.imposedSentence, scope.events[event.sentence])
    if kind == "sentence-reduction":
        scope.add(iri, KGO.originalSentence, scope.events[event.original])
        scope.add(iri, KGO.resultingSentence, scope.events[event.result])
    map_order(scope, event)
    map_manner(scope, iri, event)


ATTENDANCE = {
    "online": SCHEMA.OnlineEventAttendanceMode,
    "offline": SCHEMA.OfflineEventAttendanceMode,
    "mixed": SCHEMA.MixedEventAttendanceMode,
}


def span_of(scope: Scope, event_id: str) -> URIRef:
    """The stretch of time an event takes, as an OWL-Time proper interval: what "earlier" and "after"
    order, whether or not the text dates the event."""
    event = scope.events[event_id]
    span = URIRef(f"{event}/span")
    if (span, RDF.type, TIME.ProperInterval) not in scope.graph:
        scope.add(event, TIME.hasTime, span)
        scope.add(span, RDF.type, TIME.ProperInterval)
        scope.add(span, RDFS.label, Literal(f"the time of: {scope.event_labels[event_id]}"))
    return span


def map_order(scope: Scope, event) -> None:
    """Each order the text gives, in both directions (time:intervalBefore and time:intervalAfter),
    so a query follows either without an inverse path; the ordering words ground the first span."""
    for order in event.order:
        this, other = span_of(scope, event.id), span_of(scope, order.event)
        earlier, later = (this, other) if order.relation == "before" else (other, this)
        scope.add(earlier, TIME.intervalBefore, later)
        scope.add(later, TIME.intervalAfter, earlier)
        scope.add(this, GAF.denotedBy, scope.mention(order.quote.span))


def map_manner(scope: Scope, iri: URIRef, event) -> None:
    """How the event was attended, and what an agreement includes."""
    if event.attendance:
        scope.add(iri, SCHEMA.eventAttendanceMode, ATTENDANCE[event.attendance.mode])
        scope.add(iri, KGO.attendanceModeCue, scope.mention(event.attendance.quote.span))
    if not (event.points or event.point_count):
        return
    points = URIRef(f"{iri}/points")
    scope.add(iri, KGO.points, points)
    scope.add(points, RDF.type, SCHEMA.ItemList)
    scope.add(points, RDFS.label, Literal(f"the points of: {event.label}"))
    if event.point_count:
        scope.add(points, SCHEMA.numberOfItems, integer(event.point_count.value))
        scope.add(points, GAF.denotedBy, scope.mention(event.point_count.quote.span))
    for number, point in enumerate(event.points, start=1):
        item = URIRef(f"{points}/{number}")
        scope.add(points, SCHEMA.itemListElement, item)
        scope.add(item, RDF.type, SCHEMA.ListItem)
        scope.add(item, RDFS.label, Literal(point.label))
        scope.add(item, GAF.denotedBy, scope.mention(point.quote.span))
