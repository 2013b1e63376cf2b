"""`kg validate`: any RDF files, or kg's own dist/, against the SHACL shapes; a report for people.

>>> from kg.validate import format_for
>>> format_for(Path("dist/kg.trig"))
'trig'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from kg.check import Finding, load_shapes, one_line, run_shapes
from kg.errors import InputError
from kg.resources import shipped_dir
from kg.text import shorten
from kg.vocab import bind_prefixes, new_graph

__all__ = ["READ_FORMATS", "REPORT_FORMATS", "Validation", "format_for", "read_data", "validate_files", "render"]

READ_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld"}
REPORT_FORMATS = ("text", "turtle", "json")


@dataclass
class Validation:
    """What a validation found, in which files, against which shapes."""

    files: list[Path]
    shapes: Path
    triples: int
    findings: list[Finding]
    report: Graph

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """No violation; warnings make the data weaker, not wrong."""
        return not self.violations


def format_for(path: Path) -> str:
    """The rdflib parser for a file, from its extension."""
    try:
        return READ_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(READ_FORMATS)
        raise InputError(f"cannot tell the RDF format from the extension; use one of {known}", path=path) from None


def read_data(paths: Sequence[Path]) -> Graph:
    """All triples of the files, every named graph merged into one graph, as `kg build` checks them."""
    union = new_graph()
    for path in paths:
        if path.is_dir():
            raise InputError("is a folder; name the RDF files in it", path=path)
        parser = format_for(path)
        if not path.is_file():
            raise InputError("no such file" + ("; run `kg build` first" if path.name == "kg.trig" else ""), path=path)
        dataset = Dataset(default_union=True)
        try:
            dataset.parse(path, format=parser)
        except Exception as error:  # rdflib's parsers raise many kinds for a bad file
            raise InputError(f"cannot be read as {parser}: {one_line(error)}", path=path) from None
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
    return union


def validate_files(paths: Sequence[Path], shapes_folder: Path | None = None) -> Validation:
    """Validate the union of `paths` against the shapes (kg's own by default)."""
    folder = shapes_folder or shipped_dir("shapes")
    shapes = load_shapes(folder)
    data = read_data(paths)
    findings, report = run_shapes(data, shapes, shapes_source=folder)
    bind_prefixes(report)
    report.bind("sh", "http://www.w3.org/ns/shacl#")
    return Validation(list(paths), folder, len(data), findings, report)


def render(validation: Validation, fmt: str = "text") -> str:
    """The report as text for people, the SHACL report graph as Turtle, or JSON for programs."""
    if fmt == "turtle":
        return validation.report.serialize(format="turtle")
    if fmt == "json":
        return json.dumps(_as_json(validation), indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return _as_text(validation)
    raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}", field="--format")


def _summary(validation: Validation) -> str:
    violations, warnings = len(validation.violations), len(validation.warnings)
    verdict = "conforms" if validation.conforms else "does not conform"
    return (
        f"{verdict}: {violations} violation{'s' if violations != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


def _as_text(validation: Validation) -> str:
    files = ", ".join(str(p) for p in validation.files)
    lines = [f"Checked {validation.triples:,} triples of {files} against {_shapes_named(validation.shapes)}", ""]
    for finding in validation.findings:
        lines.append(f"{finding.severity}: {finding.label or finding.focus}")
        rows = (
            ("node", f"<{finding.focus}>" if finding.label else ""),
            ("path", finding.path),
            ("message", finding.message),
            ("value", finding.value),
            ("evidence", f"“{shorten(finding.evidence, 200)}”" if finding.evidence else ""),
            ("rule", f"{finding.constraint or finding.shape} ({finding.component})" if finding.shape else finding.component),
        )
        lines.extend(f"  {name:<9}{text}" for name, text in rows if text)
        lines.append("")
    lines.append(f"The data {_summary(validation)}.")
    return "\n".join(lines) + "\n"


def _shapes_named(folder: Path) -> str:
    """kg's own shapes by that name, wherever kg is installed; other shapes by their folder."""
    if folder.resolve() == shipped_dir("shapes").resolve():
        return "kg's shapes"
    return f"the shapes in {_shown(folder)}/"


def _shown(path: Path) -> Path:
    """A path relative to the current folder when it lies inside it, as a person would type it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _as_json(validation: Validation) -> dict:
    return {
        "conforms": validation.conforms,
        "files": [str(p) for p in validation.files],
        "shapes": str(_shown(validation.shapes)),
        "triples": validation.triples,
        "violations": len(validation.violations),
        "warnings": len(validation.warnings),
        "results": [asdict(f) for f in validation.findings],
    }
