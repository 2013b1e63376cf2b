"""Files kg ships: the shapes, the bundled queries, the ontology, the record's JSON Schema; and the
digest of kg's own code and data, which tells a result this kg made from one an older kg made.

In an installed wheel shapes/ and queries/ sit inside the package; in a source checkout they sit
at the top of the repository, beside kg/.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import kg

__all__ = ["shipped_dir", "data_file", "package_digest", "shapes_digest", "add_files"]

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


@functools.cache
def package_digest() -> str:
    """The sha256 of kg's version and of its own code and data (*.py, *.ttl, *.json, *.rq in the package)."""
    digest = hashlib.sha256(f"{kg.__version__}\0".encode())
    files = [path for path in sorted(_PACKAGE.rglob("*"))
             if path.is_file() and path.suffix in (".py", ".ttl", ".json", ".rq")]
    return add_files(digest, files, _PACKAGE).hexdigest()


def shapes_digest(folder: Path) -> str:
    """The sha256 of a shapes folder's files (*.ttl), each by its name and bytes, as "sha256:<hex>":
    what an article's result, and a compiled plan, depend on of the shapes."""
    return "sha256:" + add_files(hashlib.sha256(), sorted(folder.glob("*.ttl")), folder).hexdigest()


def add_files(digest, paths: Iterable[Path], base: Path):
    """`digest` (a hashlib object) updated with each file in turn: its path from `base`, NUL, its bytes."""
    for path in paths:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest
