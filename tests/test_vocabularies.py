"""Every class and predicate kg writes is defined in its vocabulary, and schema.org's, org's, OWL-Time's and
FOAF's properties are used within their domains and ranges, on the seed's kg.nq and on the one built with
the fictional article of tests/fixtures. The vocabularies are vendored under tests/vocabularies/."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from vocabulary_terms import (
    FOLDER, UNPUBLISHED, Vocabularies, load_vocabularies, misused_terms, read_quads, undefined_terms,
)

SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
FOAF = "http://xmlns.com/foaf/0.1/"
# The vocabularies whose domains and ranges kg's data keeps. PROV-O's and SEM's are not checked: kg does
# not type its statements prov:Entity nor its times sem:Time, which their domains and ranges would want.
CHECKED = (SCHEMA, ORG, TIME, FOAF)

PREFIXES = """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix : <https://kg.example.org/> .
"""


@pytest.fixture(scope="module")
def vocabularies() -> Vocabularies:
    return load_vocabularies()


@pytest.fixture(params=["built_seed", "built_two_articles"])
def kg_nq(request) -> list:
    """The quads of a built kg.nq: the seed's, and the seed's with the fictional article's."""
    return list(read_quads(request.getfixturevalue(request.param).out / "kg.nq"))


def quads_of(turtle: str, tmp_path: Path) -> list:
    path = tmp_path / "data.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return list(read_quads(path, fmt=ox.RdfFormat.TURTLE))


def test_every_class_predicate_and_vocabulary_term_kg_writes_is_defined(vocabularies, kg_nq):
    found = undefined_terms(vocabularies, kg_nq)
    assert sorted(found["undefined"]) == []
    # Only the namespaces no registry publishes a file for go unchecked, and they are few terms.
    assert {vocabularies.namespace_of(t) for t in found["unchecked"]} <= set(UNPUBLISHED)
    assert len(found["unchecked"]) < 15


def test_schema_org_org_owl_time_and_foaf_terms_are_used_within_their_domains_and_ranges(vocabularies, kg_nq):
    misused = misused_terms(vocabularies, kg_nq, CHECKED)
    assert [f"{u.predicate} on {u.subject} -> {u.value}: {u.why}" for u in misused] == []


def test_the_checks_read_the_vocabularies_whole(vocabularies):
    """schema.org's thousands of terms, each vocabulary's namespace, and OWL-Time's union domains."""
    assert len(vocabularies.defined) > 3000
    assert {SCHEMA, ORG, TIME, FOAF} <= set(vocabularies.namespaces)
    [domain] = vocabularies.domains[TIME + "unitType"]
    assert vocabularies.members(domain) == {TIME + "GeneralDateTimeDescription", TIME + "Duration"}


def test_a_country_as_a_quotations_speaker_is_outside_schema_orgs_range(vocabularies, tmp_path):
    quads = quads_of(":q a schema:Quotation ; schema:spokenByCharacter :us . :us a schema:Country .", tmp_path)
    [use] = misused_terms(vocabularies, quads, CHECKED)
    assert (use.predicate, use.why) == (SCHEMA + "spokenByCharacter", "value outside the range {Organization, Person}")


def test_a_state_typed_an_organisation_is_within_orgs_range(vocabularies, tmp_path):
    post = ":p a org:Post ; org:postIn :kh . "
    assert [u.why for u in misused_terms(vocabularies, quads_of(post + ":kh a schema:Country .", tmp_path), CHECKED)] == [
        "value outside the range {Organization}"]
    assert misused_terms(vocabularies, quads_of(post + ":kh a schema:Country , org:Organization .", tmp_path), CHECKED) == []


def test_a_unit_on_an_instant_is_outside_owl_times_domain(vocabularies, tmp_path):
    quads = quads_of(":t a time:Instant ; time:unitType time:unitDay .", tmp_path)
    [use] = misused_terms(vocabularies, quads, CHECKED)
    assert use.why == "subject outside the domain {Duration, GeneralDateTimeDescription}"


def test_a_person_is_an_agent_for_org_through_schema_orgs_equivalence_with_foaf(vocabularies, tmp_path):
    quads = quads_of(":m a org:Membership ; org:member :hun-sen ; org:organization :asean . "
                     ":hun-sen a schema:Person . :asean a org:Organization .", tmp_path)
    assert misused_terms(vocabularies, quads, CHECKED) == []


def test_schema_org_literal_rules(vocabularies, tmp_path):
    """A Text range takes any literal; a Date range a date, not a string; an event's duration an xsd:duration."""
    quads = quads_of(':a a schema:NewsArticle ; schema:headline "7"^^xsd:integer ; schema:datePublished "Friday" . '
                     ':e a schema:Event ; schema:duration "P2D"^^xsd:duration .', tmp_path)
    assert [(u.predicate, u.why) for u in misused_terms(vocabularies, quads, CHECKED)] == [
        (SCHEMA + "datePublished", "value outside the range {Date, DateTime}")]


def test_a_term_its_vocabulary_does_not_define_is_reported(vocabularies, tmp_path):
    quads = quads_of(":e a schema:Event , schema:Happening ; schema:eventStatus schema:EventHappened ; "
                     "<https://vocab.example.org/x#p> 1 .", tmp_path)
    assert undefined_terms(vocabularies, quads)["undefined"] == {
        SCHEMA + "Happening", SCHEMA + "EventHappened", "https://vocab.example.org/x#p"}


def test_every_vendored_vocabulary_is_named_in_the_readme_with_its_version():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for package in sorted(p for p in FOLDER.iterdir() if p.is_dir()):
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        assert f"| `{meta['name']}` | {meta['version']} |" in readme, meta["name"]
