"""The bundled queries are portable SPARQL: rdflib and pyoxigraph give the same answers.

rdflib receives the parameters the way a remote endpoint will, as a VALUES block written by
`with_values` at the start of the WHERE clause; pyoxigraph receives them as substitutions. Answers are compared by value:
`Term` already drops xsd:string from simple literals (pyoxigraph writes it, rdflib does not), and
integer types derived from xsd:integer count as xsd:integer, because pyoxigraph stores them so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from kg.query import LocalDataset, QueryFile, bind_params, with_values
from kg.results import Results, Term
from regenerate_expected import examples

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + name for name in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int",
    "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)}

EXAMPLES = examples()
EXAMPLE_IDS = [f"{query.name}-{number}" for query, number, _ in EXAMPLES]


class RdflibDataset:
    """The dataset in rdflib, its default graph the union of its graphs; parameters as VALUES."""

    def __init__(self, path: Path) -> None:
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(path, format="nquads")

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        answer = self.dataset.query(with_values(query.text, bindings))
        variables = tuple(str(variable) for variable in answer.vars)
        return Results(variables, tuple(tuple(_term(value) for value in row) for row in answer))


def _term(value) -> Term | None:
    if value is None:
        return None
    if isinstance(value, URIRef):
        return Term.iri(str(value))
    if isinstance(value, BNode):
        return Term.bnode(str(value))
    assert isinstance(value, Literal), value
    return Term.literal(str(value), str(value.datatype) if value.datatype else None, value.language)


def by_value(results: Results) -> Results:
    """The results with every integer-derived literal typed xsd:integer."""
    def value(term: Term | None) -> Term | None:
        if term is not None and term.datatype in INTEGER_TYPES:
            return Term.literal(term.value, XSD + "integer")
        return term

    return Results(results.vars, tuple(tuple(value(term) for term in row) for row in results.rows))


@pytest.fixture(scope="session")
def seed_engines(built_seed) -> tuple[LocalDataset, RdflibDataset]:
    data = built_seed.out / "kg.nq"
    return LocalDataset.from_files(data), RdflibDataset(data)


@pytest.fixture(scope="session")
def two_article_engines(built_two_articles) -> tuple[LocalDataset, RdflibDataset]:
    """The seed and the fictional second article, which share actors such as Hun Sen."""
    data = built_two_articles.out / "kg.nq"
    return LocalDataset.from_files(data), RdflibDataset(data)


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_rdflib_and_pyoxigraph_agree_on_the_seed(seed_engines, query, number, params):
    oxigraph, rdflib = seed_engines
    bindings = bind_params(query, params)
    assert by_value(rdflib.execute(query, bindings)) == by_value(oxigraph.execute(query, bindings))


@pytest.mark.parametrize(("query", "number", "params"), EXAMPLES, ids=EXAMPLE_IDS)
def test_rdflib_and_pyoxigraph_agree_on_two_articles(two_article_engines, query, number, params):
    oxigraph, rdflib = two_article_engines
    bindings = bind_params(query, params)
    assert by_value(rdflib.execute(query, bindings)) == by_value(oxigraph.execute(query, bindings))


@pytest.mark.parametrize(("query", "number", "params"), [e for e in EXAMPLES if e[2]],
                         ids=[i for i, e in zip(EXAMPLE_IDS, EXAMPLES) if e[2]])
def test_values_clause_binds_like_substitution(seed_engines, query, number, params):
    """What a remote endpoint will run (VALUES in the text) answers as the embedded store does."""
    oxigraph, _ = seed_engines
    bindings = bind_params(query, params)
    as_text = QueryFile(query.name, query.display, with_values(query.text, bindings), query.question, (), ())
    assert oxigraph.execute(as_text, {}) == oxigraph.execute(query, bindings)
