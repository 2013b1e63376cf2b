"""The news article itself: its publisher, language, publication window, rights and text context.

The text's words are its publisher's, not kg's to license: the article graph gives the text
context's IRI, its length (nif:endIndex), the sha256 of its UTF-8 (spdx:checksum) and the
mentions' offsets and anchors; the text itself (nif:isString) is a graph of its own
(`map_article_text`), published only when asked, under the publisher's rights.
"""

from __future__ import annotations

import hashlib

from rdflib import Literal, URIRef

from kg.mapping.scope import Scope
from kg.mapping.times import interval
from kg.vocab import DCTERMS, GAF, KGO, NIF, RDF, RDFS, SCHEMA, TIME, XSD, integer, sha256_checksum
from kg.write.nquads import TripleSet


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
        scope.add(article, SCHEMA.copyrightYear, integer(info.copyright.year))
        scope.add(article, SCHEMA.copyrightNotice, Literal(info.copyright.quote.span.text))
    map_structure(scope, article, info.structure)
    for predicate, obj in (
        (RDF.type, NIF.Context),
        (RDF.type, NIF.OffsetBasedString),
        (NIF.beginIndex, integer(0)),
        (NIF.endIndex, integer(len(text))),
        (NIF.sourceUrl, article),
    ):
        scope.add(scope.context, predicate, obj)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for triple in sha256_checksum(scope.context, scope.iris.text_checksum(), digest):
        scope.add(*triple)


def map_article_text(scope: Scope) -> TripleSet:
    """The article's full text in a graph of its own, marked with its copyright holder's rights."""
    graph = TripleSet(scope.iris.text_graph())
    holder_id = copyright_holder(scope)
    graph.add((scope.context, NIF.isString, Literal(scope.article.text)))
    graph.add((scope.context, DCTERMS.rightsHolder, scope.actor_iri(holder_id)))
    graph.add((scope.context, DCTERMS.rights, Literal(text_rights(scope))))
    return graph


def copyright_holder(scope: Scope) -> str:
    """The id of the actor who holds the text's copyright: the record's holder, else the publisher."""
    info = scope.record.article
    return info.copyright.holder if info.copyright else info.publisher


def text_rights(scope: Scope) -> str:
    """The rights statement of an article's text: whose it is, and that kg's licence does not cover it."""
    info = scope.record.article
    notice = f"{info.copyright.quote.span.text} " if info.copyright else ""
    holder = scope.actors[copyright_holder(scope)].name
    return (f"{notice}The article's text is the copyright of {holder}, not covered by the dataset's licence, "
            "and is published only to ground the statements; ask the holder before reusing it.")


def map_structure(scope: Scope, article: URIRef, parts) -> None:
    """The headline and sections as parts of the article (schema:hasPart) with their offsets: the
    outlet's own framing, apart from the sources it reports.

    A section runs from its heading to the next heading, or to the end of the text; the headline is
    a part of its own. Each part's heading is a mention of the text; its offsets are NIF's.
    """
    headings = sorted((p.quote.span for p in parts if p.part == "heading"), key=lambda span: span.begin)
    ends = [span.begin for span in headings[1:]] + [len(scope.article.text)]
    for part in parts:
        span = part.quote.span
        if part.part == "headline":
            node, cls, end = URIRef(f"{article}/headline"), KGO.HeadlinePart, span.end
        else:
            number = headings.index(span) + 1
            node, cls, end = URIRef(f"{article}/section/{number}"), KGO.Section, ends[number - 1]
            scope.add(node, SCHEMA.position, integer(number))
        scope.add(article, SCHEMA.hasPart, node)
        scope.add(node, RDF.type, cls)
        scope.add(node, RDF.type, SCHEMA.CreativeWork)
        scope.add(node, SCHEMA.isPartOf, article)
        scope.add(node, SCHEMA.headline, Literal(span.text))
        scope.add(node, RDFS.label, Literal(span.text))
        scope.add(node, GAF.denotedBy, scope.mention(span))
        scope.add(node, NIF.beginIndex, integer(span.begin))
        scope.add(node, NIF.endIndex, integer(end))
