"""The dataset's description: VoID and DCAT for the data, PROV for how it was built."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.iris import DatasetIris, Iris
from kg.read import Article
from kg.vocab import DCAT, DCTERMS, PREFIXES, PROV, RDF, RDFS, VOID, XSD, new_graph

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


def describe(articles: list[Article], graphs: list[Graph], union: Graph, base: str, shapes_digest: str) -> Graph:
    """The metadata graph: the dataset, one subset per article graph, its files, and the build.

    `union` is the article graphs merged.
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
    add((dataset, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    add((dataset, VOID.distinctSubjects, Literal(len(set(union.subjects())), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(len(set(union.predicates())), datatype=XSD.integer)))
    for namespace in _vocabularies(union):
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
    for article, article_graph in zip(articles, graphs):
        article_iris = Iris(base, article.id)
        subset = article_graph.identifier
        record = article_iris.record()
        add((dataset, VOID.subset, subset))
        add((dataset, DCTERMS.source, article_iris.article()))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, RDFS.label, Literal(f"Graph of article {article.id}")))
        add((subset, VOID.triples, Literal(len(article_graph), datatype=XSD.integer)))
        add((subset, PROV.wasDerivedFrom, article_iris.article()))
        add((subset, PROV.wasDerivedFrom, record))
        add((subset, PROV.wasGeneratedBy, build))
        add((record, RDF.type, PROV.Entity))
        add((record, RDFS.label, Literal(f"{article.record_path.name} and {article.text_path.name}")))
        add((record, DCTERMS.identifier, Literal(_digest(article.record_path, article.text_path))))
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


def _vocabularies(graph: Graph) -> list[str]:
    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects(None, RDF.type)}
    return sorted(
        str(ns) for prefix, ns in PREFIXES.items()
        if prefix not in ("rdf", "xsd", "wd") and any(term.startswith(str(ns)) for term in used)
    )


def _digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return "sha256:" + digest.hexdigest()
