"""The unit of work of a build: one article's record and text -> its named graph and its findings.

`run_article` is a plain function of its job, so it runs the same in this process, in a worker
process or on a Dask worker. Its result is plain data (strings, tuples, bytes) that is written to
the cache as JSON, N-Quads and the graph's fragments of the files (Turtle statements, TriG
block, JSON-LD nodes), never pickled from disk. The fragments are made here, so that the workers
make them in parallel and a rebuild only puts them together. A record's error comes back as a `Failure`
rather than an exception, so that the build can report the first one in name order whatever order
the workers finish in.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, URIRef

from kg.check import Finding, load_shapes, run_shapes
from kg.describe import CC_BY, article_description
from kg.shacl import Plan, Unsupported, plan_for, validate_nquads
from kg.errors import KgError
from kg.ground import ground
from kg.mapping import map_article, map_text
from kg.read import Article, read_article
from kg.resolve import resolve_times
from kg.vocab import PREFIXES, RDF, SCHEMA, SEM, new_dataset, new_graph
from kg.write import GraphText, graph_text, with_fragments
from kg.write.nquads import Part, TripleSet, part_bytes

__all__ = ["ArticleJob", "ArticleResult", "Failure", "GRAPH_PARTS", "IRI_SETS", "SharedField", "run_article",
           "prepare_article", "check_graph_text", "as_graph", "PLANS"]


@dataclass(frozen=True)
class ArticleJob:
    """What one article's work needs: where its record is, the base IRI, the shapes' folder,
    whether the article's full text is published (its graph kept in the result), and the licence."""

    record: str
    base: str
    shapes: str
    with_text: bool = False
    license: str = CC_BY  # of what kg makes, which the article's part of the dataset's description gives


class SharedField(NamedTuple):
    """One field of an actor or post that another article may define too: it must say the same there.

    A named tuple, not a dataclass: a cached article of a big corpus has dozens, which the cache
    gives back as plain tuples of the same fields in the same order (a list each in its JSON), five
    times faster to make than named ones; so they are read by position.
    """

    kind: str  # "actor" or "post"
    index: int  # its place in the record's list of actors or posts
    id: str
    field: str
    value: str | None
    line: int


@dataclass
class ArticleResult:
    """One article's graph and what the build needs of it without reading the graph again."""

    id: str
    record_path: str
    text_path: str
    digest: str  # sha256 of the record's and the text's bytes, as the dataset's description gives it
    graph: GraphText
    triples: int = 0
    text: GraphText | None = None  # the graph of the article's full text, when it is published
    text_triples: int = 0
    findings: tuple[Finding, ...] = ()
    actors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()
    shared: tuple[SharedField, ...] = ()  # from the cache, plain tuples of the same fields
    inputs: dict[str, str] = field(default_factory=dict)  # every file read -> its sha256
    description: str = ""  # the dataset description's lines about the article (kg.describe.article_description)

    @property
    def violations(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "Violation"]

    def to_json(self) -> dict:
        """Everything but the graph's N-Quads and fragments, which the cache keeps in files of their own.

        Each set of IRIs is one string, one IRI a line (an IRI holds no line break): JSON reads one
        long string faster than hundreds of short ones, and a rebuild of 1,000 articles reads 1,000
        entries (0.32 s of JSON against 0.17 s). Made field by field, not by `asdict`, which copies
        every value deeply first (the graph's bytes too): a fifth of the time a worker spent keeping
        its result."""
        data = {name: getattr(self, name) for name in _RESULT_FIELDS}
        data["graph"] = _graph_json(self.graph)
        data["text"] = _graph_json(self.text) if self.text else None
        data["findings"] = [{name: getattr(finding, name) for name in _FINDING_FIELDS} for finding in self.findings]
        data["shared"] = [list(shared) for shared in self.shared]
        data["inputs"] = dict(self.inputs)
        for name in IRI_SETS:
            data[name] = "\n".join(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict, graph: tuple[Part, ...], text: tuple[Part, ...] = ()) -> ArticleResult:
        """The result `to_json` gave, with each graph's N-Quads and fragments (see `GRAPH_PARTS`): their
        bytes, or the files that hold them."""
        return cls(
            **{
                **data,
                "graph": _graph_from_json(data["graph"], graph),
                "text": _graph_from_json(data["text"], text) if data["text"] else None,
                "findings": tuple(Finding(**finding) for finding in data["findings"]),
                "shared": tuple(map(tuple, data["shared"])),  # SharedField's fields, by position
                **{name: tuple(data[name].split("\n")) if data[name] else () for name in IRI_SETS},
            }
        )


_RESULT_FIELDS = tuple(field.name for field in dataclasses.fields(ArticleResult))
_FINDING_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))
# The result's sets of IRIs: each kept by `to_json` as one string, and merged across articles
# (kg.engine.spanning).
IRI_SETS = ("actors", "events", "statements", "subjects", "predicates", "vocabularies")
# The parts of a GraphText the cache keeps, in the order GraphText takes them after its IRI and name.
GRAPH_PARTS = ("nquads", "turtle", "trig", "jsonld")


def _graph_json(graph: GraphText) -> dict:
    return {"iri": graph.iri, "name": graph.name, "digest": graph.sha256()}


def _graph_from_json(data: dict, parts: tuple[Part, ...]) -> GraphText:
    return GraphText(data["iri"], data["name"], *parts, digest=data["digest"])


@dataclass(frozen=True)
class Failure:
    """A record that could not be built: the error's class name, its one-line message, and a report."""

    record: str
    kind: str
    message: str
    exit_code: int
    report: str = ""


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
