"""The dataset's description: VoID and DCAT for the data and its files, PROV for how it was built.

What kg makes and what it does not are described apart. The dataset (`<base>dataset`) is kg's
statements, one article graph each (its void:subsets), under kg's licence (CC BY 4.0 unless the
build says otherwise). An article's text is its publisher's: only with `kg build --with-text` is
it published, each in a graph of its own (`<base>graph/ID/text`), described as a dataset of its
own under its holder's rights (dcterms:rights, dcterms:rightsHolder, schema:copyrightHolder) and
no licence; the files that hold both say so in dcterms:rights instead of giving a licence.

Each count names what it counts: a void:Dataset's IRI is the named graph (or, for the dataset,
the article graphs) whose triples it counts, the metadata graph counts itself, and nothing counts
the files. Every file kg writes is a dcat:Distribution with its download URL under the base IRI
(`<base>dist/PATH`) and a void:dataDump where it is RDF. Its size and checksum are not here:
they are added to void.ttl alone (`file_triples`), once the files are written, since a file
holding this graph could not give its own checksum; void.ttl gives neither of itself.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from rdflib import Literal, URIRef

from kg.iris import DatasetIris, Iris
from kg.write.nquads import GraphText, TripleSet, graph_text, part_bytes
from kg.vocab import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SCHEMA, VOID, XSD, new_dataset, sha256_checksum

__all__ = ["CC_BY", "Counts", "DescribedArticle", "Distribution", "DATASET_FILES", "describe", "article_description",
           "distributions", "file_triples"]

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


class DescribedArticle(Protocol):
    """What the description reads of an article's result (kg.engine.result.ArticleResult)."""

    id: str
    record_path: str
    text_path: str
    digest: str
    graph: GraphText
    triples: int
    text: GraphText | None
    text_triples: int
    description: str


class Counts(Protocol):
    """What the description reads of the articles' results folded (kg.engine.spanning.Totals)."""

    triples: int
    subjects: set[str]
    predicates: set[str]
    vocabularies: set[str]


@dataclass(frozen=True)
class Distribution:
    """One file of dist/: its path there, media type and label, and whether it is an RDF dump of the data."""

    file: str
    media_type: str
    title: str
    dump: bool = True
    data: bool = True  # holds the article graphs, and the texts when they are published


# The files of the dataset as a whole; graphs/ID.ttl, texts/ID.ttl and void.ttl hang off their own graphs.
DATASET_FILES = (
    Distribution("kg.ttl", "text/turtle", "All graphs merged, as Turtle"),
    Distribution("kg.trig", "application/trig", "One named graph per article, as TriG"),
    Distribution("kg.nq", "application/n-quads", "One named graph per article, as N-Quads"),
    Distribution("kg.jsonld", "application/ld+json", "One named graph per article, as JSON-LD"),
    Distribution("context.jsonld", "application/ld+json", "The JSON-LD context of kg.jsonld", dump=False, data=False),
    Distribution("ontology.ttl", "text/turtle", "kg's own terms (kgo:), as Turtle", dump=False, data=False),
)
_VOID = Distribution("void.ttl", "text/turtle", "The dataset's description, with each other file's size and checksum")


def distributions(base: str, names: Sequence[str], texts: Sequence[str]) -> dict[str, URIRef]:
    """Each file the dataset's description lists, by its path in dist/ -> its distribution's IRI.

    `names` are the articles' ids (graphs/ID.ttl), `texts` those whose text is published (texts/ID.ttl).
    """
    iris = DatasetIris(base)
    paths = [d.file for d in DATASET_FILES] + [_VOID.file]
    paths += [f"graphs/{name}.ttl" for name in names] + [f"texts/{name}.ttl" for name in texts]
    return {path: iris.distribution(path) for path in paths}


