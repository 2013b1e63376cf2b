"""Pages per second and size on disk of `kg site`, on the seed and on synthetic corpora of N articles.

Run from the repository:  python tests/benchmarks/bench_site.py [--sizes 1000] [--runs 1] [--workers N]

The seed is built from seeds/; each corpus is made by tests/benchmarks/corpus.py and built by
`kg build` once (not timed); then `kg site` writes the site in a fresh process per run. Reported:
the resources with a page (each page comes with its .ttl and .jsonld), the seconds of `kg site`, pages
per second, the files, their bytes and the space they take on disk (du), and the peak memory of
the process and its workers. Figures are the median of the runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _kg(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def _disk(folder: Path) -> int:
    """Bytes the folder takes on disk (du), blocks and all."""
    done = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0]) * 1024


def _site(dist: Path, workers: int | None) -> dict:
    script = (
        "import json, resource, sys, time\n"
        "from pathlib import Path\n"
        "from kg.site.build import build_site\n"
        "start = time.perf_counter()\n"
        "r = build_site(Path(sys.argv[1]), Path(sys.argv[2]), workers=int(sys.argv[3]) or None)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024\n"
        "print(json.dumps({'pages': r.pages, 'files': r.files, 'bytes': r.bytes, 'seconds': seconds,"
        " 'peak': peak, 'by_kind': r.by_kind, 'layout': r.layout}))\n"
    )
    site = dist.parent / "site"
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", script, str(dist), str(site), str(workers or 0)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"kg site failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["disk"] = _disk(site)
    return figures


def _row(name: str, runs: list[dict]) -> str:
    seconds = statistics.median(r["seconds"] for r in runs)
    last = runs[-1]
    return (f"| {name} | {last['pages']:,} | {seconds:.1f} s | {last['pages'] / seconds:,.0f} | {last['files']:,} | "
            f"{last['bytes'] / 2**20:,.1f} MiB | {last['disk'] / 2**20:,.1f} MiB | "
            f"{statistics.median(r['peak'] for r in runs):,.0f} MiB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated numbers of synthetic articles")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="kg site's worker processes [cores]")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpora here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-site-"))
    lines = ["| dataset | pages | kg site | pages/s | files | bytes | on disk | peak memory |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    try:
        cases = [("seed", ROOT / "seeds")]
        for size in (int(s) for s in args.sizes.split(",") if s):
            seeds = folder / f"corpus-{size}" / "seeds"
            if not seeds.is_dir():
                write_corpus(size, seeds)
            cases.append((f"{size:,} articles", seeds))
        for name, seeds in cases:
            dist = folder / name.replace(" ", "-").replace(",", "") / "dist"
            if not (dist / "store").is_dir():
                started = time.perf_counter()
                _kg("build", "--seeds", str(seeds), "--out", str(dist), "-q", "--no-cache", cwd=ROOT)
                print(f"built {name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            runs = [_site(dist, args.workers) for _ in range(args.runs)]
            print(f"{name}: {json.dumps(runs[-1]['by_kind'])}, connections laid out by {runs[-1]['layout']}",
                  file=sys.stderr)
            lines.append(_row(name, runs))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
