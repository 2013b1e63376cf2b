"""What every part of the mapping shares: the article, its IRIs, the graph being built, and grounding.

A `Scope` is made once per article; the functions of the other modules of kg.mapping add to its graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from kg.iris import Iris
from kg.read import Article
from kg.vocab import GAF, NIF, RDF, integer
from kg.write.nquads import TripleSet

if TYPE_CHECKING:
    from kg.model import Quote, Span


def camel(name: str) -> str:
    """`sentence-reduction` -> `SentenceReduction`: the local name of a kgo: class or individual."""
    return "".join(part.capitalize() for part in name.split("-"))


class Scope:
    """One article's graph in the making, with the IRIs of everything its record defines."""

    def __init__(self, article: Article, iris: Iris) -> None:
        self.article = article
        self.record = article.record
        self.iris = iris
        # A set of triples, not an rdflib Graph: the mapper only adds and asks whether a triple is
        # there, and a Graph's indexes took a third of the time of mapping an article.
        self.graph = TripleSet(iris.graph())
        self.context = iris.context(len(article.text))
        self.actors = {a.id: a for a in self.record.actors}
        self.events = {e.id: iris.event(e.id) for e in self.record.events}
        self.event_labels = {e.id: e.label for e in self.record.events}
        self.posts = {p.id: iris.post(p.id) for p in self.record.posts}
        self.statements = {s.id: iris.statement(s.id) for s in self.record.statements}

    def add(self, subject: URIRef, predicate: URIRef, obj) -> None:
        self.graph.add((subject, predicate, obj))

    # Identity of referenced things ---------------------------------------------------------

    def actor_iri(self, actor_id: str) -> URIRef:
        actor = self.actors[actor_id]
        return self.iris.actor(actor.id, actor.kind.value, actor.article_scoped)

    def any_iri(self, ref: str) -> URIRef:
        if ref in self.actors:
            return self.actor_iri(ref)
        return self.events.get(ref) or self.posts.get(ref) or self.statements[ref]

    # Grounding ---------------------------------------------------------------------------

    def mention(self, span: Span) -> URIRef:
        """The nif:Phrase for a span of the text, made once however many resources it grounds."""
        iri = self.iris.mention(span.begin, span.end)
        if (iri, RDF.type, NIF.Phrase) not in self.graph:
            for predicate, obj in (
                (RDF.type, NIF.Phrase),
                (RDF.type, NIF.OffsetBasedString),
                # xsd:integer, not NIF's xsd:nonNegativeInteger, which Oxigraph stores as xsd:integer:
                # one typing in every store (shapes/mentions.ttl checks they are not negative).
                (NIF.beginIndex, integer(span.begin)),
                (NIF.endIndex, integer(span.end)),
                (NIF.anchorOf, Literal(span.text)),
                (NIF.referenceContext, self.context),
            ):
                self.add(iri, predicate, obj)
        return iri

    def denoted_by(self, resource: URIRef, quotes: list[Quote]) -> None:
        for quote in quotes:
            self.add(resource, GAF.denotedBy, self.mention(quote.span))
