"""Load throughput into an Oxigraph server: kg load by Graph Store PUT and by SPARQL Update, beside `oxigraph load`.

Run from the repository:  python tests/benchmarks/bench_load.py [--triples 100000] [--runs 3]
It needs the `oxigraph` command (pip install '.[test]'). A synthetic graph of --triples triples
(tests/stores/synthetic.py: kg-like IRIs, typed and long literals) is written once as kg.nq.
Every run starts from an empty store on a new temporary directory:

- gsp:     `oxigraph serve` on a free loopback port, then kg.stores.load(method="gsp");
- gsp, replacing: the same load again into that store, which now holds the graph;
- update:  a new server, then kg.stores.load(method="update") at each --batch-sizes;
- bulk:    `oxigraph load --location DIR --file kg.nq`, the server not running (it locks DIR).

"send" times kg from its first request to its last answer; "end to end" adds reading kg.nq and
counting the triples in the store (kg load's default verification); bulk is the wall time of
the command. Figures are medians over --runs, in triples per second, measured with time.perf_counter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # the synthetic data and the server fixture live beside the tests

from kg.stores import Store, load, read_dataset, verify_counts  # noqa: E402
from stores.servers import OxigraphServer, oxigraph_command  # noqa: E402
from stores.synthetic import write_synthetic_dist  # noqa: E402


def kg_load(command: str, folder: Path, data: Path, method: str, batch_size: int | None,
            again: bool = False) -> dict[str, float]:
    """Seconds to send, and end to end, for one load into a new server (and a second one if `again`)."""
    server = OxigraphServer(Path(tempfile.mkdtemp(dir=folder)), command)
    server.start()
    try:
        with Store.connect(server.url, store_type="oxigraph", credentials=None) as store:
            times = {}
            for name in ("first", "again") if again else ("first",):
                start = time.perf_counter()
                graphs = read_dataset(data)
                result = load(store, graphs, method=method, batch_size=batch_size, verify="none")
                verify_counts(store, graphs)
                times[f"{name} send"] = result.seconds
                times[f"{name} end to end"] = time.perf_counter() - start
            return times
    finally:
        server.stop()


def bulk_load(command: str, folder: Path, data: Path) -> float:
    """Seconds of `oxigraph load` into a new directory."""
    location = Path(tempfile.mkdtemp(dir=folder))
    start = time.perf_counter()
    subprocess.run([command, "load", "--location", str(location), "--file", str(data)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-sizes", default="1000,10000", help="Triples per INSERT DATA, comma-separated.")
    args = parser.parse_args()
    command = oxigraph_command()
    if command is None:
        sys.exit("the oxigraph command is missing: pip install '.[test]'")
    version = subprocess.run([command, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        data = write_synthetic_dist(folder / "dist", 1, args.triples) / "kg.nq"
        print(f"{version}; one graph of {args.triples:,} triples ({data.stat().st_size / 1e6:.1f} MB of N-Quads); "
              f"median of {args.runs} runs\n")
        rows: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for name, seconds in kg_load(command, folder, data, "gsp", None, again=True).items():
                label = "gsp" if name.startswith("first") else "gsp, replacing"
                rows.setdefault(f"{label} | {name.split(' ', 1)[1]}", []).append(seconds)
            for size in (int(size) for size in args.batch_sizes.split(",")):
                for name, seconds in kg_load(command, folder, data, "update", size).items():
                    rows.setdefault(f"update, {size:,} a batch | {name.split(' ', 1)[1]}", []).append(seconds)
            rows.setdefault("oxigraph load (bulk) | wall", []).append(bulk_load(command, folder, data))
        print("| method | measured | seconds | triples/s |\n|---|---|---:|---:|")
        for label, seconds in rows.items():
            median = statistics.median(seconds)
            print(f"| {label} | {median:.2f} | {args.triples / median:,.0f} |")


if __name__ == "__main__":
    main()
