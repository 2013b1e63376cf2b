"""`kg validate`: any RDF files, or kg's own dist/, against the SHACL shapes; a report for people.

Validating opens no connection unless asked: a JSON-LD file that names its context elsewhere (an
IRI, a file, a relative reference, or `@import`) is refused unless `allow_remote_context`, and
shapes whose SPARQL calls another endpoint (SERVICE, which SHACL forbids there) are refused.

>>> from kg.validate import format_for
>>> format_for(Path("dist/kg.trig"))
'trig'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.parser import PythonInputSource

from kg.check import Finding, load_shapes, one_line, run_shapes
from kg.errors import InputError
from kg.resources import shipped_dir
from kg.text import shorten
from kg.vocab import bind_prefixes, new_graph

__all__ = ["READ_FORMATS", "REPORT_FORMATS", "Validation", "format_for", "read_data", "validate_files", "render"]

READ_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld"}
_BUILT = ("kg.nq", "kg.trig")  # kg validate's default files, which kg build writes
# The files kg's engine reads (Turtle and TriG parsed by pyoxigraph), by their rdflib parser.
_ENGINE_READS = {"nquads": pyoxigraph.RdfFormat.N_QUADS, "turtle": pyoxigraph.RdfFormat.TURTLE,
                 "trig": pyoxigraph.RdfFormat.TRIG}
REPORT_FORMATS = ("text", "turtle", "json")

# The queries pyshacl runs without SHACL-AF: SPARQL constraints and SPARQL-based constraint components.
_SHAPE_QUERIES = (URIRef("http://www.w3.org/ns/shacl#select"), URIRef("http://www.w3.org/ns/shacl#ask"))


@dataclass
class Validation:
    """What a validation found, in which files, against which shapes."""

    files: list[Path]
    shapes: Path
    triples: int
    findings: list[Finding]
    report: Graph | None  # pyshacl's report graph; None where kg's engine checked the data

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """SHACL's verdict: no result at all, warnings included (as the report's sh:conforms says)."""
        return not self.findings

    @property
    def passes(self) -> bool:
        """kg's verdict, which sets the exit code: no violation; warnings make the data weaker, not wrong."""
        return not self.violations


def format_for(path: Path) -> str:
    """The rdflib parser for a file, from its extension."""
    try:
        return READ_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(READ_FORMATS)
        raise InputError(f"cannot tell the RDF format from the extension; use one of {known}", path=path) from None


def _readable(path: Path) -> str:
    """The rdflib parser for a file that exists; an InputError for a folder, an unknown extension, no file."""
    if path.is_dir():
        raise InputError("is a folder; name the RDF files in it", path=path)
    parser = format_for(path)
    if not path.is_file():
        raise InputError("no such file" + ("; run `kg build` first" if path.name in _BUILT else ""), path=path)
    return parser


def read_data(paths: Sequence[Path], *, allow_remote_context: bool = False) -> Graph:
    """All triples of the files, every named graph merged into one graph, as `kg build` checks them."""
    union = new_graph()
    for path in paths:
        parser = _readable(path)
        source = _json_ld(path, allow_remote_context) if parser == "json-ld" else path
        dataset = Dataset(default_union=True)
        try:
            dataset.parse(source, format=parser)
        except Exception as error:  # rdflib's parsers raise many kinds for a bad file
            raise InputError(f"cannot be read as {parser}: {one_line(error)}", path=path) from None
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
    return union


def _json_ld(path: Path, allow_remote_context: bool) -> PythonInputSource:
    """The JSON of a JSON-LD file, handed to rdflib as read here; refused if it names a context elsewhere.

    rdflib fetches each context given by reference (over HTTP, or from a file, relative ones
    against the file's folder); the file itself is the only document kg opens unless allowed.
    """
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as error:
        raise InputError(f"cannot be read as json-ld: {one_line(error)}", path=path) from None
    if not allow_remote_context:
        for key, reference in _contexts_by_reference(document):
            remote = urlsplit(reference).scheme.lower() in ("http", "https")
            raise InputError(
                f"{'remote ' if remote else ''}{key} {reference} is not fetched; "
                "inline it or pass --allow-remote-context",
                path=path,
            )
    return PythonInputSource(document, system_id=path.absolute().as_uri())


