"""kg.shacl, the fast way to validate, gives the findings of kg.check (pyshacl), finding for finding.

Both validate the base world and each fixture of tests/shapes/ on it (as tests/test_shapes.py
does), each mutation of the seed of tests/test_shapes_mutations.py, and the built seed and two
articles, whole and graph by graph (as a build checks one article); the findings must be equal
lists. Each fixture's Turtle as written, read by pyoxigraph as `kg validate` reads a Turtle file
for the engine (kg.shacl.data.as_nquads), gives the findings pyshacl gives of rdflib's reading.
Shapes or data the engine cannot check as pyshacl does are refused, not checked less. And every
SPARQL constraint is anchored on its focus node: what rdflib examines to answer it for one
node does not grow with the other articles in the graph.
"""

from __future__ import annotations

import gc
import pickle
from dataclasses import astuple, fields, is_dataclass, replace
from functools import lru_cache
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.stores.memory import Memory
from test_shapes_mutations import MUTATIONS, Mutation

from kg.check import _LABELS, Finding, load_shapes, run_shapes
from kg.shacl import Plan, Unsupported, check_nquads, compile_shapes, validate_nquads, validate_quads
from kg.shacl.data import Data, as_nquads
from kg.shacl.solutions import Solutions
from kg.validate import read_data
from kg.vocab import RDF, new_graph

FIXTURES = Path(__file__).resolve().parent / "shapes"
SH = "http://www.w3.org/ns/shacl#"
BASE = "https://kg.example.org/"
PREFIXES = f"@prefix sh: <{SH}> . @prefix kgs: <https://kg.example.org/shapes#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return load_shapes()


@lru_cache(maxsize=1)
def plan() -> Plan:
    return compile_shapes(shapes())


def both(graph: Graph) -> tuple[list[Finding], list[Finding]]:
    """pyshacl's findings and the engine's for the same N-Triples, each sorted field by field.

    pyshacl validates the graph rdflib reads back from them: where a node has two labels, kg.check
    names it by the first rdflib holds, and rdflib writes a graph's triples in no fixed order.
    """
    data = graph.serialize(format="nt", encoding="utf-8")
    theirs = run_shapes(new_graph().parse(data=data, format="nt"), shapes())[0]
    ours = validate_nquads(data, plan())
    order = [(f.severity != "Violation", f.label or f.focus, f.focus, f.path, f.message) for f in ours]
    assert order == sorted(order), "the engine's findings are not in kg.check.run_shapes' order"
    return sorted(theirs, key=astuple), sorted(ours, key=astuple)


def differences(theirs: list[Finding], ours: list[Finding]) -> str:
    only_theirs = [f for f in theirs if f not in ours]
    only_ours = [f for f in ours if f not in theirs]
    lines = [f"  pyshacl only: {f}" for f in only_theirs] + [f"  engine only:  {f}" for f in only_ours]
    return "\n".join(lines) or f"  the same findings, {len(theirs)} and {len(ours)} times"


def on_base(fixture: Path | None) -> Graph:
    graph = new_graph()
    graph.parse(FIXTURES / "base.ttl", format="turtle")
    if fixture is not None:
        graph.parse(fixture, format="turtle")
    return graph


# The same findings -----------------------------------------------------------------------------------

# Data with a negative offset, which the engine refuses (see the test below) and pyshacl checks.
NEGATIVE_FIXTURES = {"mentions-invalid-07"}
NEGATIVE_MUTATIONS = {"offset_below_zero"}


@pytest.mark.parametrize("fixture", [None, *sorted(f for f in FIXTURES.glob("*-*.ttl") if f.stem not in NEGATIVE_FIXTURES)],
                         ids=lambda p: p.stem if p else "base")
def test_fixture_gives_pyshacls_findings(fixture: Path | None):
    theirs, ours = both(on_base(fixture))
    assert ours == theirs, differences(theirs, ours)

    # The files as written, as kg validate reads them: pyshacl on rdflib's reading, the engine on
    # pyoxigraph's.
    files = [FIXTURES / "base.ttl", *([fixture] if fixture else [])]
    data = read_data(files)
    rdflibs = run_shapes(data, shapes())[0]
    if fixture is not None and fixture.stem in REFUSED_AS_WRITTEN:
        with pytest.raises(Unsupported, match="Oxigraph rewrites the literal"):
            from_turtle(files)
    else:
        pyoxigraphs = from_turtle(files)
        assert by_any_label(pyoxigraphs, data) == by_any_label(rdflibs, data), differences(rdflibs, pyoxigraphs)


