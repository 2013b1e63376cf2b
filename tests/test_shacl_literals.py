"""kg.shacl.literals gives pyshacl's answers: the text sh:minLength and sh:pattern read, whether a
literal's value fits sh:datatype, and the order sh:minInclusive and sh:maxInclusive compare by.

The literals are those of every datatype kg's shapes name, well- and ill-typed, and random ones;
pyshacl's own functions are the reference, so a pyshacl that changes them fails here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal as pyshacl_compare
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from conftest import SEEDS
from kg.shacl.literals import compare_literal, has_value_of, value_text

DATATYPES = [XSD.string, RDF.langString, XSD.integer, XSD.nonNegativeInteger, XSD.decimal, XSD.float, XSD.double,
             XSD.boolean, XSD.date, XSD.time, XSD.dateTime, XSD.gYear, XSD.gYearMonth, XSD.hexBinary, RDFS.Literal,
             URIRef("https://kg.example.org/ontology#unknown")]
LEXICAL = ["", "0", "05", "-3", "1.50", "2.5e3", "true", "1", "no", "2022-02-01", "2022-02-30", "2022-13",
           "2022", "12:30:00", "2022-02-01T10:00:00", "2022-02-01T10:00:00Z", "2022-02-01T10:00:00+07:00",
           "0aFF", "xyz", "Hun Sen", "  spaced  ", "ស្ម"]


def literals() -> list[Literal]:
    made = [Literal(text) for text in LEXICAL] + [Literal(text, lang="km") for text in LEXICAL[-3:]]
    made += [Literal(text, datatype=datatype) for datatype in DATATYPES if datatype != RDF.langString for text in LEXICAL]
    return made


LITERALS = literals()


def pyshacl_text(value) -> str:
    return StringBasedConstraintBase.value_node_to_string(value)


def pyshacl_fits(value, datatype) -> bool:
    return DatatypeConstraintComponent._assert_actual_datatype(None, value, datatype)


def outcome(function, *args):
    """What a call gives: its answer, or the class of the error it raises."""
    try:
        return function(*args)
    except Exception as error:  # rdflib raises TypeError and others for literals it cannot order
        return type(error)


def test_the_cases_are_varied():
    assert len(LITERALS) > 300
    assert {literal.datatype for literal in LITERALS} >= {XSD.integer, XSD.date, XSD.dateTime, None}
    assert any(getattr(literal, "ill_typed", False) for literal in LITERALS)


@pytest.mark.parametrize("value", [*LITERALS, URIRef("https://kg.example.org/person/hun-sen"), BNode("b0")], ids=repr)
def test_value_text_is_pyshacls(value):
    assert value_text(value) == pyshacl_text(value)


@pytest.mark.parametrize("datatype", DATATYPES, ids=str)
def test_has_value_of_is_pyshacls(datatype):
    assert [has_value_of(value, datatype) for value in LITERALS] == [pyshacl_fits(value, datatype) for value in LITERALS]


def test_has_value_of_tells_ill_typed_values():
    assert not has_value_of(Literal("2022-02-30", datatype=XSD.date), XSD.date)
    assert not has_value_of(Literal("05", datatype=XSD.date), XSD.date)
    assert has_value_of(Literal("05", datatype=XSD.integer), XSD.integer)
    assert has_value_of(Literal("2022-02", datatype=XSD.gYearMonth), XSD.gYearMonth)  # a datatype pyshacl does not check


def test_compare_literal_is_pyshacls():
    pairs = [(first, second) for first in LITERALS for second in LITERALS if first.datatype == second.datatype]
    answers = [outcome(compare_literal, first, second) for first, second in pairs]
    assert answers == [outcome(pyshacl_compare, first, second) for first, second in pairs]
    assert {-1, 0, 1} <= set(answers)


text = st.text(max_size=12, alphabet=st.characters(blacklist_categories=("Cs",)))
datatype = st.sampled_from([None, *DATATYPES[2:]])


@settings(max_examples=300, deadline=None)
@given(first=text, second=text, datatype=datatype, wanted=st.sampled_from(DATATYPES))
def test_random_literals_as_pyshacl(first, second, datatype, wanted):
    one, other = Literal(first, datatype=datatype), Literal(second, datatype=datatype)
    assert value_text(one) == pyshacl_text(one)
    assert has_value_of(one, wanted) == pyshacl_fits(one, wanted)
    assert outcome(compare_literal, one, other) == outcome(pyshacl_compare, one, other)


@settings(max_examples=200, deadline=None)
@given(first=st.integers(-10**6, 10**6) | st.dates() | st.datetimes() | st.decimals(allow_nan=False, places=3),
       second=st.integers(-10**6, 10**6) | st.dates() | st.datetimes() | st.decimals(allow_nan=False, places=3))
def test_random_values_ordered_as_pyshacl(first, second):
    one, other = Literal(first), Literal(second)
    assert outcome(compare_literal, one, other) == outcome(pyshacl_compare, one, other)


def test_checking_a_graph_does_not_import_pyshacl(tmp_path):
    """A first build of the seed checks its graph with kg's shipped plan, which needs neither pyshacl nor
    rdflib's SPARQL parser (about 0.15 s of imports)."""
    script = ("import sys; from pathlib import Path; from kg.build import build; "
              f"build(Path({str(SEEDS)!r}), Path({str(tmp_path / 'dist')!r}), cache=False); "
              "print(sorted(name for name in sys.modules if name.startswith(('pyshacl', 'rdflib.plugins.sparql'))))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    assert (tmp_path / "dist" / "kg.nq").stat().st_size > 0
