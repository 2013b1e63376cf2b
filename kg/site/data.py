"""What the site reads from a built dataset: dist/store/ opened read-only, each article's graph from
dist/graphs/NAME.ttl, and the site's own SPARQL queries, bound to resources by VALUES built from terms.

Terms come out as plain values: an IRI as `str`, a literal as `Lit`. The store keeps a number by its
value (`"7"^^xsd:nonNegativeInteger` reads back as `7`), so what must be exact (an article's
mentions, with their offsets) is read from the article's graph file, as kg build wrote it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from kg.errors import InputError
from kg.resources import _PACKAGE
from kg.vocab import GAF, KGO, NIF, ORG, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, TIME, VOID

__all__ = ["Lit", "Term", "Dist", "GraphIndex", "StoreSource", "SiteQueries", "T", "term", "n3", "open_store"]

QUERIES = _PACKAGE / "site" / "queries"
_DEFAULT = ox.DefaultGraph()
_CHUNK = 400  # resources bound in one query's VALUES
_LABELS = (str(RDFS.label), str(SKOS.prefLabel), str(SCHEMA.name))


@dataclass(frozen=True)
class Lit:
    """A literal: its lexical form, datatype IRI and language tag ('' for none)."""

    value: str
    datatype: str = "http://www.w3.org/2001/XMLSchema#string"
    language: str = ""

    def __str__(self) -> str:
        return self.value


Term = str | Lit  # an IRI is a str


def term(node) -> Term | None:
    """A pyoxigraph term as a plain value (None for a blank node or a triple, which kg never writes)."""
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.Literal):
        return Lit(node.value, node.datatype.value, node.language or "")
    return None


@lru_cache(maxsize=200_000)
def n3(value: Term) -> str:
    """A plain value as N-Triples text, escaped by pyoxigraph (which checks an IRI before it writes it)."""
    if isinstance(value, Lit):
        if value.language:
            return str(ox.Literal(value.value, language=value.language))
        return str(ox.Literal(value.value, datatype=ox.NamedNode(value.datatype)))
    return str(ox.NamedNode(value))


class GraphIndex:
    """One graph held in memory as plain values, looked up by subject and by object."""

    def __init__(self, triples: Iterable[tuple[str, str, Term]]) -> None:
        self.triples: list[tuple[str, str, Term]] = []
        self._out: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        self._in: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, p, o in triples:
            self.triples.append((s, p, o))
            self._out[s].append((p, o))
            if isinstance(o, str):
                self._in[o].append((s, p))

    @classmethod
    def parse(cls, path: Path) -> GraphIndex:
        """The triples of a Turtle file, as kg build wrote it (each term exactly as written)."""
        try:
            triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            return cls((t.subject.value, t.predicate.value, term(t.object)) for t in triples
                       if isinstance(t.subject, ox.NamedNode) and term(t.object) is not None)
        except (OSError, SyntaxError, ValueError) as error:
            raise InputError(f"cannot read the article's graph: {error}; run `kg build` again", path=path) from None

    def out(self, subject: str) -> list[tuple[str, Term]]:
        return self._out.get(subject, [])

    def into(self, obj: str) -> list[tuple[str, str]]:
        return self._in.get(obj, [])

    def subjects(self) -> Iterator[str]:
        return iter(self._out)

    def objects(self, subject: str, predicate: str) -> list[Term]:
        return [o for p, o in self.out(subject) if p == predicate]

    def value(self, subject: str, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return min(found, key=_order) if found else None

    def types(self, subject: str) -> set[str]:
        return {o for p, o in self.out(subject) if p == _TYPE and isinstance(o, str)}

    def label(self, iri: str) -> str | None:
        for predicate in _LABELS:
            found = self.value(iri, predicate)
            if found is not None:
                return str(found)
        return None


class StoreSource:
    """The store's default graph (the merge of the dataset's graphs), looked up like a GraphIndex."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._labels: dict[str, str | None] = {}
        self._subjects: dict[str, bool] = {}

    def out(self, subject: str) -> list[tuple[str, Term]]:
        found = self.store.quads_for_pattern(ox.NamedNode(subject), None, None, _DEFAULT)
        return [(quad.predicate.value, value) for quad in found if (value := term(quad.object)) is not None]

    def into(self, obj: str) -> list[tuple[str, str]]:
        found = self.store.quads_for_pattern(None, None, ox.NamedNode(obj), _DEFAULT)
        return [(quad.subject.value, quad.predicate.value) for quad in found if isinstance(quad.subject, ox.NamedNode)]

    def objects(self, subject: str, predicate: str) -> list[Term]:
        found = self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, _DEFAULT)
        return [value for quad in found if (value := term(quad.object)) is not None]

    def value(self, subject: str, predicate: str) -> Term | None:
        found = self.objects(subject, predicate)
        return min(found, key=_order) if found else None

    def types(self, subject: str) -> set[str]:
        return {o for o in self.objects(subject, _TYPE) if isinstance(o, str)}

    def label(self, iri: str) -> str | None:
        if iri not in self._labels:
            if len(self._labels) > 200_000:
                self._labels.clear()
            found = None
            for predicate in _LABELS:
                value = self.value(iri, predicate)
                if value is not None:
                    found = str(value)
                    break
            if found is None and (identifier := self.value(iri, str(SCHEMA.identifier))) is not None:
                found = f"Article {identifier}"  # an article has no label, but its id
            self._labels[iri] = found
        return self._labels[iri]

    def is_subject(self, iri: str) -> bool:
        """Whether the dataset says anything about `iri` (then it has a page)."""
        if iri not in self._subjects:
            if len(self._subjects) > 200_000:
                self._subjects.clear()
            found = self.store.quads_for_pattern(ox.NamedNode(iri), None, None, _DEFAULT)
            self._subjects[iri] = next(iter(found), None) is not None
        return self._subjects[iri]

    def text_of(self, context: str) -> str | None:
        """The full text of a nif:Context, from whichever graph of the dataset holds it."""
        found = self.value(context, str(NIF.isString))
        return found.value if isinstance(found, Lit) else None


