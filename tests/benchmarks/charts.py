"""The benchmarks' figures as pictures (SVG), each text in them escaped, the captions too.

`scale_svg` draws bench_scale.py's figures in three panels, one point a corpus size:

1. The wall time of a full build (median, with the fastest and slowest run) and of a rebuild after
   one changed article, on logarithmic axes: a line that rises one decade a decade is a build whose
   time grows in proportion to the number of articles.
2. The peak memory of a full build, on the same axis of articles.
3. Where a full build's time goes: each stage of `kg build --timings` as a share of the wall time,
   a bar per size; "start and finish" is what no stage counts (starting Python, importing kg,
   printing the summary).

`queries_svg` draws bench_corpus_queries.py's: a bar a query form, its time in a fresh `kg query`
process, with the time of the query alone in-process inside it, against a line at the target.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from dataclasses import dataclass, field

from kg.text import svg_text, xml_escape

__all__ = ["Measure", "QueryTime", "machine", "parse_stages", "queries_svg", "scale_svg"]

# Okabe-Ito colours, safe for colour-blind readers; a stage kg names later gets the grey.
STAGE_COLOURS = {
    "cache": "#56B4E9",
    "shapes": "#CC79A7",
    "articles": "#0072B2",
    "across articles": "#E69F00",
    "files and store": "#009E73",
    "start and finish": "#BBBBBB",
}
OTHER_STAGE = "#999999"
BUILD_COLOUR = "#0072B2"
REBUILD_COLOUR = "#D55E00"
MEMORY_COLOUR = "#009E73"

PANEL = 300  # width and height of a plot area
LEFT = 64  # room for the y axis's labels
MARGIN_LEFT = 16
GAP = 110
RIGHT = 150  # room for the stages' key
TOP = 56
WIDTH = LEFT + 3 * PANEL + 2 * GAP + RIGHT
HEIGHT = TOP + PANEL + 150


def machine() -> str:
    """This machine, for a caption: `2 cores, 24 GiB, Linux, Python 3.11.7`."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()}, Python {platform.python_version()}"


@dataclass
class Measure:
    """One corpus size's figures: seconds and MiB of each run; stages of the first full build."""

    size: int
    triples: int
    walls: list[float]
    peaks: list[float]
    rebuilds: list[float] = field(default_factory=list)  # after one changed article, right after the build
    again: list[float] = field(default_factory=list)  # after one changed article, after a rebuild
    stages: dict[str, float] = field(default_factory=dict)
    measured: str = ""  # the day, YYYY-MM-DD

    def wall(self) -> float:
        return statistics.median(self.walls)

    def stage_shares(self) -> dict[str, float]:
        """Each stage's seconds of the first run, and what they leave of its wall time, as shares of it."""
        total = self.walls[0]
        shares = {name: seconds / total for name, seconds in self.stages.items()}
        shares["start and finish"] = max(0.0, 1.0 - sum(shares.values()))
        return shares


def parse_stages(line: str) -> dict[str, float]:
    """`Stages: cache 0.01 s, articles 0.88 s, files and store 0.27 s` as {name: seconds}.

    >>> parse_stages("Stages: cache 0.01 s, across articles 0.00 s")
    {'cache': 0.01, 'across articles': 0.0}
    """
    stages = {}
    for part in line.removeprefix("Stages: ").split(", ") if line else []:
        name, seconds, _unit = part.rsplit(" ", 2)
        stages[name] = float(seconds)
    return stages


class _LogAxis:
    """Values to pixels on a logarithmic scale from the decade below the least value to the one above the most."""

    def __init__(self, values: list[float], start: float, length: float, flip: bool = False) -> None:
        positive = [value for value in values if value > 0] or [1.0]
        self.low = math.floor(math.log10(min(positive)))
        self.high = max(math.ceil(math.log10(max(positive))), self.low + 1)
        self.start, self.length, self.flip = start, length, flip

    def __call__(self, value: float, *, clamp: bool = True) -> float:
        """The pixel of `value`; one under the axis's least is drawn at it unless `clamp` is false."""
        value = max(value, 10.0 ** self.low) if clamp else value
        share = (math.log10(value) - self.low) / (self.high - self.low)
        return self.start + (1 - share if self.flip else share) * self.length

    def decades(self) -> list[float]:
        return [10.0 ** exponent for exponent in range(self.low, self.high + 1)]

    def between(self) -> list[float]:
        """2 and 5 times each decade, within the axis: labelled where the axis spans few decades."""
        return [step * value for value in self.decades()[:-1] for step in (2, 5)]


