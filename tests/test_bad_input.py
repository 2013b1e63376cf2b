"""Bad input: one line `Error: FILE:LINE: field: what is wrong`, exit code 2, dist/ untouched."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import SEEDS
from kg.write import MARKER

RECORD = "000_ce469ea1af2cc5a4.yaml"
TEXT = "000_ce469ea1af2cc5a4.txt"


@dataclass
class Case:
    name: str
    edit: Callable[[Path], None]
    line_of: str | None  # text of the line the error must name, found in the edited file
    field: str | None
    says: str
    file: str = RECORD


def replace(old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / RECORD
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= count, f"the seed record no longer contains {old!r}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


def write_record(content: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / RECORD).write_bytes(content)


def write_text(content: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / TEXT).write_bytes(content)


CASES = [
    Case("yaml_syntax_error", replace("    name: Hun Sen\n", "    name: [Hun Sen\n"),
         "    forms: [Hun Sen]", None, "YAML syntax error"),
    Case("unknown_field", replace("    name: Min Aung Hlaing\n", "    nmae: Min Aung Hlaing\n"),
         "    nmae: Min Aung Hlaing", "actors[1].nmae", "unknown field; did you mean 'name'?"),
    Case("missing_field", replace("    label: Hun Sen's visit to Myanmar\n    status: scheduled\n",
                                  "    label: Hun Sen's visit to Myanmar\n"),
         "  - id: hun-sen-visit", "events[0].status", "required field is missing"),
    Case("wrong_type", replace("    year: 2022\n", "    year: twenty\n"),
         "    year: twenty", "article.copyright.year",
         "year must be a whole number from 1000 to 9999; got 'twenty'"),
    Case("quote_not_in_text", replace("    quotes: [The Cambodian leader]\n", "    quotes: [The Cambodian premier]\n"),
         "    quotes: [The Cambodian premier]", "actors[0].quotes[0]", "is not in the article text"),
    Case("quote_with_straight_apostrophe",
         replace("[\"Cambodia’s Foreign Minister Prak Sokhonn\"]", "[\"Cambodia's Foreign Minister Prak Sokhonn\"]"),
         "        quotes: [\"Cambodia's Foreign Minister Prak Sokhonn\"]", "posts[1].holders[0].quotes[0]", "U+2019"),
    Case("ambiguous_quote", replace("      - {text: the country, occurrence: 2}\n", "      - the country\n"),
         "      - the country", "actors[7].quotes[1]", "is ambiguous: it appears 3 times"),
    Case("occurrence_out_of_range", replace("{text: the country, occurrence: 3}", "{text: the country, occurrence: 4}"),
         "      - {text: the country, occurrence: 4}", "actors[7].quotes[2]", "it appears 3 times"),
    Case("undefined_actor", replace("      - {role: visitor, actor: hun-sen}", "      - {role: visitor, actor: hun-senn}"),
         "      - {role: visitor, actor: hun-senn}", "events[0].roles[0].actor", "did you mean 'hun-sen'?"),
    Case("duplicate_id", replace("  - id: min-aung-hlaing\n", "  - id: hun-sen\n"),
         "  - id: hun-sen\n    kind: person\n    name: Min Aung Hlaing", "actors[1].id", "duplicate id 'hun-sen'"),
    Case("impossible_date", replace("    earliest: 2022-01-04\n", "    earliest: 2022-02-30\n"),
         "    earliest: 2022-02-30", "article.published.earliest", "2022-02-30"),
    Case("end_before_start", replace("    latest: 2022-01-06\n", "    latest: 2022-01-01\n"),
         "  published:", "article.published", "before earliest"),
    Case("empty_record", write_record(b""), None, None, "the record is empty"),
    Case("record_of_spaces", write_record(b"  \n\n"), None, None, "the record is empty"),
    Case("text_missing", lambda folder: (folder / TEXT).unlink(), None, "article.text", "is missing beside the record"),
    Case("text_not_utf8", write_text("Caf\u00e9 (Bloomberg)\n".encode("latin-1")), None, None,
         "not UTF-8 (byte 0xe9", file=TEXT),
    Case("unknown_event_kind", replace("    kind: visit\n", "    kind: trip\n"),
         "  - id: hun-sen-visit", "events[0]", "unknown kind 'trip'"),
    Case("bad_id", replace("  - id: zaw-min-tun\n", "  - id: Zaw Min Tun\n"),
         "  - id: Zaw Min Tun", "actors[3].id",
         "id must be an identifier: lower-case letters and digits in words joined by hyphens; got 'Zaw Min Tun'"),
    Case("form_not_a_whole_word", replace("    forms: [Malaysia]\n", "    forms: [Malay]\n"),
         "    forms: [Malay]", "actors[8].forms[0]", "does not appear in the article as a whole word"),
    Case("duplicate_key", replace("    name: China\n", "    name: China\n    name: PRC\n"),
         "    name: PRC", "actors[11].name", "duplicate key 'name'"),
    Case("attributed_without_holder", replace("    holder: zaw-min-tun\n", ""),
         "  - id: spokesman-confirms-meeting", "statements[3]", "an attributed statement needs a holder"),
    Case("unreadable_time", replace("    when: [{quote: next week}]", "    when: [{quote: court verdicts}]"),
         "    when: [{quote: court verdicts}]", "events[21].when[0].quote", "cannot read the time expression"),
    Case("holding_ends_before_it_begins",
         replace("        since: {quote: last month}\n",
                 "        since: {quote: last month}\n        until: {quote: February last year}\n"),
         "        until: {quote: February last year}", "posts[6].holders[0].until",
         "ends (2021-02) before it begins (2021-12)"),
    Case("reference_of_wrong_kind", replace("    original: suu-kyi-four-year-sentence\n", "    original: suu-kyi-verdict\n"),
         "    original: suu-kyi-verdict", "events[20].original", "is a verdict event, not a sentence event"),
    Case("place_as_actor",
         both(replace("  - id: singapore\n    kind: country\n", "  - id: singapore\n    kind: place\n"),
              replace("      - {role: organiser, actor: iseas-yusof-ishak-institute}",
                      "      - {role: organiser, actor: singapore}")),
         "      - {role: organiser, actor: singapore}", "events[5].roles[1].actor", "is a place, and a place cannot act"),
    Case("bad_wikidata_id", replace("    wikidata: Q424\n", "    wikidata: X424\n"),
         "    wikidata: X424", "actors[6].wikidata",
         "wikidata must be a Wikidata item, e.g. Q424; got 'X424'"),
    Case("empty_text", write_text(b"\n\n"), None, None, "the article text is empty", file=TEXT),
    # What the text leaves open or gives only in words
    Case("unnamed_actor_with_a_name",
         replace("    label: The former representative from Brunei (not named in the article)\n",
                 "    label: The former representative from Brunei (not named in the article)\n    name: Envoy\n"),
         "  - id: former-envoy-from-brunei", "actors[5]", "an actor needs a name, or a label that describes it"),
    Case("unnamed_country", replace("    name: Brunei\n", "    label: a country\n"),
         "  - id: brunei", "actors[9]", "only a person or an organisation can be unnamed"),
    Case("comes_from_not_a_country", replace("      actor: brunei\n      quotes: [from Brunei]", "      actor: asean\n      quotes: [from Brunei]"),
         "      actor: asean", "actors[5].comes_from.actor", "'asean' is not a country"),
    Case("holder_and_holder_not_given",
         replace("    holder_not_given: true\n", "    holder_not_given: true\n    holder: united-states\n"),
         "  - id: prisoners-unjustly-detained", "statements[16]", "give a holder or holder_not_given: true, not both"),
    Case("reading_is_the_holder",
         replace("    holder: critics\n", "    holder: critics\n    holder_readings: [{actor: critics}]\n"),
         "    holder_readings: [{actor: critics}]", "statements[5].holder_readings[0].actor",
         "'critics' is already given as a reading of this statement"),
    Case("source_readings_without_a_source", replace("    source_not_given: true\n", ""),
         "  - id: prak-sokhonn-on-civil-war", "statements[9]", "source_readings need relayed_by"),
    Case("event_ordered_against_itself",
         replace("{relation: before, event: envoy-appointment, quote: earlier}",
                 "{relation: before, event: malaysia-envoy-suggestion, quote: earlier}"),
         "    order: [{relation: before, event: malaysia-envoy-suggestion", "events[10].order[0].event",
         "an event cannot come before or after itself"),
    Case("events_in_both_orders",
         replace("    post: asean-special-envoy-to-myanmar\n",
                 "    post: asean-special-envoy-to-myanmar\n"
                 "    order: [{relation: before, event: malaysia-envoy-suggestion, quote: last month}]\n"),
         "    order: [{relation: before, event: envoy-appointment", "events[10].order[0].event",
         "'malaysia-envoy-suggestion' and 'envoy-appointment' are put in the other order at events[9].order[0].event"),
    Case("order_to_an_actor", replace("{relation: before, event: envoy-appointment, quote: earlier}",
                                      "{relation: before, event: malaysia, quote: earlier}"),
         "    order: [{relation: before, event: malaysia", "events[10].order[0].event", "'malaysia' is an actor, not an event"),
    Case("points_of_a_visit",
         replace("    duration: {value: P2D, quote: two-day}\n",
                 "    duration: {value: P2D, quote: two-day}\n    points: [{label: Two days, quote: two-day}]\n"),
         "  - id: hun-sen-visit", "events[0]", "only an agreement has points"),
    Case("more_points_than_counted", replace("    point_count: {value: 5, quote: five-point}", "    point_count: {value: 0, quote: five-point}"),
         "  - id: five-point-agreement", "events[12]", "points names 1, more than point_count says (0)"),
    Case("members_of_a_person", replace("    quotes: [The Cambodian leader]\n",
                                        "    quotes: [The Cambodian leader]\n    members: {value: 2, quote: the two leaders}\n"),
         "  - id: hun-sen", "actors[0]", "only an organisation has members and a decision rule"),
    Case("unknown_decision_rule", replace("    decides_by: {rule: consensus,", "    decides_by: {rule: voting,"),
         "    decides_by: {rule: voting,", "actors[13].decides_by.rule",
         "rule must be one of 'consensus', 'majority' or 'unanimity'; got 'voting'"),
    Case("attendance_words_not_in_text", replace("    attendance: {mode: online, quote: virtual}\n    roles:\n      - {role: speaker",
                                                 "    attendance: {mode: online, quote: online}\n    roles:\n      - {role: speaker"),
         "    attendance: {mode: online, quote: online}", "events[5].attendance.quote", "'online' is not in the article text"),
    Case("reference_back_to_an_actor", replace("refers_to: [{to: [hun-sen-on-asean-meetings], quote: a reversal in stance}]",
                                               "refers_to: [{to: [hun-sen], quote: a reversal in stance}]"),
         "    refers_to: [{to: [hun-sen]", "statements[11].refers_to[0].to[0]", "'hun-sen' is an actor, not an event or statement"),
    Case("purpose_of_an_actor", replace("    purposes: [{event: hun-sen-min-aung-hlaing-meeting, quote: to boost ties}]",
                                        "    purposes: [{event: zaw-min-tun, quote: to boost ties}]"),
         "    purposes: [{event: zaw-min-tun", "statements[3].purposes[0].event", "'zaw-min-tun' is an actor, not an event"),
    Case("two_headlines", replace("    - {part: heading, quote: Asean Divided}\n",
                                  "    - {part: headline, quote: Asean Divided}\n    - {part: headline, quote: \"©2022 Bloomberg L.P.\"}\n"),
         "  structure:", "article.structure", "an article has one headline in its structure"),
]
def line_number(folder: Path, file: str, marker: str) -> int:
    text = (folder / file).read_text(encoding="utf-8")
    at = text.index(marker)
    return text.count("\n", 0, at) + 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    dist = tmp_path / "dist"
    dist.mkdir()  # as an earlier build left it: kg's marker, and a file the failing build must leave alone
    (dist / MARKER).write_text("Written by kg build; the next kg build replaces this whole folder.\n", encoding="utf-8")
    (dist / "kg.ttl").write_text("# an earlier build\n", encoding="utf-8")
    return tmp_path


def test_there_are_at_least_fifteen_cases():
    assert len({case.name for case in CASES}) >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_one_line_with_file_line_and_field(case: Case, workspace: Path, run_kg):
    seeds, dist = workspace / "seeds", workspace / "dist"
    case.edit(seeds)
    before = snapshot(dist)

    result = run_kg("build", "--seeds", str(seeds), "--out", str(dist))

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    error = lines[-1]
    assert [line for line in lines if line.startswith("Error:")] == [error], result.stderr
    where = f"Error: {seeds / case.file}"
    if case.line_of is not None:
        where += f":{line_number(seeds, case.file, case.line_of)}:"
    assert error.startswith(where), f"{error!r} does not start with {where!r}"
    if case.field is not None:
        assert f": {case.field}: " in error, error
    assert case.says in error, error
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(dist) == before, "dist/ changed although the build failed"
