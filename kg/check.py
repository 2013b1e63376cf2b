"""Check stage: the graph against the SHACL shapes in shapes/; a violation stops the build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef

from kg.errors import InputError, NotConformingError
from kg.resources import shipped_dir
from kg.vocab import RDF, RDFS, new_graph

__all__ = ["Finding", "load_shapes", "check_graph", "SH"]

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Finding:
    """One result of a validation report, in words a person can act on."""

    severity: str
    focus: str
    path: str
    message: str
    value: str

    def line(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {self.focus}{path}: {self.message}{value}"


def load_shapes(folder: Path | None = None) -> Graph:
    """All shapes files (*.ttl) of a folder, kg's own shapes/ by default."""
    folder = folder or shipped_dir("shapes")
    shapes = new_graph()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError("no shapes (*.ttl) in the shapes folder", path=folder)
    for file in files:
        try:
            shapes.parse(file, format="turtle")
        except Exception as error:  # rdflib raises many kinds for a bad file
            raise InputError(f"the shapes cannot be read: {error}", path=file) from None
    return shapes


def check_graph(data: Graph, shapes: Graph) -> list[Finding]:
    """Validate `data`; raise NotConformingError on a violation, return the warnings otherwise."""
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    findings = sorted(_findings(report, data), key=lambda f: (f.severity != "Violation", f.focus, f.path, f.message))
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        text = "\n".join(f.line() for f in findings)
        raise NotConformingError(
            f"the data does not conform to the shapes: {len(violations)} violation(s)", report=text
        )
    return findings


def _findings(report: Graph, data: Graph) -> list[Finding]:
    found = []
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    for result in report.subjects(RDF.type, sh("ValidationResult")):
        focus = report.value(result, sh("focusNode"))
        label = data.value(focus, RDFS.label) if focus is not None else None
        path = report.value(result, sh("resultPath"))
        found.append(
            Finding(
                severity=str(report.value(result, sh("resultSeverity"))).rsplit("#", 1)[-1],
                focus=f"{label} <{focus}>" if label else f"<{focus}>",
                path=report.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else "",
                message=str(report.value(result, sh("resultMessage")) or ""),
                value=str(report.value(result, sh("value")) or ""),
            )
        )
    return found


