"""Load, dump, validate: what Oxigraph and Virtuoso give back is still kg's data, datatypes and all.

The seed goes in with `kg load --verify full`; each graph comes back through a plain CONSTRUCT
(`stores.probe`, not kg's store code), and `kg validate` checks the dump. Where a store changes
a literal's datatype or form, `kg load --verify full` says so, one line per datatype and change.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from stores.probe import quads_by_graph

pytestmark = pytest.mark.usefixtures("store_env")

XSD = "http://www.w3.org/2001/XMLSchema#"
DURATIONS = ("https://schema.org/duration", "https://kg.example.org/ontology#sentenceDuration")
# What each store does with literals kg does not send: Oxigraph keeps a number by its value as an
# xsd:integer, Virtuoso 7.2 keeps no XSD duration (openlink/virtuoso-opensource#936).
CHANGES = {
    "oxigraph": ["2 xsd:nonNegativeInteger literals now typed xsd:integer"],
    "virtuoso": ['1 xsd:duration literal now written as numbers, such as "P2Y" as "24"'],
}


def _load(run_kg, store, dist: Path, *options: str):
    return run_kg("load", "--store", store.url, "--dist", str(dist), "--verify", "full", *options, env=store.env)


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_a_dump_of_the_store_passes_kg_validate(store, built_seed, run_kg, tmp_path, method):
    loaded = _load(run_kg, store, built_seed.out, "--method", method)
    assert loaded.exit_code == 0, loaded.output
    assert "Verified: every graph holds exactly the triples sent (values and datatypes)" in loaded.stdout
    sent = quads_by_graph(built_seed.out / "kg.nq")
    dump = tmp_path / "dump.nq"
    dump.write_bytes(b"".join(store.probe.ntriples(graph) for graph in sent))
    result = run_kg("validate", str(dump))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Checked {sum(len(triples) for triples in sent.values()):,} triples of ")
    assert "The data has no violations: 0 violations" in result.stdout


def test_durations_reach_a_plain_sparql_client_as_kg_wrote_them(store, built_seed, run_kg):
    assert _load(run_kg, store, built_seed.out).exit_code == 0
    written = sorted(str(triple.object) for triples in quads_by_graph(built_seed.out / "kg.nq").values()
                     for triple in triples if triple.predicate.value in DURATIONS)
    client = SPARQLWrapper(f"{store.url}/{'sparql' if store.kind == 'virtuoso' else 'query'}")
    # As an engineer would ask the store: the dataset's merged graph as the default graph.
    client.setQuery("SELECT ?duration FROM <https://kg.example.org/dataset/merged> "
                    "WHERE { ?event ?length ?duration VALUES ?length { "
                    + " ".join(f"<{iri}>" for iri in DURATIONS) + " } }")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    answered = sorted(str(ox.Literal(row["duration"]["value"], datatype=ox.NamedNode(
        row["duration"].get("datatype", XSD + "string")))) for row in rows)
    assert len(written) == 3
    assert answered == written


def test_verification_reports_each_datatype_the_store_changed(store, run_kg, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    graph = "https://kg.example.org/graph/typed-literals"
    subject, typed = "<https://kg.example.org/typed>", "<https://kg.example.org/ontology#"
    (dist / "kg.nq").write_text(
        f'{subject} {typed}begin> "7"^^<{XSD}nonNegativeInteger> <{graph}> .\n'
        f'{subject} {typed}end> "11"^^<{XSD}nonNegativeInteger> <{graph}> .\n'
        f'{subject} {typed}length> "P2Y"^^<{XSD}duration> <{graph}> .\n'
        f'{subject} {typed}count> "3"^^<{XSD}integer> <{graph}> .\n', encoding="utf-8")
    try:
        result = _load(run_kg, store, dist)
    finally:
        store.probe.drop(graph)
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    changed = [line for line in lines if line.startswith("Changed by the store: ")]
    assert changed == [f"Changed by the store: {line}" for line in CHANGES[store.kind]]
    assert lines[-1].startswith("Error: ")
    assert lines[-1].endswith("holds the values sent, but changed the datatype or form of some literals, so a "
                              "dump of the store is not the data kg sent")
