"""Wall time of `kg build` on the seeds beside the time to import rdflib and pyshacl.

Run from the repository:  python tests/benchmarks/bench_build.py [--runs 5]
Each command runs as a fresh process; the figures are the median, minimum and maximum of the runs
after one warm-up run, and the ratio of each median to the imports'. `kg build` is timed as a
rebuild finds it (every article and the description in the cache the warm-up left) and with
`--no-cache` (every article built and checked; kg's shapes come compiled with kg).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, check=True, capture_output=True)  # warm-up: file caches, .pyc files
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        build = [sys.executable, "-m", "kg", "build", "--seeds", str(ROOT / "seeds"), "--out", out]
        commands = {
            "import rdflib, pyshacl": [sys.executable, "-c", "import rdflib, pyshacl"],
            "kg build (seeds, cached)": build,
            "kg build --no-cache": [*build, "--no-cache"],
        }
        print(f"{'command':<26} {'median s':>9} {'min s':>7} {'max s':>7} {'x imports':>10}   ({args.runs} runs each)")
        yardstick = None
        for name, command in commands.items():
            seconds = timed(command, args.runs)
            yardstick = yardstick or statistics.median(seconds)
            print(f"{name:<26} {statistics.median(seconds):9.2f} {min(seconds):7.2f} {max(seconds):7.2f} "
                  f"{statistics.median(seconds) / yardstick:10.2f}")


if __name__ == "__main__":
    main()
