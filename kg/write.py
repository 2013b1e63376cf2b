"""Write stage: the dataset as Turtle, TriG, N-Quads and JSON-LD, moved into place all at once.

Output is the same bytes for the same input: no blank nodes, sorted statements, no clock.
Files go to a temporary folder beside the output folder, which replaces it only at the end.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.plugins.serializers.trig import TrigSerializer

from kg.errors import InputError
from kg.vocab import PREFIXES, new_dataset

__all__ = ["write_outputs", "write_file", "jsonld_context", "OUTPUT_FILES"]

OUTPUT_FILES = ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld", "context.jsonld", "void.ttl", "ontology.ttl")

# Short JSON-LD keys for the terms people meet most; everything else is a compact IRI.
_TERMS = {
    "label": ("rdfs", "label", None),
    "name": ("schema", "name", None),
    "alternateName": ("schema", "alternateName", None),
    "description": ("schema", "description", None),
    "text": ("schema", "text", None),
    "sameAs": ("schema", "sameAs", "@id"),
    "denotedBy": ("gaf", "denotedBy", "@id"),
    "beginIndex": ("nif", "beginIndex", "xsd:nonNegativeInteger"),
    "endIndex": ("nif", "endIndex", "xsd:nonNegativeInteger"),
    "anchorOf": ("nif", "anchorOf", None),
    "referenceContext": ("nif", "referenceContext", "@id"),
    "hasActor": ("sem", "hasActor", "@id"),
    "hasPlace": ("sem", "hasPlace", "@id"),
    "hasTime": ("sem", "hasTime", "@id"),
    "roleType": ("sem", "roleType", "@id"),
    "eventStatus": ("schema", "eventStatus", "@id"),
    "about": ("schema", "about", "@id"),
    "attributedTo": ("prov", "wasAttributedTo", "@id"),
    "holds": ("org", "holds", "@id"),
    "postIn": ("org", "postIn", "@id"),
    "inXSDDate": ("time", "inXSDDate", "xsd:date"),
    "inXSDgYearMonth": ("time", "inXSDgYearMonth", "xsd:gYearMonth"),
    "inXSDgYear": ("time", "inXSDgYear", "xsd:gYear"),
}


def jsonld_context() -> dict:
    """The JSON-LD context of kg's output: the profile's prefixes and short keys."""
    context: dict = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for key, (prefix, local, kind) in _TERMS.items():
        context[key] = {"@id": f"{prefix}:{local}", **({"@type": kind} if kind else {})}
    context["id"] = "@id"
    context["type"] = "@type"
    return {"@context": context}


def write_outputs(graphs: list[Graph], metadata: Graph, union: Graph, ontology: Graph, out: Path) -> list[Path]:
    """Write every output file into `out`, replacing it only when all were written.

    `graphs` are the article graphs, `union` them and the metadata graph merged.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        dataset = _dataset(graphs + [metadata])
        _write(staging / "kg.ttl", union.serialize(format="turtle"))
        _write(staging / "kg.trig", _trig(dataset, graphs + [metadata]))
        _write(staging / "kg.nq", _nquads(dataset))
        _write(staging / "kg.jsonld", _jsonld(dataset))
        _write(staging / "context.jsonld", _json(jsonld_context()))
        _write(staging / "void.ttl", metadata.serialize(format="turtle"))
        _write(staging / "ontology.ttl", ontology.serialize(format="turtle"))
        (staging / "graphs").mkdir()
        for graph in graphs:
            name = str(graph.identifier).rstrip("/").rsplit("/", 1)[-1]
            _write(staging / "graphs" / f"{name}.ttl", graph.serialize(format="turtle"))
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in out.rglob("*") if p.is_file())


def _dataset(graphs: list[Graph]) -> Dataset:
    dataset = new_dataset()
    for graph in graphs:
        named = dataset.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
    return dataset


def _jsonld(dataset: Dataset) -> str:
    context = jsonld_context()["@context"]
    text = dataset.serialize(format="json-ld", context=context, auto_compact=True)
    return _json(_canonical(json.loads(text)))


def _canonical(value):
    """Sort what JSON-LD leaves unordered (node arrays, value sets) so the bytes are stable."""
    if isinstance(value, dict):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _trig(dataset: Dataset, graphs: list[Graph]) -> str:
    """TriG with the named graphs in the order given, not in the order of a set (which varies with the hash seed)."""
    serializer = TrigSerializer(dataset)
    serializer.contexts = [dataset.graph(graph.identifier) for graph in graphs]
    stream = io.BytesIO()
    serializer.serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


# Characters that some reader takes for the end of a line: N-Triples allows them raw inside a
# literal, but Python's str.splitlines, grep and others split there. Written as \uXXXX escapes,
# every line of kg.nq is one whole quad, whatever tool reads it.
_LINE_BREAKING = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def _nquads(dataset: Dataset) -> str:
    """N-Quads, one quad a line in sorted order; a literal's control characters escaped."""
    text = dataset.serialize(format="nquads")
    # rdflib escapes \n and \r, so "\n" alone ends a quad; every other character stays in its line.
    lines = sorted(_LINE_BREAKING.sub(_uchar, line) for line in text.split("\n") if line.strip())
    return "\n".join(lines) + "\n"


def _uchar(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04X}"


def write_file(path: Path, text: str) -> None:
    """Write one file whole or not at all: a temporary file beside it, then renamed over it."""
    if not path.parent.is_dir():
        raise InputError("the folder to write into does not exist", path=path.parent)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(f"cannot write the file: {error.strerror or error}", path=path) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is, keeping the old folder until the new one is in place."""
    staging.chmod(0o755)
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}-old-{staging.name}"
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
