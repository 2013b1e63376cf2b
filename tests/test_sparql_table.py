"""The analyses of kg's own SPARQL constraints shipped in kg/data (kg.shacl.sparql.ANALYSES).

A first build would read every constraint with rdflib's parser; the table spares it. It must hold
what that reading gives, for exactly kg's constraints, and be used only with its own rdflib.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from regenerate_sparql_table import shipped_queries

import kg.shacl.sparql as sparql
from kg.check import load_shapes
from kg.resources import data_file
from kg.shacl import compile_shapes


@pytest.fixture(autouse=True)
def _forget_the_table(monkeypatch):
    """Each test reads the table afresh, and leaves none it made for the tests after it."""
    sparql._known_analyses.cache_clear()
    yield
    sparql._known_analyses.cache_clear()


def shipped_table() -> dict:
    return json.loads(data_file(sparql.ANALYSES).read_text(encoding="utf-8"))


def test_the_table_holds_what_rdflib_reads_of_every_constraint_of_kgs_shapes():
    fresh = sparql.analyses_table(shipped_queries())
    table = shipped_table()
    stale = "out of date with shapes/ or kg/shacl/sparql.py: run python tests/regenerate_sparql_table.py"
    assert set(table["analyses"]) == set(fresh["analyses"]), stale
    assert {key: list(map(_lists, value)) for key, value in fresh["analyses"].items()} == table["analyses"], stale


def test_the_key_does_not_depend_on_the_order_of_the_prefixes():
    first = "PREFIX a: <urn:a#>\nPREFIX b: <urn:b#>\n\nSELECT $this WHERE { $this a:p ?o }"
    second = "PREFIX b: <urn:b#>\nPREFIX a: <urn:a#>\n\nSELECT $this WHERE { $this a:p ?o }"
    assert sparql.query_key(first) == sparql.query_key(second)
    assert sparql.query_key(first) != sparql.query_key(first.replace("a:p", "b:p"))


def test_the_plan_is_the_same_with_the_table_or_without(monkeypatch):
    graph = load_shapes()
    with_table = compile_shapes(graph)
    _use_table(monkeypatch, None)
    assert compile_shapes(graph).shapes == with_table.shapes


def test_the_table_is_used_with_its_own_rdflib_only(monkeypatch, tmp_path: Path):
    graph = load_shapes()
    plan = compile_shapes(graph)
    constraint = next(c for shape in plan.shapes for c in shape.sparql)
    # A table that says otherwise of one query, to see whether it is read.
    altered = {sparql.query_key(constraint.query): [["this", "altered"], False, [], "any", []]}
    _use_table(monkeypatch, tmp_path, {"rdflib": rdflib.__version__, "analyses": altered})
    used = _constraint(compile_shapes(graph), constraint.key)
    assert (used.variables, used.batch, used.reach) == (("this", "altered"), False, "any")

    _use_table(monkeypatch, tmp_path, {"rdflib": "0.0.0", "analyses": altered})
    assert _constraint(compile_shapes(graph), constraint.key) == constraint


def test_a_missing_or_broken_table_costs_only_time(monkeypatch, tmp_path: Path):
    graph = load_shapes()
    plan = compile_shapes(graph)
    for text in (None, "not json", '{"rdflib": "x"}', json.dumps({"rdflib": rdflib.__version__})):
        _use_table(monkeypatch, tmp_path, text)
        assert compile_shapes(graph).shapes == plan.shapes


def _use_table(monkeypatch, folder: Path | None, table: dict | str | None = None) -> None:
    """The table read from `folder` (none there when `table` is None, nor with no folder) from now on."""
    sparql._known_analyses.cache_clear()
    monkeypatch.setattr(sparql, "data_file", lambda name: (folder or Path("/nonexistent")) / name)
    if folder is not None and table is not None:
        (folder / sparql.ANALYSES).write_text(table if isinstance(table, str) else json.dumps(table), encoding="utf-8")
    elif folder is not None:
        (folder / sparql.ANALYSES).unlink(missing_ok=True)


def _constraint(plan, key: str):
    return next(c for shape in plan.shapes for c in shape.sparql if c.key == key)


def _lists(value):
    return list(value) if isinstance(value, tuple) else value
