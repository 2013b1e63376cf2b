"""Statements: who holds each, who relays it, what it is about, and its verbatim quotations."""

from __future__ import annotations

from rdflib import Literal

from kg.mapping.actors import schema_agent
from kg.mapping.scope import Scope
from kg.model import Statement, Voice
from kg.vocab import GAF, KGO, PROV, RDF, RDFS, SCHEMA

VOICE = {Voice.article: KGO.ArticleVoice, Voice.attributed: KGO.AttributedVoice}


def map_statement(scope: Scope, statement: Statement) -> None:
    iri = scope.statements[statement.id]
    words = " … ".join(q.span.text for q in statement.quotes)
    scope.add(iri, RDF.type, SCHEMA.Claim)
    scope.add(iri, RDFS.label, Literal(words))
    scope.add(iri, SCHEMA.text, Literal(words))
    scope.add(iri, KGO.voice, VOICE[statement.voice])
    scope.add(iri, SCHEMA.appearance, scope.iris.article())
    holder = scope.actor_iri(statement.holder or scope.record.article.publisher)
    scope.add(iri, PROV.wasAttributedTo, holder)
    if statement.relayed_by:
        scope.add(iri, KGO.relayedBy, scope.actor_iri(statement.relayed_by))
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
        if speaks_for_schema(scope, statement):
            scope.add(quotation, SCHEMA.spokenByCharacter, holder)
            scope.add(quotation, SCHEMA.creator, holder)
        scope.add(quotation, PROV.wasAttributedTo, holder)
        scope.add(quotation, GAF.denotedBy, scope.mention(verbatim.span))


def speaks_for_schema(scope: Scope, statement: Statement) -> bool:
    """Whether the holder can be a quotation's speaker for schema.org, whose spokenByCharacter and creator
    take a person or an organisation. A country or an unnamed group cannot: its quotation names it only by
    prov:wasAttributedTo; record the government or ministry that spoke to have a schema.org speaker."""
    return schema_agent(scope.actors[statement.holder or scope.record.article.publisher].kind)
