"""SHACL validation of one article's graph in milliseconds, with the findings pyshacl gives.

Why: pyshacl (kg.check, the reference) takes over a second for the seed's 2,100 triples, and a
newsroom's 1,000 articles must build in a minute on two cores. Most of that time is rdflib
evaluating each SPARQL constraint once per focus node, and Python walking every shape.

How: the shapes are compiled once into a Plan (kg.shacl.compile), plain data that pickles to
worker processes. Each graph is read once into rdflib terms indexed by dicts (kg.shacl.data);
SHACL Core runs over them following pyshacl's components (kg.shacl.engine, kg.shacl.components,
with pyshacl's literal helpers in kg.shacl.literals), and SHACL-SPARQL runs in pyoxigraph
(kg.shacl.solutions), each constraint once per graph where that gives the same solutions
(kg.shacl.sparql, which reads the constraints when the shapes are compiled). Checking a graph
against kg's shipped plan imports neither pyshacl nor rdflib's SPARQL parser.
The findings are kg.check.Finding objects, equal to kg.check.run_shapes' and in its order; tests
hold the two paths to that on every fixture and mutation of the shapes tests.

What the engine does not check exactly as pyshacl does raises Unsupported: a component kg's shapes
do not use; data with blank nodes (rdflib's parser renames them); literals Oxigraph stores or
rdflib's SPARQL reads otherwise, where a SPARQL constraint reads them. Validate those with kg.check.

>>> plan = plan_for()
>>> place = b'<https://kg.example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Place> .'
>>> for finding in validate_nquads(place, plan):
...     print(finding.severity, finding.component, finding.path or "-")
Violation sh:ClassConstraintComponent -
Warning sh:SPARQLConstraintComponent schema:sameAs
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.shacl.plan import Plan, Unsupported

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.check import Finding

__all__ = ["Plan", "Unsupported", "check_nquads", "compile_shapes", "plan_for", "validate_nquads", "validate_quads"]

# The compiler (rdflib's SPARQL parser, pyshacl's constants) and the engine are imported on first use:
# a rebuild whose plan and graphs are all cached loads neither, a first build with the shipped plan
# only the engine.


def compile_shapes(shapes: Graph) -> Plan:
    """Every shape of `shapes`, compiled (kg.shacl.compile.compile_shapes)."""
    from kg.shacl.compile import compile_shapes as compile_graph

    return compile_graph(shapes)


@lru_cache(maxsize=8)
def plan_for(folder: Path | None = None) -> Plan:
    """The compiled shapes of a folder (kg's own shapes/ by default), compiled once per process, or
    the plan shipped with kg where they are kg's own shapes (kg.shacl.shipped)."""
    from kg.check import load_shapes
    from kg.resources import shipped_dir
    from kg.shacl.shipped import shipped_plan

    folder = folder or shipped_dir("shapes")
    return shipped_plan(folder) or compile_shapes(load_shapes(folder))


def validate_nquads(data: bytes, plan: Plan) -> list[Finding]:
    """The findings of N-Quads (or N-Triples) bytes, every graph in them merged, as kg build checks a graph."""
    return check_nquads(data, plan)[0]


def check_nquads(data: bytes, plan: Plan, progress: Callable[[str], None] | None = None) -> tuple[list[Finding], int]:
    """The findings of N-Quads bytes (as validate_nquads), and the number of distinct triples read.

    `progress`, if given, is told what is being done: reading the data, then each shape checked.

    Python's cyclic garbage collector is paused meanwhile: the data becomes millions of term
    objects, none of them garbage, and each full collection went through all of them again
    (`kg validate` of the whole kg.nq of 1,000 articles: 38.8 s, 36.5 s paused; in a process
    that has not frozen its modules' objects as the kg program does, 42 s and 28 s).
    """
    from kg.shacl.data import Data
    from kg.shacl.engine import link, validate

    with _collector_paused():
        if progress:
            progress(f"reading {len(data) / 1e6:,.1f} MB of N-Quads")
        graph = Data.from_nquads(data, link(plan).terms)

        def checking(done: int, total: int) -> None:
            progress(f"[{done}/{total} shapes] checking {len(graph):,} triples")

        return validate(graph, plan, checking if progress else None), len(graph)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off within, then as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_quads(quads: Iterable[ox.Quad | ox.Triple], plan: Plan) -> list[Finding]:
    """The findings of pyoxigraph quads or triples, every graph merged.

    Quads parsed by pyoxigraph, not read back from a pyoxigraph Store: a store keeps a literal's
    value, not its datatype (an xsd:nonNegativeInteger comes back an xsd:integer), so sh:datatype
    could not be checked on what it returns.
    """
    from kg.shacl.data import Data
    from kg.shacl.engine import link, validate

    return validate(Data(quads, link(plan).terms), plan)
