"""A content-addressed cache of articles' results, so a rebuild redoes only what changed.

An entry belongs to one record and is valid while every file the article's work read (the record
and its text) has the digest it had, and kg's code, the shapes and the base IRI are the ones that
made it (the salt, which says too whether the full text is published). Entries are JSON, the graph's
N-Quads (.nq) and its fragments of the files (.ttl: Turtle statements, .trig: TriG block, .jsonld:
JSON-LD nodes), the same for the graph of the article's full text when it is published
(.text.nq, ...), written whole (temporary file, then rename), and
read back as data: a damaged or foreign entry is a miss, never code that runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import kg
from kg.engine.article import GRAPH_PARTS, ArticleResult
from kg.shacl.plan import Plan, plan_data, plan_from_data
from kg.write import with_fragments

__all__ = ["Cache", "code_digest", "file_digest"]

_FORMAT = 3  # bumped when an entry's layout changes
_GRAPH_FILES = (".nq", ".ttl", ".trig", ".jsonld")  # the graph's N-Quads and its fragments of the files
_TEXT_FILES = tuple(".text" + suffix for suffix in _GRAPH_FILES)  # the same of the full text's graph


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None where it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def code_digest() -> str:
    """The digest of kg's own code and data, so that a changed kg never reuses an old result."""
    digest = hashlib.sha256(f"{_FORMAT}\0{kg.__version__}\0".encode())
    package = Path(kg.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".ttl", ".json", ".rq"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Results by record, in `folder`/<seeds folder's digest>/; `folder` None is no cache at all."""

    def __init__(self, folder: Path | None, seeds: Path, salt: str) -> None:
        self.salt = salt
        self.folder = None
        if folder is not None:
            seeds_key = hashlib.sha256(str(seeds.resolve()).encode()).hexdigest()[:16]
            self.folder = folder / seeds_key

    def _entry(self, record: Path) -> Path:
        return self.folder / (hashlib.sha256(record.name.encode()).hexdigest()[:32])

    def lookup(self, record: Path) -> ArticleResult | None:
        """The cached result of `record`, if every input it read is unchanged."""
        if self.folder is None:
            return None
        entry = self._entry(record)
        folder = record.parent.resolve()
        try:
            data = json.loads((entry.with_suffix(".json")).read_text(encoding="utf-8"))
            if data.get("salt") != self.salt or data.get("record") != str(record):
                return None
            for path, digest in data["result"]["inputs"].items():
                # An article reads files in its record's folder only; an entry that names another
                # file (/dev/zero, say) is not kg's and is not read.
                if not Path(path).resolve().is_relative_to(folder) or file_digest(Path(path)) != digest:
                    return None
            return ArticleResult.from_json(data["result"], _read(entry, _GRAPH_FILES),
                                           _read(entry, _TEXT_FILES) if data["result"]["text"] else ())
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, record: Path, result: ArticleResult) -> None:
        """Keep `result`; a cache that cannot be written only costs time, so it is skipped then."""
        if self.folder is None:
            return
        entry = self._entry(record)
        data = {"salt": self.salt, "record": str(record), "result": result.to_json()}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for suffixes, graph in ((_GRAPH_FILES, result.graph), (_TEXT_FILES, result.text)):
                if graph is not None:
                    graph = with_fragments(graph)
                    for suffix, part in zip(suffixes, GRAPH_PARTS):
                        _write_whole(entry.with_suffix(suffix), getattr(graph, part))
            _write_whole(entry.with_suffix(".json"), json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass

    def plan(self, compile_plan: Callable[[], Plan]) -> Plan:
        """The shapes' compiled plan, kept beside the results: compiling it reads every SPARQL
        constraint with rdflib's parser, which costs more than building a small article."""
        if self.folder is None:
            return compile_plan()
        path = self.folder / f"plan-{self.salt[:32]}.json"
        try:
            return plan_from_data(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            plan = compile_plan()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_whole(path, json.dumps(plan_data(plan)).encode("utf-8"))
        except OSError:
            pass
        return plan

    def prune(self, records: list[Path]) -> None:
        """Remove the entries of records that are no longer in the seeds folder."""
        if self.folder is None or not self.folder.is_dir():
            return
        kept = {self._entry(record).name for record in records} | {f"plan-{self.salt[:32]}"}
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in kept:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _read(entry: Path, suffixes: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(entry.with_suffix(suffix).read_bytes() for suffix in suffixes)


def _write_whole(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
