"""`kg validate`: exit 0 when the data conforms, 1 on a violation, 2 when input or shapes cannot be read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from terminal import kg_on_a_terminal

from kg.resources import shipped_dir
from kg.validate import validate_files
from kg import vocab  # a closed namespace by module: pytest's collection would probe it
from kg.vocab import KGO

SH = "http://www.w3.org/ns/shacl#"
REDUCTION = URIRef("https://kg.example.org/event/000_ce469ea1af2cc5a4/suu-kyi-sentence-reduction")
TWO_YEARS = URIRef("https://kg.example.org/event/000_ce469ea1af2cc5a4/suu-kyi-two-year-sentence")
REDUCTION_LABEL = "The regime cuts Aung San Suu Kyi's sentence from four years to two"
REDUCTION_WORDS = "“The regime later reduced her four-year jail sentence to two”"


@pytest.fixture
def broken(built_seed, tmp_path: Path) -> Path:
    """The seed's Turtle with one fault: the reduced sentence is longer than the original."""
    graph = Graph().parse(built_seed.out / "kg.ttl", format="turtle")
    graph.set((TWO_YEARS, KGO.sentenceDuration, Literal("P5Y")))
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    return path


def test_built_dataset_conforms_and_exits_0(run_kg, built_seed):
    result = run_kg("validate", "--out", str(built_seed.out))
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("The data has no violations: 0 violations, 13 warnings."), result.stdout
    assert result.stdout.startswith(f"Checked 2,452 triples of {built_seed.out / 'kg.nq'} against kg's shapes\n")


@pytest.mark.parametrize("fmt", ["turtle", "json"])
def test_warnings_alone_make_the_shacl_report_say_false_and_exit_0(run_kg, built_seed, fmt):
    result = run_kg("validate", "--format", fmt, "--out", str(built_seed.out))
    assert result.exit_code == 0, result.output
    if fmt == "json":
        report = json.loads(result.stdout)
        assert (report["conforms"], report["violations"], report["warnings"]) == (False, 0, 13)
    else:
        report = Graph().parse(data=result.stdout, format="turtle")
        assert list(report.objects(None, URIRef(SH + "conforms"))) == [Literal(False)]
        assert len(set(report.subjects(URIRef(SH + "resultSeverity"), URIRef(SH + "Warning")))) == 13


def test_other_shapes_are_named_by_their_folder(run_kg, built_seed, tmp_path, monkeypatch):
    shutil.copytree(shipped_dir("shapes"), tmp_path / "my-shapes")
    monkeypatch.chdir(tmp_path)
    result = run_kg("validate", "--out", str(built_seed.out), "--shapes", "my-shapes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("against the shapes in my-shapes/")


def test_without_files_it_validates_dist_in_the_current_folder(run_kg, built_seed, tmp_path, monkeypatch):
    shutil.copytree(built_seed.out, tmp_path / "dist")
    monkeypatch.chdir(tmp_path)
    result = run_kg("validate")
    assert result.exit_code == 0, result.output
    assert "of dist/kg.nq against" in result.stdout


@pytest.mark.parametrize("name", ["kg.ttl", "kg.trig", "kg.nq", "kg.jsonld", "void.ttl", "graphs/000_ce469ea1af2cc5a4.ttl"])
def test_each_file_of_dist_conforms_on_its_own(run_kg, built_seed, name):
    result = run_kg("validate", str(built_seed.out / name))
    assert result.exit_code == 0, result.output


def test_warnings_are_listed_but_do_not_fail(run_kg, built_seed):
    result = run_kg("validate", str(built_seed.out / "kg.trig"))
    assert result.exit_code == 0, result.output
    assert "Warning: Hun Sen\n" in result.stdout
    assert "  path     schema:sameAs\n" in result.stdout
    assert "  evidence “Hun Sen”\n" in result.stdout


def test_a_violation_exits_1_with_a_report_a_person_can_act_on(run_kg, broken):
    result = run_kg("validate", str(broken))
    assert result.exit_code == 1, result.output
    block = result.stdout.split(f"Violation: {REDUCTION_LABEL}\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        f"  node     <{REDUCTION}>",
        "  path     kgo:resultingSentence",
        "  message  The sentence reduction does not shorten the sentence: P5Y is not shorter than P4Y.",
        f"  value    <{TWO_YEARS}>",
        f"  evidence {REDUCTION_WORDS}",
        "  rule     kgs:ReductionShortens (sh:SPARQLConstraintComponent)",
    ]
    assert result.stdout.rstrip().endswith("does not conform: 1 violation, 13 warnings.")
    assert result.stderr == "Error: the data does not conform to the shapes: 1 violation(s)\n"


def test_json_report_for_programs(run_kg, broken):
    result = run_kg("validate", "--format", "json", str(broken))
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert (report["conforms"], report["violations"], report["warnings"]) == (False, 1, 13)
    [violation] = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violation["label"] == REDUCTION_LABEL
    assert violation["constraint"] == "kgs:ReductionShortens"
    assert violation["path"] == "kgo:resultingSentence"
    assert violation["evidence"] == REDUCTION_WORDS.strip("“”")


def test_turtle_report_is_the_shacl_validation_report(run_kg, broken):
    result = run_kg("validate", "--format", "turtle", str(broken))
    assert result.exit_code == 1, result.output
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, URIRef(SH + "conforms"), Literal(False)) in report
    violations = set(report.subjects(URIRef(SH + "resultSeverity"), URIRef(SH + "Violation")))
    assert [report.value(v, URIRef(SH + "focusNode")) for v in violations] == [REDUCTION]


