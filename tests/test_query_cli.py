"""`kg query`: listing, the four formats, a user's own query, and one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from conftest import SEEDS
from kg.query import LocalDataset, list_queries, run_query
from kg.results import FORMATS, Results
from regenerate_expected import EXPECTED

HUN_SEN = "https://kg.example.org/person/hun-sen"


@pytest.fixture
def dist(built_seed) -> str:
    return str(built_seed.out)


def _one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_list_shows_every_bundled_question(run_kg):
    result = run_kg("query", "--list")
    assert result.exit_code == 0, result.output
    for query in list_queries():
        assert f"{query.name}  " in result.stdout
        assert query.question in result.stdout
    assert "--param resource=IRI" in result.stdout


def test_table_shows_labels_beside_iris_instead_of_them(run_kg, dist):
    result = run_kg("query", "actor-posts", "--param", f"actor={HUN_SEN}", "--out", dist)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["actor", "post", "organization", "status", "since", "sinceValue"]
    assert lines[2].split("  ")[0] == "Hun Sen"
    assert "Chair of ASEAN" in lines[2] and "kgo:CurrentHolding" in lines[2]
    assert HUN_SEN not in result.stdout
    assert lines[-1] == "(2 rows)"


def test_tsv_is_the_expected_file(run_kg, dist):
    result = run_kg("query", "timeline", "--format", "tsv", "--out", dist)
    assert result.exit_code == 0, result.output
    assert result.stdout == (EXPECTED / "timeline.tsv").read_text(encoding="utf-8")


def test_json_is_sparql_results_that_read_back_to_the_same_rows(run_kg, dist, built_seed):
    result = run_kg("query", "evidence", "--param", f"resource={HUN_SEN}", "--format", "json", "--out", dist)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"][:4] == ["resource", "begin", "end", "anchor"]
    first = document["results"]["bindings"][0]
    assert first["resource"] == {"type": "uri", "value": HUN_SEN}
    assert first["anchor"] == {"type": "literal", "value": "Hun Sen"}
    dataset = LocalDataset.from_files(built_seed.out / "kg.nq")
    assert Results.from_json(document) == run_query("evidence", {"resource": HUN_SEN}, dataset)


def test_csv_has_bare_values_and_a_header(run_kg, dist):
    result = run_kg("query", "who-is-named", "--param", "name=Prak Sokhoon", "--format", "csv", "--out", dist)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name", "actor", "actorLabel", "form", "description"]
    assert rows[1][:4] == ["Prak Sokhoon", "https://kg.example.org/person/prak-sokhonn", "Prak Sokhonn",
                           "https://kg.example.org/ontology#misspelledName"]


def test_a_users_own_query_file_runs_with_its_declared_parameter(run_kg, dist, tmp_path):
    path = tmp_path / "label.rq"
    path.write_text(
        "# What is a resource's label?\n# @param thing IRI the resource\n"
        "SELECT ?thing ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label\n",
        encoding="utf-8",
    )
    result = run_kg("query", str(path), "--param", f"thing={HUN_SEN}", "--format", "csv", "--out", dist)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == f"thing,label\r\n{HUN_SEN},Hun Sen\r\n".encode()


def test_a_parameter_the_query_does_not_select_is_one_line(run_kg, dist, tmp_path):
    path = tmp_path / "label.rq"
    path.write_text("# @param thing IRI the resource\nSELECT ?label WHERE { ?thing ?p ?label }\n", encoding="utf-8")
    result = run_kg("query", str(path), "--param", f"thing={HUN_SEN}", "--out", dist)
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    assert line.startswith(f"Error: {path}: ") and "?thing" in line
    assert line.endswith("a parameter must be a variable the query selects")


def test_an_unknown_query_name_is_one_line_naming_the_file(run_kg, dist):
    result = run_kg("query", "who-met-whom", "--out", dist)
    assert result.exit_code == 2, result.output
    assert _one_error_line(result) == (
        "Error: who-met-whom.rq: no bundled query of this name; `kg query --list` shows them"
    )


def test_a_missing_query_file_is_one_line_naming_it(run_kg, dist, tmp_path):
    missing = tmp_path / "nothing.rq"
    result = run_kg("query", str(missing), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _one_error_line(result) == f"Error: {missing}: no such query file"


def test_a_missing_parameter_is_one_line_naming_the_query(run_kg, dist):
    result = run_kg("query", "evidence", "--out", dist)
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    assert line.startswith("Error: evidence.rq: parameter 'resource' is missing")


def test_a_syntax_error_in_a_users_query_is_one_line_with_file_and_line(run_kg, dist, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# Who is there?\nSELECT ?s\nWHERE { ?s ?p ?o ) }\nORDER BY ?s\n", encoding="utf-8")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    line = _one_error_line(result)
    found = re.fullmatch(rf"Error: {re.escape(str(path))}:(\d+): SPARQL syntax error: error at (\d+):\d+: .+", line)
    assert found, line
    assert found[1] == found[2]


def test_a_query_that_is_not_select_is_refused(run_kg, dist, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    result = run_kg("query", str(path), "--out", dist)
    assert result.exit_code == 2, result.output
    assert _one_error_line(result) == f"Error: {path}: only SELECT queries can be run by kg query"


def test_an_iri_parameter_that_is_not_an_iri_is_one_line(run_kg, dist):
    result = run_kg("query", "evidence", "--param", "resource=hun-sen> } UNION {", "--out", dist)
    assert result.exit_code == 2, result.output
    assert _one_error_line(result).startswith("Error: evidence.rq: parameter 'resource': ")


def test_no_query_and_no_list_is_a_usage_error(run_kg, dist):
    result = run_kg("query", "--out", dist)
    assert result.exit_code == 2, result.output
    assert "give a query's name or a .rq file" in result.stderr


def test_the_dataset_is_built_first_when_it_is_missing(run_kg, tmp_path, monkeypatch):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    result = run_kg("query", "verdicts-to-come", "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "kg.nq").is_file()
    assert "dist/ is missing: building it from seeds/" in result.stderr
    assert result.stdout == (EXPECTED / "verdicts-to-come.tsv").read_text(encoding="utf-8")


def test_a_dataset_folder_without_its_quads_is_one_line(run_kg, tmp_path):
    (tmp_path / "dist").mkdir()
    result = run_kg("query", "actors", "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2, result.output
    assert _one_error_line(result) == f"Error: {tmp_path / 'dist'}: the built dataset has no kg.nq; run `kg build`"



def test_the_command_offers_every_results_format():
    from kg.cli import query

    choice = next(option for option in query.params if option.name == "fmt").type
    assert tuple(choice.choices) == FORMATS
