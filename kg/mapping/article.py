"""The news article itself: its publisher, language, publication window, rights and text context."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.mapping.scope import Scope
from kg.mapping.times import interval
from kg.vocab import KGO, NIF, RDF, RDFS, SCHEMA, TIME, XSD


def map_news_article(scope: Scope) -> None:
    info = scope.record.article
    article = scope.iris.article()
    text = scope.article.text
    scope.add(article, RDF.type, SCHEMA.NewsArticle)
    scope.add(article, SCHEMA.identifier, Literal(scope.article.id))
    scope.add(article, SCHEMA.publisher, scope.actor_iri(info.publisher))
    scope.add(article, SCHEMA.inLanguage, Literal(info.language))
    if info.headline:
        scope.add(article, SCHEMA.headline, Literal(info.headline))
    if info.url:
        scope.add(article, SCHEMA.url, URIRef(info.url))
    published = info.published
    # schema.org has no term for "published on one of these days": a window of several days is only
    # kgo:publishedDuring, an OWL-Time interval whose beginning and end a reader of OWL-Time finds.
    if published.earliest == published.latest:
        scope.add(article, SCHEMA.datePublished, Literal(published.earliest.isoformat(), datatype=XSD.date))
    window = URIRef(f"{article}/published")
    scope.add(article, KGO.publishedDuring, window)
    interval(scope, window, published.earliest, published.latest)
    scope.add(window, KGO.precision, TIME.unitDay)
    scope.add(window, RDFS.label, Literal(f"published {published.earliest} to {published.latest}"))
    if published.note:
        scope.add(window, RDFS.comment, Literal(published.note))
    if info.copyright:
        scope.add(article, SCHEMA.copyrightHolder, scope.actor_iri(info.copyright.holder))
        scope.add(article, SCHEMA.copyrightYear, Literal(info.copyright.year, datatype=XSD.integer))
        scope.add(article, SCHEMA.copyrightNotice, Literal(info.copyright.quote.span.text))
    for predicate, obj in (
        (RDF.type, NIF.Context),
        (RDF.type, NIF.OffsetBasedString),
        (NIF.isString, Literal(text)),
        (NIF.beginIndex, Literal(0, datatype=XSD.integer)),
        (NIF.endIndex, Literal(len(text), datatype=XSD.integer)),
        (NIF.sourceUrl, article),
    ):
        scope.add(scope.context, predicate, obj)
