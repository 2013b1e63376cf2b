"""A plain (non-editable) wheel carries the shapes, the queries and the ontology."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(ROOT)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    (path,) = folder.glob("kg-*.whl")
    return path


def test_the_wheel_ships_shapes_queries_ontology_and_schema(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kg/data/ontology.ttl" in names
    assert "kg/data/record.schema.json" in names
    assert "kg/data/sparql-analyses.json" in names  # a first build reads no constraint with rdflib's parser
    assert "kg/data/checked-queries.json" in names  # a fresh kg query reads no bundled query with it
    assert "kg/data/shapes-plan.json" in names  # a first build compiles no shape
    shapes = {n for n in names if n.startswith("kg/shapes/") and n.endswith(".ttl")}
    assert shapes == {f"kg/shapes/{p.name}" for p in (ROOT / "shapes").glob("*.ttl")}
    for shipped in ("kg/site/templates/article.html", "kg/site/static/site.css", "kg/site/static/site.js",
                    "kg/site/queries/evidence.rq", "kg/site/server/nginx.conf", "kg/site/server/apache.conf"):
        assert shipped in names, shipped
    queries = {n for n in names if n.startswith("kg/queries/")}
    assert queries == {f"kg/queries/{p.name}" for p in (ROOT / "queries").iterdir() if p.is_file()}


def test_the_installed_wheel_builds_from_any_folder(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", "import kg, sys; from kg.cli import main; print(kg.__file__, file=sys.stderr); main()",
         "build", "--seeds", str(SEEDS), "--out", "out"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert str(target) in done.stderr, "kg was not imported from the installed wheel"
    assert (elsewhere / "out" / "kg.trig").is_file()
    # The shapes inside the package are those the shipped plan was compiled from.
    check = ("from kg.resources import shipped_dir; from kg.shacl.shipped import shipped_plan; "
             "assert shipped_plan(shipped_dir('shapes')) is not None, shipped_dir('shapes')")
    done = subprocess.run([sys.executable, "-c", check], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_console_script_is_run_which_freezes_the_objects_and_keeps_the_exit_code(tmp_path: Path):
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"kg": "kg.cli:run"}
    # In a process of its own, as the console script runs: frozen at the start and again at exit,
    # and a failing command still exits with its own code (2: bad input).
    code = ("import atexit, gc, sys\n"
            "import kg.cli\n"
            "frozen, main = 0, kg.cli.main\n"
            "atexit.register(lambda: print('frozen at exit', gc.get_freeze_count() > frozen, file=sys.stderr))\n"
            "def command():\n"
            "    global frozen\n"
            "    frozen = gc.get_freeze_count()\n"
            "    print('frozen at start', frozen > 0, file=sys.stderr)\n"
            "    main()\n"
            "kg.cli.main = command\n"
            "kg.cli.run()\n")
    done = subprocess.run([sys.executable, "-c", code, "build", "--seeds", str(tmp_path / "none"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "frozen at start True" in done.stderr and "frozen at exit True" in done.stderr, done.stderr