def _number(value: float) -> str:
    """A tick's label: 0.1, 1, 10, 1,000, 10,000."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _frame(left: float, title: str, y_label: str) -> list[str]:
    return [
        f'<rect x="{left}" y="{TOP}" width="{PANEL}" height="{PANEL}" fill="#FAFAFA" stroke="#888888"/>',
        svg_text(left, TOP - 22, title, size=14, bold=True),
        svg_text(left, TOP - 6, y_label, size=11, colour="#555555"),
        svg_text(left + PANEL / 2, TOP + PANEL + 36, "articles", anchor="middle", size=11, colour="#555555"),
    ]


def _grid(left: float, x: _LogAxis, y: _LogAxis) -> list[str]:
    parts = []
    for value in x.decades():
        at = x(value)
        parts.append(f'<line x1="{at:.1f}" y1="{TOP}" x2="{at:.1f}" y2="{TOP + PANEL}" stroke="#DDDDDD"/>')
        parts.append(svg_text(at, TOP + PANEL + 18, _number(value), anchor="middle", size=11))
    for value in y.decades():
        at = y(value)
        parts.append(f'<line x1="{left}" y1="{at:.1f}" x2="{left + PANEL}" y2="{at:.1f}" stroke="#DDDDDD"/>')
        parts.append(svg_text(left - 8, at + 4, _number(value), anchor="end", size=11))
    for value in y.between():
        at = y(value)
        parts.append(f'<line x1="{left}" y1="{at:.1f}" x2="{left + PANEL}" y2="{at:.1f}" stroke="#EEEEEE"/>')
        if y.high - y.low <= 2:
            parts.append(svg_text(left - 8, at + 4, _number(value), anchor="end", size=10, colour="#777777"))
    return parts


def _proportional(x: _LogAxis, y: _LogAxis, size: int, seconds: float, left: float) -> list[str]:
    """A dashed line through (size, seconds) with the slope of a time in proportion to the articles."""
    low, high = 10.0 ** x.low, 10.0 ** x.high
    ends = [(x(n), y(seconds * n / size, clamp=False)) for n in (low, high)]
    (x1, y1), (x2, y2) = ends
    # Cut at the frame: the line leaves it at the top or bottom when the times span fewer decades.
    bottom, top = TOP + PANEL, TOP
    if y1 > bottom:
        x1 = x1 + (x2 - x1) * (y1 - bottom) / (y1 - y2)
        y1 = bottom
    if y2 < top:
        x2 = x2 - (x2 - x1) * (top - y2) / (y1 - y2)
        y2 = top
    return [f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999999" stroke-dasharray="5,4"/>',
            f'<line x1="{left + 10}" y1="{TOP + PANEL + 96}" x2="{left + 30}" y2="{TOP + PANEL + 96}" stroke="#999999" '
            f'stroke-dasharray="5,4"/>',
            svg_text(left + 36, TOP + PANEL + 100, "in proportion to the articles", size=11)]


def _point(x: _LogAxis, y: _LogAxis, size: int, values: list[float]) -> tuple[float, float, float, float]:
    """A size's median of `values` as a point, with the pixels of their least and greatest."""
    return x(size), y(statistics.median(values)), y(min(values)), y(max(values))


