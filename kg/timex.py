"""Time expressions as written ("on Friday", "earlier this week", "nearly a year ago"), normalised.

An expression is read against the publication date. When the article's date is only known as a
window, the expression is read as of every day of the window and the results are joined: the
normalised value is the finest calendar unit (day, week, month, year) that holds whatever the
real publication day was, with the tightest bounds, or else an interval.

No reading goes back in time as the publication day moves on: a later day never gives an earlier
beginning, end or label. So the readings as of the window's first and last days bound all the
others, and the days between matter only where a reading can fail on some of them ("earlier this
week" on a Monday, "February 29" in a year that has none). `normalise` reads the expression as of
those few days, whatever the window's length; kg writes only the years 1..9999, and an expression
that leaves them is an error.

>>> from datetime import date
>>> normalise("on Friday", (date(2022, 1, 4), date(2022, 1, 6)), direction="future").label
'2022-01-07'
>>> normalise("earlier this week", (date(2022, 1, 4), date(2022, 1, 6))).label
'2022-W01'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from kg.text import shorten

__all__ = ["TimeValue", "TimeExpressionError", "normalise", "fixed", "UNITS"]

Unit = Literal["day", "week", "month", "year", "interval"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year", "interval")

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# "nearly a year ago": somewhat less than a year; "about a year ago": a quarter either side.
_HEDGES = {"nearly": (1.0, 0.75), "almost": (1.0, 0.75), "about": (1.25, 0.75),
           "around": (1.25, 0.75), "roughly": (1.25, 0.75), "some": (1.25, 0.75)}


class TimeExpressionError(ValueError):
    """An expression kg cannot read, or one that cannot hold for the publication date."""


_FIRST_YEAR, _LAST_YEAR = date.min.year, date.max.year
# The days from 0001-01-01 to 9999-12-31: a count with more digits, of any unit, leaves those years.
_MOST_DAYS = date.max.toordinal()


@dataclass(frozen=True)
class TimeValue:
    """A normalised time: its unit, a label in ISO 8601 form, and inclusive day bounds."""

    unit: Unit
    label: str
    begin: date
    end: date
    approximate: bool = False

    def __post_init__(self) -> None:
        if self.end < self.begin:
            raise TimeExpressionError(f"ends ({self.end}) before it begins ({self.begin})")


def fixed(begin: date, end: date, approximate: bool = False) -> TimeValue:
    """The calendar value for the days begin..end: a day, an ISO week, a month, a year, or an interval."""
    if end < begin:
        raise TimeExpressionError(f"ends ({end}) before it begins ({begin})")
    return _coarsen("day", begin, end, approximate)


def normalise(
    expression: str,
    window: tuple[date, date],
    *,
    direction: Literal["past", "future"] | None = None,
    after: TimeValue | None = None,
) -> TimeValue:
    """Normalise `expression` for a publication date anywhere in `window` (inclusive).

    The readings as of a few telling days stand for those of every day: since no reading goes
    back in time as the day moves on, their earliest beginning and latest end are those of all
    days, and one label among them is one label for all.
    """
    readings = [_read(expression, day, direction, after) for day in _telling_days(*window)]
    units = {r.unit for r in readings}
    labels = {r.label for r in readings}
    begin = min(r.begin for r in readings)
    end = max(r.end for r in readings)
    approximate = any(r.approximate for r in readings)
    if len(labels) == 1:
        return TimeValue(readings[0].unit, readings[0].label, begin, end, approximate)
    finest = max(units, key=UNITS.index)
    return _coarsen(finest, begin, end, approximate)


def _telling_days(earliest: date, latest: date) -> list[date]:
    """The days of the window whose readings decide the value, in order: at most eight.

    The first and the last day bound every reading. Besides them, the first day after `earliest`
    on which each kind of failure can happen: a Monday or a Sunday ("earlier/later this week"),
    the first or the last of a month ("earlier/later this month"), the last day of a year and the
    first of the next ("earlier/later this year", and "February 29", which fails in a year without
    it: a window whose ends are both in leap years but not in the same one reaches a New Year's Day
    in a year that is not).
    """
    days = {earliest, latest}
    if latest > earliest:
        after = earliest + timedelta(days=1)
        month_end = date(after.year, after.month, calendar.monthrange(after.year, after.month)[1])
        year_end = date(after.year, 12, 31)
        # As ordinals, which may pass 9999-12-31 where a date cannot.
        ordinals = [
            after.toordinal() + (7 - after.weekday()) % 7,  # a Monday
            after.toordinal() + 6 - after.weekday(),  # a Sunday
            after.toordinal() if after.day == 1 else month_end.toordinal() + 1,  # the first of a month
            month_end.toordinal(),
            year_end.toordinal(),
            year_end.toordinal() + 1,  # New Year's Day
        ]
        days.update(date.fromordinal(n) for n in ordinals if n <= latest.toordinal())
    return sorted(days)


def _coarsen(unit: Unit, begin: date, end: date, approximate: bool) -> TimeValue:
    """The finest calendar unit, no finer than `unit`, that contains begin..end."""
    candidates: list[tuple[Unit, str | None]] = [
        ("day", begin.isoformat() if begin == end else None),
        ("week", _week_label(begin) if _week_label(begin) == _week_label(end) else None),
        ("month", f"{begin:%Y-%m}" if (begin.year, begin.month) == (end.year, end.month) else None),
        ("year", f"{begin.year:04d}" if begin.year == end.year else None),
    ]
    for candidate, label in candidates[UNITS.index(unit) if unit != "interval" else 4 :]:
        if label is not None:
            return TimeValue(candidate, label, begin, end, approximate)
    return TimeValue("interval", f"{begin.isoformat()}/{end.isoformat()}", begin, end, approximate)


def _read(expression: str, day: date, direction: str | None, after: TimeValue | None) -> TimeValue:
    words = re.sub(r"[\s\u00a0]+", " ", expression.strip().lower()).strip(" .,;:")
    words = re.sub(r"^(on|in|during|at|by) ", "", words)
    hedge = None
    first, _, rest = words.partition(" ")
    if first in _HEDGES and rest:
        hedge, words = first, rest
    for pattern, reader in _READERS:
        match = re.fullmatch(pattern, words)
        if match:
            try:
                value = reader(match, day, direction, after, hedge)
            except OverflowError:  # from date arithmetic, or from _date and _count below
                raise TimeExpressionError(
                    f"{_shown(expression)} falls outside the years {_FIRST_YEAR}..{_LAST_YEAR} that kg can write, "
                    f"for an article published on {day}"
                ) from None
            if hedge and not value.approximate:
                value = TimeValue(value.unit, value.label, value.begin, value.end, True)
            return value
    raise TimeExpressionError(
        f"cannot read the time expression {_shown(expression)}; kg reads weekdays, dates, months, years, "
        "'last/this/next week|month|year', 'earlier this week', 'N units ago', and 'later' with after:"
    )


def _shown(expression: str) -> str:
    """The expression quoted for a message, cut short: it may be as long as a record allows."""
    return repr(shorten(expression, 60))


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _date(year: int, month: int, day: int) -> date:
    """A date; a year kg cannot write is an OverflowError, as date arithmetic past it is."""
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise OverflowError(f"year {year} is out of range")
    return date(year, month, day)


def _count(digits: str) -> int:
    """A count written in words or digits; one too large for any date span is an OverflowError."""
    if digits in _NUMBERS:
        return _NUMBERS[digits]
    if len(digits) > len(str(_MOST_DAYS)):  # before int(), which refuses very long digit strings
        raise OverflowError(f"{digits} is too large")
    return int(digits)


def _month(year: int, month: int) -> TimeValue:
    first = _date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    return TimeValue("month", f"{year:04d}-{month:02d}", first, last)


def _year(year: int) -> TimeValue:
    return TimeValue("year", f"{year:04d}", _date(year, 1, 1), _date(year, 12, 31))


def _day(day: date) -> TimeValue:
    return TimeValue("day", day.isoformat(), day, day)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = _date(year, month + 1, 1)
    return first.replace(day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _need_direction(direction: str | None, words: str) -> str:
    if direction is None:
        raise TimeExpressionError(f"{words!r} needs a direction (past or future)")
    return direction


def _weekday(match, day, direction, after, hedge) -> TimeValue:
    which, name = match.group(1), match.group(2)
    way = {"last": "past", "next": "future", "this": direction or "future"}.get(which or "", direction)
    way = _need_direction(way, match.group(0))
    target = _WEEKDAYS[name]
    step = 1 if way == "future" else -1
    candidate = day + timedelta(days=step)
    while candidate.weekday() != target:
        candidate += timedelta(days=step)
    return _day(candidate)


def _relative_day(match, day, direction, after, hedge) -> TimeValue:
    return _day(day + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[match.group(1)]))


def _relative_week(match, day, direction, after, hedge) -> TimeValue:
    part, which = match.group(1), match.group(2)
    monday, sunday = _week(day + timedelta(weeks={"last": -1, "this": 0, "next": 1}[which]))
    if part == "earlier":
        sunday = day - timedelta(days=1)
    elif part == "later":
        monday = day + timedelta(days=1)
    if sunday < monday:
        raise TimeExpressionError(f"{match.group(0)!r} is empty when the article is dated {day}")
    return TimeValue("week", _week_label(monday), monday, sunday)


def _relative_month(match, day, direction, after, hedge) -> TimeValue:
    part, which = match.group(1), match.group(2)
    value = _month(*_ym(_shift_months(day.replace(day=1), {"last": -1, "this": 0, "next": 1}[which])))
    if part == "earlier":
        value = TimeValue("month", value.label, value.begin, day - timedelta(days=1))
    elif part == "later":
        value = TimeValue("month", value.label, day + timedelta(days=1), value.end)
    return value


def _relative_year(match, day, direction, after, hedge) -> TimeValue:
    part, which = match.group(1), match.group(2)
    value = _year(day.year + {"last": -1, "this": 0, "next": 1}[which])
    if part == "earlier":
        value = TimeValue("year", value.label, value.begin, day - timedelta(days=1))
    elif part == "later":
        value = TimeValue("year", value.label, day + timedelta(days=1), value.end)
    return value


def _month_of_year(match, day, direction, after, hedge) -> TimeValue:
    month, which = _MONTHS[match.group(1)], match.group(2)
    return _month(day.year + {"last": -1, "this": 0, "next": 1}[which], month)


def _named_month(match, day, direction, after, hedge) -> TimeValue:
    which, month = match.group(1), _MONTHS[match.group(2)]
    way = _need_direction({"last": "past", "next": "future"}.get(which or "", direction), match.group(0))
    year = day.year
    if way == "past" and (month >= day.month):
        year -= 1
    if way == "future" and (month <= day.month):
        year += 1
    return _month(year, month)


def _month_year(match, day, direction, after, hedge) -> TimeValue:
    return _month(int(match.group(2)), _MONTHS[match.group(1)])


def _year_only(match, day, direction, after, hedge) -> TimeValue:
    return _year(int(match.group(1)))


def _iso_date(match, day, direction, after, hedge) -> TimeValue:
    try:
        return _day(date.fromisoformat(match.group(0)))
    except ValueError as error:
        raise TimeExpressionError(f"{match.group(0)!r} is not a date: {error}") from None


def _month_day(match, day, direction, after, hedge) -> TimeValue:
    groups = match.groupdict()
    month = _MONTHS[groups["month"]]
    number = int(groups["day"])
    year = int(groups["year"]) if groups.get("year") else None
    way = _need_direction(direction, match.group(0)) if year is None else None
    try:
        if year is not None:
            return _day(_date(year, month, number))
        candidate = date(day.year, month, number)
        if way == "past" and candidate >= day:
            candidate = _date(day.year - 1, month, number)
        if way == "future" and candidate <= day:
            candidate = _date(day.year + 1, month, number)
        return _day(candidate)
    except ValueError as error:
        raise TimeExpressionError(f"{match.group(0)!r} is not a date: {error}") from None


def _ago(match, day, direction, after, hedge) -> TimeValue:
    count = _count(match.group(1))
    unit = match.group(2).rstrip("s")
    far, near = _HEDGES.get(hedge, (1.0, 1.0))

    def back(amount: float) -> date:
        if unit in ("month", "year") and amount == int(amount):
            return _shift_months(day, -int(amount) * (12 if unit == "year" else 1))
        days_per_unit = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}[unit]
        return day - timedelta(days=round(amount * days_per_unit))

    begin, end = back(count * far), back(count * near)
    if begin == end and not hedge:
        # "a year ago" names the year (month, week, day) that date falls in.
        return {"day": _day, "week": lambda d: TimeValue("week", _week_label(d), *_week(d)),
                "month": lambda d: _month(d.year, d.month), "year": lambda d: _year(d.year)}[unit](begin)
    return _coarsen(unit, begin, end, approximate=True)


def _later(match, day, direction, after, hedge) -> TimeValue:
    if after is None:
        raise TimeExpressionError(f"{match.group(0)!r} needs 'after:' naming the event it came after")
    return _coarsen("day", after.begin, day, approximate=False)


_WEEKDAY = "|".join(_WEEKDAYS)
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_READERS = [
    (rf"(?:(last|this|next) )?({_WEEKDAY})", _weekday),
    (r"(today|yesterday|tomorrow)", _relative_day),
    (r"(?:(earlier|later) )?(last|this|next) week", _relative_week),
    (r"(?:(earlier|later) )?(last|this|next) month", _relative_month),
    (r"(?:(earlier|later) )?(last|this|next) year", _relative_year),
    (rf"({_MONTH}) (last|this|next) year", _month_of_year),
    (rf"(?:(last|next) )?({_MONTH})", _named_month),
    (rf"({_MONTH}),? (\d{{4}})", _month_year),
    (r"(\d{4})", _year_only),
    (r"\d{4}-\d{2}-\d{2}", _iso_date),
    (rf"(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}))?", _month_day),
    (rf"(?P<day>\d{{1,2}}) (?P<month>{_MONTH})(?:,? (?P<year>\d{{4}}))?", _month_day),
    (r"(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+) "
     r"(days?|weeks?|months?|years?) ago", _ago),
    (r"(later|afterwards|subsequently)", _later),
]


def _ym(day: date) -> tuple[int, int]:
    return day.year, day.month
