"""The compiled plan of kg's own shapes shipped in kg/data (kg.shacl.shipped).

A first build would parse and compile every shape; the shipped plan spares it. It must be the plan
compiling gives, the same in every process, and be used only for the shapes and compiler it was
made from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import rdflib

import kg.shacl.shipped as shipped
from kg.check import load_shapes
from kg.resources import data_file, shipped_dir
from kg.shacl import compile_shapes, plan_for
from kg.shacl.plan import plan_data

STALE = "out of date with shapes/ or kg's compiler: run python tests/regenerate_shapes_plan.py"


def test_the_shipped_plan_is_the_one_compiling_kgs_shapes_gives():
    folder = shipped_dir("shapes")
    compiled = compile_shapes(load_shapes(folder))
    assert data_file(shipped.PLAN_FILE).read_text(encoding="utf-8") == shipped.plan_file_text(compiled, folder), STALE
    assert shipped.shipped_plan(folder) == compiled


def test_the_shapes_compile_to_the_same_plan_whatever_the_hash_seed():
    script = ("from kg.check import load_shapes; from kg.shacl import compile_shapes; "
              "print(compile_shapes(load_shapes()).digest)")
    digests = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1


def test_kgs_shapes_take_the_shipped_plan(monkeypatch):
    def no_compiling(graph):
        raise AssertionError("kg's own shapes were compiled")

    plan_for.cache_clear()
    monkeypatch.setattr("kg.shacl.compile_shapes", no_compiling)
    try:
        assert plan_for() == shipped.shipped_plan(shipped_dir("shapes"))
    finally:
        plan_for.cache_clear()


def test_an_edited_shape_is_compiled_again(tmp_path: Path):
    for shapes in shipped_dir("shapes").glob("*.ttl"):
        shutil.copy(shapes, tmp_path)
    assert shipped.shipped_plan(tmp_path) is not None  # the same files, wherever they are
    edited = tmp_path / "actors.ttl"
    added = "\nkgs:EveryPlaceNamed a sh:NodeShape ; sh:targetClass sem:Place ;\n  sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message \"A place has a name.\" ] .\n"
    edited.write_text(edited.read_text(encoding="utf-8") + added, encoding="utf-8")
    assert shipped.shipped_plan(tmp_path) is None
    plan = plan_for(tmp_path)
    assert plan == compile_shapes(load_shapes(tmp_path))
    assert plan != shipped.shipped_plan(shipped_dir("shapes"))


def test_a_plan_of_another_compiler_or_rdflib_is_not_used(monkeypatch, tmp_path: Path):
    folder = shipped_dir("shapes")
    key = shipped.shapes_key(folder)
    # The same compiler copied elsewhere has the same key; with one line changed, another.
    compiler = tmp_path / "shacl"
    shutil.copytree(shipped._COMPILER, compiler, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(shipped._COMPILER.parent / "check.py", tmp_path)
    monkeypatch.setattr(shipped, "_COMPILER", compiler)
    assert shipped.shapes_key(folder) == key
    engine = compiler / "compile.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert shipped.shapes_key(folder) != key
    assert shipped.shipped_plan(folder) is None

    monkeypatch.undo()
    assert shipped.shipped_plan(folder) is not None
    monkeypatch.setattr(rdflib, "__version__", "0.0.0")
    assert shipped.shapes_key(folder) != key
    assert shipped.shipped_plan(folder) is None


def test_a_missing_or_broken_plan_file_costs_only_time(monkeypatch, tmp_path: Path):
    folder = shipped_dir("shapes")
    monkeypatch.setattr(shipped, "data_file", lambda name: tmp_path / name)
    assert shipped.shipped_plan(folder) is None
    for text in ("not json", "{}", '{"key": "%s", "plan": {"shapes": 1}}' % shipped.shapes_key(folder)):
        (tmp_path / shipped.PLAN_FILE).write_text(text, encoding="utf-8")
        assert shipped.shipped_plan(folder) is None
    compiled = compile_shapes(load_shapes(folder))
    (tmp_path / shipped.PLAN_FILE).write_text(shipped.plan_file_text(compiled, folder), encoding="utf-8")
    assert plan_data(shipped.shipped_plan(folder)) == plan_data(compiled)
