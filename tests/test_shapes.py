"""The shapes in shapes/: each fixture under tests/shapes/ conforms, or fails for the reason it states.

Every fixture is validated together with tests/shapes/base.ttl, a small valid article it adds to.
An invalid fixture's first line says why it must fail (`# Invalid: ...`), and its `# Expect:` lines
name each violation it must cause, no more and no fewer: the constraint component, the path (`-`
for none) and the named shape or SPARQL constraint that reports it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.check import Finding, load_shapes, run_shapes
from kg.vocab import new_graph

FIXTURES = Path(__file__).resolve().parent / "shapes"
BASE = FIXTURES / "base.ttl"
SH = "http://www.w3.org/ns/shacl#"
KGS = "https://kg.example.org/shapes#"


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return load_shapes()


def fixtures(kind: str) -> list[Path]:
    return sorted(FIXTURES.glob(f"*-{kind}*.ttl"))


def findings_for(fixture: Path | None) -> list[Finding]:
    data = new_graph()
    data.parse(BASE, format="turtle")
    if fixture is not None:
        data.parse(fixture, format="turtle")
    return run_shapes(data, shapes())[0]


def expectations(fixture: Path) -> set[tuple[str, str, str]]:
    lines = fixture.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split(maxsplit=2)[2].split()) for line in lines if line.startswith("# Expect: ")}


def key(finding: Finding) -> tuple[str, str, str]:
    return (finding.component, finding.path or "-", finding.constraint or finding.shape)


def report(findings: list[Finding]) -> str:
    return "\n".join(f"  {key(f)}  {f.line()}" for f in findings) or "  (no result)"


def test_the_base_world_conforms_with_no_result():
    found = findings_for(None)
    assert found == [], report(found)


@pytest.mark.parametrize("fixture", fixtures("valid"), ids=lambda p: p.stem)
def test_valid_fixture_conforms_with_no_result(fixture: Path):
    found = findings_for(fixture)
    assert found == [], f"{fixture.name} should conform:\n{report(found)}"


@pytest.mark.parametrize("fixture", fixtures("invalid"), ids=lambda p: p.stem)
def test_invalid_fixture_fails_for_the_reason_it_states(fixture: Path):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no `# Expect:` line"
    found = [f for f in findings_for(fixture) if f.severity == "Violation"]
    assert {key(f) for f in found} == expected, (
        f"{fixture.name}: {fixture.read_text(encoding='utf-8').splitlines()[0]}\n"
        f"expected {sorted(expected)}\nfound:\n{report(found)}"
    )


@pytest.mark.parametrize("fixture", fixtures("warning"), ids=lambda p: p.stem)
def test_warning_fixture_warns_for_the_reason_it_states_and_conforms(fixture: Path):
    found = findings_for(fixture)
    assert [f for f in found if f.severity == "Violation"] == [], report(found)
    assert {key(f) for f in found} == expectations(fixture), f"{fixture.name}:\n{report(found)}"


@pytest.mark.parametrize("fixture", fixtures("invalid") + fixtures("warning"), ids=lambda p: p.stem)
def test_failing_fixture_says_why_in_its_first_line(fixture: Path):
    first = fixture.read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(r"# (Invalid|Warning): \S.{10,}", first), first


def test_fixtures_come_in_pairs_of_valid_and_invalid():
    topics = {re.sub(r"-(valid|invalid-\d\d|warning-\d\d)$", "", p.stem) for p in FIXTURES.glob("*-*.ttl")}
    for topic in sorted(topics):
        assert (FIXTURES / f"{topic}-valid.ttl").is_file(), f"{topic} has no valid example"
        assert list(FIXTURES.glob(f"{topic}-invalid-*.ttl")), f"{topic} has no invalid example"


def test_every_shape_and_sparql_constraint_is_made_to_fail_by_a_fixture():
    graph = shapes()
    short = lambda node: str(node).replace(KGS, "kgs:")  # noqa: E731
    named = {short(s) for s in graph.subjects(URIRef(SH + "message"), None) if str(s).startswith(KGS)}
    exercised = {rule for f in fixtures("invalid") + fixtures("warning") for _, _, rule in expectations(f)}
    # A shape whose only constraints are SPARQL-based is exercised through them.
    exercised |= {short(s) for s, c in graph.subject_objects(URIRef(SH + "sparql")) if short(c) in exercised}
    assert sorted(named - exercised) == [], "no fixture makes these fail"
