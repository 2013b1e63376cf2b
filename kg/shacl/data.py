"""One data graph, read once: its triples as rdflib terms indexed both ways, and a store for SPARQL.

Why rdflib terms: pyshacl compares, normalises and checks literals the rdflib way ("05"^^xsd:integer
is read as "5", an ill-typed literal is flagged, a date is a datetime.date); building the same terms
gives the same verdicts and the same texts. Why dicts: a shape's value nodes are one or two dict
lookups, far cheaper than a call into a store from Python.

Why a map of literals beside the store: Oxigraph stores a literal by its value (an
xsd:nonNegativeInteger becomes the xsd:integer of that value, a decimal loses its trailing zeros),
so the store's form of each literal is kept (stored_as): a literal of a SPARQL solution is mapped
back to the data's, and data where Oxigraph merges two literals, or changes the text STR() gives,
in triples a SPARQL constraint can match, is refused (kg.shacl.engine).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.shacl.plan import Unsupported

__all__ = ["Data", "as_nquads", "from_store"]

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)
_IS = ox.NamedNode("urn:kg:shacl:is")
# What N-Quads can say that pyoxigraph's parser does not keep: rdflib reads "a"^^xsd:string as
# another term than "a", and keeps the case of a language tag that pyoxigraph lowercases. A tag ends
# its line but for the graph's name and the full stop, which tells it from a string that begins
# with such words ("@HunSen said"): a quote inside a string is escaped, so the rest of the line
# cannot be the string's.
_LOST_IN_PARSING = re.compile(rb'"\^\^<http://www\.w3\.org/2001/XMLSchema#string>'
                              rb'|"@[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[ \t]*(?:<[^>]*>|_:\S+)?[ \t]*\.[ \t]*(?:#.*)?\r?$',
                              re.MULTILINE)
# The same in Turtle or TriG, where a datatype may be written by any prefix, a string between single
# quotes, and space before "^^" or "@": any datatype whose name ends "#string" or ":string", and any
# language tag with an upper-case letter, followed by what may end a term. Turtle has no lines to
# anchor on, so a string that holds such words before a stop or a comma ("@Name.") matches too,
# and sends the data to pyshacl, slower, with the same findings. Two searches, each quicker alone
# than the two as one (kg.ttl of 1,000 articles: 0.5 s, against 1.3 s).
_LOST_IN_TURTLE = (re.compile(rb"""\^\^\s*(?:<[^>]*#string>|[\w.-]*:string(?![\w.:-]))"""),
                   re.compile(rb"""["']\s*@[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*(?=\s*(?:[;,.\])}#]|$))"""))


