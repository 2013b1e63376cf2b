"""kg's own terms: every kgo: term in the output is declared, labelled, explained and anchored."""

from __future__ import annotations

from rdflib import URIRef

from kg.build import load_ontology
from kg.resources import data_file
from kg.vocab import KGO, OWL, RDF, RDFS, SCHEMA, SEM, SKOS

STANDARD_TYPES_OF_VALUES = {SCHEMA.EventStatusType, SEM.RoleType}


def kgo_terms(graphs) -> set[URIRef]:
    return {
        term
        for graph in graphs
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(KGO)) and term != URIRef(str(KGO))
    }


def test_every_kgo_term_used_is_declared_with_label_comment_and_standard_parent(built_seed):
    ontology = load_ontology()
    used = kgo_terms(built_seed.graphs)
    assert len(used) > 30
    for term in sorted(used):
        assert ontology.value(term, RDFS.label), f"{term} has no label"
        assert ontology.value(term, RDFS.comment), f"{term} has no comment"
        types = set(ontology.objects(term, RDF.type))
        if OWL.Class in types:
            parents = set(ontology.objects(term, RDFS.subClassOf))
        elif types & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            parents = set(ontology.objects(term, RDFS.subPropertyOf))
        else:  # a value: an instance of a standard class, or of a kgo: concept class under skos:Concept
            parents = {t for t in types if t != OWL.NamedIndividual}
            assert parents, f"{term} is neither a class, a property nor a typed value"
            assert all(p in STANDARD_TYPES_OF_VALUES or (p, RDFS.subClassOf, SKOS.Concept) in ontology
                       for p in parents), term
            continue
        assert parents and not all(str(p).startswith(str(KGO)) for p in parents), (
            f"{term} has no standard super-class or super-property")


def test_the_ontology_declares_nothing_twice():
    ontology = load_ontology()
    for term in set(ontology.subjects(RDF.type, None)):
        assert len(list(ontology.objects(term, RDFS.label))) == 1, term


def test_dist_publishes_the_ontology_file_as_it_is_written(built_seed):
    # Its authors' comments and order are kept: the file is copied, not parsed and written again.
    shipped = data_file("ontology.ttl").read_bytes()
    assert b"\n# Classes\n" in shipped
    assert (built_seed.out / "ontology.ttl").read_bytes() == shipped
