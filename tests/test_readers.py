"""What a reader of schema.org, org and OWL-Time gets from kg's mapping: events as schema:Events with
schema.org's statuses, the publication date and address, speakers, states and groups in the terms whose
ranges fit them, a time's precision on kg's own property."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from conftest import FIXTURES
from kg.build import build
from kg import vocab  # OWL-Time's closed namespace by module: pytest's collection would probe it
from kg.vocab import FOAF, KGO, ORG, PROV, RDF, SCHEMA, SEM, merged

FICTION = "mekong_wire_2022_03_10"
BASE = "https://kg.example.org/"


def fiction_with(tmp_path: Path, old: str, new: str) -> Path:
    """A seeds folder holding the fictional article, its record changed from `old` to `new`."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in (FIXTURES / "articles").glob(f"{FICTION}.*"):
        shutil.copy(path, seeds)
    record = seeds / f"{FICTION}.yaml"
    text = record.read_text(encoding="utf-8")
    assert old in text
    record.write_text(text.replace(old, new), encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def seed(built_seed):
    return merged(built_seed.graphs)


def test_every_event_is_a_schema_org_event_with_a_status_schema_org_defines(seed):
    events = set(seed.subjects(RDF.type, SEM.Event))
    assert len(events) == 23
    assert events == set(seed.subjects(RDF.type, SCHEMA.Event))
    assert {seed.value(e, SCHEMA.eventStatus) for e in events} == {SCHEMA.EventScheduled}


def test_kgs_finer_status_stays_on_its_own_property(seed):
    split = URIRef(f"{BASE}event/000_ce469ea1af2cc5a4/asean-split")
    assert seed.value(split, KGO.reportedStatus) == KGO.EventPossible
    assert seed.value(split, SCHEMA.eventStatus) == SCHEMA.EventScheduled


def test_a_window_of_days_gives_no_date_published(seed):
    article = URIRef(f"{BASE}article/000_ce469ea1af2cc5a4")
    assert seed.value(article, SCHEMA.datePublished) is None
    assert seed.value(article, KGO.publishedDuring) is not None


def test_a_window_of_one_day_gives_the_date_published(tmp_path):
    seeds = fiction_with(tmp_path, "    date: 2022-03-10\n", "    earliest: 2022-03-10\n    latest: 2022-03-10\n")
    graph = build(seeds, tmp_path / "dist").graphs[0]
    assert str(graph.value(URIRef(f"{BASE}article/{FICTION}"), SCHEMA.datePublished)) == "2022-03-10"


def test_the_records_url_is_the_articles_schema_url(tmp_path):
    seeds = fiction_with(tmp_path, "  language: en\n", "  language: en\n  url: https://mekong-wire.example/talks?id=1\n")
    graph = build(seeds, tmp_path / "dist").graphs[0]
    url = graph.value(URIRef(f"{BASE}article/{FICTION}"), SCHEMA.url)
    assert url == URIRef("https://mekong-wire.example/talks?id=1")


def test_a_url_that_is_no_iri_is_refused_with_its_line(tmp_path, run_kg):
    seeds = fiction_with(tmp_path, "  language: en\n", "  language: en\n  url: https://mekong-wire.example/a b\n")
    result = run_kg("build", "--seeds", str(seeds), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2, result.output
    assert f"{FICTION}.yaml:7: article.url: url must be text matching" in result.stderr


def test_a_countrys_quotation_names_its_speaker_by_attribution_alone(tmp_path):
    seeds = fiction_with(tmp_path, "    holder: lina-chantra\n    cue: told reporters", "    holder: cambodia\n    cue: told reporters")
    graph = build(seeds, tmp_path / "dist").graphs[0]
    quotation = URIRef(f"{BASE}statement/{FICTION}/talks-frank/quotation/1")
    assert graph.value(quotation, PROV.wasAttributedTo) == URIRef(f"{BASE}country/cambodia")
    assert graph.value(quotation, SCHEMA.spokenByCharacter) is None
    assert graph.value(quotation, SCHEMA.creator) is None


def test_a_quotation_whose_holder_is_not_given_has_no_speaker_at_all(seed):
    quotation = URIRef(f"{BASE}statement/000_ce469ea1af2cc5a4/prisoners-unjustly-detained/quotation/1")
    assert [seed.value(quotation, p) for p in (PROV.wasAttributedTo, SCHEMA.spokenByCharacter, SCHEMA.creator)] == [None] * 3


def test_a_persons_quotation_has_schema_orgs_speaker_and_creator(seed):
    quotation = URIRef(f"{BASE}statement/000_ce469ea1af2cc5a4/hun-sen-on-purpose/quotation/1")
    hun_sen = URIRef(f"{BASE}person/hun-sen")
    assert (seed.value(quotation, SCHEMA.spokenByCharacter), seed.value(quotation, SCHEMA.creator)) == (hun_sen, hun_sen)


def test_a_state_is_an_organisation_for_org(seed):
    brunei = URIRef(f"{BASE}country/brunei")
    assert {SCHEMA.Country, ORG.Organization} <= set(seed.objects(brunei, RDF.type))
    assert (brunei, ORG.holds, URIRef(f"{BASE}post/asean-chair")) in seed


def test_a_groups_member_is_a_foaf_member_grounded_by_a_reified_statement(seed):
    group = URIRef(f"{BASE}group/000_ce469ea1af2cc5a4/political-prisoners")
    suu_kyi = URIRef(f"{BASE}person/aung-san-suu-kyi")
    assert (group, FOAF.member, suu_kyi) in seed
    assert (suu_kyi, SCHEMA.memberOf, group) not in seed
    [statement] = seed.subjects(RDF.subject, group)
    assert (seed.value(statement, RDF.predicate), seed.value(statement, RDF.object)) == (FOAF.member, suu_kyi)
    assert seed.value(statement, URIRef("http://groundedannotationframework.org/gaf#denotedBy")) is not None


def test_a_times_precision_is_kgs_own_not_owl_times_unit_type(seed):
    assert list(seed.subject_objects(vocab.TIME.unitType)) == []
    verdict_time = URIRef(f"{BASE}event/000_ce469ea1af2cc5a4/suu-kyi-verdict/time/1")
    assert seed.value(verdict_time, KGO.precision) == vocab.TIME.unitMonth
