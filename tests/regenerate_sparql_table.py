"""Regenerate kg/data/sparql-analyses.json: the analyses of kg's own shapes' SPARQL constraints.

A first build reads every constraint with rdflib's parser, about a second for kg's shapes; the
table spares it (kg.shacl.sparql.ANALYSES). Run this after changing a constraint in shapes/, or
kg's reading of them in kg/shacl/sparql.py, or after upgrading rdflib, then commit the file:

    python tests/regenerate_sparql_table.py

tests/test_shacl_engine.py fails while the table is out of date with the shapes or the code; an
out-of-date table is never wrong at run time: a query it does not hold is read again, and the table
is not used with another version of rdflib than its own.
"""

from __future__ import annotations

import json

from kg.check import load_shapes
from kg.resources import data_file
from kg.shacl import compile_shapes
from kg.shacl.sparql import ANALYSES, analyses_table


def shipped_queries() -> list[str]:
    """The query of every SPARQL constraint of kg's shapes, as the engine runs it."""
    plan = compile_shapes(load_shapes())  # compiled, never the shipped plan (kg.shacl.shipped)
    return sorted({constraint.query for shape in plan.shapes for constraint in shape.sparql})


def main() -> None:
    table = analyses_table(shipped_queries())
    rows = ",\n".join(f"  {json.dumps(key)}: {json.dumps(analysis)}" for key, analysis in table["analyses"].items())
    text = f'{{\n "rdflib": {json.dumps(table["rdflib"])},\n "analyses": {{\n{rows}\n }}\n}}\n'  # a line each
    data_file(ANALYSES).write_text(text, encoding="utf-8")
    print(f"wrote {len(table['analyses'])} analyses for rdflib {table['rdflib']} to {data_file(ANALYSES)}")


if __name__ == "__main__":
    main()
