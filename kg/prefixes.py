"""The prefixes kg writes and shows, and the namespace each stands for, as plain strings.

kg.vocab gives the same namespaces as rdflib terms; this module needs no rdflib, so that `kg query`,
which shows IRIs by these prefixes, starts without importing it.
"""

from __future__ import annotations

__all__ = ["PREFIX_IRIS"]

PREFIX_IRIS: dict[str, str] = {
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "prov": "http://www.w3.org/ns/prov#",
    "gaf": "http://groundedannotationframework.org/gaf#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "kgo": "https://kg.example.org/ontology#",
    "wd": "http://www.wikidata.org/entity/",
}
