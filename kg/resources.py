"""Files kg ships: the shapes, the bundled queries, the ontology, the record's JSON Schema.

In an installed wheel shapes/ and queries/ sit inside the package; in a source checkout they sit
at the top of the repository, beside kg/.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["shipped_dir", "data_file"]

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The folder `shapes` or `queries`, wherever this kg was installed from."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg's {name}/ folder is missing from this installation")


def data_file(name: str) -> Path:
    """A file of kg/data (the ontology, the JSON Schema)."""
    return _PACKAGE / "data" / name