def test_library_call_gives_the_same_verdict(broken):
    validation = validate_files([broken])
    assert not validation.conforms
    assert [f.constraint for f in validation.violations] == ["kgs:ReductionShortens"]


@pytest.fixture
def broken_nquads(built_seed, tmp_path: Path) -> Path:
    """The seed's N-Quads with the same fault as `broken`."""
    graph = Dataset()
    graph.parse(built_seed.out / "kg.nq", format="nquads")
    for _, _, _, context in list(graph.quads((TWO_YEARS, KGO.sentenceDuration, None, None))):
        graph.remove((TWO_YEARS, KGO.sentenceDuration, None, context))
        graph.add((TWO_YEARS, KGO.sentenceDuration, Literal("P5Y"), context))
    path = tmp_path / "broken.nq"
    graph.serialize(path, format="nquads")
    return path


def test_n_quads_are_checked_by_kgs_engine_with_pyshacls_findings(built_seed, broken, broken_nquads):
    """N-Quads go to kg's own engine (no report graph is made), as a build checks an article; the
    findings are pyshacl's on the same data in Turtle or TriG, violation and warnings alike."""
    for engine_input, pyshacl_input in ((built_seed.out / "kg.nq", built_seed.out / "kg.trig"), (broken_nquads, broken)):
        engine = validate_files([engine_input], report=False)
        reference = validate_files([pyshacl_input], report=True)
        assert engine.report is None and reference.report is not None
        assert engine.findings == reference.findings
        assert engine.triples == reference.triples == 2452
    assert [f.constraint for f in validate_files([broken_nquads], report=False).violations] == ["kgs:ReductionShortens"]


@pytest.mark.parametrize("name", ["kg.ttl", "kg.trig", "broken"])
def test_turtle_and_trig_are_checked_by_kgs_engine_with_pyshacls_findings(built_seed, broken, name):
    """Turtle and TriG are read by pyoxigraph and checked by kg's engine, as N-Quads are: the findings
    pyshacl gives of rdflib's reading of the same file, in a fraction of its time on an archive."""
    path = broken if name == "broken" else built_seed.out / name
    told: list[str] = []
    engine = validate_files([path], report=False, progress=told.append)
    reference = validate_files([path], report=True)
    assert engine.report is None and reference.report is not None
    assert engine.findings == reference.findings and engine.triples == reference.triples == 2452
    assert told[0] == f"reading {path}" and told[1].startswith("reading ") and told[1].endswith(" MB of N-Quads")
    assert [f.constraint for f in engine.violations] == (["kgs:ReductionShortens"] if name == "broken" else [])