class SiteQueries:
    """The site's SPARQL queries (kg/site/queries/NAME.rq) on the store, each answering for many resources.

    A query names the resources it answers for in one clause, `VALUES ?r { }`, at the start of its
    pattern (where the engine joins from it; a trailing VALUES or a substitution is applied after
    the pattern is evaluated, which costs seconds on a large store). That clause is filled with the
    resources' IRIs written as terms by pyoxigraph, never with text from the data.
    """

    SENTINEL = "VALUES ?r { }"

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, name: str, resources: Sequence[str]) -> list[dict[str, Term]]:
        """The rows of query `name` for `resources`, as dicts of plain values (unbound variables left out)."""
        text = query_text(name)
        rows: list[dict[str, Term]] = []
        for start in range(0, len(resources), _CHUNK):
            values = " ".join(n3(iri) for iri in resources[start:start + _CHUNK])
            answer = self.store.query(text.replace(self.SENTINEL, f"VALUES ?r {{ {values} }}", 1))
            names = [variable.value for variable in answer.variables]
            for solution in answer:
                row = {}
                for variable in names:
                    value = solution[variable]
                    if value is not None and (converted := term(value)) is not None:
                        row[variable] = converted
                rows.append(row)
        return rows

    def select_all(self, name: str) -> list[dict[str, Term]]:
        """The rows of a query that binds no resource."""
        answer = self.store.query(query_text(name))
        names = [variable.value for variable in answer.variables]
        return [{v: converted for v in names if (value := solution[v]) is not None
                 and (converted := term(value)) is not None} for solution in answer]