class Data:
    """The triples of one graph (all graphs of the input merged, as kg build checks them)."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple], terms: dict | None = None) -> None:
        """pyoxigraph quads or triples; `terms` maps rdflib terms to the objects to use for them.

        Given the plan's own term objects, a lookup of a plan's predicate or class in the indexes
        finds the very same object, and Python compares no strings.
        """
        self.spo: dict = {}
        self.ops: dict = {}
        self.pairs: dict = {}  # predicate -> [(subject, object)], for sh:targetSubjectsOf and sh:targetObjectsOf
        self._quads: list = []  # the input's quads, a triple in several graphs once
        self._store: ox.Store | None = None
        self.stored_as: dict = {}  # each literal but plain strings -> the literal Oxigraph stores for it
        convert = _Converter(terms)
        known = convert.known.get
        spo, ops, pairs, kept, seen = self.spo, self.ops, self.pairs, self._quads, set()
        for quad in quads:
            subject, predicate, obj = quad.subject, quad.predicate, quad.object
            s, p, o = known(subject), known(predicate), known(obj)
            if s is None:
                s = convert(subject)
            if p is None:
                p = convert(predicate)
            if o is None:
                o = convert(obj)
            key = (id(s), id(p), id(o))  # one object per distinct term: ids compare as the terms do
            if key in seen:
                continue
            seen.add(key)
            by_predicate = spo.get(s)
            if by_predicate is None:
                spo[s] = {p: [o]}
            elif p in by_predicate:
                by_predicate[p].append(o)
            else:
                by_predicate[p] = [o]
            by_predicate = ops.get(o)
            if by_predicate is None:
                ops[o] = {p: [s]}
            elif p in by_predicate:
                by_predicate[p].append(s)
            else:
                by_predicate[p] = [s]
            if p in pairs:
                pairs[p].append((s, o))
            else:
                pairs[p] = [(s, o)]
            kept.append(quad)
        self.literals = convert.literals
        self.has_subclasses = RDFS.subClassOf in pairs

    def __len__(self) -> int:
        """The number of distinct triples."""
        return len(self._quads)

    @classmethod
    def from_nquads(cls, data: bytes, terms: dict | None = None) -> Data:
        """The triples of N-Quads (or N-Triples) bytes, every graph merged."""
        if _LOST_IN_PARSING.search(data):
            raise Unsupported("the data has an explicit xsd:string or an upper-case language tag")
        try:
            return cls(ox.parse(data, format=ox.RdfFormat.N_QUADS), terms)
        except (SyntaxError, ValueError) as error:
            raise Unsupported(f"pyoxigraph cannot read the data: {error}") from None

    # The two calls of rdflib's Graph that kg.check's label and evidence helpers make.
    def value(self, subject, predicate):
        objects = self.spo.get(subject, {}).get(predicate)
        return objects[0] if objects else None

    def objects(self, subject, predicate):
        return iter(self.spo.get(subject, {}).get(predicate, ()))

    @property
    def store(self) -> ox.Store:
        """The quads in a pyoxigraph store, made on first use (query it with its graphs' union as default graph).

        Loading it fills stored_as, read from a store of the literals alone.
        """
        if self._store is None:
            self._store = ox.Store()
            self._store.extend(q if type(q) is ox.Quad else ox.Quad(q.subject, q.predicate, q.object) for q in self._quads)
            literals = list(self.literals.items())  # (pyoxigraph literal, rdflib literal)
            alone = ox.Store()
            alone.extend(ox.Quad(ox.NamedNode(f"urn:kg:shacl:literal:{i}"), _IS, lit) for i, (lit, _) in enumerate(literals))
            for quad in alone:
                self.stored_as[literals[int(quad.subject.value.rsplit(":", 1)[1])][1]] = quad.object
        return self._store

    def to_store(self, term):
        """The store's term for a data term, as a query's substitution."""
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        self.store  # noqa: B018 - fills stored_as
        stored = self.stored_as.get(term)
        return stored if stored is not None else ox.Literal(str(term))


def as_nquads(data: bytes, format: ox.RdfFormat, base_iri: str) -> bytes:
    """Turtle or TriG bytes (relative IRIs resolved against `base_iri`, as rdflib resolves them against
    the file's) as N-Quads, for Data.from_nquads; Unsupported where pyoxigraph's parser would not keep
    what rdflib's keeps, or cannot read them (rdflib then reads them, or says why not)."""
    if any(lost.search(data) for lost in _LOST_IN_TURTLE):
        raise Unsupported("the data may have an explicit xsd:string or an upper-case language tag")
    try:
        return ox.serialize(ox.parse(data, format=format, base_iri=base_iri), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, ValueError) as error:
        raise Unsupported(f"pyoxigraph cannot read the data: {error}") from None


def from_store(term):
    """An rdflib term for a term Oxigraph computed or stored, read as rdflib would read it."""
    kind = type(term)
    if kind is ox.Literal:
        return _literal(term)
    if kind is ox.NamedNode:
        return str.__new__(URIRef, term.value)  # as _Converter: URIRef() would check again what pyoxigraph checked
    return BNode(term.value)  # a blank node BIND made


class _Converter:
    """pyoxigraph terms to rdflib terms: one object per distinct term; records the literals Oxigraph may rewrite."""

    def __init__(self, terms: dict | None) -> None:
        self.known: dict = {}  # pyoxigraph term -> rdflib term
        self.canonical: dict = dict(terms or {})  # rdflib term -> the one object used for it
        self.literals: dict = {}  # pyoxigraph literal -> rdflib literal, but plain strings

    def __call__(self, term):
        kind = type(term)
        if kind is ox.NamedNode:
            found = str.__new__(URIRef, term.value)  # URIRef() would check again what pyoxigraph checked
        elif kind is ox.Literal:
            found = _literal(term)
        elif kind is ox.BlankNode:
            # rdflib's parser gives a blank node another name than the input's, and its SPARQL reads
            # STR() of one where SPARQL 1.1 fails: findings could not be the same.
            raise Unsupported(f"the data has a blank node, _:{term.value}")
        else:
            raise Unsupported(f"the data holds an RDF-star triple term: {term}")
        found = self.canonical.setdefault(found, found)  # "05" and "5" as xsd:integer are one rdflib term
        if kind is ox.Literal and term.datatype.value != _XSD_STRING:
            self.literals[term] = found
        self.known[term] = found
        return found


def _literal(term: ox.Literal) -> Literal:
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    if datatype == _LANG_STRING:
        return Literal(term.value, lang=term.language)
    return _typed(term.value, datatype)


@lru_cache(maxsize=1 << 16)
def _typed(lexical: str, datatype: str) -> Literal:
    # Offsets, dates and counts recur across articles; rdflib parses each one's value only once.
    return Literal(lexical, datatype=URIRef(datatype))
