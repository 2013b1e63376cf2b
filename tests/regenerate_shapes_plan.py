"""Regenerate kg/data/shapes-plan.json: the compiled plan of kg's own shapes (kg.shacl.shipped).

A first build compiles kg's shapes, a third of its time on the seed; the shipped plan spares it.
Run this after changing shapes/, kg's compiler (kg/shacl/, kg/check.py) or rdflib's version, after
tests/regenerate_sparql_table.py where a SPARQL constraint changed, then commit the file:

    python tests/regenerate_shapes_plan.py

tests/test_shapes_plan.py fails while the file is out of date; an out-of-date file is never used:
its key no longer names the shapes and the compiler, and they are compiled again.
"""

from __future__ import annotations

from kg.check import load_shapes
from kg.resources import data_file, shipped_dir
from kg.shacl import compile_shapes
from kg.shacl.shipped import PLAN_FILE, plan_file_text


def main() -> None:
    folder = shipped_dir("shapes")
    plan = compile_shapes(load_shapes(folder))  # compiled, never the shipped plan being replaced
    data_file(PLAN_FILE).write_text(plan_file_text(plan, folder), encoding="utf-8")
    print(f"wrote the plan of {len(plan.shapes)} shapes to {data_file(PLAN_FILE)}")


if __name__ == "__main__":
    main()
