"""Statements: who holds each, who relays it, what it is about, and its verbatim quotations.

Where the text leaves a holder or a source open, the readings are PROV qualified attributions
(`prov:qualifiedAttribution`, a `prov:Attribution` with its `prov:agent` and `prov:hadRole`), each
with a certainty of kg's reading, as NewsReader's GRaSP gives an attribution a certainty value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from kg.kinds import Voice
from kg.mapping.actors import schema_agent
from kg.mapping.scope import Scope
from kg.vocab import DCTERMS, GAF, KGO, PROV, RDF, RDFS, SCHEMA

if TYPE_CHECKING:
    from kg.model import Reading, Statement

VOICE = {Voice.article: KGO.ArticleVoice, Voice.attributed: KGO.AttributedVoice}
READING = {True: KGO.PreferredReading, False: KGO.OtherReading}
ATTRIBUTION_ROLE = {"holder": KGO.HolderRole, "source": KGO.SourceRole}


def map_statement(scope: Scope, statement: Statement) -> None:
    iri = scope.statements[statement.id]
    words = " … ".join(q.span.text for q in statement.quotes)
    scope.add(iri, RDF.type, SCHEMA.Claim)
    scope.add(iri, RDFS.label, Literal(words))
    scope.add(iri, SCHEMA.text, Literal(words))
    scope.add(iri, KGO.voice, VOICE[statement.voice])
    scope.add(iri, SCHEMA.appearance, scope.iris.article())
    holder = holder_of(scope, statement)
    if holder is not None:
        scope.add(iri, PROV.wasAttributedTo, holder)
    if statement.relayed_by:
        scope.add(iri, KGO.relayedBy, scope.actor_iri(statement.relayed_by))
    map_open_attribution(scope, iri, statement)
    if statement.cue:
        scope.add(iri, KGO.attributionCue, scope.mention(statement.cue.span))
    for subject in statement.about:
        scope.add(iri, SCHEMA.about, scope.any_iri(subject))
    if statement.note:
        scope.add(iri, RDFS.comment, Literal(statement.note))
    scope.denoted_by(iri, statement.quotes)
    for number, verbatim in enumerate(statement.verbatim, start=1):
        quotation = scope.iris.quotation(iri, number)
        scope.add(iri, SCHEMA.hasPart, quotation)
        scope.add(quotation, RDF.type, SCHEMA.Quotation)
        scope.add(quotation, RDFS.label, Literal(verbatim.span.text))
        scope.add(quotation, SCHEMA.text, Literal(verbatim.span.text))
        if holder is not None:
            if speaks_for_schema(scope, statement):
                scope.add(quotation, SCHEMA.spokenByCharacter, holder)
                scope.add(quotation, SCHEMA.creator, holder)
            scope.add(quotation, PROV.wasAttributedTo, holder)
        scope.add(quotation, GAF.denotedBy, scope.mention(verbatim.span))
    map_what_it_links(scope, iri, statement, holder)


def speaks_for_schema(scope: Scope, statement: Statement) -> bool:
    """Whether the holder can be a quotation's speaker for schema.org, whose spokenByCharacter and creator
    take a person or an organisation. A country or an unnamed group cannot: its quotation names it only by
    prov:wasAttributedTo; record the government or ministry that spoke to have a schema.org speaker."""
    return schema_agent(scope.actors[statement.holder or scope.record.article.publisher].kind)


def holder_of(scope: Scope, statement: Statement) -> URIRef | None:
    """Who holds the statement: its holder, the publisher for the article's voice, or no one the text gives."""
    if statement.holder_not_given:
        return None
    return scope.actor_iri(statement.holder or scope.record.article.publisher)


def map_open_attribution(scope: Scope, iri: URIRef, statement: Statement) -> None:
    """What the text leaves open: the holder or the source not given, and the readings of each."""
    from kg.model import Reading  # loaded with the record; kg.kinds says why it is not imported above

    if statement.holder_not_given:
        scope.add(iri, RDF.type, KGO.HolderNotGiven)
    if statement.source_not_given:
        scope.add(iri, RDF.type, KGO.SourceNotGiven)
    for role, preferred, readings in (
        ("holder", statement.holder, statement.holder_readings),
        ("source", statement.relayed_by, statement.source_readings),
    ):
        if not readings:
            continue
        if preferred is not None:
            attribution(scope, iri, role, Reading(actor=preferred), preferred=True)
        for reading in readings:
            attribution(scope, iri, role, reading, preferred=False)


def attribution(scope: Scope, iri: URIRef, role: str, reading: Reading, preferred: bool) -> None:
    """One reading of who holds, or who is the source of, a statement: a prov:Attribution."""
    node = URIRef(f"{iri}/attribution/{role}/{reading.actor}")
    scope.add(iri, PROV.qualifiedAttribution, node)
    scope.add(node, RDF.type, PROV.Attribution)
    scope.add(node, PROV.agent, scope.actor_iri(reading.actor))
    scope.add(node, PROV.hadRole, ATTRIBUTION_ROLE[role])
    scope.add(node, KGO.reading, READING[preferred])
    scope.add(node, RDFS.label, Literal(
        f"{role} ({'preferred' if preferred else 'other'} reading): {scope.actors[reading.actor].title}"))
    scope.denoted_by(node, reading.quotes)


def map_what_it_links(scope: Scope, iri: URIRef, statement: Statement, holder: URIRef | None) -> None:
    """Purposes the statement gives events, what it refers back to, and the first it claims."""
    for number, purpose in enumerate(statement.purposes, start=1):
        node = URIRef(f"{iri}/purpose/{number}")
        event = scope.events[purpose.event]
        scope.add(event, KGO.statedPurpose, node)
        scope.add(node, RDF.type, KGO.StatedPurpose)
        scope.add(node, RDFS.label, Literal(purpose.quote.span.text))
        scope.add(node, PROV.wasDerivedFrom, iri)
        if holder is not None:
            scope.add(node, PROV.wasAttributedTo, holder)
        scope.add(node, GAF.denotedBy, scope.mention(purpose.quote.span))
    for number, reference in enumerate(statement.refers_to, start=1):
        node = URIRef(f"{iri}/reference/{number}")
        scope.add(iri, KGO.backReference, node)
        scope.add(node, RDF.type, KGO.BackReference)
        scope.add(node, RDFS.label, Literal(reference.quote.span.text))
        scope.add(node, GAF.denotedBy, scope.mention(reference.quote.span))
        for target in reference.to:
            told = scope.any_iri(target)
            scope.add(node, KGO.refersTo, told)
            scope.add(iri, DCTERMS.references, told)
    if statement.first:
        scope.add(iri, KGO.claimsFirst, scope.events[statement.first.event])
        scope.add(iri, SCHEMA.about, scope.events[statement.first.event])
        scope.add(iri, KGO.firstCue, scope.mention(statement.first.quote.span))
