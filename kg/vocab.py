"""Namespaces of the vocabulary profile, bound in one place."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib import namespace as rdflib_namespaces

__all__ = [
    "SCHEMA", "SEM", "ORG", "TIME", "PROV", "GAF", "NIF", "SKOS", "DCTERMS", "VOID", "DCAT",
    "RDF", "RDFS", "OWL", "XSD", "FOAF", "KGO", "WD", "SPDX", "PREFIXES", "bind_prefixes", "new_graph",
    "new_dataset", "merged", "sha256_checksum", "integer",
]



class _KeptTerms(Namespace):
    """rdflib's Namespace, each term made once: the mapping names SCHEMA.name and the like tens of
    thousands of times an article, and rdflib builds and checks a new URIRef on every lookup.

    A term is looked up here only when no attribute of that name exists (str's methods, `title`),
    and is then kept on the namespace itself, where the next lookup finds it at once.
    """

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


# rdflib's own namespaces check each name and make a new term at every lookup, and describing a
# corpus looks terms up tens of thousands of times (1,000 articles: 30,000, 0.06 s): kept the same
# way. That a term exists in its vocabulary is what tests/test_vocabularies.py checks.
DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD = (
    _KeptTerms(str(getattr(rdflib_namespaces, name)))
    for name in ("DCAT", "DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SKOS", "TIME", "VOID", "XSD"))
SCHEMA = _KeptTerms("https://schema.org/")
SEM = _KeptTerms("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = _KeptTerms("http://www.w3.org/ns/org#")
GAF = _KeptTerms("http://groundedannotationframework.org/gaf#")
NIF = _KeptTerms("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
KGO = _KeptTerms("https://kg.example.org/ontology#")
WD = _KeptTerms("http://www.wikidata.org/entity/")
SPDX = _KeptTerms("http://spdx.org/rdf/terms#")  # checksums, as DCAT 3 gives them (spdx:checksum)

# The same prefixes and namespaces as kg.prefixes.PREFIX_IRIS (a test holds them equal), as rdflib terms.
PREFIXES: dict[str, Namespace] = {
    "schema": SCHEMA, "sem": SEM, "org": ORG, "time": TIME, "prov": PROV, "gaf": GAF, "nif": NIF, "skos": SKOS,
    "dcterms": DCTERMS, "void": VOID, "dcat": DCAT, "foaf": FOAF, "spdx": SPDX, "rdf": RDF, "rdfs": RDFS,
    "owl": OWL, "xsd": XSD, "kgo": KGO, "wd": WD,
}


def bind_prefixes(graph: Graph) -> None:
    """Bind the profile's prefixes on `graph`, replacing rdflib's defaults."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def new_graph(identifier=None, store: str = "default") -> Graph:
    """A graph with the profile's prefixes bound, in rdflib's store plugin `store`."""
    graph = Graph(store=store, identifier=identifier, bind_namespaces="none")
    bind_prefixes(graph)
    return graph


def new_dataset() -> Dataset:
    """A dataset with the profile's prefixes bound and no default-graph union."""
    dataset = Dataset(default_union=False)
    dataset.namespace_manager.bind_namespaces = "none"
    bind_prefixes(dataset)
    return dataset


def sha256_checksum(subject: URIRef, node: URIRef, hexdigest: str) -> list[tuple]:
    """The triples giving `subject` the sha256 `hexdigest` as an spdx:Checksum at `node`, as DCAT 3 does."""
    return [
        (subject, SPDX.checksum, node),
        (node, RDF.type, SPDX.Checksum),
        (node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (node, SPDX.checksumValue, Literal(hexdigest, datatype=XSD.hexBinary)),
    ]


@lru_cache(maxsize=1 << 16)
def integer(value: int) -> Literal:
    """The xsd:integer literal of `value`, made once per value: a corpus's texts have the same offsets
    again and again, and rdflib takes 10 µs to make a typed literal (rdflib's terms never change)."""
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an int")
    return Literal(value, datatype=XSD.integer)


def merged(graphs) -> Graph:
    """One graph holding the triples of all `graphs`."""
    union = new_graph()
    for graph in graphs:
        union += graph
    return union
