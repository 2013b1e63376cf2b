"""What the standard vocabularies say about the terms kg writes, read from the files under tests/vocabularies/.

A reader who knows schema.org, org, OWL-Time and the other vocabularies, and not kg's own, sees kg's data
through these definitions: which terms exist, which classes are below which, and where each property may
be used. `Vocabularies` holds them; `undefined_terms` and `misused_terms` hold a dataset to them.

The checks are closed-world, as a consumer who validates data reads it: a resource is of a class only if
the data types it so (or a class below it, by the vocabularies' own rdfs:subClassOf and
owl:equivalentClass). kg's ontology is not used for that: a reader without it must see what kg means.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

__all__ = ["Vocabularies", "Use", "load_vocabularies", "read_quads", "undefined_terms", "misused_terms"]

FOLDER = Path(__file__).resolve().parent / "vocabularies"
ONTOLOGY = Path(__file__).resolve().parent.parent / "kg" / "data" / "ontology.ttl"
KGO = "https://kg.example.org/ontology#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
# schema.org publishes its release with http:// and https:// IRIs alike and says they name the same
# terms; the packaged file uses http://, kg uses https://.
SCHEMA_HTTP = "http://schema.org/"
TYPE = RDF + "type"

# Namespaces kg writes whose vocabulary no package on npm or PyPI ships (NIF 2.0 Core, GAF): their terms
# are reported as unchecked rather than taken on trust; any other namespace without a file fails.
UNPUBLISHED = {
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#": "NIF 2.0 Core",
    "http://groundedannotationframework.org/gaf#": "GAF",
    "http://spdx.org/rdf/terms#": "SPDX 2.3 RDF terms",
}

# Which schema.org data type a literal of each XML Schema datatype is (schema.org's DataType classes).
SCHEMA_DATATYPE = {
    XSD + "string": "Text", RDF + "langString": "Text", XSD + "anyURI": "URL",
    XSD + "date": "Date", XSD + "dateTime": "DateTime", XSD + "time": "Time", XSD + "boolean": "Boolean",
    XSD + "integer": "Integer", XSD + "nonNegativeInteger": "Integer", XSD + "positiveInteger": "Integer",
    XSD + "decimal": "Number", XSD + "double": "Float", XSD + "float": "Float",
    # schema.org's Duration is a Quantity "in ISO 8601 duration format": an xsd:duration literal, or
    # text in that format (what kg writes, as stores keep text; see ISO_DURATION).
    XSD + "duration": "Duration",
}

# ISO 8601 durations as schema.org's examples write them ("P2D", "PT1H30M", "P4Y").
ISO_DURATION = re.compile(r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


@dataclass(frozen=True)
class Literal:
    """A literal reduced to what the checks read: its datatype, and its lexical form."""

    datatype: str
    lexical: str = ""


Term = str | Literal


@dataclass(frozen=True)
class Use:
    """One use of a term that a vocabulary does not allow, for the failure message."""

    predicate: str
    subject: str
    value: Term
    why: str


@dataclass
class Vocabularies:
    """The definitions read from the vendored files: terms per namespace, classes, domains and ranges."""

    namespaces: dict[str, str] = field(default_factory=dict)  # namespace -> vocabulary name
    defined: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    supers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unions: dict[str, list[str]] = field(default_factory=dict)

    def namespace_of(self, iri: str) -> str | None:
        """The longest known vocabulary namespace `iri` is in."""
        found = [ns for ns in (*self.namespaces, *UNPUBLISHED) if iri.startswith(ns)]
        return max(found, key=len, default=None)

    def closure(self, classes: set[str]) -> set[str]:
        """`classes` and every class above them, by rdfs:subClassOf and owl:equivalentClass."""
        seen, todo = set(), list(classes)
        while todo:
            cls = todo.pop()
            if cls not in seen:
                seen.add(cls)
                todo.extend(self.supers.get(cls, ()))
        return seen

    def members(self, cls: str) -> set[str]:
        """The classes an rdfs:domain or rdfs:range names: the class, or the members of its owl:unionOf."""
        return set(self.unions.get(cls, [cls]))


def schema_https(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    """A term as the checks see it: IRIs as strings (schema.org's as https), blank nodes by id, literals by datatype."""
    if isinstance(term, ox.Literal):
        return Literal(term.datatype.value, term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    value = term.value
    return SCHEMA + value[len(SCHEMA_HTTP):] if value.startswith(SCHEMA_HTTP) else value


def read_quads(path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS):
    """The (subject, predicate, object) of every quad or triple of a file, as `schema_https` gives them."""
    for quad in ox.parse(path=str(path), format=fmt):
        yield schema_https(quad.subject), schema_https(quad.predicate), schema_https(quad.object)


def load_vocabularies(folder: Path = FOLDER, ontology: Path = ONTOLOGY) -> Vocabularies:
    """Every vendored vocabulary (one folder per npm package: its .nq and the namespace in its meta.nt),
    and kg's ontology for the terms of its own namespace (not for classes above others)."""
    vocabularies = Vocabularies()
    for package in sorted(p for p in folder.iterdir() if p.is_dir()):
        name = json.loads((package / "package.json").read_text(encoding="utf-8"))["name"]
        for _, predicate, namespace in read_quads(package / "meta.nt", ox.RdfFormat.N_TRIPLES):
            if predicate == "http://www.w3.org/ns/rdfa#uri":
                vocabularies.namespaces[namespace] = name
        for triple in read_quads(package / f"{package.name}.nq"):
            add_definition(vocabularies, triple)
    vocabularies.namespaces[KGO] = "kg/data/ontology.ttl"
    for subject, predicate, obj in read_quads(ontology, ox.RdfFormat.TURTLE):
        if predicate == TYPE and subject.startswith(KGO):
            vocabularies.defined.add(subject)
    read_unions(vocabularies, folder)
    return vocabularies


def add_definition(vocabularies: Vocabularies, triple: tuple[Term, Term, Term]) -> None:
    """Record what one triple of a vocabulary file says about a term."""
    subject, predicate, obj = triple
    if isinstance(obj, Literal):
        return
    if predicate == TYPE:
        vocabularies.defined.add(subject)
        vocabularies.types[subject].add(obj)
    elif predicate == RDFS + "subClassOf":
        vocabularies.supers[subject].add(obj)
    elif predicate == OWL + "equivalentClass":
        vocabularies.supers[subject].add(obj)
        vocabularies.supers[obj].add(subject)
    elif predicate in (RDFS + "domain", SCHEMA + "domainIncludes"):
        vocabularies.domains[subject].add(obj)
    elif predicate in (RDFS + "range", SCHEMA + "rangeIncludes"):
        vocabularies.ranges[subject].add(obj)


def read_unions(vocabularies: Vocabularies, folder: Path) -> None:
    """The classes of each owl:unionOf (time:unitType's domain is GeneralDateTimeDescription or Duration)."""
    first, rest, union_of = {}, {}, {}
    for package in folder.iterdir():
        if package.is_dir():
            for subject, predicate, obj in read_quads(package / f"{package.name}.nq"):
                if predicate == RDF + "first":
                    first[subject] = obj
                elif predicate == RDF + "rest":
                    rest[subject] = obj
                elif predicate == OWL + "unionOf":
                    union_of[subject] = obj
    for node, head in union_of.items():
        members = []
        while head in first:
            members.append(first[head])
            head = rest.get(head)
        vocabularies.unions[node] = members


def undefined_terms(vocabularies: Vocabularies, quads) -> dict[str, set[str]]:
    """The classes, predicates, datatypes and vocabulary IRIs of the data that their vocabulary does not
    define, under "undefined"; those of namespaces without a published vocabulary, under "unchecked"."""
    found: dict[str, set[str]] = {"undefined": set(), "unchecked": set()}
    for term in vocabulary_terms(vocabularies, quads):
        namespace = vocabularies.namespace_of(term)
        if namespace in UNPUBLISHED:
            found["unchecked"].add(term)
        elif namespace is None or term not in vocabularies.defined:
            found["undefined"].add(term)
    return found


def vocabulary_terms(vocabularies: Vocabularies, quads) -> set[str]:
    """Every predicate, class and literal datatype of the data, and every other IRI in a vocabulary's
    namespace (a value such as schema:EventScheduled), but not a namespace itself (void:vocabulary's)."""
    terms = set()
    for subject, predicate, obj in quads:
        terms.add(predicate)
        if isinstance(obj, Literal):
            terms.add(obj.datatype)
        elif predicate == TYPE:
            terms.add(obj)
        terms.update(t for t in (subject, obj) if isinstance(t, str) and is_term_of_namespace(vocabularies, t))
    return terms


def is_term_of_namespace(vocabularies: Vocabularies, iri: str) -> bool:
    """Whether `iri` names a term in a known vocabulary's namespace, rather than the namespace."""
    namespace = vocabularies.namespace_of(iri)
    return namespace is not None and iri != namespace


def misused_terms(vocabularies: Vocabularies, quads, namespaces: tuple[str, ...]) -> list[Use]:
    """Every use of a property of `namespaces` on a subject outside its domain or with a value outside its
    range: schema.org's domainIncludes/rangeIncludes (any one of them will do), rdfs:domain/range elsewhere."""
    quads = list(quads)
    typed: dict[str, set[str]] = defaultdict(set)
    for subject, predicate, obj in quads:
        if predicate == TYPE:
            typed[subject].add(obj)
    found = []
    for subject, predicate, obj in quads:
        if predicate.startswith(namespaces):
            found.extend(misuse(vocabularies, typed, (subject, predicate, obj)))
    return found


def classes_of(vocabularies: Vocabularies, typed: dict[str, set[str]], resource: str) -> set[str]:
    """The classes a reader sees `resource` in: its types in the data or in the vocabularies, and above."""
    return vocabularies.closure(typed.get(resource, set()) | vocabularies.types.get(resource, set()))


def misuse(vocabularies: Vocabularies, typed, triple) -> list[Use]:
    """What is wrong with one triple's subject and value for its predicate, if anything."""
    subject, predicate, obj = triple
    schema = predicate.startswith(SCHEMA)
    problems = []
    domain = {c for d in vocabularies.domains.get(predicate, ()) for c in vocabularies.members(d)}
    if domain and not in_any(domain, classes_of(vocabularies, typed, subject), schema):
        problems.append(Use(predicate, subject, obj, "subject outside the domain " + names(domain)))
    allowed = {c for r in vocabularies.ranges.get(predicate, ()) for c in vocabularies.members(r)}
    if allowed and not value_in_range(vocabularies, typed, obj, allowed, schema):
        problems.append(Use(predicate, subject, obj, "value outside the range " + names(allowed)))
    return problems


def in_any(allowed: set[str], classes: set[str], schema: bool) -> bool:
    """Whether a resource of `classes` is of one of the `allowed` classes; for schema.org, every typed
    resource is a schema:Thing, the class every schema.org type is below, and in OWL every resource is an
    owl:Thing (foaf:primaryTopic's range)."""
    universal = OWL + "Thing" in allowed or (schema and SCHEMA + "Thing" in allowed)
    return bool(allowed & classes) or (universal and bool(classes))


def value_in_range(vocabularies: Vocabularies, typed, value: Term, allowed: set[str], schema: bool) -> bool:
    """Whether `value` is of one of the `allowed` classes or datatypes.

    schema.org's rules: a Text range takes any literal, a literal matches the DataType of its datatype (or
    one above it: an Integer is a Number, a URL is Text), and a URL range takes any IRI. Elsewhere a literal
    matches rdfs:Literal or its own datatype, and an IRI needs a class in the range.
    """
    if isinstance(value, Literal):
        if schema:
            datatype = SCHEMA_DATATYPE.get(value.datatype)
            if datatype == "Text" and ISO_DURATION.fullmatch(value.lexical):
                datatype = "Duration"
            kinds = vocabularies.closure({SCHEMA + datatype}) if datatype else set()
            return SCHEMA + "Text" in allowed or bool(kinds & allowed)
        return bool({RDFS + "Literal", value.datatype} & allowed)
    if schema and SCHEMA + "URL" in allowed:
        return True
    return in_any(allowed, classes_of(vocabularies, typed, value), schema)


def names(classes: set[str]) -> str:
    """Classes in a short, sorted form for messages."""
    return "{" + ", ".join(sorted(c.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in classes)) + "}"