@pytest.mark.parametrize(("added", "triples"), [
    ('<https://kg.example.org/person/hun-sen> rdfs:comment "Prime Minister"@EN .', 1),
    ('<https://kg.example.org/person/hun-sen> rdfs:comment "Prime Minister"^^xsd:string .', 1),
    ("<https://kg.example.org/person/hun-sen> rdfs:seeAlso [ rdfs:label 'a page' ] .", 2),
], ids=["upper-case language tag", "explicit xsd:string", "blank node"])
def test_turtle_the_engine_cannot_read_exactly_goes_to_pyshacl(built_seed, tmp_path, added, triples):
    """What pyoxigraph's parser would not keep as rdflib's does (a tag's case, xsd:string written out,
    a blank node's name) is left to pyshacl: the same findings as pyshacl's, only slower."""
    path = tmp_path / "more.ttl"
    path.write_bytes((built_seed.out / "kg.ttl").read_bytes() + b"\n" + added.encode() + b"\n")
    validation = validate_files([path], report=False)
    assert validation.report is not None
    assert validation.findings == validate_files([path], report=True).findings
    assert validation.triples == 2452 + triples


def test_a_relative_iri_is_resolved_against_the_file_as_rdflib_resolves_it(tmp_path):
    path = tmp_path / "place.ttl"
    path.write_text("<somewhere> a <https://schema.org/Place> .\n", encoding="utf-8")
    engine = validate_files([path], report=False)
    assert engine.report is None
    assert engine.findings == validate_files([path], report=True).findings
    assert {f.focus for f in engine.violations} == {(tmp_path / "somewhere").as_uri()}


def test_n_quads_the_engine_cannot_read_exactly_go_to_pyshacl(built_seed, tmp_path):
    # A blank node: rdflib's parser renames it, so the engine leaves such data to pyshacl.
    path = tmp_path / "blank.nq"
    path.write_bytes((built_seed.out / "kg.nq").read_bytes()
                     + b'_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "a" <https://kg.example.org/graph/x> .\n')
    validation = validate_files([path], report=False)
    assert validation.report is not None
    assert validation.triples == 2453
    assert validation.findings == validate_files([built_seed.out / "kg.nq"], report=True).findings


def test_progress_tells_the_reading_then_each_shape_checked(built_seed):
    told: list[str] = []
    validation = validate_files([built_seed.out / "kg.nq"], report=False, progress=told.append)
    assert validation.report is None  # kg's engine
    assert told[0].startswith("reading ") and told[0].endswith(" MB of N-Quads")
    counts = [line.split("]")[0] for line in told[1:]]
    total = int(counts[0].split("/")[1].split()[0])
    assert counts == [f"[{done}/{total} shapes" for done in range(total + 1)] and total > 50
    assert told[-1] == f"[{total}/{total} shapes] checking 2,452 triples"
    told.clear()
    validate_files([built_seed.out / "kg.ttl"], progress=told.append)
    assert told == [f"reading {built_seed.out / 'kg.ttl'}", "checking 2,452 triples with pyshacl"]


def test_on_a_terminal_the_progress_is_drawn_then_erased(built_seed):
    code, report, shown = kg_on_a_terminal("validate", str(built_seed.out / "kg.nq"))
    assert code == 0
    assert b"\r\x1b[K[0/" in shown and b"shapes] checking 2,452 triples" in shown
    assert shown.endswith(b"\r\x1b[K")  # erased: the terminal's line is free for what comes next
    assert report.endswith(b"The data has no violations: 0 violations, 13 warnings.\n")
    code, report, shown = kg_on_a_terminal("validate", "--quiet", str(built_seed.out / "kg.nq"))
    assert (code, shown) == (0, b"")
    assert report.endswith(b"The data has no violations: 0 violations, 13 warnings.\n")


def test_turtle_report_of_n_quads_comes_from_pyshacl(run_kg, broken_nquads):
    result = run_kg("validate", "--format", "turtle", str(broken_nquads))
    assert result.exit_code == 1, result.output
    report = Graph().parse(data=result.stdout, format="turtle")
    violations = set(report.subjects(URIRef(SH + "resultSeverity"), URIRef(SH + "Violation")))
    assert [report.value(v, URIRef(SH + "focusNode")) for v in violations] == [REDUCTION]


