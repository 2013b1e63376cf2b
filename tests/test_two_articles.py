"""A second, fictional article builds with no code change; a shared actor is one IRI."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from conftest import seeds_with_second_article
from kg.build import build
from kg import vocab
from kg.vocab import RDF, SCHEMA, SEM

HUN_SEN = URIRef("https://kg.example.org/person/hun-sen")


@pytest.fixture
def two_articles(tmp_path: Path) -> Path:
    """A seeds folder of its own (a test edits the second record)."""
    return seeds_with_second_article(tmp_path / "seeds")


def test_both_articles_build_into_their_own_named_graphs(two_articles: Path, tmp_path: Path):
    result = build(two_articles, tmp_path / "dist")
    names = [str(g.identifier) for g in result.graphs]
    assert names == [
        "https://kg.example.org/graph/000_ce469ea1af2cc5a4",
        "https://kg.example.org/graph/mekong_wire_2022_03_10",
        "https://kg.example.org/graph/metadata",
    ]
    assert result.articles == 2


def test_the_same_actor_in_two_articles_is_one_iri(two_articles: Path, tmp_path: Path):
    seed, fiction, _ = build(two_articles, tmp_path / "dist").graphs
    assert (HUN_SEN, RDF.type, SEM.Actor) in seed
    assert (HUN_SEN, RDF.type, SEM.Actor) in fiction
    people = {s for g in (seed, fiction) for s in g.subjects(RDF.type, SCHEMA.Person)}
    assert len([p for p in people if "hun-sen" in p]) == 1


def test_unnamed_groups_stay_in_their_article(two_articles: Path, tmp_path: Path):
    _, fiction, _ = build(two_articles, tmp_path / "dist").graphs
    groups = {str(s) for s in fiction.subjects(RDF.type, URIRef("https://kg.example.org/ontology#UnnamedGroup"))}
    assert groups == {"https://kg.example.org/group/mekong_wire_2022_03_10/reporters"}


def test_an_exact_publication_date_gives_exact_times(two_articles: Path, tmp_path: Path):
    _, fiction, _ = build(two_articles, tmp_path / "dist").graphs
    talks_time = URIRef("https://kg.example.org/event/mekong_wire_2022_03_10/talks/time/1")
    assert str(fiction.value(talks_time, vocab.TIME.inXSDDate)) == "2022-03-08"
    article = URIRef("https://kg.example.org/article/mekong_wire_2022_03_10")
    assert str(fiction.value(article, SCHEMA.datePublished)) == "2022-03-10"


def test_one_actor_described_two_ways_is_an_error(two_articles: Path, tmp_path: Path, run_kg):
    record = two_articles / "mekong_wire_2022_03_10.yaml"
    text = record.read_text(encoding="utf-8").replace("    wikidata: Q424\n", "    wikidata: Q425\n")
    record.write_text(text, encoding="utf-8")
    result = run_kg("build", "--seeds", str(two_articles), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2
    assert f"Error: {record}:" in result.stderr
    assert "actors[2].wikidata: 'cambodia' is 'Q424' in 000_ce469ea1af2cc5a4.yaml" in result.stderr
    assert not (tmp_path / "dist").exists()
