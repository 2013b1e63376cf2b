"""`kg build` on the seeds: the summary, the files, and that they are faithful and stable."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from conftest import ROOT, SEEDS
from kg.build import build
from kg.vocab import GAF, NIF, ORG, RDF, SCHEMA, SEM

FORMATS = {"kg.trig": "trig", "kg.nq": "nquads", "kg.jsonld": "json-ld"}
OXIGRAPH_FORMATS = {"kg.trig": pyoxigraph.RdfFormat.TRIG, "kg.nq": pyoxigraph.RdfFormat.N_QUADS,
                    "kg.ttl": pyoxigraph.RdfFormat.TURTLE, "kg.jsonld": pyoxigraph.RdfFormat.JSON_LD}


def expected_quads(result) -> set[tuple]:
    return {(s, p, o, graph.identifier) for graph in result.graphs for s, p, o in graph}


def expected_triples(result) -> set[tuple]:
    return {triple for graph in result.graphs for triple in graph}


def test_seed_text_is_kept_byte_for_byte():
    raw = (SEEDS / "000_ce469ea1af2cc5a4.txt").read_bytes()
    text = raw.decode("utf-8")
    assert len(raw) == 2890
    assert hashlib.sha256(raw).hexdigest() == "1da9ad0699b67df5b6a98e3feb73a3d2e380cae0358086a89a17a91eea5291cf"
    assert len(text) == 2852
    assert text.count("\u00a0") == 7


def test_build_prints_a_summary_and_writes_dist(tmp_path: Path, run_kg):
    out = tmp_path / "dist"
    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    summary = re.search(
        r"Built 1 article: ([\d,]+) triples, (\d+) actors, (\d+) events, (\d+) statements", result.stdout
    )
    assert summary, result.stdout
    assert int(summary.group(2)) >= 20 and int(summary.group(3)) >= 20 and int(summary.group(4)) >= 15
    assert f"{out}" in result.stdout
    for name in ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld", "context.jsonld", "void.ttl", "ontology.ttl"):
        assert (out / name).is_file(), name
    assert (out / "graphs" / "000_ce469ea1af2cc5a4.ttl").is_file()
    # The shapes' warnings of one kind come on one line, not one line each.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("Warning: 13 resources schema:sameAs: No link out:")
    assert warnings[0].endswith("Hun Sen, ISEAS-Yusof Ishak Institute, Min Aung Hlaing and 7 more")
    assert ", 13 warnings" in result.stdout


def test_summary_counts_match_the_graph(built_seed):
    union = Graph()
    for graph in built_seed.graphs[:-1]:
        union += graph
    assert built_seed.actors == len(set(union.subjects(RDF.type, SEM.Actor)))
    assert built_seed.events == len(set(union.subjects(RDF.type, SEM.Event)))
    assert built_seed.statements == len(set(union.subjects(RDF.type, SCHEMA.Claim)))
    assert built_seed.triples == len(expected_triples(built_seed))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_dataset_files_parse_back_to_the_same_quads(built_seed, name):
    dataset = Dataset()
    dataset.parse(built_seed.out / name, format=FORMATS[name])
    quads = {(s, p, o, g) for s, p, o, g in dataset.quads() if g != dataset.default_graph.identifier}
    assert quads == expected_quads(built_seed)


def test_turtle_parses_back_to_all_graphs_merged(built_seed):
    graph = Graph().parse(built_seed.out / "kg.ttl", format="turtle")
    assert set(graph) == expected_triples(built_seed)


def test_each_article_graph_file_is_its_named_graph(built_seed):
    article = built_seed.graphs[0]
    graph = Graph().parse(built_seed.out / "graphs" / "000_ce469ea1af2cc5a4.ttl", format="turtle")
    assert set(graph) == set(article)


def test_void_file_is_the_metadata_graph_and_the_files_sizes_and_checksums(built_seed):
    graph = Graph().parse(built_seed.out / "void.ttl", format="turtle")
    metadata = set(built_seed.graphs[-1])
    assert metadata < set(graph)
    added = {predicate.n3(graph.namespace_manager) for _, predicate, _ in set(graph) - metadata}
    assert added == {"dcat:byteSize", "spdx:checksum", "rdf:type", "spdx:algorithm", "spdx:checksumValue"}


@pytest.mark.parametrize("name", sorted(OXIGRAPH_FORMATS))
def test_an_independent_parser_reads_the_same_statements(built_seed, name):
    """pyoxigraph (Rust) reads each file to the same statements as rdflib wrote."""
    parsed = list(pyoxigraph.parse(path=str(built_seed.out / name), format=OXIGRAPH_FORMATS[name]))
    found = {(str(q.subject.value), str(q.predicate.value), _value(q.object)) for q in parsed}
    wanted = {(str(s), str(p), _value(o)) for s, p, o in expected_triples(built_seed)}
    assert found == wanted


def _value(term) -> tuple:
    if isinstance(term, (pyoxigraph.Literal, Literal)):
        language = term.language if isinstance(term, pyoxigraph.Literal) else term.language
        datatype = str(term.datatype.value) if isinstance(term, pyoxigraph.Literal) else str(
            term.datatype or "http://www.w3.org/2001/XMLSchema#string")
        if language:
            datatype = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
        return ("literal", str(term.value) if isinstance(term, pyoxigraph.Literal) else str(term), datatype, language)
    return ("iri", str(term.value) if isinstance(term, pyoxigraph.NamedNode) else str(term))


def test_no_blank_nodes_in_any_output(built_seed):
    for graph in built_seed.graphs:
        assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]
    for path in built_seed.files:
        assert "_:" not in path.read_text(encoding="utf-8"), path


def test_the_build_is_dated_only_by_source_date_epoch(tmp_path: Path, monkeypatch):
    ended_at = URIRef("http://www.w3.org/ns/prov#endedAtTime")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    undated = build(SEEDS, tmp_path / "undated")
    assert list(undated.graphs[-1].objects(None, ended_at)) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1641340800")
    dated = build(SEEDS, tmp_path / "dated")
    ended = [o.toPython() for o in dated.graphs[-1].objects(None, ended_at)]
    assert ended == [datetime(2022, 1, 5, tzinfo=timezone.utc)]


def test_every_grounded_resource_has_a_mention_whose_anchor_is_the_text(built_seed):
    graph = built_seed.graphs[0]
    text = (SEEDS / "000_ce469ea1af2cc5a4.txt").read_text(encoding="utf-8")
    kinds = [SEM.Actor, ORG.Post, SEM.Event, SCHEMA.Claim, ORG.Membership, SEM.Role, SCHEMA.Quotation]
    resources = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    assert len(resources) > 100
    for resource in resources:
        mentions = list(graph.objects(resource, GAF.denotedBy))
        if (resource, RDF.type, SEM.Role) in graph and not mentions:
            continue  # a role's evidence is its event's quote unless the record gives its own
        assert mentions, f"{resource} has no mention"
        for mention in mentions:
            begin = graph.value(mention, NIF.beginIndex).toPython()
            end = graph.value(mention, NIF.endIndex).toPython()
            anchor = str(graph.value(mention, NIF.anchorOf))
            assert text[begin:end] == anchor, mention
            assert str(mention).endswith(f"#char={begin},{end}")


def test_misspelt_name_is_kept_as_an_alternate_name(built_seed):
    graph = built_seed.graphs[0]
    prak = URIRef("https://kg.example.org/person/prak-sokhonn")
    kgo = "https://kg.example.org/ontology#"
    assert Literal("Prak Sokhoon") in set(graph.objects(prak, URIRef(kgo + "misspelledName")))
    assert Literal("Prak Sokhoon") in set(graph.objects(prak, SCHEMA.alternateName))
    anchors = {str(graph.value(m, NIF.anchorOf)) for m in graph.objects(prak, GAF.denotedBy)}
    assert anchors == {"Prak Sokhonn", "Prak Sokhoon"}


def test_a_name_inside_a_longer_name_is_not_a_second_mention(built_seed):
    graph = built_seed.graphs[0]
    news = URIRef("https://kg.example.org/organization/bloomberg-news")
    anchors = sorted(str(graph.value(m, NIF.beginIndex)) for m in graph.objects(news, GAF.denotedBy))
    assert anchors == ["1"], "only '(Bloomberg)', not the 'Bloomberg' of 'Bloomberg L.P.'"


def use_strict_shapes(folder: Path, monkeypatch, target_class: str, path: str, message: str) -> None:
    """kg's shapes replaced by one: every instance of `target_class` needs a `path` (both schema: or prov: names)."""
    strict = folder / "shapes"
    strict.mkdir()
    (strict / "strict.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        f"<urn:x:Strict> a sh:NodeShape ; sh:targetClass {target_class} ;\n"
        f"  sh:property [ sh:path {path} ; sh:minCount 1 ; sh:message \"{message}\" ] .\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("kg.build.shipped_dir", lambda name: strict)


def test_a_violation_stops_the_build_and_leaves_dist_alone(tmp_path: Path, monkeypatch, run_kg):
    out = tmp_path / "dist"
    build(SEEDS, out, cache=False)  # an earlier build, which the failing one must leave as it is
    before = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
    use_strict_shapes(tmp_path, monkeypatch, "schema:Person", "schema:birthDate", "A person needs a birth date.")

    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(out))

    assert result.exit_code == 1, result.output
    assert "Error: the data does not conform to the shapes" in result.stderr
    assert "A person needs a birth date." in result.stderr
    assert "Hun Sen" in result.stderr, "the report names the focus node by its label"
    assert {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()} == before
    assert not list(tmp_path.glob(".dist-*")), "the staging folder was not cleaned up"


def test_a_violation_in_the_description_alone_leaves_dist_alone(tmp_path: Path, monkeypatch, run_kg, built_seed):
    # The dataset's description is checked after the articles, on the whole: its violation must
    # leave the previous dist/ as it was, with no staging folder beside it.
    # prov:Activity is the build, in the description alone: the articles' own checks pass.
    use_strict_shapes(tmp_path, monkeypatch, "prov:Activity", "schema:funder", "A build needs a funder.")
    out = tmp_path / "dist"
    shutil.copytree(built_seed.out, out)
    before = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}

    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(out))

    assert result.exit_code == 1, result.output
    assert "Error: the data does not conform to the shapes: 1 violation(s)" in result.stderr
    assert "A build needs a funder." in result.stderr
    assert {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()} == before
    assert not list(tmp_path.glob(".dist-*")), "the staging folder was not cleaned up"


def test_build_from_another_folder_finds_its_shapes(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--seeds", str(ROOT / "seeds"), "--out", "here"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "here" / "kg.ttl").is_file()