def error_line(result) -> str:
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_missing_file_exits_2_on_one_line(run_kg, tmp_path):
    result = run_kg("validate", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {tmp_path / 'nope.ttl'}: no such file"


def test_missing_dist_suggests_building_it(run_kg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_kg("validate")
    assert result.exit_code == 2
    assert error_line(result) == "Error: dist/kg.nq: no such file; run `kg build` first"


def test_unknown_extension_exits_2(run_kg, tmp_path):
    path = tmp_path / "data.rdf"
    path.write_text("<a> <b> <c> .", encoding="utf-8")
    result = run_kg("validate", str(path))
    assert result.exit_code == 2
    assert error_line(result) == (
        f"Error: {path}: cannot tell the RDF format from the extension; use one of .ttl, .trig, .nq, .jsonld"
    )


def test_unparsable_file_exits_2_naming_file_and_line(run_kg, tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b .\n", encoding="utf-8")
    result = run_kg("validate", str(path))
    assert result.exit_code == 2
    assert error_line(result).startswith(f"Error: {path}: cannot be read as turtle: line 3: ")


def test_unreadable_shapes_exit_2_naming_the_shapes_file(run_kg, built_seed, tmp_path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "broken.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:a sh:b\n", encoding="utf-8")
    result = run_kg("validate", "--shapes", str(shapes), str(built_seed.out / "kg.ttl"))
    assert result.exit_code == 2
    assert error_line(result).startswith(f"Error: {shapes / 'broken.ttl'}: the shapes cannot be read: line ")


def test_empty_shapes_folder_exits_2(run_kg, built_seed, tmp_path):
    result = run_kg("validate", "--shapes", str(tmp_path), str(built_seed.out / "kg.ttl"))
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {tmp_path}: no shapes (*.ttl) in the shapes folder"


def test_shapes_with_a_broken_sparql_query_exit_2(run_kg, built_seed, tmp_path):
    (tmp_path / "query.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass <https://schema.org/NewsArticle> ;\n"
        '    sh:sparql [ sh:message "m" ; sh:select "SELEKT $this WHERE { }" ] .\n',
        encoding="utf-8",
    )
    result = run_kg("validate", "--shapes", str(tmp_path), str(built_seed.out / "kg.ttl"))
    assert result.exit_code == 2
    assert error_line(result).startswith(f"Error: {tmp_path}: the shapes cannot be used: ")


def test_other_shapes_can_be_used(run_kg, built_seed, tmp_path):
    (tmp_path / "strict.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass <https://schema.org/NewsArticle> ;\n"
        '    sh:property [ sh:path <https://schema.org/headline> ; sh:minCount 1 ; sh:message "No headline." ] .\n',
        encoding="utf-8",
    )
    result = run_kg("validate", "--shapes", str(tmp_path), str(built_seed.out / "kg.ttl"))
    assert result.exit_code == 1, result.output
    assert "  message  No headline.\n" in result.stdout


def test_a_folder_is_not_a_file(run_kg, built_seed):
    result = run_kg("validate", str(built_seed.out))
    assert result.exit_code == 2
    assert error_line(result) == f"Error: {built_seed.out}: is a folder; name the RDF files in it"


def test_shapes_that_are_not_shacl_exit_2_with_one_line_on_stderr(built_seed, tmp_path):
    # A real process: pyshacl logs its errors to the stderr it saw at import, which CliRunner cannot capture.
    (tmp_path / "count.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass <https://schema.org/NewsArticle> ;\n"
        '    sh:property [ sh:path ex:p ; sh:minCount "one" ; sh:message "m" ] .\n',
        encoding="utf-8",
    )
    run = subprocess.run([sys.executable, "-m", "kg", "validate", "--shapes", str(tmp_path), str(built_seed.out / "kg.ttl")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == (
        f"Error: {tmp_path}: the shapes cannot be used: "
        "MinCountConstraintComponent sh:minCount must be a literal with datatype xsd:integer.\n"
    )