def describe(articles: Sequence[DescribedArticle], totals: Counts, base: str, shapes_digest: str,
             license: str = CC_BY) -> GraphText:
    """The metadata graph: the dataset, its article graphs, the texts' graphs, the files and the build.

    The dataset's triples are its article graphs' triples, counted graph by graph; its subjects and
    properties are counted once each over all of them (`totals`, the articles' results folded). What
    is said of each article and its text was said in the article's own work (`article_description`,
    its result's `description`), and is put together here with what is said of the whole.
    """
    iris = DatasetIris(base)
    graph = TripleSet(iris.metadata_graph())
    dataset, build = iris.dataset(), iris.build()
    texts = [article for article in articles if article.text is not None]
    files = distributions(base, [], [])
    add = graph.add
    for cls in (VOID.Dataset, DCAT.Dataset):
        add((dataset, RDF.type, cls))
    add((dataset, RDFS.label, Literal("kg: news articles as linked data")))
    add((dataset, DCTERMS.title, Literal("kg: news articles as linked data")))
    add((dataset, DCTERMS.description, Literal(
        "What news articles state, as RDF grounded in each article's words: actors, posts, events, "
        "statements and who holds them; one named graph per article.")))
    add((dataset, DCTERMS.license, URIRef(license)))
    add((dataset, DCTERMS.rights, Literal(
        "kg's statements about the articles are under the dataset's licence. The articles' texts are not: "
        "each is its publisher's, given here by its digest, its length and the offsets and words of what "
        "the statements cite" + ("; the texts published beside the dataset are datasets of their own, "
                                 "under their holders' rights." if texts else "."))))
    add((dataset, VOID.uriSpace, Literal(base)))
    add((dataset, VOID.triples, Literal(totals.triples, datatype=XSD.integer)))
    add((dataset, VOID.distinctSubjects, Literal(len(totals.subjects), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(len(totals.predicates), datatype=XSD.integer)))
    add((dataset, RDFS.comment, Literal(
        "void:triples, void:distinctSubjects and void:properties count the article graphs (the void:subsets), "
        "not the metadata graph that describes them nor the texts' graphs, which count their own.")))
    for namespace in sorted(totals.vocabularies):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    add((dataset, PROV.wasGeneratedBy, build))
    _describe_build(graph, iris, build, shapes_digest)
    text_rights = Literal("Holds kg's statements, under the dataset's licence, and the articles' texts "
                          "(graphs <…/text>), which are their publishers' and under no open licence.")
    for distribution in DATASET_FILES:
        rights = text_rights if texts and distribution.data else None
        _file(graph, base, files[distribution.file], distribution, license, rights)
        add((dataset, DCAT.distribution, files[distribution.file]))
        if distribution.dump:
            add((dataset, VOID.dataDump, download_url(base, distribution.file)))
    _describe_itself(graph, base, build, dataset, files, license)
    lines = set(graph_text(graph, "metadata").lines())
    for article in articles:
        lines.update(io.BytesIO(article.description.encode("utf-8")))
    # The metadata graph counts its own triples, this one too.
    counted = TripleSet(graph.identifier)
    counted.add((graph.identifier, VOID.triples, Literal(len(lines) + 1, datatype=XSD.integer)))
    lines.update(graph_text(counted, "metadata").lines())
    nquads = b"".join(sorted(lines))
    return GraphText(str(graph.identifier), "metadata", nquads, digest=hashlib.sha256(nquads).hexdigest())


def article_description(article: DescribedArticle, base: str, license: str = CC_BY) -> str:
    """What the metadata graph says of one article (its graph, the graph's file, its record) and of
    its text where the text is published, as the metadata graph's N-Quads lines: said in the
    article's own work, in parallel, and kept in the cache with its result."""
    iris = DatasetIris(base)
    graph = TripleSet(iris.metadata_graph())
    files = distributions(base, [article.id], [article.id] if article.text is not None else [])
    _describe_article(graph, base, iris.build(), article, files, license)
    if article.text is not None:
        _describe_text(graph, base, iris.build(), article, files)
    return graph_text(graph, "metadata").nquads.decode("utf-8")


def download_url(base: str, path: str) -> URIRef:
    """Where a file of dist/ is published: `<base>dist/PATH`."""
    return URIRef(f"{base}dist/{path}")


def file_triples(files: Mapping[str, URIRef], written: Mapping[str, tuple[int, str]]) -> Iterator[tuple]:
    """dcat:byteSize and spdx:checksum (sha256) of each file described in `files`, from `written`
    (path -> its size in bytes and sha256 as written); a file not written gets none."""
    for path, distribution in files.items():
        if path in written:
            size, digest = written[path]
            yield distribution, DCAT.byteSize, Literal(size, datatype=XSD.integer)
            yield from sha256_checksum(distribution, URIRef(f"{distribution}/sha256"), digest)


def _describe_build(graph: TripleSet, iris: DatasetIris, build: URIRef, shapes_digest: str) -> None:
    add = graph.add
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


def _describe_article(graph: TripleSet, base: str, build: URIRef, article: DescribedArticle, files: Mapping[str, URIRef],
                      license: str) -> None:
    """An article's graph as a subset of the dataset, derived from the article and its record, with its file."""
    add = graph.add
    dataset, article_iris = DatasetIris(base).dataset(), Iris(base, article.id)
    subset, record, path = URIRef(article.graph.iri), article_iris.record(), f"graphs/{article.id}.ttl"
    add((dataset, VOID.subset, subset))
    add((dataset, DCTERMS.source, article_iris.article()))
    add((subset, RDF.type, VOID.Dataset))
    add((subset, RDFS.label, Literal(f"Graph of article {article.id}")))
    add((subset, VOID.triples, Literal(article.triples, datatype=XSD.integer)))
    add((subset, PROV.wasDerivedFrom, article_iris.article()))
    add((subset, PROV.wasDerivedFrom, record))
    add((subset, PROV.wasGeneratedBy, build))
    add((subset, VOID.dataDump, download_url(base, path)))
    _file(graph, base, files[path], Distribution(path, "text/turtle", f"Graph of article {article.id}, as Turtle"),
          license)
    add((subset, DCAT.distribution, files[path]))
    add((subset, RDF.type, DCAT.Dataset))
    add((record, RDF.type, PROV.Entity))
    add((record, RDFS.label, Literal(f"{Path(article.record_path).name} and {Path(article.text_path).name}")))
    add((record, DCTERMS.identifier, Literal(article.digest)))
    add((build, PROV.used, record))


def _describe_text(graph: TripleSet, base: str, build: URIRef, article: DescribedArticle,
                   files: Mapping[str, URIRef]) -> None:
    """An article's published text: a dataset of its own, under the rights its graph states, with no licence."""
    add = graph.add
    text, path = URIRef(article.text.iri), f"texts/{article.id}.ttl"
    stated = {p: o for _, p, o, _ in new_dataset().parse(data=part_bytes(article.text.nquads), format="nquads")
              .quads((None, None, None, None))}
    for cls in (VOID.Dataset, DCAT.Dataset, SCHEMA.Dataset):
        add((text, RDF.type, cls))
    add((text, RDFS.label, Literal(f"Text of article {article.id}")))
    add((text, VOID.triples, Literal(article.text_triples, datatype=XSD.integer)))
    add((text, DCTERMS.rights, stated[DCTERMS.rights]))
    add((text, DCTERMS.rightsHolder, stated[DCTERMS.rightsHolder]))
    add((text, SCHEMA.copyrightHolder, stated[DCTERMS.rightsHolder]))
    add((text, DCTERMS.source, Iris(base, article.id).article()))
    add((text, PROV.wasGeneratedBy, build))
    add((text, VOID.dataDump, download_url(base, path)))
    add((text, DCAT.distribution, files[path]))
    _file(graph, base, files[path], Distribution(path, "text/turtle", f"Text of article {article.id}, as Turtle"),
          None, stated[DCTERMS.rights])


def _describe_itself(graph: TripleSet, base: str, build: URIRef, dataset: URIRef, files: Mapping[str, URIRef],
                     license: str) -> None:
    """The metadata graph as a dataset description, with void.ttl as its file (its count of its own
    triples is added once they are all known, by `describe`)."""
    add = graph.add
    metadata = URIRef(graph.identifier)
    for cls in (VOID.Dataset, DCAT.Dataset, VOID.DatasetDescription):
        add((metadata, RDF.type, cls))
    add((metadata, RDFS.label, Literal("The dataset's description (this graph)")))
    add((metadata, FOAF.primaryTopic, dataset))
    add((metadata, PROV.wasGeneratedBy, build))
    add((metadata, VOID.dataDump, download_url(base, _VOID.file)))
    add((metadata, DCAT.distribution, files[_VOID.file]))
    _file(graph, base, files[_VOID.file], _VOID, license)


def _file(graph: TripleSet, base: str, iri: URIRef, distribution: Distribution, license: str | None,
          rights: Literal | None = None) -> None:
    """A file of dist/ as a dcat:Distribution: where it is published, its type, and its licence or rights."""
    add = graph.add
    add((iri, RDF.type, DCAT.Distribution))
    add((iri, RDFS.label, Literal(distribution.title)))
    add((iri, DCTERMS.title, Literal(distribution.file)))
    add((iri, DCAT.mediaType, URIRef(_MEDIA_TYPES + distribution.media_type)))
    add((iri, DCAT.downloadURL, download_url(base, distribution.file)))
    if rights is not None:
        add((iri, DCTERMS.rights, rights))
    elif license is not None:
        add((iri, DCTERMS.license, URIRef(license)))
