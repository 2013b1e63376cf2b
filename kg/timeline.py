"""`kg timeline`: the answers of the bundled `timeline` and `articles` queries drawn as an SVG picture.

Each dated event is a bar from the earliest to the latest day its time can be (a day, a week, a
month, a year, or a hedged span), coloured by its status; the days each article may have been
published are a band behind them, so what is planned stands to the right of it and what happened
to the left. Events the text does not date are listed below the chart, in the order the text gives
them ("earlier", "after"), as the `timeline` query sorts them. Every piece of text is
escaped, so labels from any record are safe in the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kg.errors import InputError
from kg.results import Results, Term
from kg.text import shorten, svg_text, xml_escape

__all__ = ["Timeline", "TimelineEvent", "PublicationWindow", "timeline_events", "publication_windows", "timeline_svg"]

# Status colours (colour-blind safe, Okabe-Ito), by the status's local name.
STATUS_COLOURS = {
    "EventHappened": ("#0072B2", "happened"),
    "EventOngoing": ("#009E73", "ongoing"),
    "EventScheduled": ("#D55E00", "scheduled"),
    "EventPlanned": ("#E69F00", "planned"),
    "EventPossible": ("#CC79A7", "possible"),
}
OTHER_COLOUR = "#999999"
PUBLISHED_STYLE = 'fill="#F0E442" fill-opacity="0.45"'

WIDTH = 1200
LABEL_WIDTH = 500  # the column of event labels left of the chart
MARGIN = 16
ROW = 22
BAR = 12
LABEL_CHARACTERS = 72
CLOSE_DAYS = 14  # the second chart: this many days either side of the publication window


@dataclass(frozen=True)
class TimelineEvent:
    """One row of the timeline query: an event, its status, and one of its times (if dated)."""

    event: str
    label: str
    status: str
    when: str = ""
    value: str = ""
    not_before: date | None = None
    not_after: date | None = None
    approximate: bool = False
    earlier: int = 0  # events the text puts before this one, so undated events keep the text's order

    @property
    def dated(self) -> bool:
        """Whether the text dates this time (the query gives both bounds or neither)."""
        return self.not_before is not None and self.not_after is not None


@dataclass(frozen=True)
class PublicationWindow:
    """The days an article may have been published (one day when it prints its date)."""

    identifier: str
    not_before: date
    not_after: date


@dataclass(frozen=True)
class Timeline:
    """The events of a dataset and its articles' publication windows, as the bundled queries answer."""

    events: list[TimelineEvent]
    windows: list[PublicationWindow]

    @classmethod
    def of(cls, dataset) -> Timeline:
        """Ask `dataset` (in-process, or a triple store) the `timeline` and `articles` queries."""
        from kg.query import run_query

        return cls(timeline_events(run_query("timeline", {}, dataset)),
                   publication_windows(run_query("articles", {}, dataset)))

    def svg(self) -> str:
        """The picture (see `timeline_svg`)."""
        return timeline_svg(self.events, self.windows)

    def summary(self) -> str:
        """How many events there are and how many of them the text dates."""
        events = _unique_events(self.events)
        dated = _unique_events(e for e in self.events if e.dated)
        return f"{len(events)} events, {len(dated)} of them dated, {len(self.windows)} article(s)"


def timeline_events(results: Results) -> list[TimelineEvent]:
    """The rows of the `timeline` query's answer, in its order."""
    rows = []
    for row in _records(results, ("event", "eventLabel", "status")):
        rows.append(TimelineEvent(
            event=row["event"], label=row.get("eventLabel") or row["event"], status=row["status"],
            when=row.get("when", ""), value=row.get("whenValue", ""),
            not_before=_date(row.get("notBefore")), not_after=_date(row.get("notAfter")),
            approximate=row.get("approximate") in ("true", "1"),
            earlier=int(row.get("earlier") or 0),
        ))
    return rows


def publication_windows(results: Results) -> list[PublicationWindow]:
    """The publication window of each article in the `articles` query's answer."""
    windows = []
    for row in _records(results, ("identifier",)):
        start, end = _date(row.get("notBefore")), _date(row.get("notAfter"))
        if start and end:
            windows.append(PublicationWindow(row["identifier"], start, end))
    return windows


