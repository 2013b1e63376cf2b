"""Wall time, peak memory and triples/s of `kg build` on synthetic corpora of N articles.

Run from the repository:  python tests/benchmarks/bench_scale.py [--sizes 1,10,100] [--runs 3] [-- BUILD OPTIONS]

Each corpus is made by tests/benchmarks/corpus.py, then built by `kg build --timings` in a fresh
process per run, with a cache of its own (a cold build); peak memory is the largest resident set of
that process and its children (getrusage), and the time of each stage is the one kg build prints.
With --rebuild, each run also changes one article's record and builds again into the same folder
and cache, twice: the first rebuild follows the full build, the second another rebuild, as when an
editor changes one article after another; each is reported with its stages. The file system is
synced before each, so that a rebuild does not pay for writing the previous build's files to disk.
Figures are the median (minimum-maximum) of the runs; stages are the first run's. A rebuild's
share is of its own run's full build. With --corpus DIR, the corpus is kept there (made once).

With --results FILE.json, each size's figures are kept in FILE (a size measured again replaces its
entry), so that sizes measured by different runs of this script, such as 1 to 1,000 with three
runs and 10,000 with one, can be drawn together; --chart FILE.svg draws them (charts.py),
or this run's sizes alone when no results file is given:
    python tests/benchmarks/bench_scale.py --sizes 1,10,100,1000 --runs 3 --rebuild --results scale.json --chart scale.svg
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from charts import Measure, machine, parse_stages, scale_svg  # noqa: E402


def _run(command: list[str], cwd: Path) -> tuple[float, float, str, str]:
    """Seconds, peak MiB, the first line of stdout and the stages line of stderr of one command in a fresh process."""
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - start\n"
        "if done.returncode: sys.exit(done.stderr[-2000:])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "stages = [line for line in done.stderr.splitlines() if line.startswith('Stages: ')] or ['']\n"
        "print(seconds, peak, (done.stdout.strip().splitlines() or [''])[0], stages[-1], sep='\\t')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *command], capture_output=True, text=True, cwd=cwd)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    seconds, peak, summary, stages = done.stdout.rstrip("\n").split("\t")
    return float(seconds), float(peak), summary, stages


def _triples(summary: str) -> int:
    """The triple count in kg build's summary line ("Built 10 articles: 11,424 triples, ...")."""
    return int(summary.split(": ", 1)[1].split(" triples", 1)[0].replace(",", ""))


def _touch_one(seeds: Path) -> None:
    record = sorted(seeds.glob("*.yaml"))[len(list(seeds.glob("*.yaml"))) // 2]
    record.write_text(record.read_text(encoding="utf-8") + f"# changed at {time.time()}\n", encoding="utf-8")


def _figure(values: list[float], unit: str, digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} {unit} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def rebuild_shares(rebuilds: list[float], walls: list[float]) -> str:
    """Each rebuild's time as a share of the full build of its own run (the issue's target is a share),
    as the median and range of the runs: run by run, so that a run on a slower minute is compared
    with its own build.

    >>> rebuild_shares([2.0, 3.0], [40.0, 50.0])
    '5.5 % (5.0-6.0)'
    """
    return _figure([100 * rebuild / wall for rebuild, wall in zip(rebuilds, walls)], "%", 1)


def caption(measures: list[Measure]) -> str:
    """The picture's caption: this machine (cores, memory, Python) and the days the figures were measured."""
    days = sorted({measure.measured for measure in measures if measure.measured})
    when = "measured" if not days else f"measured {days[0]}" if len(days) == 1 else f"measured {days[0]} to {days[-1]}"
    return f"{machine()}; {when} by tests/benchmarks/bench_scale.py"


def keep_results(path: Path | None, measures: list[Measure]) -> list[Measure]:
    """`measures`, with the other sizes of the results file (and the file written back) when one is given."""
    if path is None:
        return measures
    kept = {}
    if path.is_file():
        for entry in json.loads(path.read_text(encoding="utf-8"))["sizes"]:
            kept[entry["size"]] = Measure(**entry)
    kept.update((measure.size, measure) for measure in measures)
    ordered = [kept[size] for size in sorted(kept)]
    # Figures to the millisecond and the kibibyte, read back through JSON to round every float at once.
    entries = [json.loads(json.dumps(dataclasses.asdict(m)), parse_float=lambda text: round(float(text), 3)) for m in ordered]
    path.write_text(json.dumps({"sizes": entries}, indent=1) + "\n", encoding="utf-8")
    return ordered


def measure(size: int, seeds: Path, work: Path, runs: int, rebuild: bool, options: list[str]) -> tuple[Measure, list[str]]:
    """The figures of `runs` builds of the corpus in `seeds`, and the stages lines of the first build and rebuilds."""
    result = Measure(size, 0, [], [], measured=time.strftime("%Y-%m-%d"))
    lines = []
    for run in range(runs):
        out = work / f"dist-{run}"
        command = [sys.executable, "-m", "kg", "build", "--seeds", str(seeds), "--out", out.name,
                   "--cache", f"cache-{run}", "--timings", *options]
        seconds, peak, summary, timings = _run(command, work)
        result.walls.append(seconds)
        result.peaks.append(peak)
        result.triples = _triples(summary)
        lines.append(timings)
        if rebuild:
            for times in (result.rebuilds, result.again):
                _touch_one(seeds)
                os.sync()
                seconds, _, _, timings = _run(command, work)
                times.append(seconds)
                lines.append(timings)
    result.stages = parse_stages(lines[0])
    return result, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="comma-separated numbers of articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="also time a rebuild after one changed article")
    parser.add_argument("--corpus", type=Path, help="keep each corpus in DIR/N (made once) instead of a temporary folder")
    parser.add_argument("--results", type=Path, help="keep each size's figures in this JSON file, with those of earlier runs")
    parser.add_argument("--chart", type=Path, help="draw the figures (of --results, or of this run) as an SVG picture")
    parser.add_argument("options", nargs="*", help="more options for kg build (after --)")
    args = parser.parse_args()
    print(f"kg build on synthetic corpora, {args.runs} runs each: median (min-max)")
    measures = []
    for size in (int(part) for part in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            seeds = (args.corpus / str(size)).resolve() if args.corpus else work / "seeds"
            if not seeds.is_dir():
                write_corpus(size, seeds)
            result, stages = measure(size, seeds, work, args.runs, args.rebuild, args.options)
            measures.append(result)
            line = (f"{size:>6} articles {result.triples:>10,} triples  wall {_figure(result.walls, 's')}  "
                    f"peak {_figure(result.peaks, 'MiB', 0)}  {result.triples / result.wall():,.0f} triples/s")
            if result.rebuilds:
                line += (f"  rebuild after 1 changed: {_figure(result.rebuilds, 's')} after the build, "
                         f"{rebuild_shares(result.rebuilds, result.walls)} of it; {_figure(result.again, 's')} "
                         f"after a rebuild, {rebuild_shares(result.again, result.walls)} of the build")
            print(line, flush=True)
            print(f"        build   {stages[0]}", flush=True)
            if result.rebuilds:
                print(f"        rebuild {stages[1]}", flush=True)
                print(f"        again   {stages[2]}", flush=True)
    measures = keep_results(args.results, measures)
    if args.chart:
        args.chart.write_text(scale_svg(measures, caption(measures)), encoding="utf-8")
        print(f"Wrote {args.chart}: {len(measures)} sizes")


if __name__ == "__main__":
    main()
