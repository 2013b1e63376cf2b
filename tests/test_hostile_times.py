"""Times at the edges of the calendar, long publication windows, long chains of "later".

Every failure is one line `Error: FILE:LINE: field: message` with exit code 2; a window of any
length is read as of a few of its days, never day by day.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.timex
from kg.build import prepare_article
from kg.timex import TimeExpressionError, TimeValue, normalise

RECORD = """\
article:
  publisher: mekong-wire
  published:
{published}
  language: en
actors:
  - id: mekong-wire
    kind: news-outlet
    name: Mekong Wire
    forms: [Mekong Wire]
events:
  - id: the-visit
    kind: visit
    label: The visit
    status: {status}
    quotes: ["{words}"]
    when: [{{quote: {when}}}]
"""


def write_article(folder: Path, *, published: str, status: str, words: str, when: str) -> Path:
    """A one-event article in `folder`, dated by `published` (the YAML lines under it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wire.txt").write_text(f"(Mekong Wire) -- {words}.\n", encoding="utf-8")
    record = folder / "wire.yaml"
    record.write_text(RECORD.format(published=published, status=status, words=words, when=when), encoding="utf-8")
    return record


ON = "    date: {}"
WINDOW = "    earliest: {}\n    latest: {}"


@pytest.mark.parametrize(
    "published, status, words, when, says",
    [
        (ON.format("9999-12-31"), "scheduled", "Sok Dara arrives tomorrow", "tomorrow",
         "'tomorrow' falls outside the years 1..9999 that kg can write, for an article published on 9999-12-31"),
        (ON.format("0001-01-01"), "happened", "Sok Dara arrived yesterday", "yesterday",
         "'yesterday' falls outside the years 1..9999 that kg can write, for an article published on 0001-01-01"),
        (ON.format("2022-03-10"), "happened", "Sok Dara arrived in 0000", "in 0000",
         "'in 0000' falls outside the years 1..9999 that kg can write, for an article published on 2022-03-10"),
        (ON.format("2022-03-10"), "happened", "Sok Dara arrived 99999 years ago", "99999 years ago",
         "'99999 years ago' falls outside the years 1..9999 that kg can write, for an article published on 2022-03-10"),
        (WINDOW.format("0001-01-01", "9999-12-31"), "happened", "Sok Dara arrived last month", "last month",
         "'last month' falls outside the years 1..9999 that kg can write, for an article published on 0001-01-01"),
        (WINDOW.format("0001-01-01", "9999-12-31"), "scheduled", "Sok Dara arrives on Friday", "on Friday",
         "'on Friday' falls outside the years 1..9999 that kg can write, for an article published on 9999-12-31"),
    ],
    ids=["tomorrow-at-9999-12-31", "yesterday-at-0001-01-01", "in-0000", "99999-years-ago",
         "last-month-in-0001-to-9999", "on-friday-in-0001-to-9999"],
)
def test_a_time_outside_the_years_kg_writes_is_one_error_line_at_the_time_field(
    tmp_path: Path, run_kg, published, status, words, when, says
):
    record = write_article(tmp_path / "seeds", published=published, status=status, words=words, when=when)
    line = record.read_text(encoding="utf-8").splitlines().index(f"    when: [{{quote: {when}}}]") + 1

    result = run_kg("build", "--seeds", str(record.parent), "--out", str(tmp_path / "dist"))

    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [f"Error: {record}:{line}: events[0].when[0].quote: {says}"]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "expression, day, direction",
    [
        ("next week", date(9999, 12, 25), None),
        ("this week", date(9999, 12, 30), None),
        ("later this week", date(9999, 12, 31), None),
        ("earlier this week", date(1, 1, 1), None),
        ("next year", date(9999, 1, 1), None),
        ("earlier this month", date(1, 1, 1), None),
        ("later this year", date(9999, 12, 31), None),
        ("December next year", date(9999, 1, 1), None),
        ("last March", date(1, 2, 1), None),
        ("May 5", date(9999, 6, 1), "future"),
        ("May 5", date(1, 1, 1), "past"),
        ("May 2021", date(1, 1, 1), None),  # read fine: it is absolute
        ("9999999 days ago", date(2022, 3, 10), None),
        ("about 9999999 years ago", date(2022, 3, 10), None),
        ("January 0000", date(2022, 3, 10), None),
        ("February 29, 0000", date(2022, 3, 10), None),
        ("on Monday", date(1, 1, 1), "past"),
    ],
)
def test_no_reading_at_the_calendar_edges_escapes_as_anything_but_a_time_expression_error(expression, day, direction):
    try:
        value = normalise(expression, (day, day), direction=direction)
    except TimeExpressionError as error:
        assert str(error).endswith(f"falls outside the years 1..9999 that kg can write, for an article published on {day}")
    else:
        assert date.min <= value.begin <= value.end <= date.max


