"""The dataset's description: VoID and DCAT for the data, PROV for how it was built."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef

from kg.iris import DatasetIris, Iris
from kg.vocab import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD, new_graph

if TYPE_CHECKING:
    from kg.engine.article import ArticleResult

__all__ = ["Distribution", "DISTRIBUTIONS", "describe"]

CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


@dataclass(frozen=True)
class Distribution:
    file: str
    media_type: str
    title: str


DISTRIBUTIONS = (
    Distribution("kg.ttl", "text/turtle", "All graphs merged, as Turtle"),
    Distribution("kg.trig", "application/trig", "One named graph per article, as TriG"),
    Distribution("kg.nq", "application/n-quads", "One named graph per article, as N-Quads"),
    Distribution("kg.jsonld", "application/ld+json", "One named graph per article, as JSON-LD"),
)


def describe(articles: Sequence[ArticleResult], base: str, shapes_digest: str) -> Graph:
    """The metadata graph: the dataset, one subset per article graph, its files, and the build.

    The dataset's triples are its article graphs' triples, counted graph by graph; its subjects and
    properties are counted once each over all of them.
    """
    iris = DatasetIris(base)
    graph = new_graph(identifier=iris.metadata_graph())
    dataset, build = iris.dataset(), iris.build()
    add = graph.add
    for cls in (VOID.Dataset, DCAT.Dataset):
        add((dataset, RDF.type, cls))
    add((dataset, RDFS.label, Literal("kg: news articles as linked data")))
    add((dataset, DCTERMS.title, Literal("kg: news articles as linked data")))
    add((dataset, DCTERMS.description, Literal(
        "What news articles state, as RDF grounded in each article's words: actors, posts, events, "
        "statements and who holds them; one named graph per article.")))
    add((dataset, DCTERMS.license, CC_BY))
    add((dataset, DCTERMS.rights, Literal(
        "The article texts are the copyright of their publishers and are included to ground the data.")))
    add((dataset, VOID.uriSpace, Literal(base)))
    triples = sum(article.triples for article in articles)
    subjects = set().union(*(article.subjects for article in articles))
    predicates = set().union(*(article.predicates for article in articles))
    add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    add((dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(len(predicates), datatype=XSD.integer)))
    for namespace in sorted(set().union(*(article.vocabularies for article in articles))):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    add((dataset, PROV.wasGeneratedBy, build))
    add((build, RDF.type, PROV.Activity))
    add((build, RDFS.label, Literal("kg build")))
    shapes = iris.shapes()
    add((shapes, RDF.type, PROV.Entity))
    add((shapes, RDFS.label, Literal("kg SHACL shapes")))
    add((shapes, DCTERMS.identifier, Literal(shapes_digest)))
    add((build, PROV.used, shapes))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        ended = datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        add((build, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime)))
    for article in articles:
        article_iris = Iris(base, article.id)
        subset = URIRef(article.graph.iri)
        record = article_iris.record()
        add((dataset, VOID.subset, subset))
        add((dataset, DCTERMS.source, article_iris.article()))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, RDFS.label, Literal(f"Graph of article {article.id}")))
        add((subset, VOID.triples, Literal(article.triples, datatype=XSD.integer)))
        add((subset, PROV.wasDerivedFrom, article_iris.article()))
        add((subset, PROV.wasDerivedFrom, record))
        add((subset, PROV.wasGeneratedBy, build))
        add((record, RDF.type, PROV.Entity))
        add((record, RDFS.label, Literal(f"{Path(article.record_path).name} and {Path(article.text_path).name}")))
        add((record, DCTERMS.identifier, Literal(article.digest)))
        add((build, PROV.used, record))
    for distribution in DISTRIBUTIONS:
        iri = iris.distribution(distribution.file)
        add((dataset, DCAT.distribution, iri))
        add((iri, RDF.type, DCAT.Distribution))
        add((iri, RDFS.label, Literal(distribution.title)))
        add((iri, DCTERMS.title, Literal(distribution.file)))
        add((iri, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{distribution.media_type}")))
        add((iri, DCTERMS.license, CC_BY))
    return graph
