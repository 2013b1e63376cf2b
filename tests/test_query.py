"""The bundled queries: their headers, and their answers on the seeds against the expected files."""

from __future__ import annotations

import re
import pyoxigraph as ox
import pytest
from SPARQLWrapper import SELECT, SPARQLWrapper

import kg.query
from conftest import SEEDS
from kg.query import LocalDataset, QueryFile, list_queries
from kg.results import Results
from regenerate_expected import EXPECTED, answer, examples, expected_path

EXAMPLES = examples()
EXAMPLE_IDS = [f"{query.name}-{number}" for query, number, _ in EXAMPLES]
QUERIES = list_queries()

# The one query about graphs may use GRAPH; every other query reads the merged default graph.
GRAPH_QUERIES = {"graphs"}


@pytest.fixture(scope="session")
def seed_dataset(built_seed) -> LocalDataset:
    return LocalDataset.from_files(built_seed.out / "kg.nq")


def _code(query: QueryFile) -> str:
    """The query without its comments (a `#` inside an IRI is not a comment)."""
    return re.sub(r"(?m)^\s*#.*$|\s#\s.*$", "", query.text)


def test_at_least_fifteen_questions_are_bundled():
    assert len(QUERIES) >= 15, [q.name for q in QUERIES]


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_bundled_query_states_its_question_and_an_example(query: QueryFile):
    assert query.question.endswith("?"), query.question
    assert query.examples, f"{query.name}.rq has no `# Example:` line"
    assert f"kg query {query.name}" in query.text


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_bundled_query_orders_its_rows(query: QueryFile):
    assert re.search(r"\bORDER\s+BY\b", _code(query), re.IGNORECASE), f"{query.name}.rq has no ORDER BY"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_bundled_query_orders_by_every_variable_it_selects(query: QueryFile):
    """Rows are distinct, so ordering by all they hold is a total order (aggregates follow their group)."""
    code = _code(query)
    select = re.search(r"\bSELECT\s+(?:DISTINCT\s+)?(.*?)\bWHERE\b", code, re.S | re.I)[1]
    plain = re.sub(r"\(.*?\bAS\s+\?\w+\s*\)", "", select, flags=re.S | re.I)
    ordered = set(re.findall(r"\?(\w+)", code[re.search(r"\bORDER\s+BY\b", code, re.I).end():]))
    assert [v for v in re.findall(r"\?(\w+)", plain) if v not in ordered] == []


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_bundled_query_uses_each_declared_parameter(query: QueryFile):
    for parameter in query.parameters:
        assert re.search(rf"\?{parameter.name}\b", _code(query)), f"?{parameter.name} is not in {query.name}.rq"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_sparqlwrapper_takes_the_bundled_query_for_a_select(query: QueryFile):
    """A reader's SPARQLWrapper guesses the form from the text, comments and all (it keeps every
    other line of a run of comments and takes the first keyword found in any word): a comment
    holding "load" or "address" would make it send the query as an update, which stores refuse."""
    wrapper = SPARQLWrapper("http://127.0.0.1/sparql")
    wrapper.setQuery(query.text)
    assert wrapper.queryType == SELECT, f"{query.name}.rq: SPARQLWrapper reads a {wrapper.queryType}; reword its comments"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_only_the_query_about_graphs_names_graphs(query: QueryFile):
    uses_graph = bool(re.search(r"\b(GRAPH|FROM)\b", _code(query)))
    assert uses_graph == (query.name in GRAPH_QUERIES), query.name


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_bundled_query_answers_the_seed_as_expected(seed_dataset, query, number, params):
    path = expected_path(query, number)
    assert path.exists(), f"{path.name} is missing: run python tests/regenerate_expected.py"
    expected = path.read_text(encoding="utf-8")
    assert answer(seed_dataset, query, params) == expected, (
        f"{query.name} example {number} no longer answers as {path.name} says; if the data changed on "
        "purpose, run python tests/regenerate_expected.py and check the new answer against the article"
    )


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_bundled_query_answers_something(seed_dataset, query, number, params):
    assert len(seed_dataset.execute(query, kg.query.bind_params(query, params))) > 0


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_bundled_query_has_no_duplicate_rows(seed_dataset, query, number, params):
    rows = seed_dataset.execute(query, kg.query.bind_params(query, params)).rows
    assert len(rows) == len(set(rows))