def test_a_count_of_thousands_of_digits_is_an_error_with_the_expression_cut_short():
    with pytest.raises(TimeExpressionError) as raised:
        normalise("9" * 5000 + " days ago", (date(2022, 3, 10), date(2022, 3, 10)))
    assert str(raised.value) == (
        f"'{'9' * 59}…' falls outside the years 1..9999 that kg can write, for an article published on 2022-03-10"
    )


def test_a_window_of_two_centuries_resolves_to_the_interval_that_holds_for_all_of_it():
    value = normalise("last month", (date(1900, 1, 1), date(2100, 12, 31)))
    assert (value.unit, value.label) == ("interval", "1899-12-01/2100-11-30")


def test_an_absolute_time_holds_for_a_window_of_all_the_years_kg_writes():
    value = normalise("2022", (date(1, 1, 1), date(9999, 12, 31)))
    assert (value.unit, value.label, value.begin, value.end) == ("year", "2022", date(2022, 1, 1), date(2022, 12, 31))


def test_a_monday_anywhere_in_a_long_window_makes_earlier_this_week_empty():
    with pytest.raises(TimeExpressionError, match="'earlier this week' is empty when the article is dated 2022-01-10"):
        normalise("earlier this week", (date(2022, 1, 4), date(2122, 1, 4)))


def test_a_year_without_february_29_between_two_leap_years_is_found():
    with pytest.raises(TimeExpressionError, match="'february 29' is not a date"):
        normalise("February 29", (date(2024, 3, 10), date(2028, 3, 10)), direction="past")


@pytest.mark.parametrize("expression", ["last month", "earlier this week", "February 29", "nearly a year ago", "2022"])
def test_the_readings_of_an_expression_do_not_grow_with_the_window(monkeypatch, expression):
    readings: list[date] = []
    read = kg.timex._read

    def counted(expression, day, direction, after):
        readings.append(day)
        return read(expression, day, direction, after)

    monkeypatch.setattr(kg.timex, "_read", counted)
    for window in [(date(2022, 1, 4), date(2022, 1, 6)), (date(1900, 1, 1), date(2100, 12, 31))]:
        readings.clear()
        try:
            normalise(expression, window, direction="past")
        except TimeExpressionError:
            pass
        assert len(readings) <= 8, (window, readings)


def test_a_publication_window_of_all_the_years_kg_writes_is_read_with_the_record(tmp_path: Path):
    record = write_article(
        tmp_path, published=WINDOW.format("0001-01-01", "9999-12-31"), status="happened",
        words="Sok Dara arrived in May 2021", when="in May 2021",
    )
    value = prepare_article(record).record.events[0].when[0].value
    assert (value.unit, value.label) == ("month", "2021-05")


