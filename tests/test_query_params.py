"""Parameters are typed RDF terms, never query text: hostile values are plain values and match nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from rdflib.plugins.sparql.parser import parseQuery

from kg.query import LocalDataset, bind_params, load_query, parse_params, run_query, with_values
from kg.query.params import _check_values_first
from kg.results import Term
from regenerate_expected import examples
from test_query_engines import RdflibDataset

HOSTILE = [
    'Asean" } UNION { ?actor ?form ?name } #',
    "Asean' } UNION { ?actor ?form ?name } #",
    'Asean"^^<http://www.w3.org/2001/XMLSchema#string>',
    '"""Asean"""',
    "Asean\n} UNION {\n?actor ?form ?name\n}",
    'Asean\\" . ?actor ?form ?name . #',
    "<https://kg.example.org/organization/asean>",
    "} ; DROP ALL ; SELECT * WHERE {",
    "SELECT * WHERE { ?s ?p ?o }",
    "Asean@en",
    "{{ ?name }} $name ?name",
]

NOT_IRIS = [
    "https://kg.example.org/person/hun-sen> } UNION { ?resource ?p ?o } #",
    "<https://kg.example.org/person/hun-sen>",
    "https://kg.example.org/person/hun sen",
    "https://kg.example.org/{person}",
    'https://kg.example.org/"hun-sen"',
    "person/hun-sen",
    "",
]

HUN_SEN = "https://kg.example.org/person/hun-sen"


@pytest.fixture(scope="session")
def engines(built_seed) -> dict[str, object]:
    data = built_seed.out / "kg.nq"
    return {"embedded": LocalDataset.from_files(data), "rdflib with VALUES": RdflibDataset(data)}


@pytest.fixture
def echo(tmp_path: Path) -> Path:
    """A user's query that returns its parameter as it was bound."""
    path = tmp_path / "echo.rq"
    path.write_text("# What value was bound?\n# @param text literal any text\nSELECT ?text WHERE { }\n",
                    encoding="utf-8")
    return path


def test_a_plain_name_finds_its_actor(engines):
    for engine in engines.values():
        rows = run_query("who-is-named", {"name": "Asean"}, engine).rows
        assert [row[1] for row in rows] == [Term.iri("https://kg.example.org/organization/asean")]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("engine_name", ["embedded", "rdflib with VALUES"])
def test_a_hostile_name_is_a_plain_value_that_matches_nothing(engines, engine_name, value):
    assert len(run_query("who-is-named", {"name": value}, engines[engine_name])) == 0


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("engine_name", ["embedded", "rdflib with VALUES"])
def test_a_hostile_value_is_bound_exactly_as_given(engines, echo, engine_name, value):
    results = run_query(echo, {"text": value}, engines[engine_name])
    assert results.rows == ((Term.literal(value),),)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_leave_the_data_as_it_was(engines, value):
    embedded = engines["embedded"]
    before = run_query("statistics", {}, embedded)
    run_query("who-is-named", {"name": value}, embedded)
    assert run_query("statistics", {}, embedded) == before


@pytest.mark.parametrize("value", NOT_IRIS)
def test_a_value_that_is_not_an_absolute_iri_is_refused(value):
    with pytest.raises(InputError) as error:
        bind_params(load_query("evidence"), {"resource": value})
    assert str(error.value).startswith("evidence.rq: parameter 'resource': ")
    assert "is not an absolute IRI" in str(error.value)


def test_values_block_escapes_what_would_end_a_literal():
    text = with_values("SELECT ?name WHERE { }", {"name": Term.literal('a" } UNION {\n\\')})
    assert text == 'SELECT ?name WHERE { VALUES (?name) { ("a\\" } UNION {\\n\\\\") } }'


def test_values_block_opens_the_where_clause_past_braces_in_strings_comments_and_expressions():
    query = ('PREFIX x: <http://x/#> # a { in a comment\n'
             'SELECT ?a (EXISTS { ?a x:b "}" } AS ?e) (\'{\' AS ?f) WHERE { ?a x:b """{""" } ORDER BY ?a')
    bound = with_values(query, {"a": Term.iri("http://x/a")})
    assert bound == query.replace('WHERE { ', 'WHERE { VALUES (?a) { (<http://x/a>) } ')


def test_values_block_wraps_a_where_clause_that_is_a_sub_select():
    bound = with_values("SELECT ?a WHERE { SELECT ?a { ?a ?b ?c } }", {"a": Term.iri("http://x/a")})
    assert bound == "SELECT ?a WHERE { VALUES (?a) { (<http://x/a>) } { SELECT ?a { ?a ?b ?c } } }"


def test_a_where_clause_that_does_not_begin_with_the_bindings_is_refused():
    """The guard that reads the bound query again: a VALUES block anywhere else is refused."""
    with pytest.raises(InputError) as error:
        _check_values_first("SELECT ?a WHERE { ?a ?b ?c VALUES (?a) { (<http://x/a>) } }",
                            {"a": Term.iri("http://x/a")}, "my.rq")
    assert str(error.value) == "my.rq: kg cannot bind the parameters at the start of the query's WHERE clause"


@pytest.mark.parametrize(("query", "params"), [(q, p) for q, _, p in examples() if p],
                         ids=[f"{q.name}-{n}" for q, n, p in examples() if p])
def test_every_bundled_query_gets_its_parameters_first_in_its_where_clause(query, params):
    bindings = bind_params(query, params)
    bound = with_values(query.text, bindings, query.display)
    where = parseQuery(bound)[1]["where"]["part"]
    assert where[0].name == "InlineData"
    assert [str(name) for name in where[0]["var"]] == list(bindings)
    # Nothing but the block was added: taking it out again gives the query's own text.
    block = bound[bound.index(" VALUES ("):bound.index(") }", bound.index(" VALUES (")) + 3]
    assert bound.replace(block, "", 1) == query.text


def test_a_missing_parameter_is_named_before_running():
    with pytest.raises(InputError) as error:
        bind_params(load_query("evidence"), {})
    assert str(error.value) == (
        "evidence.rq: parameter 'resource' is missing: give --param resource=IRI (the resource to find in the text)"
    )


def test_an_unknown_parameter_is_refused_with_the_ones_the_query_takes():
    with pytest.raises(InputError) as error:
        bind_params(load_query("evidence"), {"resource": HUN_SEN, "limit": "3"})
    assert str(error.value) == "evidence.rq: the query has no parameter 'limit'; it takes --param resource=IRI"


def test_an_optional_parameter_left_out_gives_every_row(engines):
    embedded = engines["embedded"]
    everyone = run_query("actor-posts", {}, embedded).rows
    hun_sen = run_query("actor-posts", {"actor": HUN_SEN}, embedded).rows
    assert 0 < len(hun_sen) < len(everyone)
    assert set(hun_sen) <= set(everyone)


def test_param_values_keep_everything_after_the_first_equals_sign():
    assert parse_params(["name=a=b", "other="]) == {"name": "a=b", "other": ""}


@pytest.mark.parametrize("item", ["name", "=value"])
def test_a_param_without_key_and_equals_sign_is_refused(item):
    with pytest.raises(InputError) as error:
        parse_params([item])
    assert str(error.value) == f"--param: expected KEY=VALUE, got {item!r}"


def test_a_param_given_twice_is_refused():
    with pytest.raises(InputError) as error:
        parse_params(["name=a", "name=b"])
    assert str(error.value) == "--param: 'name' is given twice"
