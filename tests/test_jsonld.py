"""kg.jsonld as a web developer reads it: short keys for every predicate, one kind of value per key,
numbers as numbers, each article one tree; and, compacted and expanded by pyld, the quads of kg.nq."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Dataset, URIRef

from kg.check import load_shapes
from kg.vocab import PREFIXES
from kg.write.jsonld import REVERSE_TERMS, TERMS

SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(params=["seed", "with-text", "two-articles"])
def out(request, built_seed, built_seed_with_text, built_two_articles) -> Path:
    return {"seed": built_seed, "with-text": built_seed_with_text, "two-articles": built_two_articles}[request.param].out


def load(out: Path, name: str):
    return json.loads((out / name).read_text(encoding="utf-8"))


def quads_by_graph(dataset: Dataset) -> dict[str, set]:
    found: dict[str, set] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        found.setdefault(str(g), set()).add((s, p, o))
    return found


def nodes(value):
    """Every node object in a JSON-LD value, at any depth (a stack, not recursion)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            if "id" in value:
                yield value
            stack.extend(v for k, v in value.items() if k not in ("id", "type", "@value"))


def test_pyld_compacts_and_expands_kg_jsonld_to_the_quads_of_kg_nq_graph_by_graph(out):
    context = load(out, "context.jsonld")
    compacted = jsonld.compact(jsonld.expand(load(out, "kg.jsonld")), context)
    nquads = jsonld.to_rdf(jsonld.expand(compacted), {"format": "application/n-quads"})
    ours, theirs = Dataset(), Dataset()
    ours.parse(out / "kg.nq", format="nquads")
    theirs.parse(data=nquads, format="nquads")
    # No blank nodes anywhere, so the graphs are isomorphic exactly when their triples are equal.
    assert quads_by_graph(theirs) == quads_by_graph(ours)


def test_every_key_of_kg_jsonld_is_a_short_key_of_its_context(out):
    context = load(out, "context.jsonld")["@context"]
    document = load(out, "kg.jsonld")
    keys = {key for graph in document["@graph"] for node in nodes(graph["@graph"]) for key in node}
    assert keys - {"id", "type"} <= {key for key, value in context.items() if isinstance(value, dict)}
    assert not [key for key in keys if ":" in key]


def test_set_keys_hold_arrays_the_others_one_value_and_integers_are_numbers(built_two_articles):
    document = load(built_two_articles.out, "kg.jsonld")
    many = {key for key, (*_, is_set) in TERMS.items() if is_set} | set(REVERSE_TERMS)
    counted = 0
    for graph in document["@graph"]:
        for node in nodes(graph["@graph"]):
            for key, value in node.items():
                if key in ("id", "type"):
                    continue
                assert isinstance(value, list) == (key in many), (node["id"], key)
            for key in ("beginIndex", "endIndex", "triples", "copyrightYear", "byteSize"):
                if key in node:
                    assert type(node[key]) is int, (node["id"], key)
                    counted += 1
    assert counted > 300


def test_a_key_given_one_value_is_one_the_shapes_allow_once():
    """The context's single-valued keys are what the shapes bound with sh:maxCount 1 somewhere."""
    shapes = load_shapes()
    bounded = {str(shapes.value(shape, URIRef(SH + "path"))) for shape in shapes.subjects(URIRef(SH + "maxCount"), None)
               if int(shapes.value(shape, URIRef(SH + "maxCount"))) <= 1}
    single = {str(PREFIXES[prefix]) + local for prefix, local, _, is_set in TERMS.values() if not is_set}
    assert single - bounded == set()


def test_each_article_is_one_tree_of_its_events_roles_and_statements(built_two_articles):
    document = load(built_two_articles.out, "kg.jsonld")
    dataset = Dataset()
    dataset.parse(built_two_articles.out / "kg.nq", format="nquads")
    for graph in document["@graph"][:-1]:  # the article graphs; the metadata graph comes last
        article = graph["@graph"][0]
        assert article["type"] == "schema:NewsArticle"
        embedded = {node["id"] for node in nodes(article)}
        triples = dataset.graph(URIRef(graph["id"]))
        for kind in ("sem:Event", "sem:Role", "schema:Claim", "nif:Context"):
            iri = URIRef(str(PREFIXES[kind.split(":")[0]]) + kind.split(":")[1])
            wanted = {str(s) for s in triples.subjects(URIRef(str(PREFIXES["rdf"]) + "type"), iri)}
            assert wanted and wanted <= embedded, (graph["id"], kind, sorted(wanted - embedded)[:3])
        assert {event["id"] for event in article["events"]} == {
            str(s) for s in triples.subjects(URIRef(str(PREFIXES["rdf"]) + "type"), URIRef(str(PREFIXES["sem"]) + "Event"))}