def test_every_expected_file_belongs_to_an_example():
    kept = {path.name for path in EXPECTED.glob("*.tsv")}
    made = {expected_path(query, number).name for query, number, _ in EXAMPLES}
    assert kept == made


# Counting triples per named graph changes when a graph is copied, as it should.
MERGE_EXAMPLES = [(q, n, p) for q, n, p in EXAMPLES if q.name not in GRAPH_QUERIES]


@pytest.mark.parametrize(("query", "number", "params"), MERGE_EXAMPLES,
                         ids=[f"{q.name}-{n}" for q, n, _ in MERGE_EXAMPLES])
def test_answers_do_not_change_when_shared_triples_are_in_two_graphs(built_seed, seed_dataset, query, number, params):
    """A store whose union of graphs keeps a copy per graph (pyoxigraph's, Virtuoso's) answers the same.

    Actors, posts and charges are shared by the articles that mention them, so their triples are
    copied into a second graph; the queries must not count or list them twice. One count is the
    exception, and must differ: `statistics` counts the default graph's triples as its rows (telling
    them apart again tripled its time at 1,000 articles), so a union counts a copied triple twice.
    """
    store = ox.Store()
    store.load(path=str(built_seed.out / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    copy = ox.NamedNode("https://kg.example.org/graph/copy")
    articles = [record.stem for record in SEEDS.glob("*.yaml")]
    shared = [q for q in store if not any(article in q.subject.value for article in articles)]
    store.extend(ox.Quad(q.subject, q.predicate, q.object, copy) for q in shared)
    bindings = kg.query.bind_params(query, params)
    union = LocalDataset(store, union_default_graph=True).execute(query, bindings)
    merged = seed_dataset.execute(query, bindings)
    if query.name == "statistics":
        union, union_triples = _without_measure(union, "triples")
        merged, merged_triples = _without_measure(merged, "triples")
        assert union_triples == merged_triples + len(shared)
    assert union == merged


def _without_measure(answer: Results, measure: str) -> tuple[Results, int]:
    """`statistics`' answer without one measure's row, and that measure's count."""
    kept = tuple(row for row in answer.rows if row[0].value != measure)
    (count,) = (int(row[1].value) for row in answer.rows if row[0].value == measure)
    return Results(answer.vars, kept), count


def _two_graphs() -> ox.Store:
    """A store of two named graphs, one triple each, and their merge as its default graph."""
    store = ox.Store()
    for number in (1, 2):
        triple = (ox.NamedNode("https://kg.example.org/s"), ox.NamedNode("https://kg.example.org/p"),
                  ox.Literal(str(number)))
        store.add(ox.Quad(*triple, ox.NamedNode(f"https://kg.example.org/graph/{number}")))
        store.add(ox.Quad(*triple, ox.DefaultGraph()))
    return store


def _graph_query(text: str) -> QueryFile:
    return QueryFile("mine", "mine.rq", text, "", (), ())


@pytest.mark.parametrize("pattern", ["?s ?p ?o", "?s <https://kg.example.org/p> ?o", "<https://kg.example.org/s> ?p ?o"])
def test_a_graph_named_by_a_variable_gives_what_the_store_holds(pattern):
    """The embedded store is queried with its named graphs given as the query's own where a GRAPH may
    name one by a variable (read graph by graph, faster): its answer is the store's own, every pattern."""
    store = _two_graphs()
    text = f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ {pattern} }} }} ORDER BY ?g ?o"
    answer = LocalDataset(store).execute(_graph_query(text), {})
    assert [(g.value, o.value) for g, o in answer.rows] == [
        (str(row["g"].value), row["o"].value) for row in store.query(text)]
    assert [o.value for _, o in answer.rows] == ["1", "2"]


def test_a_query_that_names_its_own_graphs_keeps_them():
    """FROM NAMED is the query's dataset: the store's graphs, given to the others, do not replace it."""
    text = "SELECT ?g ?o FROM NAMED <https://kg.example.org/graph/2> WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = LocalDataset(_two_graphs()).execute(_graph_query(text), {})
    assert [(g.value, o.value) for g, o in answer.rows] == [("https://kg.example.org/graph/2", "2")]