def timeline_svg(events: list[TimelineEvent], windows: list[PublicationWindow]) -> str:
    """The picture as an SVG document: dated events as bars on a time axis, the others listed.

    A second chart shows the weeks around publication day by day, where "on Friday" and "next
    week" would otherwise be a few pixels wide.

    >>> svg = timeline_svg([TimelineEvent("e", "A <b>", "s#EventHappened", "in May", "2021-05",
    ...                                   date(2021, 5, 1), date(2021, 5, 31))], [])
    >>> svg.startswith("<svg") and "A &lt;b&gt;" in svg and "<b>" not in svg
    True
    """
    dated = [e for e in events if e.dated]
    undated = _unique_events(e for e in events if not e.dated)
    parts: list[str] = []
    y = MARGIN
    count = len(_unique_events(events))
    title = f"Timeline: {count} event{'s' if count != 1 else ''}"
    if windows:
        title += f" of {_articles(windows)}"
    parts.append(svg_text(MARGIN, y + 14, title, size=16, bold=True))
    y += 30
    if dated:
        first = min([e.not_before for e in dated] + [w.not_before for w in windows])
        last = _plus(max([e.not_after for e in dated] + [w.not_after for w in windows]), 1)
        pad = max(1, (last - first).days // 40)
        y = _chart(parts, y, "All dated events", _Scale(_plus(first, -pad), _plus(last, pad)),
                   dated, windows)
        if windows:
            close = _Scale(_plus(min(w.not_before for w in windows), -CLOSE_DAYS),
                           _plus(max(w.not_after for w in windows), CLOSE_DAYS + 1))
            near = [e for e in dated if e.not_after >= close.start and e.not_before < close.end]
            if near and (close.end - close.start) * 3 < (last - first):
                y = _chart(parts, y + 8, "Around publication, day by day", close, near, windows)
    if undated:
        y += 8
        parts.append(svg_text(MARGIN, y + 12, "Not dated by the text", size=13, bold=True))
        y += 20
        for event in undated:
            colour, status = _status(event.status)
            parts.append(f'<circle cx="{MARGIN + 5}" cy="{y + 8}" r="5" fill="{colour}"/>')
            parts.append(svg_text(MARGIN + 16, y + 12, f"{shorten(event.label, 100)} ({status}{_after(event)})",
                                  tooltip=f"{event.label} <{event.event}>"))
            y += ROW - 4
    y += 12
    parts += _legend(y, dated, windows)
    y += 24
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" '
            f'viewBox="0 0 {WIDTH} {y}" font-family="Helvetica, Arial, sans-serif" font-size="12">\n'
            f'<rect width="{WIDTH}" height="{y}" fill="#ffffff"/>\n')
    return head + "\n".join(parts) + "\n</svg>\n"


@dataclass(frozen=True)
class _Scale:
    """Days from `start` (inclusive) to `end` (exclusive) across the chart's width."""

    start: date
    end: date
    left: float = LABEL_WIDTH + MARGIN
    right: float = WIDTH - MARGIN

    def x(self, day: date) -> float:
        day = min(max(day, self.start), self.end)
        return self.left + (day - self.start).days / (self.end - self.start).days * (self.right - self.left)


def _chart(parts: list[str], y: float, title: str, scale: _Scale, events: list[TimelineEvent],
           windows: list[PublicationWindow]) -> float:
    """One chart: its title, the axis, the publication bands and a row per event; returns its bottom."""
    parts.append(svg_text(MARGIN, y + 12, title, size=13, bold=True))
    top = y + 34
    bottom = top + ROW * len(events)
    parts += _axis(scale, top - 6, bottom)
    parts += _windows(scale, windows, top - 6, bottom)
    for number, event in enumerate(events):
        parts += _row(scale, event, top + number * ROW)
    return bottom + 12


