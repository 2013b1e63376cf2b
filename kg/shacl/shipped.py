"""The compiled plan of kg's own shapes, shipped with kg (kg/data/shapes-plan.json).

Compiling kg's shapes reads them with rdflib's Turtle parser and walks every shape: 0.3 s, a third
of a first build of the seed, which has no cache to take the plan from. So the plan of the shapes
kg ships is compiled when kg is made (`python tests/regenerate_shapes_plan.py`), and used when the
shapes being checked are those very files and the compiler the same code: the key names the shapes
files' bytes, kg's compiler (kg/shacl/*.py and kg/check.py) and rdflib's version. Edited shapes, or
an edited compiler, are compiled again; tests/test_shapes_plan.py fails while the shipped plan is
not the one compiling gives.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import rdflib

from kg.resources import add_files, data_file, shapes_digest
from kg.shacl.plan import Plan, plan_data, plan_from_data

__all__ = ["PLAN_FILE", "shapes_key", "shipped_plan", "plan_file_text"]

PLAN_FILE = "shapes-plan.json"  # in kg/data
_COMPILER = Path(__file__).resolve().parent  # kg/shacl/; kg/check.py reads the shapes and names paths


def shapes_key(folder: Path) -> str:
    """The digest of what a compiled plan of `folder` depends on: its shapes, kg's compiler, rdflib."""
    digest = hashlib.sha256(f"rdflib {rdflib.__version__}\0{shapes_digest(folder)}\0".encode())
    compiler = sorted(_COMPILER.glob("*.py")) + [_COMPILER.parent / "check.py"]
    return add_files(digest, compiler, _COMPILER.parent).hexdigest()


def shipped_plan(folder: Path) -> Plan | None:
    """The shipped plan, if it was compiled from `folder`'s shapes by this compiler; else None."""
    try:
        table = json.loads(data_file(PLAN_FILE).read_text(encoding="utf-8"))
        if table["key"] != shapes_key(folder):
            return None
        return plan_from_data(table["plan"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan_file_text(plan: Plan, folder: Path) -> str:
    """The text of PLAN_FILE for `plan`, compiled from `folder`: a shape a line, for readable diffs."""
    data = plan_data(plan)
    shapes = ",\n".join(f"  {json.dumps(shape, sort_keys=True)}" for shape in data["shapes"])
    return (f'{{\n "key": {json.dumps(shapes_key(folder))},\n "plan": {{\n'
            f' "digest": {json.dumps(data["digest"])},\n "shapes": [\n{shapes}\n ]\n }}\n}}\n')
