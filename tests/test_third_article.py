"""A third, fictional article records all that a text may leave open or say only in words.

tests/fixtures/articles/river_wire_2022_05_12 is an invented wire report: people it does not name,
words with no speaker, a source it does not name, a sentence with two readings of its holder, order
between events, an online meeting, a council's size and decision rule, a plan's points, a first,
purposes given by two sources, words that refer back, its headline and a section heading. It
builds with no code of its own, conforms to the shapes, and the bundled queries answer from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, seeds_with_second_article
from kg.build import build
from kg.query import LocalDataset, open_dataset, run_query

NAME = "river_wire_2022_05_12"
BASE = "https://kg.example.org/"
EVENT = f"{BASE}event/{NAME}/"
STATEMENT = f"{BASE}statement/{NAME}/"
KGO = f"{BASE}ontology#"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The third article built on its own (the build checks the shapes; a violation fails it)."""
    seeds = tmp_path_factory.mktemp("third") / "seeds"
    seeds.mkdir()
    for path in (FIXTURES / "articles").glob(f"{NAME}.*"):
        shutil.copy(path, seeds)
    build(seeds, seeds.parent / "dist")
    return seeds.parent / "dist"


@pytest.fixture(scope="module")
def dataset(dist):
    """The third article's dataset, opened as `kg query` opens it."""
    return open_dataset(dist)


def rows(dataset, query: str, **params) -> list[dict[str, str]]:
    """The answer as one mapping of variable to value per row, unbound variables left out."""
    results = run_query(query, params, dataset)
    return [{var: term.value for var, term in zip(results.vars, row) if term is not None} for row in results.rows]


def test_it_builds_beside_the_seed_and_the_second_article(tmp_path: Path):
    seeds = seeds_with_second_article(tmp_path / "seeds")
    for path in (FIXTURES / "articles").glob(f"{NAME}.*"):
        shutil.copy(path, seeds)
    assert build(seeds, tmp_path / "dist").articles == 3


def test_unnamed_people_have_a_describing_label_and_no_name(dataset):
    unnamed = rows(dataset, "unnamed")
    assert {(r["actorLabel"], r.get("fromLabel")) for r in unnamed} == {
        ("A senior official from Vietnam (not named in the article)", "Vietnam"),
        ("A delegate at the meeting (not named in the article)", None),
    }
    named = {r["actor"] for r in rows(dataset, "names")}
    assert not named & {r["actor"] for r in unnamed}


def test_words_with_no_speaker_have_a_likely_holder_only_as_a_reading(dataset):
    hailed = [r for r in rows(dataset, "voice") if r["statement"] == STATEMENT + "plan-hailed"]
    assert [(r["holderLabel"], r["holderReading"]) for r in hailed] == [("Lower Basin Water Council", KGO + "OtherReading")]


def test_a_sentence_with_two_readings_of_its_holder_gives_the_preferred_one_first(dataset):
    backed = [r for r in rows(dataset, "voice") if r["statement"] == STATEMENT + "laos-backed-plan"]
    assert [(r["holderLabel"], r["holderReading"]) for r in backed] == [
        ("Officials cited by the Delta Courier", KGO + "PreferredReading"),
        ("The Delta Courier", KGO + "OtherReading"),
    ]


def test_a_source_the_text_does_not_name_is_a_reading_not_a_relay(dataset):
    quoted = rows(dataset, "said-about", about=EVENT + "council-meeting")
    delegate = [r for r in quoted if r["statement"] == STATEMENT + "delegate-quoted"]
    assert [(r["sourceLabel"], r["sourceReading"]) for r in delegate] == [("The Delta Courier", KGO + "OtherReading")]


# The words with no speaker lose the one reading kg makes of who said them: a statement whose holder
# the text does not give, and kg reads none, as the shapes allow.
NO_READING_OF_THE_HOLDER = f"""
PREFIX prov: <http://www.w3.org/ns/prov#>
DELETE {{ ?statement prov:qualifiedAttribution ?reading . ?reading ?p ?o }}
WHERE {{
  BIND (<{STATEMENT}plan-hailed> AS ?statement)
  ?statement prov:qualifiedAttribution ?reading .
  ?reading prov:hadRole <{KGO}HolderRole> ; ?p ?o .
}}
"""
STATEMENTS_ABOUT = "SELECT ?statement ?about WHERE { ?statement <https://schema.org/about> ?about }"


