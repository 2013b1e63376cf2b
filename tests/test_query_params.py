"""Parameters are typed RDF terms, never query text: hostile values are plain values and match nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.query import LocalDataset, bind_params, load_query, parse_params, run_query, with_values
from kg.results import Term
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


def test_values_clause_escapes_what_would_end_a_literal():
    text = with_values("SELECT ?name WHERE { }", {"name": Term.literal('a" } UNION {\n\\')})
    assert text.endswith('VALUES (?name) { ("a\\" } UNION {\\n\\\\") }\n')


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