def by_any_label(findings: list[Finding], data: Graph) -> list[Finding]:
    """The findings, sorted, a node with several labels named by all of them. kg.check names a node by
    the first label rdflib holds, and where rdflib reads files into a Dataset that first one changes
    with the process's hash seed (manner-invalid-07: "Useful talks" under one seed in six); pyoxigraph
    reads them in the files' order. Which label names the node must still be one of its own."""
    named = []
    for finding in findings:
        focus = URIRef(finding.focus)
        labels = next((values for values in ([str(o) for o in data.objects(focus, predicate)] for predicate in _LABELS)
                       if values), [])
        if len(labels) > 1:
            assert finding.label in labels, finding
            finding = replace(finding, label=" | ".join(sorted(labels)))
        named.append(finding)
    return sorted(named, key=astuple)


# Fixtures whose Turtle holds a literal not in the form rdflib reads it as ("2C26B46B"^^xsd:hexBinary,
# read as "2c26b46b"), which a SPARQL constraint reads: the engine refuses them (and kg validate
# hands them to pyshacl). Through rdflib's N-Triples, as above, they are already in rdflib's form.
REFUSED_AS_WRITTEN = {"dataset-invalid-10"}


def from_turtle(paths: list[Path]) -> list[Finding]:
    """The engine's findings of Turtle files, read by pyoxigraph (as kg validate reads them)."""
    data = b"\n".join(as_nquads(path.read_bytes(), pyoxigraph.RdfFormat.TURTLE, path.as_uri()) for path in paths)
    return validate_nquads(data, plan())


@pytest.fixture(scope="module")
def seed_graph(built_seed_with_text) -> Graph:
    """The seed with its text, as kg build checks it."""
    return read_data([built_seed_with_text.out / "kg.trig"])


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if m.name not in NEGATIVE_MUTATIONS], ids=lambda m: m.name)
def test_mutation_gives_pyshacls_findings(mutation: Mutation, seed_graph: Graph):
    graph = new_graph()
    graph += seed_graph
    mutation.change(graph)
    theirs, ours = both(graph)
    assert ours == theirs, f"{mutation.name}:\n{differences(theirs, ours)}"
    assert mutation.expect in {(f.component, f.path or "-", f.constraint or f.shape) for f in ours}


@pytest.mark.parametrize("build", ["built_seed", "built_two_articles"])
def test_built_graphs_give_pyshacls_findings_whole_and_one_by_one(build: str, request):
    result = request.getfixturevalue(build)
    graphs = [read_data([result.out / "kg.trig"]), *result.graphs]  # the union, each article, the metadata
    found = []
    for graph in graphs:
        theirs, ours = both(graph)
        assert ours == theirs, f"{graph.identifier}:\n{differences(theirs, ours)}"
        found += ours
    assert any(f.severity == "Warning" for f in found)  # the comparison covers warnings too


def test_quads_give_the_findings_of_their_nquads(seed_graph: Graph):
    data = seed_graph.serialize(format="nt", encoding="utf-8")
    quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert validate_quads(quads, plan()) == validate_nquads(data, plan())


def test_the_plan_pickles_as_plain_data_and_validates_alike():
    def plain(value) -> bool:
        if is_dataclass(value):
            return all(plain(getattr(value, f.name)) for f in fields(value))
        if isinstance(value, tuple):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, bool)

    assert plain(plan())
    copy = pickle.loads(pickle.dumps(plan()))
    data = on_base(FIXTURES / "justice-invalid-01.ttl").serialize(format="nt", encoding="utf-8")
    assert copy == plan() and validate_nquads(data, copy) == validate_nquads(data, plan()) != []


# Refused, never checked less ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("shape", "refused"),
    [
        ('sh:property [ sh:path kgs:p ; sh:maxLength 3 ; sh:message "m" ]', "sh:maxLength"),
        ('sh:property [ sh:path kgs:p ; sh:lessThan kgs:q ; sh:message "m" ]', "sh:lessThan"),
        ('sh:closed true ; sh:message "m"', "sh:closed"),
        ('sh:property [ sh:path [ sh:zeroOrMorePath kgs:p ] ; sh:minCount 1 ; sh:message "m" ]', "sh:path"),
        ("sh:property [ sh:path kgs:p ; sh:minCount 1 ]", "sh:message"),
        ('sh:node kgs:Added ; sh:message "m"', "refers to itself"),
    ],
    ids=["maxLength", "lessThan", "closed", "zeroOrMorePath", "no message", "recursion"],
)
def test_compiler_refuses_what_it_does_not_implement(shape: str, refused: str):
    graph = new_graph()
    graph += shapes()
    graph.parse(data=f"{PREFIXES} kgs:Added a sh:NodeShape ; sh:targetClass kgs:Thing ; {shape} .", format="turtle")
    with pytest.raises(Unsupported, match=refused):
        compile_shapes(graph)
    run_shapes(new_graph(), graph)  # pyshacl, the fallback, reads these shapes