@pytest.mark.parametrize("update", [None, NO_READING_OF_THE_HOLDER], ids=["as-built", "no-reading-of-the-holder"])
def test_said_about_gives_each_statement_the_holders_and_sources_voice_gives(dist, update):
    """said-about reads holders and sources as a union of cases, voice as an OPTIONAL: the same rows."""
    data = LocalDataset.from_files(dist / "kg.nq")
    if update:
        data.store.update(update)

    def attribution(row):
        return tuple(row.get(var) for var in ("holder", "holderReading", "source", "sourceReading"))

    voice: dict[str, set] = {}
    for row in rows(data, "voice"):
        voice.setdefault(row["statement"], set()).add(attribution(row))
    said: dict[str, set] = {}
    about = {(solution["statement"].value, solution["about"].value) for solution in data.store.query(STATEMENTS_ABOUT)}
    for resource in {resource for _, resource in about}:
        for row in rows(data, "said-about", about=resource):
            said.setdefault(row["statement"], set()).add(attribution(row))
    assert set(said) == {statement for statement, _ in about}  # no statement lost for want of a holder
    assert said == {statement: voice[statement] for statement in said}
    if update:
        assert said[STATEMENT + "plan-hailed"] == {(None, None, None, None)}


def test_undated_events_are_ordered_by_what_the_text_puts_before_them(dataset):
    earlier = {r["event"].removeprefix(EVENT): int(r["earlier"]) for r in rows(dataset, "timeline")}
    # Laos backed the plan "previously", before Hanoi "had suggested" the survey, before the meeting.
    assert (earlier["laos-backs-plan"], earlier["survey-proposal"], earlier["council-meeting"]) == (0, 1, 2)


def test_manner_and_extent_are_answered_with_their_words(dataset):
    details = {(r["detail"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["value"], r["words"]) for r in rows(dataset, "manner")}
    assert details == {
        ("eventAttendanceMode", "https://schema.org/OnlineEventAttendanceMode", "virtual"),
        ("memberCount", "10", "the 10-member council"),
        ("decisionRule", KGO + "ByMajority", "decides by majority vote"),
        ("numberOfItems", "3", "three-point"),
        ("itemListElement", "Shared flow data", "shared flow data"),
        ("itemListElement", "Advance notice of releases", "advance notice of releases"),
        ("claimsFirst", STATEMENT + "council-fails", "the first time since its founding"),
    }


def test_each_source_gives_the_meeting_its_own_purpose(dataset):
    purposes = rows(dataset, "purposes", event=EVENT + "council-meeting")
    assert [(r["holderLabel"], r["purpose"]) for r in purposes] == [
        ("Keo Sitha", "to settle the dry-season flows before the rains"),
        ("Farmers' groups", "protect the harvest"),
    ]


def test_words_that_refer_back_name_what_they_refer_to(dataset):
    back = rows(dataset, "refers-back")
    assert {(r["words"], r["to"].removeprefix(STATEMENT)) for r in back} == {
        ("The reversal by Laos", "laos-backed-plan"),
        ("The reversal by Laos", "official-on-survey"),
    }


def test_headline_and_section_are_parts_with_offsets(dataset):
    text = (FIXTURES / "articles" / f"{NAME}.txt").read_text(encoding="utf-8")
    parts = rows(dataset, "sections")
    assert [(r["heading"], int(r["begin"]), int(r["end"])) for r in parts] == [
        ("Water Council Fails to Agree on Dam Flows", 0, text.index("\n")),
        ("Talks Stall", text.index("Talks Stall"), len(text)),
    ]
    section = parts[1]
    assert (int(section["ownVoice"]), int(section["reportedVoice"])) == (0, 3)
