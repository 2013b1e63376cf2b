"""The unit of work of a build: one article's record and text -> its named graph and its findings.

`run_article` is a plain function of its job, so it runs the same in this process, in a worker
process or on a Dask worker; what it gives is plain data (kg.engine.result). It also makes the
graph's fragments of the files (Turtle statements, TriG block, JSON-LD nodes), so that the workers
make them in parallel and a rebuild only puts them together. A record's error comes back as a
`Failure` rather than an exception, so that the build can report the first one in name order
whatever order the workers finish in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from kg.check import Finding, load_shapes, run_shapes
from kg.describe import CC_BY, article_description
from kg.engine.result import ArticleResult, Failure, SharedField
from kg.shacl import Plan, Unsupported, plan_for, validate_nquads
from kg.errors import KgError
from kg.ground import ground
from kg.mapping import map_article, map_text
from kg.read import Article, read_article
from kg.resolve import resolve_times
from kg.vocab import PREFIXES, RDF, SCHEMA, SEM, new_dataset, new_graph
from kg.write import GraphText, graph_text, with_fragments
from kg.write.nquads import TripleSet, part_bytes

__all__ = ["ArticleJob", "run_article", "prepare_article", "check_graph_text", "as_graph", "PLANS"]


@dataclass(frozen=True)
class ArticleJob:
    """What one article's work needs: where its record is, the base IRI, the shapes' folder,
    whether the article's full text is published (its graph kept in the result), and the licence."""

    record: str
    base: str
    shapes: str
    with_text: bool = False
    license: str = CC_BY  # of what kg makes, which the article's part of the dataset's description gives


def prepare_article(record_path: Path) -> Article:
    """Read one record, locate its quotes and normalise its times."""
    article = read_article(record_path)
    ground(article)
    resolve_times(article)
    return article


def run_article(job: ArticleJob) -> ArticleResult | Failure:
    """Read, ground, resolve, map and check one article."""
    try:
        article = prepare_article(Path(job.record))
        graph = map_article(article, job.base)
        text = graph_text(graph, article.id)
        full_text = graph_text(map_text(article, job.base), article.id)
        findings = check_graph_text(text, job.shapes, full_text)  # grounding is checked on the full text
        text = with_fragments(text)
        full_text = with_fragments(full_text) if job.with_text else None
    except KgError as error:
        return Failure(job.record, type(error).__name__, str(error), error.exit_code, getattr(error, "report", ""))
    # The bytes that were read and built, not the files again: both were decoded as strict UTF-8.
    record_bytes, text_bytes = article.source.encode("utf-8"), article.text.encode("utf-8")
    terms = _Terms(graph)
    result = ArticleResult(
        id=article.id,
        record_path=str(article.record_path),
        text_path=str(article.text_path),
        digest="sha256:" + hashlib.sha256(record_bytes + text_bytes).hexdigest(),
        graph=text,
        triples=len(graph),
        text=full_text,
        text_triples=full_text.nquads.count(b"\n") if full_text else 0,
        findings=tuple(findings),
        actors=terms.of_type(SEM.Actor),
        events=terms.of_type(SEM.Event),
        statements=terms.of_type(SCHEMA.Claim),
        subjects=_texts(terms.subjects),
        predicates=_texts(terms.predicates),
        vocabularies=terms.vocabularies(),
        shared=_shared_fields(article),
        inputs={
            str(article.record_path): hashlib.sha256(record_bytes).hexdigest(),
            str(article.text_path): hashlib.sha256(text_bytes).hexdigest(),
        },
    )
    return dataclasses.replace(result, description=article_description(result, job.base, job.license))


# Plans compiled before the workers start, which inherit them (kg.build puts them here).
PLANS: dict[str, Plan] = {}


def check_graph_text(text: GraphText, shapes: str, *others: GraphText) -> list[Finding]:
    """The shapes' findings on one graph merged with `others`: kg.shacl's, or pyshacl's where kg.shacl
    cannot check the shapes."""
    nquads = b"".join(graph.nquads for graph in (text, *others))
    try:
        return validate_nquads(nquads, PLANS.get(shapes) or plan_for(Path(shapes)))
    except Unsupported:
        return _reference(nquads, shapes)


def _reference(nquads: bytes, shapes: str) -> list[Finding]:
    dataset = new_dataset()
    dataset.parse(data=nquads, format="nquads")
    graph = new_graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return run_shapes(graph, _shapes(shapes))[0]


def as_graph(text: GraphText) -> Graph:
    """The rdflib Graph of one graph's N-Quads, named by its IRI."""
    dataset = new_dataset()
    dataset.parse(data=part_bytes(text.nquads), format="nquads")
    graph = new_graph(identifier=URIRef(text.iri))
    for triple in dataset.graph(URIRef(text.iri)):
        graph.add(triple)
    return graph


@lru_cache(maxsize=4)
def _shapes(folder: str):
    """The shapes, parsed once per process and folder."""
    return load_shapes(Path(folder))


class _Terms:
    """The subjects, predicates and typed resources of a graph, read in one pass over its triples.

    Kept as plain strings: rdflib hashes and compares its terms in Python, a call each time, and
    strings do it in C (an article: 1.7 ms to 1.2 ms)."""

    def __init__(self, graph: TripleSet) -> None:
        self.subjects: set[str] = set()
        self.predicates: set[str] = set()
        self.types: dict[str, set[str]] = {}  # class -> its instances
        rdf_type = str(RDF.type)
        for subject, predicate, obj in graph:
            subject, predicate = str(subject), str(predicate)
            self.subjects.add(subject)
            self.predicates.add(predicate)
            if predicate == rdf_type:
                self.types.setdefault(str(obj), set()).add(subject)

    def of_type(self, cls) -> tuple[str, ...]:
        return _texts(self.types.get(str(cls), ()))

    def vocabularies(self) -> tuple[str, ...]:
        """The profile's namespaces whose terms the graph uses as predicates or classes."""
        used = {*self.predicates, *self.types}
        return tuple(sorted(
            str(namespace) for prefix, namespace in PREFIXES.items()
            if prefix not in ("rdf", "xsd", "wd") and any(term.startswith(str(namespace)) for term in used)
        ))


def _texts(terms: set[str]) -> tuple[str, ...]:
    return tuple(sorted(terms))


_ACTOR_FIELDS = ("kind", "name", "label", "wikidata", "description")
_POST_FIELDS = ("label", "organization")


def _shared_fields(article: Article) -> tuple[SharedField, ...]:
    """The single-valued fields of the actors and posts that other articles may define as well."""
    fields = []
    for index, actor in enumerate(article.record.actors):
        if actor.article_scoped:
            continue
        for name in _ACTOR_FIELDS:
            value = getattr(actor, name)
            fields.append(SharedField("actor", index, actor.id, name, _plain(value),
                                      article.lines.get(("actors", index, name), article.lines.get(("actors", index), 1))))
    for index, post in enumerate(article.record.posts):
        for name in _POST_FIELDS:
            fields.append(SharedField("post", index, post.id, name, _plain(getattr(post, name)),
                                      article.lines.get(("posts", index, name), article.lines.get(("posts", index), 1))))
    return tuple(fields)


def _plain(value) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