def _contexts_by_reference(node) -> Iterator[tuple[str, str]]:
    """Every `@context` (or item of one) and `@import` given as a reference, at any depth.

    Any depth, and not only where JSON-LD reads a context: over-refusing a `@json` literal that
    looks like one is safer than missing a scoped context. A stack, not recursion, for deep files.
    """
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    items = value if isinstance(value, list) else [value]
                    yield from ((key, item) for item in items if isinstance(item, str))
                elif key == "@import" and isinstance(value, str):
                    yield key, value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _refuse_service(shapes: Graph, folder: Path) -> None:
    """Refuse shapes whose SPARQL, as rdflib reads it, calls another endpoint: rdflib would make the call for pyshacl.

    pyshacl refuses SERVICE in a constraint too, but by a pattern on the text, which an escape
    (SERV\\u0049CE) or a comment before the endpoint passes.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    from kg.query import service_endpoints

    for predicate in _SHAPE_QUERIES:
        for text in map(str, shapes.objects(None, predicate)):
            if "service" not in text.lower() and "\\u" not in text.lower():
                continue  # the keyword is in neither the text nor an escape rdflib would expand
            try:
                endpoints = service_endpoints(parseQuery(text))
            except (ParseBaseException, ValueError):
                continue  # pyshacl cannot read it either, and says so
            if endpoints:
                raise InputError(
                    f"a SPARQL constraint calls another endpoint (SERVICE {endpoints[0]}), which SHACL does not "
                    "allow and kg does not do",
                    path=folder,
                )


def validate_files(
    paths: Sequence[Path], shapes_folder: Path | None = None, *, allow_remote_context: bool = False,
    report: bool = True, progress: Callable[[str], None] | None = None,
) -> Validation:
    """Validate the union of `paths` against the shapes (kg's own by default), opening no connection unless allowed.

    Without `report` (pyshacl's report graph, for --format turtle), N-Quads, Turtle and TriG files
    go to kg's own engine, as kg build checks an article: the same findings (tests hold the two to
    that), in under a minute for a thousand articles where pyshacl takes hours. Shapes or data it
    does not check exactly as pyshacl does (kg.shacl.Unsupported) go to pyshacl, as does JSON-LD.
    `progress`, if given, is told what is being done, from time to time.
    """
    say = progress or (lambda message: None)
    folder = shapes_folder or shipped_dir("shapes")
    shapes = load_shapes(folder)
    _refuse_service(shapes, folder)
    if not report and paths and all(_readable(path) in _ENGINE_READS for path in paths):
        checked = _check_with_engine(paths, folder, progress)
        if checked is not None:
            findings, triples = checked
            return Validation(list(paths), folder, triples, findings, None)
    say(f"reading {', '.join(map(str, paths))}")
    data = read_data(paths, allow_remote_context=allow_remote_context)
    say(f"checking {len(data):,} triples with pyshacl")
    findings, report_graph = run_shapes(data, shapes, shapes_source=folder)
    bind_prefixes(report_graph)
    report_graph.bind("sh", "http://www.w3.org/ns/shacl#")
    return Validation(list(paths), folder, len(data), findings, report_graph)


def _check_with_engine(paths: Sequence[Path], folder: Path,
                       progress: Callable[[str], None] | None) -> tuple[list[Finding], int] | None:
    """kg's engine on the files (N-Quads, or Turtle and TriG made N-Quads), their graphs merged: the
    findings and the triples; None where it cannot."""
    from kg.shacl import Unsupported, check_nquads, plan_for
    from kg.shacl.data import as_nquads

    parts = []
    try:
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise InputError(f"cannot be read: {error.strerror or error}", path=path) from None
            parser = _readable(path)
            if parser != "nquads":
                if progress:
                    progress(f"reading {path}")
                data = as_nquads(data, _ENGINE_READS[parser], path.absolute().as_uri())  # as rdflib names it
            parts.append(data)
        return check_nquads(b"\n".join(parts), plan_for(folder), progress)
    except Unsupported:
        return None  # pyshacl then checks the data, and says what it cannot read


def render(validation: Validation, fmt: str = "text") -> str:
    """The report as text for people, the SHACL report graph as Turtle, or JSON for programs."""
    if fmt == "turtle":
        if validation.report is None:
            raise ValueError("no SHACL report graph was made: call validate_files with report=True for Turtle")
        return validation.report.serialize(format="turtle")
    if fmt == "json":
        return json.dumps(_as_json(validation), indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return _as_text(validation)
    raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}", field="--format")


def _summary(validation: Validation) -> str:
    violations, warnings = len(validation.violations), len(validation.warnings)
    verdict = ("conforms" if validation.conforms else "has no violations" if validation.passes
               else "does not conform")
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
