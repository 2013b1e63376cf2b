"""The benchmarks' pictures: kg's stage lines read back, SVG any parser reads, points and bars in
their order, text escaped, and the results of several runs kept together."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from benchmarks.bench_scale import caption, keep_results, rebuild_shares
from benchmarks.charts import (FAST_COLOUR, MARGIN_LEFT, PANEL, QUERY_LABEL, SLOW_COLOUR, Measure, QueryTime,
                               parse_stages, queries_svg, scale_svg)
from kg.engine.progress import Stages

SVG = "{http://www.w3.org/2000/svg}"


def _measures() -> list[Measure]:
    return [
        Measure(1000, 1_240_000, [54.0, 52.8, 62.2], [210.0, 208.0, 215.0], [2.6, 2.5, 2.7], [2.2, 2.3, 2.2],
                {"cache": 0.1, "articles": 39.0, "files and store": 12.7}),
        Measure(1, 2_450, [1.2, 1.1, 1.3], [80.0, 79.0, 81.0], [1.0, 1.0, 1.1], [1.1, 1.0, 1.2],
                {"cache": 0.02, "articles": 0.46, "files and store": 0.15}),
        Measure(100, 124_000, [7.0, 6.5, 7.5], [120.0, 118.0, 121.0], [1.3, 1.2, 1.4], [1.2, 1.2, 1.3],
                {"cache": 0.03, "articles": 4.4, "files and store": 1.6}),
    ]


def test_the_stages_line_of_kg_build_is_read_back():
    clock = iter([0.0, 0.25, 1.0, 41.5, 41.5, 41.5]).__next__
    stages = Stages(clock=clock)
    for name in ("cache", "articles", "across articles"):
        with stages(name):
            pass
    assert parse_stages(stages.line()) == {"cache": 0.25, "articles": 40.5, "across articles": 0.0}
    assert parse_stages("") == {}


def test_the_picture_is_svg_with_one_point_a_size_in_order_of_time():
    root = ET.fromstring(scale_svg(_measures(), "2 cores"))
    assert root.tag == f"{SVG}svg"
    points = root.findall(f"{SVG}circle")
    assert len(points) == 3 * 3  # full build, rebuild, memory: one point a size each
    build, rebuild, memory = points[:3], points[3:6], points[6:]
    xs = [float(point.get("cx")) for point in build]
    assert xs == sorted(xs) and len(set(xs)) == 3  # 1, 100, 1,000 articles from left to right
    build_ys = [float(point.get("cy")) for point in build]
    assert build_ys == sorted(build_ys, reverse=True)  # more seconds, higher up
    rebuild_ys = [float(point.get("cy")) for point in rebuild]
    assert all(r > b for r, b in zip(rebuild_ys[1:], build_ys[1:]))  # a rebuild is under its build
    memory_ys = [float(point.get("cy")) for point in memory]
    assert memory_ys == sorted(memory_ys, reverse=True)


def test_each_size_has_a_bar_of_its_stages_as_wide_as_the_panel():
    root = ET.fromstring(scale_svg(_measures(), "2 cores"))
    bars = [rect for rect in root.findall(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    rows: dict[str, float] = {}
    for bar in bars:
        rows[bar.get("y")] = rows.get(bar.get("y"), 0.0) + float(bar.get("width"))
    assert len(rows) == 3
    assert all(width == pytest.approx(PANEL, abs=0.5) for width in rows.values())
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert "articles: 72%" in titles  # 39.0 s of the first 1,000-article run's 54.0 s
    assert "start and finish: 4%" in titles  # what no stage counts: 54.0 - 51.8 s


def test_every_text_is_escaped():
    hostile = _measures()
    hostile[0].stages["<script>alert(1)</script>"] = 0.5
    svg = scale_svg(hostile, 'caption & "<b>bold</b>"')
    root = ET.fromstring(svg)
    assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}b") is None
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert 'caption & "<b>bold</b>"' in texts and "<script>alert(1)</script>" in texts


def test_results_of_several_runs_are_kept_and_a_size_measured_again_replaces_its_own(tmp_path: Path):
    results = tmp_path / "scale.json"
    small, hundred, thousand = sorted(_measures(), key=lambda measure: measure.size)
    assert keep_results(None, [small]) == [small]  # no file: this run's figures alone
    keep_results(results, [thousand, small])
    again = Measure(1, 2_450, [0.9], [70.0])
    kept = keep_results(results, [again, hundred])
    assert [measure.size for measure in kept] == [1, 100, 1000]
    assert kept[0].walls == [0.9]
    stored = json.loads(results.read_text(encoding="utf-8"))["sizes"]
    assert [entry["size"] for entry in stored] == [1, 100, 1000]
    assert stored[2]["stages"] == thousand.stages and stored[2]["walls"] == thousand.walls


def test_the_caption_names_the_machine_and_the_days_of_the_figures():
    first, second, third = _measures()
    first.measured, second.measured = "2026-12-01", "2026-12-02"
    assert "cores" in caption([third]) and caption([third]).endswith("measured by tests/benchmarks/bench_scale.py")
    assert "measured 2026-12-01 to 2026-12-02 by" in caption([first, second, third])
    second.measured = "2026-12-01"
    assert "measured 2026-12-01 by" in caption([first, second])


def test_a_rebuilds_share_is_of_the_full_build_of_its_own_run():
    # The second run's build was slower: its rebuild is 6 % of it, though 7.5 % of the first run's build.
    assert rebuild_shares([2.0, 3.0], [40.0, 50.0]) == "5.5 % (5.0-6.0)"
    assert rebuild_shares([2.4], [48.0]) == "5.0 % (5.0-5.0)"


def _query_times() -> list[QueryTime]:
    return [QueryTime("actor-events", "actor=…/zutousa-peadou", 5, 0.24, 0.054),
            QueryTime("actor-events", "", 23_500, 5.76, 4.104),
            QueryTime("who-is-named", "name=<Asean & co>", 1, 0.19, 0.001)]


def test_the_queries_picture_has_a_bar_a_form_coloured_by_the_target_and_as_long_as_its_time():
    root = ET.fromstring(queries_svg(_query_times(), 1.0, "2 cores"))
    bars = [rect for rect in root.findall(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.get("fill") for bar in bars] == [FAST_COLOUR, SLOW_COLOUR, FAST_COLOUR]
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] / widths[0] == pytest.approx(5.76 / 0.24, rel=0.01)
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert titles[1] == "actor-events (23,500 rows): 5.76 s in a fresh process, 4104 ms in-process"
    assert titles[2].startswith("who-is-named name=<Asean & co> (1 row)")  # escaped in the file, read back whole
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "kg query, each bundled query: 2 of 3 forms under 1 s" in texts


def test_the_queries_picture_s_column_of_names_is_as_wide_as_its_longest_name():
    short = ET.fromstring(queries_svg(_query_times(), 1.0, "2 cores"))
    long = _query_times() + [QueryTime("statements-by-outlet", "outlet=…/" + "baibaido-zainou-" * 4, 2, 0.17, 0.04)]
    wide = ET.fromstring(queries_svg(long, 1.0, "2 cores"))

    def left(root) -> float:  # where the bars start
        return float(next(rect for rect in root.findall(f"{SVG}rect") if rect.find(f"{SVG}title") is not None).get("x"))

    label = "statements-by-outlet outlet=…/" + "baibaido-zainou-" * 4 + " (2 rows)"
    assert left(short) == MARGIN_LEFT + QUERY_LABEL  # short names: the column's least width
    assert left(wide) - MARGIN_LEFT >= len(label) * 6 > QUERY_LABEL
    assert float(wide.get("width")) - left(wide) == float(short.get("width")) - left(short)  # the plot keeps its width