def test_a_chain_of_two_thousand_laters_resolves_without_exhausting_the_stack(tmp_path: Path):
    # Each event comes after the next one, so resolving the first goes 2,000 events deep.
    count = 2000
    sentences = [f"Event {n} came later." for n in range(count)] + ["The last event was in 2021."]
    events = [
        f"  - id: event-{n}\n    kind: meeting\n    label: Event {n}\n    status: happened\n"
        f"    quotes: [\"Event {n} came later\"]\n    when: [{{quote: later, after: event-{n + 1}}}]\n"
        for n in range(count)
    ]
    events.append(
        f"  - id: event-{count}\n    kind: meeting\n    label: The last event\n    status: happened\n"
        "    quotes: [The last event was in 2021]\n    when: [{quote: '2021'}]\n"
    )
    (tmp_path / "wire.txt").write_text("(Mekong Wire) -- " + " ".join(sentences) + "\n", encoding="utf-8")
    record = tmp_path / "wire.yaml"
    record.write_text(
        RECORD.split("events:\n")[0].format(published=ON.format("2022-03-10")) + "events:\n" + "".join(events),
        encoding="utf-8",
    )
    first = prepare_article(record).record.events[0].when[0].value
    assert (first.unit, first.label) == ("interval", "2021-01-01/2022-03-10")


def test_events_whose_times_come_after_each_other_in_a_circle_are_an_error(tmp_path: Path, run_kg):
    record = write_article(
        tmp_path / "seeds", published=ON.format("2022-03-10"), status="happened",
        words="Sok Dara arrived later", when="later, after: the-visit",
    )
    line = record.read_text(encoding="utf-8").splitlines().index("    when: [{quote: later, after: the-visit}]") + 1

    result = run_kg("build", "--seeds", str(record.parent), "--out", str(tmp_path / "dist"))

    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: {record}:{line}: events[0].when: the times of 'the-visit' come after each other in a circle"
    ]


# The value for a window is, by definition, what holds whatever day of it the article appeared:
# the readings as of every day, joined. kg reads only a few days; these tests hold it to the definition.

EXPRESSIONS = [
    "on Friday", "last Monday", "this Sunday", "next Tuesday", "today", "yesterday", "tomorrow",
    "earlier this week", "later this week", "earlier last week", "later next week", "last week", "next week",
    "earlier this month", "later this month", "earlier last month", "later next month", "last month", "this month",
    "earlier this year", "later this year", "last year", "next year", "February last year", "December this year",
    "February", "last February", "next March", "May 2021", "2022", "2022-02-28", "February 29", "29 February",
    "May 31", "January 1", "December 31", "nearly a year ago", "about a year ago", "two weeks ago", "a month ago",
    "about 3 days ago", "nearly 2 years ago", "roughly six months ago", "around a week ago", "later",
]


def joined_day_by_day(expression: str, window: tuple[date, date], *, direction, after) -> TimeValue:
    earliest, latest = window
    days = [earliest + timedelta(days=n) for n in range((latest - earliest).days + 1)]
    readings = [kg.timex._read(expression, day, direction, after) for day in days]
    labels = {r.label for r in readings}
    begin, end = min(r.begin for r in readings), max(r.end for r in readings)
    approximate = any(r.approximate for r in readings)
    if len(labels) == 1:
        return TimeValue(readings[0].unit, readings[0].label, begin, end, approximate)
    coarsest = max((r.unit for r in readings), key=kg.timex.UNITS.index)
    return kg.timex._coarsen(coarsest, begin, end, approximate)


def outcome(read, expression, window, direction, after):
    try:
        return read(expression, window, direction=direction, after=after)
    except TimeExpressionError as error:
        return str(error)


@settings(max_examples=400, deadline=None)
@given(
    expression=st.sampled_from(EXPRESSIONS),
    earliest=st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31)),
    length=st.one_of(st.integers(0, 40), st.integers(0, 1600)),
    direction=st.sampled_from([None, "past", "future"]),
    after_offset=st.integers(-10, 400),
    after_length=st.integers(0, 60),
)
def test_a_window_gives_the_value_that_holds_for_each_of_its_days(
    expression, earliest, length, direction, after_offset, after_length
):
    window = (earliest, earliest + timedelta(days=length))
    after = None
    if expression == "later":
        begin = earliest - timedelta(days=after_offset)
        after = TimeValue("interval", "", begin, begin + timedelta(days=after_length))
    assert outcome(normalise, expression, window, direction, after) == outcome(
        joined_day_by_day, expression, window, direction, after
    )
