"""The record's JSON Schema: shipped, generated from the models, and true to every record."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, SEEDS
from kg.model import record_json_schema
from kg.read.loader import _Loader
from kg.resources import data_file

RECORDS = sorted(SEEDS.glob("*.yaml")) + sorted((FIXTURES / "articles").glob("*.yaml"))


def test_the_shipped_schema_is_the_generated_one():
    assert data_file("record.schema.json").read_text(encoding="utf-8") == record_json_schema(), (
        "kg/data/record.schema.json is stale: regenerate it with "
        "`kg schema > kg/data/record.schema.json`"
    )


def test_kg_schema_prints_it(run_kg):
    result = run_kg("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "kg article record"


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
def test_every_record_satisfies_the_schema(record):
    data = yaml.load(record.read_text(encoding="utf-8"), Loader=_Loader)
    jsonschema.Draft202012Validator(json.loads(record_json_schema())).validate(data)


def test_the_schema_rejects_an_unknown_field():
    data = yaml.load((SEEDS / "000_ce469ea1af2cc5a4.yaml").read_text(encoding="utf-8"), Loader=_Loader)
    data["actors"][0]["nmae"] = "Hun Sen"
    validator = jsonschema.Draft202012Validator(json.loads(record_json_schema()))
    assert any("nmae" in error.message for error in validator.iter_errors(data))