def test_compiler_refuses_a_sparql_constraint_it_would_run_differently():
    graph = new_graph()
    graph += shapes()
    graph.parse(data=f"""{PREFIXES} kgs:Typed a sh:NodeShape ; sh:targetClass kgs:Thing ; sh:sparql [
        sh:message "m" ; sh:prefixes kgs:prefixes ;
        sh:select "SELECT $this WHERE {{ $this kgo:p ?v FILTER (DATATYPE(?v) = xsd:integer) }}" ] .""",
                format="turtle")
    with pytest.raises(Unsupported, match="DATATYPE"):
        compile_shapes(graph)


def test_compiler_refuses_bound_of_this_but_not_of_another_variable():
    def constraint(select: str) -> Graph:
        graph = new_graph()
        graph += shapes()
        graph.parse(data=f"""{PREFIXES} kgs:Bound a sh:NodeShape ; sh:targetClass kgs:Thing ; sh:sparql [
            sh:message "m" ; sh:prefixes kgs:prefixes ; sh:select "{select}" ] .""", format="turtle")
        return graph

    with pytest.raises(Unsupported, match=r"BOUND\(\$this\)"):
        compile_shapes(constraint("SELECT $this WHERE { OPTIONAL { $this kgo:p ?v } FILTER (BOUND($this)) }"))
    # An OPTIONAL left unbound, as kgs:CueInsideStatement asks: both engines give the same findings.
    graph = constraint("SELECT $this WHERE { OPTIONAL { $this kgo:p ?v } FILTER (!BOUND(?v)) }")
    data = new_graph()
    data.parse(data="""@prefix kgs: <https://kg.example.org/shapes#> . @prefix kgo: <https://kg.example.org/ontology#> .
        kgs:a a kgs:Thing . kgs:b a kgs:Thing ; kgo:p kgs:a .""", format="turtle")
    reference, _ = run_shapes(data, graph)
    fast = validate_nquads(data.serialize(format="nt", encoding="utf-8"), compile_shapes(graph))
    assert fast == reference
    assert [finding.focus for finding in fast] == ["https://kg.example.org/shapes#a"]


@pytest.mark.parametrize(
    ("triples", "refused"),
    [
        ('<https://kg.example.org/a> <https://schema.org/name> "A"^^<http://www.w3.org/2001/XMLSchema#string> .',
         "xsd:string"),
        ('<https://kg.example.org/a> <https://schema.org/name> "A"@EN .', "language tag"),
        ("<https://kg.example.org/a> <https://schema.org/name> _:b1 .", "blank node"),  # rdflib renames it
    ],
    ids=["explicit xsd:string", "upper-case language tag", "blank node"],
)
def test_data_pyoxigraph_reads_otherwise_than_rdflib_is_refused(triples: str, refused: str):
    with pytest.raises(Unsupported, match=refused):
        validate_nquads(triples.encode(), plan())


@pytest.mark.parametrize(("text", "value"), [('"@HunSen said"', "@HunSen said"), ('"@HunSen"', "@HunSen"),
                                             ('"x \\"@EN\\" y"', 'x "@EN" y')])
def test_n_quads_whose_string_holds_words_like_a_language_tag_are_read(text: str, value: str):
    """Only a tag at the end of its line, before the graph and the stop, is taken for one: a string
    that begins with "@" and a capital (a handle) is read by the engine, not refused."""
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    line = f"<https://kg.example.org/a> <{label}> {text} <https://g> .\n"
    assert str(Data.from_nquads(line.encode()).value(URIRef("https://kg.example.org/a"), label)) == value


@pytest.mark.parametrize("literal", [
    '"A"^^xsd:string', "'A'^^<http://www.w3.org/2001/XMLSchema#string>", '"A" ^^ x:string', '"""A"""^^xsd:string',
    '"A"@EN', "'A'@en-GB", '"""A"""@En', '"A" @EN',
])
def test_turtle_whose_literals_pyoxigraph_reads_otherwise_than_rdflib_is_refused(literal: str):
    """A datatype that may be xsd:string (by any prefix) or a language tag with an upper-case letter:
    pyoxigraph's parser keeps neither (a plain string; the tag lower-cased), rdflib's keeps both."""
    text = f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix x: <http://www.w3.org/2001/XMLSchema#> .\n" \
           f"<https://kg.example.org/a> <https://schema.org/name> {literal} ."
    with pytest.raises(Unsupported, match="xsd:string or an upper-case language tag"):
        as_nquads(text.encode(), pyoxigraph.RdfFormat.TURTLE, "https://kg.example.org/")


