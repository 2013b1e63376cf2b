"""pyshacl's three helpers for literals, which kg.shacl's components call on the same rdflib terms.

pyshacl's own functions live in modules whose import runs pyshacl's `__init__`, which loads rdflib's
SPARQL parser: about 0.15 s of a first `kg build` of one article, for three short functions. They are
written here as pyshacl 0.30 to 0.40 has them, and tests/test_shacl_literals.py checks, on literals
of every datatype kg's shapes name and on random ones, that each gives pyshacl's answer, so that a
pyshacl that changes them is noticed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

__all__ = ["value_text", "has_value_of", "compare_literal"]

_STRING_TYPES = (None, RDF.langString, XSD.string)
# The Python class of the value an rdflib literal of each datatype must have to be well-typed.
_VALUE_CLASSES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}
_COMPARED_BY_VALUE = (datetime, time)  # rdflib's order of these literals is not their values' order


def value_text(value) -> str:
    """The text sh:minLength and sh:pattern read: a string literal's value, else the term's text
    (pyshacl's StringBasedConstraintBase.value_node_to_string)."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in _STRING_TYPES:
        return str(value.value)
    return str(value)


def has_value_of(value: Literal, datatype) -> bool:
    """Whether the literal's value is of the Python class `datatype` needs; True for a datatype not
    known (pyshacl's DatatypeConstraintComponent._assert_actual_datatype)."""
    wanted = _VALUE_CLASSES.get(datatype)
    return True if wanted is None else isinstance(value.value, wanted)


def compare_literal(first: Literal, second: Literal) -> int:
    """-1, 0 or 1 as `first` is below, equal to or above `second`; rdflib's TypeError for literals it
    cannot compare (pyshacl's rdfutil.compare.compare_literal)."""
    if first.eq(second):
        return 0
    if first.value.__class__ in _COMPARED_BY_VALUE:
        if first.value == second.value:
            return 0
        if first.value > second.value:
            return 1
    elif first > second:
        return 1
    return -1
