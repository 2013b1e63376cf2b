"""Results as SPARQL JSON and the four formats, whatever engine answered."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from kg.errors import InputError
from kg.results import Results, Term, format_results

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_an_endpoints_json_reads_back_to_terms():
    document = {
        "head": {"vars": ["a", "b", "c", "d", "e"]},
        "results": {"bindings": [{
            "a": {"type": "uri", "value": "https://kg.example.org/person/hun-sen"},
            "b": {"type": "typed-literal", "value": "5", "datatype": XSD + "integer"},
            "c": {"type": "literal", "value": "Hun Sen", "xml:lang": "EN"},
            "d": {"type": "literal", "value": "Hun Sen", "datatype": XSD + "string"},
        }]},
    }
    assert Results.from_json(document).rows == ((
        Term.iri("https://kg.example.org/person/hun-sen"),
        Term("literal", "5", XSD + "integer"),
        Term("literal", "Hun Sen", None, "en"),
        Term("literal", "Hun Sen"),
        None,
    ),)


def test_json_round_trips():
    results = Results(("x", "n"), ((Term.bnode("b0"), Term.literal("2", XSD + "integer")), (None, Term.literal("à"))))
    assert Results.from_json(results.to_json()) == results


_TERMS = st.one_of(
    st.none(),
    st.builds(Term.iri, st.text()),
    st.builds(Term.bnode, st.text()),
    st.builds(Term.literal, st.text(), st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text())),
)
_RESULTS = st.lists(st.text(), max_size=4, unique=True).flatmap(lambda variables: st.builds(
    Results, st.just(tuple(variables)), st.lists(st.tuples(*[_TERMS] * len(variables)), max_size=4).map(tuple)))


@given(_RESULTS)
def test_json_is_what_json_dumps_writes_of_the_document_and_reads_back(results: Results):
    written = format_results(results, "json")
    assert written == json.dumps(results.to_json(), indent=2, ensure_ascii=False) + "\n"
    assert Results.from_json(json.loads(written)) == results


def test_tsv_escapes_what_would_break_a_row():
    results = Results(("text",), ((Term.literal('a\tb\n"c"\\'),),))
    assert format_results(results, "tsv") == '?text\n"a\\tb\\n\\"c\\"\\\\"\n'


def test_table_cuts_long_cells_and_shortens_known_prefixes():
    results = Results(("status", "text"), ((Term.iri("https://schema.org/EventScheduled"), Term.literal("x" * 100)),))
    row = format_results(results, "table").splitlines()[2]
    assert row == "schema:EventScheduled  " + "x" * 71 + "…"


def test_table_keeps_an_iri_whose_label_is_missing():
    results = Results(("actor", "actorLabel"), ((Term.iri("https://example.org/a"), None),))
    assert format_results(results, "table").splitlines()[2] == "https://example.org/a"


def test_an_unknown_format_is_refused():
    with pytest.raises(InputError) as error:
        format_results(Results((), ()), "xml")
    assert str(error.value) == "--format: unknown results format 'xml'; choose one of table, csv, tsv, json"


def test_the_plain_prefixes_are_the_vocabularys():
    from kg.prefixes import PREFIX_IRIS
    from kg.vocab import PREFIXES

    assert {prefix: str(namespace) for prefix, namespace in PREFIXES.items()} == PREFIX_IRIS