@pytest.mark.parametrize("literal", ['"A"', '"A"@en-gb', '"7"^^xsd:integer', '"a:string"', "'@en'",
                                     '"@HunSen said"', '"@HunSen"', '"""@HunSen"""'])
def test_turtle_whose_literals_pyoxigraph_reads_as_rdflib_is_read(literal: str):
    """What pyoxigraph's parser keeps as rdflib's does is read, not refused, and read as the same triple."""
    text = (f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            f"<https://kg.example.org/a> <https://schema.org/name> {literal} .")
    lines = as_nquads(text.encode(), pyoxigraph.RdfFormat.TURTLE, "https://kg.example.org/")
    assert lines.startswith(b"<https://kg.example.org/a> <https://schema.org/name> ") and lines.count(b"\n") == 1

    # Compared as N3 terms, which keep a tag's case where rdflib's equality of terms does not.
    def triples(data, form: str) -> set[tuple[str, ...]]:
        return {tuple(term.n3() for term in triple) for triple in Graph().parse(data=data, format=form)}

    assert triples(lines, "nt") == triples(text, "turtle")


@pytest.mark.parametrize("enabled", [True, False], ids=["collector on", "collector off"])
def test_checking_nquads_pauses_the_garbage_collector_and_leaves_it_as_it_found_it(enabled: bool, monkeypatch):
    # Paused while the data is read and checked, then as it was, even when the data is refused.
    place = b"<https://kg.example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Place> ."
    reading = Data.from_nquads.__func__
    seen = []
    monkeypatch.setattr(Data, "from_nquads", classmethod(lambda cls, *a: seen.append(gc.isenabled()) or reading(cls, *a)))
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        findings, triples = check_nquads(place, plan())
        assert seen == [False]
        assert gc.isenabled() is enabled
        assert triples == 1 and findings
        with pytest.raises(Unsupported, match="blank node"):
            check_nquads(b"<https://kg.example.org/a> <https://schema.org/name> _:b1 .", plan())
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_literal_oxigraph_rewrites_is_refused_where_a_sparql_constraint_reads_it():
    graph = on_base(None)
    instant = next(graph.subjects(RDF.type, URIRef("http://www.w3.org/2006/time#Instant")))
    data = graph.serialize(format="nt", encoding="utf-8") + (
        f'<{instant}> <http://www.w3.org/2006/time#inXSDDateTime> '
        '"2022-01-07T00:00:00+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n').encode()
    with pytest.raises(Unsupported, match="rewrites"):  # PositionWithinBounds reads every triple of an instant
        validate_nquads(data, plan())