@cache
def query_text(name: str) -> str:
    """The text of the site's query `name`; a query that binds resources holds the clause to fill once."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    if text.count(SiteQueries.SENTINEL) > 1:
        raise ValueError(f"{name}.rq holds {SiteQueries.SENTINEL!r} more than once")
    return text


@dataclass(frozen=True)
class Dist:
    """A dataset as kg build wrote it: its folder, base IRI, and its articles' graph files by name."""

    folder: Path
    base: str
    graph_files: tuple[Path, ...]

    @property
    def store_folder(self) -> Path:
        return self.folder / "store"

    @classmethod
    def open(cls, folder: Path) -> Dist:
        """The dataset in `folder`, checked: it must hold store/, graphs/ and the list of graphs."""
        from kg.write.store import GRAPHS, STORE

        for needed in (STORE, "graphs", GRAPHS):
            if not (folder / needed).exists():
                raise InputError(f"the built dataset has no {needed}; run `kg build`", path=folder)
        try:
            listed = json.loads((folder / GRAPHS).read_text(encoding="utf-8"))["graphs"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(f"cannot read the list of graphs: {error}; run `kg build`", path=folder / GRAPHS) from None
        store = open_store(folder / STORE)
        try:
            bases = [term(row["base"]) for row in store.query(
                "SELECT ?base WHERE { ?dataset <" + str(VOID.uriSpace) + "> ?base }")]
        finally:
            del store
        bases = sorted({str(b) for b in bases if isinstance(b, Lit)})
        if len(bases) != 1:
            raise InputError("the dataset's description gives " + ("no base IRI" if not bases else
                             f"{len(bases)} base IRIs") + " (void:uriSpace); run `kg build`", path=folder)
        names = {iri.rsplit("/", 1)[-1] for iri in listed}
        files = tuple(path for path in sorted((folder / "graphs").glob("*.ttl")) if path.stem in names)
        return cls(folder, bases[0], files)


def open_store(folder: Path) -> ox.Store:
    """The store in `folder`, read-only."""
    from kg.write.store import open_store as opened

    try:
        return opened(folder)
    except OSError as error:
        raise InputError(f"cannot open the dataset's store: {error}; run `kg build` again", path=folder) from None


def _order(value: Term) -> tuple:
    return (isinstance(value, Lit), str(value))


_TYPE = str(RDF.type)

# The terms the pages look for, as strings, in one place.
T = SimpleNamespace(**{
    "type": _TYPE, "label": str(RDFS.label), "comment": str(RDFS.comment), "value": str(RDF.value),
    "denotedBy": str(GAF.denotedBy), "anchorOf": str(NIF.anchorOf), "beginIndex": str(NIF.beginIndex),
    "endIndex": str(NIF.endIndex), "referenceContext": str(NIF.referenceContext), "isString": str(NIF.isString),
    "sourceUrl": str(NIF.sourceUrl), "Context": str(NIF.Context), "Phrase": str(NIF.Phrase),
    "attributionCue": str(KGO.attributionCue), "voice": str(KGO.voice), "relayedBy": str(KGO.relayedBy),
    "ArticleVoice": str(KGO.ArticleVoice), "AttributedVoice": str(KGO.AttributedVoice),
    "publishedDuring": str(KGO.publishedDuring), "notBefore": str(KGO.notBefore), "notAfter": str(KGO.notAfter),
    "timeExpression": str(KGO.timeExpression), "normalisedValue": str(KGO.normalisedValue),
    "ApproximateTime": str(KGO.ApproximateTime), "holdingStatus": str(KGO.holdingStatus),
    "forPost": str(KGO.forPost), "misspelledName": str(KGO.misspelledName),
    "NewsArticle": str(SCHEMA.NewsArticle), "publisher": str(SCHEMA.publisher),
    "datePublished": str(SCHEMA.datePublished), "inLanguage": str(SCHEMA.inLanguage),
    "copyrightNotice": str(SCHEMA.copyrightNotice), "copyrightHolder": str(SCHEMA.copyrightHolder),
    "identifier": str(SCHEMA.identifier), "mentions": str(SCHEMA.mentions), "Claim": str(SCHEMA.Claim),
    "Quotation": str(SCHEMA.Quotation), "text": str(SCHEMA.text), "about": str(SCHEMA.about),
    "hasPart": str(SCHEMA.hasPart), "eventStatus": str(SCHEMA.eventStatus), "description": str(SCHEMA.description),
    "alternateName": str(SCHEMA.alternateName), "sameAs": str(SCHEMA.sameAs), "name": str(SCHEMA.name),
    "location": str(SCHEMA.location),
    "attributedTo": str(PROV.wasAttributedTo), "Event": str(SEM.Event), "Actor": str(SEM.Actor),
    "Place": str(SEM.Place), "Role": str(SEM.Role), "roleType": str(SEM.roleType), "hasActor": str(SEM.hasActor),
    "hasTime": str(SEM.hasTime), "hasPlace": str(SEM.hasPlace), "Post": str(ORG.Post),
    "Membership": str(ORG.Membership), "member": str(ORG.member), "postIn": str(ORG.postIn),
    "organization": str(ORG.organization), "memberDuring": str(ORG.memberDuring), "holds": str(ORG.holds),
    "Instant": str(TIME.Instant), "Interval": str(TIME.Interval), "hasBeginning": str(TIME.hasBeginning),
    "hasEnd": str(TIME.hasEnd), "unitType": str(TIME.unitType), "after": str(TIME.after),
    "Concept": str(SKOS.Concept), "prefLabel": str(SKOS.prefLabel),
})