def _series(points: list[tuple[float, float, float, float]], colour: str, label: str, key_y: float, left: float) -> list[str]:
    """A line through (x, y) with a whisker from y_low to y_high at each point, and its key."""
    if not points:
        return []
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _, _) in enumerate(points))
    parts = [f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>']
    for x, y, low, high in points:
        parts.append(f'<line x1="{x:.1f}" y1="{low:.1f}" x2="{x:.1f}" y2="{high:.1f}" stroke="{colour}" stroke-width="1.5"/>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
    parts.append(f'<line x1="{left + 10}" y1="{key_y - 4}" x2="{left + 30}" y2="{key_y - 4}" stroke="{colour}" stroke-width="2"/>')
    parts.append(svg_text(left + 36, key_y, label, size=11))
    return parts


def _times_panel(measures: list[Measure], left: float) -> list[str]:
    values = [value for m in measures for value in (*m.walls, *m.rebuilds, *m.again)]
    x = _LogAxis([m.size for m in measures], left, PANEL)
    y = _LogAxis(values, TOP, PANEL, flip=True)
    parts = _frame(left, "Wall time", "seconds, median and range of the runs") + _grid(left, x, y)
    builds = [_point(x, y, m.size, m.walls) for m in measures]
    parts += _series(builds, BUILD_COLOUR, "full build (empty cache)", TOP + PANEL + 64, left)
    largest = measures[-1]
    parts += _proportional(x, y, largest.size, largest.wall(), left)
    rebuilds = [_point(x, y, m.size, m.again) for m in measures if m.again]
    parts += _series(rebuilds, REBUILD_COLOUR, "rebuild after 1 changed article, after a rebuild", TOP + PANEL + 82, left)
    return parts


def _memory_panel(measures: list[Measure], left: float) -> list[str]:
    x = _LogAxis([m.size for m in measures], left, PANEL)
    y = _LogAxis([value for m in measures for value in m.peaks], TOP, PANEL, flip=True)
    parts = _frame(left, "Peak memory", "MiB, the build's processes") + _grid(left, x, y)
    points = [_point(x, y, m.size, m.peaks) for m in measures]
    return parts + _series(points, MEMORY_COLOUR, "full build", TOP + PANEL + 64, left)


def _stages_panel(measures: list[Measure], left: float) -> list[str]:
    parts = [svg_text(left, TOP - 22, "Where a full build's time goes", size=14, bold=True),
             svg_text(left, TOP - 6, "share of the wall time, first run", size=11, colour="#555555")]
    row = PANEL / max(len(measures), 1)
    bar = min(28.0, row * 0.7)
    names: dict[str, None] = {}  # every stage, in the order first met
    for index, measure in enumerate(measures):
        top = TOP + index * row + (row - bar) / 2
        parts.append(svg_text(left - 8, top + bar / 2 + 4, f"{measure.size:,}", anchor="end", size=11))
        at = float(left)
        for name, share in measure.stage_shares().items():
            names.setdefault(name)
            width = share * PANEL
            parts.append(f'<rect x="{at:.1f}" y="{top:.1f}" width="{width:.1f}" height="{bar:.1f}" '
                         f'fill="{STAGE_COLOURS.get(name, OTHER_STAGE)}"><title>{xml_escape(name)}: '
                         f'{share:.0%}</title></rect>')
            at += width
    parts.append(svg_text(left + PANEL / 2, TOP + PANEL + 18, "0 % to 100 % of the wall time", anchor="middle", size=11,
                          colour="#555555"))
    for index, name in enumerate(names):
        key_x, key_y = left + (index % 2) * 170, TOP + PANEL + 46 + (index // 2) * 18
        parts.append(f'<rect x="{key_x}" y="{key_y - 10}" width="12" height="12" fill="{STAGE_COLOURS.get(name, OTHER_STAGE)}"/>')
        parts.append(svg_text(key_x + 18, key_y, name, size=11))
    return parts


def scale_svg(measures: list[Measure], caption: str) -> str:
    """The picture of `measures` (sorted by size here), with `caption` (the machine, the date) below it."""
    measures = sorted(measures, key=lambda m: m.size)
    lefts = [LEFT + column * (PANEL + GAP) for column in range(3)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="sans-serif">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>',
        *_times_panel(measures, lefts[0]),
        *_memory_panel(measures, lefts[1]),
        *_stages_panel(measures, lefts[2]),
        svg_text(LEFT, HEIGHT - 12, caption, size=11, colour="#555555"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


@dataclass
class QueryTime:
    """One form of a bundled query: its name and parameters as shown, rows, and median seconds."""

    name: str
    parameters: str
    rows: int
    fresh: float  # `kg query` in a new process
    execute: float  # the query alone, on a store opened once in-process


QUERY_LABEL = 330  # the column of query names, at least
LABEL_CHARACTER = 6.4  # the width of a character of an 11-pixel sans-serif label, generously
QUERY_PLOT = 640
QUERY_ROW = 18
FAST_COLOUR = "#0072B2"
SLOW_COLOUR = "#D55E00"


def queries_svg(times: list[QueryTime], target: float, caption: str) -> str:
    """A bar a query form, in the order given: blue under `target` seconds in a fresh process, orange at
    or over it; the dark line inside a bar is the query's time in-process."""
    labels = [f"{time.name} {time.parameters}".strip() + f" ({time.rows:,} {'row' if time.rows == 1 else 'rows'})"
              for time in times]
    column = max([QUERY_LABEL, *(math.ceil(len(label) * LABEL_CHARACTER) + 8 for label in labels)])
    top, left = TOP + 10, MARGIN_LEFT + column
    most = max([target, *(time.fresh for time in times)])
    step = 0.5 if most <= 4 else 1.0 if most <= 10 else 5.0
    end = math.ceil(most / step) * step
    height = top + len(times) * QUERY_ROW + 96
    width = left + QUERY_PLOT + 40

    def at(seconds: float) -> float:
        return left + seconds / end * QUERY_PLOT

    under = sum(time.fresh < target for time in times)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
        svg_text(MARGIN_LEFT, TOP - 22, f"kg query, each bundled query: {under} of {len(times)} forms under {target:g} s",
                 size=14, bold=True),
        svg_text(MARGIN_LEFT, TOP - 6, "seconds, median of the runs", size=11, colour="#555555"),
    ]
    bottom = top + len(times) * QUERY_ROW
    tick = 0.0
    while tick <= end + 1e-9:
        parts.append(f'<line x1="{at(tick):.1f}" y1="{top}" x2="{at(tick):.1f}" y2="{bottom}" stroke="#E4E4E4"/>')
        parts.append(svg_text(at(tick), bottom + 16, f"{tick:g}", anchor="middle", size=11))
        tick += step
    for index, (time, label) in enumerate(zip(times, labels)):
        y = top + index * QUERY_ROW
        colour = FAST_COLOUR if time.fresh < target else SLOW_COLOUR
        parts.append(svg_text(left - 8, y + 13, label, anchor="end", size=11))
        parts.append(f'<rect x="{left}" y="{y + 3:.1f}" width="{at(time.fresh) - left:.1f}" height="{QUERY_ROW - 6}" '
                     f'fill="{colour}" fill-opacity="0.75"><title>{xml_escape(label)}: {time.fresh:.2f} s in a fresh '
                     f'process, {time.execute * 1000:.0f} ms in-process</title></rect>')
        parts.append(f'<line x1="{left}" y1="{y + QUERY_ROW / 2:.1f}" x2="{at(time.execute):.1f}" '
                     f'y2="{y + QUERY_ROW / 2:.1f}" stroke="#111111" stroke-width="2"/>')
    parts += [
        f'<line x1="{at(target):.1f}" y1="{top - 4}" x2="{at(target):.1f}" y2="{bottom + 4}" stroke="#111111" '
        f'stroke-dasharray="5,4"/>',
        svg_text(at(target) + 4, top - 6, f"{target:g} s", size=11),
        f'<rect x="{MARGIN_LEFT}" y="{bottom + 34}" width="12" height="12" fill="{FAST_COLOUR}" fill-opacity="0.75"/>',
        svg_text(MARGIN_LEFT + 18, bottom + 44, f"a fresh process, under {target:g} s", size=11),
        f'<rect x="{MARGIN_LEFT + 230}" y="{bottom + 34}" width="12" height="12" fill="{SLOW_COLOUR}" fill-opacity="0.75"/>',
        svg_text(MARGIN_LEFT + 248, bottom + 44, f"a fresh process, {target:g} s or more", size=11),
        f'<line x1="{MARGIN_LEFT + 470}" y1="{bottom + 40}" x2="{MARGIN_LEFT + 490}" y2="{bottom + 40}" stroke="#111111" '
        f'stroke-width="2"/>',
        svg_text(MARGIN_LEFT + 496, bottom + 44, "the query alone, in-process", size=11),
        svg_text(MARGIN_LEFT, height - 12, caption, size=11, colour="#555555"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