def test_two_literals_oxigraph_merges_are_refused_where_a_sparql_constraint_reads_them():
    graph = on_base(None)
    mention = next(graph.subjects(RDF.type, URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Phrase")))
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    data = graph.serialize(format="nt", encoding="utf-8") + (
        f'<{mention}x> <{nif}beginIndex> "5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n'
        f'<{mention}x> <{nif}endIndex> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n').encode()
    with pytest.raises(Unsupported, match="one term"):
        validate_nquads(data, plan())


def test_a_negative_number_a_sparql_constraint_reads_is_refused():
    # rdflib's SUBSTR, in AnchorIsText, counts a negative position or length from the end of the text.
    graph = on_base(None)
    mention = next(graph.subjects(RDF.type, URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Phrase")))
    data = graph.serialize(format="nt", encoding="utf-8") + (
        f'<{mention}> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#endIndex> '
        '"-3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n').encode()
    with pytest.raises(Unsupported, match="negative number"):
        validate_nquads(data, plan())


@pytest.mark.parametrize("fixture", sorted(NEGATIVE_FIXTURES))
def test_a_fixture_with_a_negative_offset_is_refused(fixture: str):
    with pytest.raises(Unsupported, match="negative number"):
        both(on_base(FIXTURES / f"{fixture}.ttl"))


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if m.name in NEGATIVE_MUTATIONS], ids=lambda m: m.name)
def test_a_mutation_with_a_negative_offset_is_refused(mutation: Mutation, seed_graph: Graph):
    graph = new_graph()
    graph += seed_graph
    mutation.change(graph)
    with pytest.raises(Unsupported, match="negative number"):
        both(graph)


# SPARQL constraints: once per graph, anchored on $this -------------------------------------------------------

def constraints():
    return [(shape, c) for shape in plan().shapes for c in shape.sparql]


def test_all_sparql_constraints_but_one_run_once_per_graph():
    # AppointmentIsComplete tests $this only inside UNION branches, which a free $this would not reach.
    assert {c.name for _, c in constraints() if not c.batch} == {"kgs:AppointmentIsComplete"}


def test_one_pass_gives_each_focus_node_the_solutions_pre_binding_gives(seed_graph: Graph):
    data = Data.from_nquads(seed_graph.serialize(format="nt", encoding="utf-8"))
    once, per_node = Solutions(data, {}), Solutions(data, {})
    rows = lambda found: sorted(tuple(map(str, row.values())) for row in found)  # noqa: E731
    checked = 0
    for shape, constraint in constraints():
        if constraint.batch:
            pre_bound = replace(constraint, batch=False)
            for focus in focus_nodes(seed_graph, URIRef(shape.key[1:-1])):
                assert rows(once.rows(constraint, focus)) == rows(per_node.rows(pre_bound, focus)), constraint.name
                checked += 1
    assert checked > 500


class CountingStore(Memory):
    """rdflib's in-memory store, counting the triples it hands to the SPARQL evaluator."""

    examined = 0

    def triples(self, pattern, context=None):
        for triple in super().triples(pattern, context):
            self.examined += 1
            yield triple


def with_copies(seed: Graph, copies: int) -> Graph:
    """The seed and `copies` copies of it whose resources have other IRIs: more articles, none shared."""
    def renamed(term, i):
        text = str(term)  # rdflib's URIRef.startswith does not take a tuple
        if isinstance(term, URIRef) and text.startswith(BASE) and not text.startswith((BASE + "ontology", BASE + "shapes")):
            return URIRef(f"{BASE}copy-{i}/{text[len(BASE):]}")
        return term

    graph = Graph(store=CountingStore())
    for s, p, o in seed:
        graph.add((s, p, o))
        for i in range(copies):
            graph.add((renamed(s, i), p, renamed(o, i)))
    return graph


def focus_nodes(seed: Graph, shape: URIRef) -> set:
    """The shape's focus nodes in the seed (kg's data declares no subclasses)."""
    found = set()
    for cls in shapes().objects(shape, URIRef(SH + "targetClass")):
        found |= set(seed.subjects(RDF.type, cls))
    for predicate in shapes().objects(shape, URIRef(SH + "targetSubjectsOf")):
        found |= set(seed.subjects(predicate, None))
    for predicate in shapes().objects(shape, URIRef(SH + "targetObjectsOf")):
        found |= set(seed.objects(None, predicate))
    return found


def examined(graph: Graph, query, focus) -> int:
    """The triples rdflib examines to answer `query` for one focus node, as pyshacl asks it."""
    graph.store.examined = 0
    list(graph.query(query, initBindings={"this": focus}))
    return graph.store.examined


@pytest.fixture(scope="module")
def alone_and_among_others(seed_graph: Graph) -> tuple[Graph, Graph]:
    return with_copies(seed_graph, 0), with_copies(seed_graph, 3)


def test_sparql_constraints_examine_as_much_for_a_node_among_other_articles_as_alone(seed_graph, alone_and_among_others):
    alone, among_others = alone_and_among_others
    growing, nodes = {}, 0
    for shape, constraint in constraints():
        query = prepareQuery(constraint.query)
        for focus in focus_nodes(seed_graph, URIRef(shape.key[1:-1])):
            counts = examined(alone, query, focus), examined(among_others, query, focus)
            nodes += 1
            if counts[0] != counts[1]:
                growing[constraint.name] = (str(focus), *counts)
    assert growing == {}, "triples examined for one node, alone and among three other articles"
    assert nodes > 500


def test_the_measure_sees_a_constraint_that_is_not_anchored(seed_graph, alone_and_among_others):
    alone, among_others = alone_and_among_others
    # The defendants' join as one block: rdflib starts from every defendant role of the graph.
    unanchored = prepareQuery("""
        PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> PREFIX kgo: <https://kg.example.org/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT $this ?value WHERE {
            $this kgo:imposedSentence ?value .
            FILTER NOT EXISTS {
                $this sem:hasActor ?role . ?role sem:roleType kgo:Defendant ; rdf:value ?defendant .
                ?value sem:hasActor ?sentenced . ?sentenced sem:roleType kgo:Defendant ; rdf:value ?defendant .
            }
        }""")
    verdict = URIRef(f"{BASE}event/000_ce469ea1af2cc5a4/suu-kyi-verdict")
    assert examined(among_others, unanchored, verdict) > examined(alone, unanchored, verdict)
