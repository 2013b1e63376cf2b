"""kg timeline: the seed's events drawn as SVG, the same bytes each time, and every label escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query import LocalDataset
from kg.timeline import PublicationWindow, Timeline, TimelineEvent, timeline_svg
from regenerate_expected import TIMELINE

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[str]:
    """The tooltip of every event bar, in drawing order."""
    root = ET.fromstring(svg)
    return [rect.find(f"{SVG}title").text for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
            and "published" not in rect.find(f"{SVG}title").text]


def _texts(svg: str) -> list[str]:
    """What each text element shows (its tooltip, a <title> child, is not shown)."""
    shown = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        title = text.find(f"{SVG}title")
        shown.append((title.tail if title is not None else text.text) or "")
    return shown


def test_the_seed_timeline_is_the_expected_picture(run_kg, built_seed, tmp_path: Path):
    picture = tmp_path / "timeline.svg"
    result = run_kg("timeline", "--out", str(built_seed.out), "-o", str(picture))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Wrote {picture}: 23 events, 9 of them dated, 1 article(s)"
    assert picture.read_text(encoding="utf-8") == TIMELINE.read_text(encoding="utf-8"), (
        "the picture changed: run python tests/regenerate_expected.py and look at tests/expected/timeline.svg")


def test_every_dated_time_is_a_bar_and_the_weeks_around_publication_have_a_chart_of_their_own(built_seed):
    timeline = Timeline.of(LocalDataset.from_files(built_seed.out / "kg.nq"))
    dated = [e for e in timeline.events if e.not_before]
    assert len(dated) == 10 and len(timeline.events) == 24
    bars = _bars(timeline.svg())
    # First chart: all ten; second: the eight that reach into 2021-12-21..2022-01-20.
    assert len(bars) == 18
    assert bars[1].startswith("Military coup in Myanmar: “nearly a year ago” = 2021 (2021-01-04 to 2021-04-07, "
                              "approximate)")
    assert "Hun Sen's visit to Myanmar: “on Friday” = 2022-01-07 (2022-01-07); scheduled" in bars
    assert [PublicationWindow("000_ce469ea1af2cc5a4", date(2022, 1, 4), date(2022, 1, 6))] == timeline.windows


def test_events_without_a_date_are_listed_once_with_their_status(built_seed):
    svg = Timeline.of(LocalDataset.from_files(built_seed.out / "kg.nq")).svg()
    root = ET.fromstring(svg)
    texts = _texts(svg)
    listed = texts[texts.index("Not dated by the text") + 1:]
    assert "A split of ASEAN (possible)" in listed
    assert "Civil strife in Myanmar (ongoing; after 1 event the text puts before it)" in listed
    assert len(root.findall(f"{SVG}circle")) == 14


def test_undated_events_come_in_the_order_the_text_gives_not_by_label(built_seed):
    """The text puts the civil strife after the coup ("since"): it is listed after every undated
    event the text does not order, although its label comes first in the alphabet."""
    texts = _texts(Timeline.of(LocalDataset.from_files(built_seed.out / "kg.nq")).svg())
    undated = texts[texts.index("Not dated by the text") + 1:][:14]
    strife = next(i for i, text in enumerate(undated) if text.startswith("Civil strife in Myanmar"))
    assert strife == len(undated) - 1
    assert undated[0] == "A split of ASEAN (possible)"


def test_labels_that_look_like_markup_are_text_in_the_picture():
    hostile = '</text><script>alert("x")</script> & <b>bold</b> \'quoted\''
    event = TimelineEvent("https://kg.example.org/event/e?a=1&b=<2>", hostile, "https://x/status#EventPlanned",
                          'next "week"', "2022-W02", date(2022, 1, 10), date(2022, 1, 16))
    undated = TimelineEvent("https://kg.example.org/event/f", hostile, "https://x/status#EventWhatever")
    svg = timeline_svg([event, undated], [PublicationWindow("a&b<c>", date(2022, 1, 4), date(2022, 1, 6))])
    root = ET.fromstring(svg)  # well-formed: nothing broke out of its element
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    texts = _texts(svg)
    assert any(text.startswith(hostile[:40]) for text in texts)
    assert f"{hostile} (whatever)" in texts
    assert "Timeline: 2 events of article a&b<c>" in texts


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30, alphabet=st.characters(blacklist_categories=("Cs",))))
def test_the_picture_is_well_formed_xml_whatever_a_label_holds(label: str):
    event = TimelineEvent("https://kg.example.org/event/e", label, "https://x/status#EventPlanned",
                          label, "2022-01-10", date(2022, 1, 10), date(2022, 1, 10))
    undated = TimelineEvent("https://kg.example.org/event/f", label, "https://x/status#EventHappened")
    svg = timeline_svg([event, undated], [PublicationWindow(label, date(2022, 1, 4), date(2022, 1, 6))])
    root = ET.fromstring(svg)
    shown = " ".join(" ".join(_texts(svg)).split())
    # What XML can carry is shown as it is (white space as one space); the rest is replaced by U+FFFD.
    readable = "".join(c if c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c > "\uffff"
                       else "\ufffd" for c in label)
    assert " ".join(readable.split())[:40] in shown
    assert root.tag == f"{SVG}svg"


def test_standard_output_and_a_missing_folder(run_kg, built_seed, tmp_path: Path):
    result = run_kg("timeline", "--out", str(built_seed.out), "-o", "-")
    assert result.exit_code == 0
    assert result.stdout == TIMELINE.read_text(encoding="utf-8")
    missing = tmp_path / "nowhere" / "timeline.svg"
    result = run_kg("timeline", "--out", str(built_seed.out), "-o", str(missing))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {missing.parent}: the folder to write into does not exist"
    assert not missing.parent.exists()


def test_a_failed_write_leaves_the_old_picture(run_kg, built_seed, tmp_path: Path, monkeypatch):
    picture = tmp_path / "timeline.svg"
    picture.write_text("old", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(28, "disk full")

    monkeypatch.setattr("os.replace", broken)
    result = run_kg("timeline", "--out", str(built_seed.out), "-o", str(picture))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {picture}: cannot write the file: disk full"
    assert picture.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.svg"]


def test_times_at_the_ends_of_the_calendar_are_drawn_not_an_overflow():
    first = TimelineEvent("https://kg.example.org/event/a", "first", "https://x/status#EventHappened",
                          "in year 1", "0001", date(1, 1, 1), date(1, 12, 31))
    last = TimelineEvent("https://kg.example.org/event/b", "last", "https://x/status#EventPlanned",
                         "9999", "9999", date(9999, 1, 1), date(9999, 12, 31))
    svg = timeline_svg([first, last], [PublicationWindow("a", date(9999, 12, 25), date(9999, 12, 31))])
    ticks = [text for text in _texts(svg) if text.startswith("Jan ")]
    assert ticks[:2] == ["Jan 500", "Jan 1000"] and 10 <= len(ticks) <= 21  # a line each 500 years
    assert {bar.split(":")[0] for bar in _bars(svg)} == {"first", "last"}
