"""The shapes in shapes/: each fixture under tests/shapes/ conforms, or fails for the reason it states.

Every fixture is validated together with tests/shapes/base.ttl, a small valid article it adds to.
An invalid fixture's first line says why it must fail (`# Invalid: ...`), and its `# Expect:` lines
name each violation it must cause, no more and no fewer: the constraint component, the path (`-`
for none) and the named shape or SPARQL constraint that reports it.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from pathlib import Path

import pyshacl
import pytest
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg import mapping, model
from kg.check import Finding, load_shapes, run_shapes
from kg.mapping import camel
from kg.validate import read_data
from kg.vocab import KGO, RDF, SCHEMA, SEM, new_graph

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


# The shapes themselves -----------------------------------------------------------------------------

SHACL_CORE_AND_SPARQL = {
    SH + name
    for name in (
        "NodeShape PropertyShape SPARQLConstraint Violation Warning Info IRI Literal BlankNode BlankNodeOrIRI "
        "BlankNodeOrLiteral IRIOrLiteral targetClass targetNode targetObjectsOf targetSubjectsOf property path "
        "inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath class datatype nodeKind minCount "
        "maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern flags languageIn "
        "uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node qualifiedValueShape "
        "qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint closed ignoredProperties hasValue in "
        "message severity deactivated name description order group defaultValue sparql select prefixes declare "
        "prefix namespace"
    ).split()
}


def test_shapes_pass_the_shacl_meta_shapes():
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes(), meta_shacl=True, inference="none")
    assert conforms, text


def test_the_meta_shapes_reject_a_shape_that_is_not_shacl():
    broken = new_graph()
    broken += shapes()
    broken.parse(data=f"""@prefix sh: <{SH}> . @prefix kgs: <{KGS}> .
        kgs:Broken a sh:NodeShape ; sh:targetClass kgs:Thing ; sh:property [ sh:minCount "one" ] .""", format="turtle")
    with pytest.raises(ReportableRuntimeError, match="SHACL"):
        pyshacl.validate(Graph(), shacl_graph=broken, meta_shacl=True, inference="none")


def test_every_shape_property_shape_and_sparql_constraint_has_a_message():
    graph = shapes()
    targets = [URIRef(SH + t) for t in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")]
    nodes = {s for t in targets for s in graph.subjects(t, None)}
    # Shapes nested inside sh:or, sh:xone or sh:qualifiedValueShape never report: they need none.
    properties = {p for s in nodes for p in graph.objects(s, URIRef(SH + "property"))}
    constraints = set(graph.objects(None, URIRef(SH + "sparql")))
    silent = [str(n) for n in nodes | properties | constraints
              if not str(graph.value(n, URIRef(SH + "message")) or "").strip()]
    assert silent == []
    assert len(nodes) > 40 and len(constraints) > 20


def test_shapes_use_only_shacl_core_and_shacl_sparql():
    graph = shapes()
    used = {str(t) for triple in graph for t in triple if str(t).startswith(SH)}
    assert used - SHACL_CORE_AND_SPARQL == set()


def test_sparql_constraints_declare_their_prefixes_and_select_this():
    graph = shapes()
    for constraint in set(graph.objects(None, URIRef(SH + "sparql"))):
        select = str(graph.value(constraint, URIRef(SH + "select")))
        assert graph.value(constraint, URIRef(SH + "prefixes")) == URIRef(KGS + "prefixes"), constraint
        assert re.search(r"SELECT (DISTINCT )?\$this\b", select), constraint
        # Pre-bound $this must not be re-bound, and SHACL-SPARQL forbids these in constraints.
        assert not re.search(r"\bAS \$this\b|\bMINUS\b|\bVALUES\b|\bSERVICE\b", select), constraint


def value_list(shape: str, path: URIRef) -> set[URIRef]:
    graph = shapes()
    for prop in graph.objects(URIRef(KGS + shape), URIRef(SH + "property")):
        if graph.value(prop, URIRef(SH + "path")) == path:
            holder = graph.value(prop, URIRef(SH + "qualifiedValueShape")) or prop
            return set(Collection(graph, graph.value(holder, URIRef(SH + "in"))))
    raise AssertionError(f"kgs:{shape} has no value list for {path}")


def literal_values(annotation) -> set[str]:
    """The strings of a `Literal[...]` annotation, or of `Literal[...] | None`."""
    values = set()
    for arg in typing.get_args(annotation):
        values |= literal_values(arg) if typing.get_args(arg) else ({arg} if isinstance(arg, str) else set())
    return values


@pytest.mark.parametrize(
    ("shape", "path", "expected"),
    [
        ("EventShape", RDF.type, {KGO[camel(kind.value)] for kind in model.EventKind}),
        ("RoleShape", SEM.roleType, {KGO[camel(role.value)] for role in model.RoleType}),
        ("EventShape", KGO.reportedStatus, set(mapping.events.STATUS.values())),
        ("ClaimShape", KGO.voice, set(mapping.statements.VOICE.values())),
        ("MembershipShape", KGO.holdingStatus,
         {KGO[camel(s) + "Holding"] for s in literal_values(model.Holding.model_fields["status"].annotation)}),
        ("SentenceShape", KGO.penalty, {KGO[camel(p)] for p in literal_values(model.SentenceEvent.model_fields["penalty"].annotation)}),
        ("VerdictShape", KGO.verdictOutcome,
         {KGO[camel(o)] for o in literal_values(model.VerdictEvent.model_fields["outcome"].annotation)}),
        ("TimeValueShape", KGO.precision, set(mapping.times.UNIT.values())),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_value_lists_are_what_the_mapper_emits(shape: str, path: URIRef, expected: set[URIRef]):
    assert value_list(shape, path) == expected


def test_schema_org_statuses_the_mapper_emits_are_in_schema_orgs_list():
    """Every record status maps to a schema.org status the shapes accept (schema.org's own five)."""
    assert set(mapping.events.SCHEMA_STATUS) == {status.value for status in model.Status}
    assert set(mapping.events.SCHEMA_STATUS.values()) <= value_list("EventShape", SCHEMA.eventStatus)


def test_shapes_target_every_class_and_constrain_every_property_kg_emits(two_articles_built: Graph):
    graph = shapes()
    targeted = set(graph.objects(None, URIRef(SH + "targetClass")))
    classes = set(two_articles_built.objects(None, RDF.type))
    assert classes - targeted == set()
    paths = set()
    for path in graph.objects(None, URIRef(SH + "path")):
        paths |= {n for n in _path_nodes(graph, path) if isinstance(n, URIRef)}
    assert set(two_articles_built.predicates()) - paths == set()



@pytest.fixture(scope="module")
def two_articles_built(built_two_articles) -> Graph:
    """The seed and the fictional article built together: every kind of resource kg emits, and void.ttl's
    description of the files."""
    return read_data([built_two_articles.out / "kg.trig", built_two_articles.out / "void.ttl"])


def _path_nodes(graph: Graph, path: Node) -> set[Node]:
    """Every node of a SHACL path: the predicates it walks and the path's own structure."""
    nodes, todo = set(), [path]
    while todo:
        node = todo.pop()
        nodes.add(node)
        todo.extend(o for _, o in graph.predicate_objects(node) if o not in nodes)
    return nodes
