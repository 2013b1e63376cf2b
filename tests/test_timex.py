"""Time expressions normalised against a publication date or a window of dates."""

from __future__ import annotations

from datetime import date

import pytest

from kg.timex import TimeExpressionError, fixed, normalise

SEED_WINDOW = (date(2022, 1, 4), date(2022, 1, 6))  # Tuesday to Thursday


@pytest.mark.parametrize(
    "expression, direction, unit, label, begin, end",
    [
        ("on Friday", "future", "day", "2022-01-07", date(2022, 1, 7), date(2022, 1, 7)),
        ("last month", None, "month", "2021-12", date(2021, 12, 1), date(2021, 12, 31)),
        ("February last year", None, "month", "2021-02", date(2021, 2, 1), date(2021, 2, 28)),
        ("in February last year", None, "month", "2021-02", date(2021, 2, 1), date(2021, 2, 28)),
        ("last year", None, "year", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("next week", None, "week", "2022-W02", date(2022, 1, 10), date(2022, 1, 16)),
        # Monday 3 January up to the day before publication, whichever day that was.
        ("earlier this week", None, "week", "2022-W01", date(2022, 1, 3), date(2022, 1, 5)),
        ("2022", None, "year", "2022", date(2022, 1, 1), date(2022, 12, 31)),
    ],
)
def test_seed_expressions_hold_for_the_whole_window(expression, direction, unit, label, begin, end):
    value = normalise(expression, SEED_WINDOW, direction=direction)
    assert (value.unit, value.label, value.begin, value.end) == (unit, label, begin, end)


def test_nearly_a_year_ago_is_approximately_2021():
    value = normalise("nearly a year ago", SEED_WINDOW)
    assert (value.unit, value.label, value.approximate) == ("year", "2021", True)
    assert value.begin == date(2021, 1, 4)


def test_a_value_that_differs_across_the_window_widens_to_what_holds_for_all():
    value = normalise("yesterday", SEED_WINDOW)
    assert (value.unit, value.label, value.begin, value.end) == ("week", "2022-W01", date(2022, 1, 3), date(2022, 1, 5))


def test_a_window_across_a_month_end_widens_to_the_year():
    value = normalise("yesterday", (date(2022, 1, 30), date(2022, 2, 3)))
    assert (value.unit, value.label) == ("year", "2022")


def test_later_runs_from_the_earlier_event_to_the_last_day_of_the_window():
    verdict = normalise("last month", SEED_WINDOW)
    value = normalise("later", SEED_WINDOW, after=verdict)
    assert (value.unit, value.label) == ("interval", "2021-12-01/2022-01-06")


def test_a_weekday_looks_back_for_past_events():
    assert normalise("on Monday", (date(2022, 1, 5), date(2022, 1, 5)), direction="past").label == "2022-01-03"


def test_an_exact_date_gives_a_day():
    assert normalise("on Tuesday", (date(2022, 3, 10), date(2022, 3, 10)), direction="past").label == "2022-03-08"


@pytest.mark.parametrize("expression", ["sometime soon", "on Friday", "January 7", "later"])
def test_unreadable_or_underspecified_expressions_are_errors(expression):
    with pytest.raises(TimeExpressionError):
        normalise(expression, SEED_WINDOW)


def test_earlier_this_week_cannot_be_said_on_a_monday():
    with pytest.raises(TimeExpressionError, match="empty"):
        normalise("earlier this week", (date(2022, 1, 3), date(2022, 1, 4)))


def test_fixed_picks_the_calendar_unit():
    assert fixed(date(2021, 12, 1), date(2021, 12, 31)).label == "2021-12"
    assert fixed(date(2022, 1, 3), date(2022, 1, 9)).label == "2022-W01"
    with pytest.raises(TimeExpressionError):
        fixed(date(2022, 1, 2), date(2022, 1, 1))
