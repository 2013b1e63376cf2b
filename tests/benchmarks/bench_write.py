"""Write time and peak memory of each output file: kg's writer beside rdflib's serialisers.

Run from the repository:  python tests/benchmarks/bench_write.py [--articles 100] [--runs 3]
                          python tests/benchmarks/bench_write.py --texts DIR --no-rdflib

The seeds and a synthetic corpus of --articles articles (tests/benchmarks/corpus.py) are built
once with kg.build.build, and their named graphs kept as canonical N-Quads (NAME.nq, and
metadata.nq for the dataset's description); --texts takes such a folder as it is. Each run then
writes every file from them in a fresh process: with kg.write, from the graphs' texts as the build
hands them over, and with rdflib's serialisers as kg wrote before (the graphs parsed into rdflib
first, untimed; the rdflib process also times graph_text, which turns its graphs into texts).
Times are medians over the runs; memory is each step's peak resident memory above what the
process held before it (Linux: VmHWM, reset between steps through /proc/self/clear_refs), and
"held before" what each process held with its inputs loaded.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import chain
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STEPS = ("held before", "fragments", "kg.ttl", "graphs/*.ttl, void.ttl", "kg.trig", "kg.nq", "kg.jsonld", "store/", "write_dataset, all",
         "rdflib Dataset", "graph_text")


def _rss_mib() -> float:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


def _peak_mib() -> float:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


class Steps:
    """Seconds and peak memory (MiB above the start) of each named step."""

    def __init__(self) -> None:
        self.figures: dict[str, tuple[float, float]] = {}

    def time(self, name: str, function, *args):
        Path("/proc/self/clear_refs").write_text("5")  # the peak from here on
        before = _rss_mib()
        start = time.perf_counter()
        result = function(*args)
        self.figures[name] = (time.perf_counter() - start, max(_peak_mib() - before, 0.0))
        return result


def _texts(folder: Path):
    from kg.write import GraphText

    def text(path: Path) -> GraphText:
        data = path.read_bytes()
        iri = data.split(b"\n", 1)[0].rsplit(b" ", 2)[1][1:-1].decode() if data else f"urn:kg:{path.stem}"
        return GraphText(iri, path.stem, data)

    graphs = [text(path) for path in sorted(folder.glob("*.nq")) if path.stem != "metadata"]
    metadata = folder / "metadata.nq"
    return graphs, text(metadata) if metadata.exists() else GraphText("https://kg.example.org/graph/metadata",
                                                                      "metadata", b"")


def _dump(path: Path, chunks) -> None:
    with path.open("wb") as file:
        for chunk in chunks:
            file.write(chunk)


def run_kg(folder: Path, out: Path) -> dict:
    """kg.write's steps, in write_dataset's order, then write_dataset whole."""
    from kg.resources import data_file
    from kg.write import write_dataset
    from kg.write import with_fragments
    from kg.write.jsonld import jsonld
    from kg.write.store import write_store
    from kg.write.turtle import PREFIX_LINES, trig_block

    graphs, metadata = _texts(folder)
    ontology = data_file("ontology.ttl")
    steps = Steps()
    steps.figures["held before"] = (0.0, _rss_mib())  # the process with its inputs, under every step's peak
    # Made in the articles' work (in the workers, then cached); write_dataset only puts them together.
    everything = steps.time("fragments", lambda: [with_fragments(graph) for graph in [*graphs, metadata]])
    graphs, metadata = everything[:-1], everything[-1]
    out.mkdir()
    (out / "graphs").mkdir()
    header = [PREFIX_LINES + b"\n"]
    steps.time("kg.ttl", _dump, out / "kg.ttl", chain(header, (graph.turtle for graph in everything)))

    def graph_files():
        for graph in graphs:
            _dump(out / "graphs" / f"{graph.name}.ttl", chain(header, [graph.turtle]))
        _dump(out / "void.ttl", chain(header, [metadata.turtle]))

    steps.time("graphs/*.ttl, void.ttl", graph_files)
    steps.time("kg.trig", _dump, out / "kg.trig", chain(header, (trig_block(g.iri, g.turtle) for g in everything)))
    steps.time("kg.nq", _dump, out / "kg.nq", (graph.nquads for graph in everything))
    steps.time("kg.jsonld", _dump, out / "kg.jsonld", jsonld(everything))
    steps.time("store/", write_store, out / "store", everything)  # alone, not beside the files
    steps.time("write_dataset, all", write_dataset, graphs, metadata, ontology, out.parent / "dist")
    return steps.figures


def run_rdflib(folder: Path, out: Path) -> dict:
    """What kg.write did before, with rdflib's serialisers, and graph_text."""
    import rdflib
    from rdflib.plugins.serializers.trig import TrigSerializer

    from kg.vocab import merged, new_dataset, new_graph
    from kg.write import graph_text, jsonld_context

    texts, metadata_text = _texts(folder)
    graphs = []
    for text in [*texts, metadata_text]:
        graph = new_graph(rdflib.URIRef(text.iri))
        graph.parse(data=text.nquads, format="nquads")
        graphs.append(graph)
    union = merged(graphs)
    steps = Steps()
    steps.figures["held before"] = (0.0, _rss_mib())
    out.mkdir()
    (out / "graphs").mkdir()
    steps.time("kg.ttl", lambda: (out / "kg.ttl").write_text(union.serialize(format="turtle"), encoding="utf-8"))

    def graph_files():
        for text, graph in zip(texts, graphs):
            (out / "graphs" / f"{text.name}.ttl").write_text(graph.serialize(format="turtle"), encoding="utf-8")
        (out / "void.ttl").write_text(graphs[-1].serialize(format="turtle"), encoding="utf-8")

    def dataset():
        made = new_dataset()
        for graph in graphs:
            named = made.graph(graph.identifier)
            for triple in graph:
                named.add(triple)
        return made

    def trig(made):
        serializer = TrigSerializer(made)
        serializer.contexts = [made.graph(graph.identifier) for graph in graphs]
        stream = io.BytesIO()
        serializer.serialize(stream, encoding="utf-8")
        (out / "kg.trig").write_bytes(stream.getvalue())

    def nquads(made):
        breaking = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
        text = made.serialize(format="nquads")
        lines = sorted(breaking.sub(lambda m: f"\\u{ord(m.group()):04X}", line)
                       for line in text.split("\n") if line.strip())
        (out / "kg.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def canonical(value):
        if isinstance(value, dict):
            return {key: canonical(value[key]) for key in sorted(value)}
        if isinstance(value, list):
            items = [canonical(item) for item in value]
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
        return value

    def jsonld(made):
        text = made.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
        (out / "kg.jsonld").write_text(json.dumps(canonical(json.loads(text)), indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")

    steps.time("graphs/*.ttl, void.ttl", graph_files)
    made = steps.time("rdflib Dataset", dataset)
    steps.time("kg.trig", trig, made)
    steps.time("kg.nq", nquads, made)
    steps.time("kg.jsonld", jsonld, made)
    steps.time("graph_text", lambda: [graph_text(graph, text.name) for graph, text in zip(graphs, texts)])
    return steps.figures


def prepare(articles: int, folder: Path) -> dict[str, Path]:
    """Build the seeds and a synthetic corpus once; keep each one's graphs as texts in a folder."""
    from corpus import write_corpus

    from kg.build import build
    from kg.write import graph_text

    corpora = {"seeds": ROOT / "seeds"}
    if articles:
        write_corpus(articles, folder / "corpus")
        corpora[f"{articles} articles"] = folder / "corpus"
    texts = {}
    for name, seeds in corpora.items():
        result = build(seeds, folder / f"dist-{len(texts)}")
        texts[name] = folder / f"texts-{len(texts)}"
        texts[name].mkdir()
        *graphs, metadata = result.graphs
        for graph in graphs:
            name_of = str(graph.identifier).rsplit("/", 1)[-1]
            (texts[name] / f"{name_of}.nq").write_bytes(graph_text(graph, name_of).nquads)
        (texts[name] / "metadata.nq").write_bytes(graph_text(metadata, "metadata").nquads)
    return texts


def measure(kind: str, texts: Path, runs: int) -> dict[str, tuple[float, float]]:
    """The median seconds and the largest peak memory of each step over `runs` fresh processes."""
    figures: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run([sys.executable, __file__, "--run", kind, str(texts), str(Path(folder) / "out")],
                                  check=True, capture_output=True, text=True)
        for step, pair in json.loads(done.stdout).items():
            figures.setdefault(step, []).append(tuple(pair))
    return {step: (statistics.median(s for s, _ in pairs), max(m for _, m in pairs)) for step, pairs in figures.items()}


def report(name: str, texts: Path, kg: dict, old: dict) -> None:
    quads = sum(len(path.read_bytes().splitlines()) for path in texts.glob("*.nq"))
    print(f"\n{name}: {quads:,} quads in {len(list(texts.glob('*.nq')))} graphs")
    print(f"{'step':<24} {'rdflib s':>9} {'kg s':>8} {'x faster':>9} {'kg quads/s':>11} {'rdflib MiB':>11} {'kg MiB':>7}")
    for step in STEPS:
        if step not in kg and step not in old:
            continue
        new_s, new_m = kg.get(step, (None, None))
        old_s, old_m = old.get(step, (None, None))
        if step == "held before":  # memory only: the inputs, as each writer holds them
            old_s = new_s = None
        cells = [f"{old_s:9.2f}" if old_s is not None else f"{'':>9}",
                 f"{new_s:8.2f}" if new_s is not None else f"{'':>8}",
                 f"{old_s / new_s:9.0f}" if old_s and new_s else f"{'':>9}",
                 f"{quads / new_s:11,.0f}" if new_s else f"{'':>11}",
                 f"{old_m:11.0f}" if old_m is not None else f"{'':>11}",
                 f"{new_m:7.0f}" if new_m is not None else f"{'':>7}"]
        print(f"{step:<24} " + " ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="size of the synthetic corpus (0: the seeds only)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per writer; the median is shown")
    parser.add_argument("--texts", type=Path, help="a folder of NAME.nq (and metadata.nq) to write instead of building")
    parser.add_argument("--no-rdflib", action="store_true", help="leave out rdflib's serialisers (slow past 100 articles)")
    parser.add_argument("--run", nargs=3, help=argparse.SUPPRESS)  # one measuring process: KIND TEXTS OUT
    args = parser.parse_args()
    if args.run:
        kind, texts, out = args.run
        print(json.dumps((run_kg if kind == "kg" else run_rdflib)(Path(texts), Path(out))))
        return
    with tempfile.TemporaryDirectory() as folder:
        corpora = {str(args.texts): args.texts} if args.texts else prepare(args.articles, Path(folder))
        print(f"median of {args.runs} runs each, in fresh processes")
        for name, texts in corpora.items():
            kg = measure("kg", texts, args.runs)
            old = {} if args.no_rdflib else measure("rdflib", texts, args.runs)
            report(name, texts, kg, old)


if __name__ == "__main__":
    main()
