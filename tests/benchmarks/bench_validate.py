"""Validation time of the seed graph against shapes/, in-process and after imports; and what the shapes hold.

Run from the repository:  python tests/benchmarks/bench_validate.py [--runs 7]
The seed is built once into a temporary folder; the graph kg build checks (every named graph of
dist/kg.trig merged) is validated once to warm up, then --runs times, timed with
time.perf_counter. It prints the median, minimum and maximum, then counts the shapes, their
constraints, the fixtures under tests/shapes/ and the mutations of tests/test_shapes_mutations.py.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph, URIRef

from kg.build import build
from kg.check import load_shapes, run_shapes
from kg.validate import read_data

ROOT = Path(__file__).resolve().parents[2]
SH = "http://www.w3.org/ns/shacl#"
TARGETS = ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")
# One constraint per parameter a shape gives (sh:qualifiedValueShape stands for its counts too).
PARAMETERS = (
    "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength "
    "maxLength pattern languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node "
    "qualifiedValueShape closed hasValue in sparql"
).split()


def counts(shapes: Graph) -> dict[str, int]:
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    nodes = {s for t in TARGETS for s in shapes.subjects(sh(t), None)}
    properties = {p for n in nodes for p in shapes.objects(n, sh("property"))}
    constraints = sum(1 for s in nodes | properties for name in PARAMETERS for _ in shapes.objects(s, sh(name)))
    sparql = set(shapes.objects(None, sh("sparql")))
    return {
        "node shapes (with a target)": len(nodes),
        "property shapes": len(properties),
        "constraints (SHACL Core and SPARQL)": constraints,
        "  of which SPARQL-based": len(sparql),
        "shapes files": len(list((ROOT / "shapes").glob("*.ttl"))),
    }


def mutations() -> int:
    """The entries of MUTATIONS in tests/test_shapes_mutations.py, counted without running pytest."""
    tree = ast.parse((ROOT / "tests" / "test_shapes_mutations.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MUTATIONS" for t in node.targets):
            return len(node.value.elts)
    raise SystemExit("MUTATIONS not found in tests/test_shapes_mutations.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = build(ROOT / "seeds", Path(folder) / "dist")
        data = read_data([result.out / "kg.trig"])
    shapes = load_shapes()
    run_shapes(data, shapes)  # warm-up: query parsing, caches
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        findings, _ = run_shapes(data, shapes)
        seconds.append(time.perf_counter() - start)
    violations = sum(f.severity == "Violation" for f in findings)
    print(f"validation of the seed graph ({len(data):,} triples; {violations} violations, "
          f"{len(findings) - violations} warnings), {args.runs} runs:")
    print(f"  median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, max {max(seconds):.3f} s")
    for name, number in counts(shapes).items():
        print(f"{name:<38}{number:>5}")
    fixtures = ROOT / "tests" / "shapes"
    for kind in ("valid", "invalid", "warning"):
        print(f"{kind + ' fixtures':<38}{len(list(fixtures.glob(f'*-{kind}*.ttl'))):>5}")
    print(f"{'mutations of the seed':<38}{mutations():>5}")


if __name__ == "__main__":
    main()