def _axis(scale: _Scale, top: float, bottom: float) -> list[str]:
    """Lines at each month (each quarter or year over long spans), or each Monday over short ones."""
    parts = []
    if (scale.end - scale.start).days <= 70:
        day = _plus(scale.start, (7 - scale.start.weekday()) % 7)
        while day < scale.end:
            parts += _tick(scale.x(day), top, bottom, f"{day.day} {day.strftime('%b')}")
            day = _plus(day, 7)
        return parts
    months = (scale.end.year - scale.start.year) * 12 + scale.end.month - scale.start.month
    # A line each month, quarter or year, or each so many years that about 20 fit, over any span.
    step = 1 if months <= 16 else 3 if months <= 48 else 12 * max(1, -(-months // (12 * 20)))
    index = scale.start.year * 12 + scale.start.month - 1
    index += -index % step
    while index < 9999 * 12 and (day := date(index // 12, index % 12 + 1, 1)) < scale.end:
        if day >= scale.start:
            label = day.strftime("%b %Y") if day.month == 1 or step >= 12 else day.strftime("%b")
            parts += _tick(scale.x(day), top, bottom, label)
        index += step
    return parts


def _tick(x: float, top: float, bottom: float, label: str) -> list[str]:
    return [f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e4e4e4"/>',
            svg_text(x + 2, top - 4, label, size=10, colour="#666666")]


def _windows(scale: _Scale, windows: list[PublicationWindow], top: float, bottom: float) -> list[str]:
    parts = []
    for window in windows:
        x1, x2 = scale.x(window.not_before), scale.x(_plus(window.not_after, 1))
        tooltip = f"{window.identifier} published {window.not_before}"
        if window.not_after != window.not_before:
            tooltip += f" to {window.not_after}"
        parts.append(f'<rect x="{x1:.1f}" y="{top:.1f}" width="{max(x2 - x1, 2):.1f}" height="{bottom - top:.1f}" '
                     f'{PUBLISHED_STYLE}><title>{xml_escape(tooltip)}</title></rect>')
    return parts


def _row(scale: _Scale, event: TimelineEvent, y: float) -> list[str]:
    colour, status = _status(event.status)
    when = f" — “{event.when}”" if event.when else ""
    label = shorten(event.label, max(LABEL_CHARACTERS - len(when), 12)) + when
    span = str(event.not_before) if event.not_before == event.not_after else f"{event.not_before} to {event.not_after}"
    tooltip = f"{event.label}: “{event.when}” = {event.value} ({span}{', approximate' if event.approximate else ''}); {status}"
    x1, x2 = scale.x(event.not_before), scale.x(_plus(event.not_after, 1))
    width = max(x2 - x1, 4.0)
    style = _bar_style(colour, event.approximate)
    parts = [
        svg_text(MARGIN, y + 10, label, tooltip=tooltip),
        f'<rect x="{x1:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" rx="2" {style}>'
        f'<title>{xml_escape(tooltip)}</title></rect>',
    ]
    if event.not_before < scale.start:  # begins before this chart does
        parts.append(svg_text(x1 - 9, y + 10, "◂", colour=colour))
    return parts


def _legend(y: float, dated: list[TimelineEvent], windows: list[PublicationWindow]) -> list[str]:
    swatches = [(name, _bar_style(colour)) for colour, name in STATUS_COLOURS.values()]
    if any(e.approximate for e in dated):
        swatches.append(("approximate", _bar_style("#666666", approximate=True)))
    if windows:
        swatches.append(("published", PUBLISHED_STYLE))
    parts, x = [], MARGIN
    for name, style in swatches:
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="10" {style}/>')
        parts.append(svg_text(x + 18, y + 9, name, size=11))
        x += 30 + 7 * len(name)
    return parts


def _bar_style(colour: str, approximate: bool = False) -> str:
    """A bar's paint: solid, or pale with a dashed outline for a hedged time."""
    if approximate:
        return f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-dasharray="3 2"'
    return f'fill="{colour}"'


def _status(status: str) -> tuple[str, str]:
    name = status.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return STATUS_COLOURS.get(name, (OTHER_COLOUR, name.removeprefix("Event").lower() or "unknown"))


def _articles(windows: list[PublicationWindow]) -> str:
    if len(windows) == 1:
        return f"article {windows[0].identifier}"
    return f"{len(windows)} articles"


def _after(event: TimelineEvent) -> str:
    """For an undated event: how many events the text puts before it, which is why it stands where it does."""
    if not event.earlier:
        return ""
    return f"; after {event.earlier} event{'s' if event.earlier != 1 else ''} the text puts before it"


def _unique_events(events) -> list[TimelineEvent]:
    seen, unique = set(), []
    for event in events:
        if event.event not in seen:
            seen.add(event.event)
            unique.append(event)
    return unique


def _records(results: Results, required: tuple[str, ...]) -> list[dict[str, str]]:
    missing = [name for name in required if name not in results.vars]
    if missing:
        raise InputError(f"the answer has no {', '.join('?' + name for name in missing)} column to draw")
    return [
        {name: term.value for name, term in zip(results.vars, row) if isinstance(term, Term)}
        for row in results.rows
    ]


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _plus(day: date, days: int) -> date:
    """`day` moved by `days`, kept within the years 1..9999 that a date can hold."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
