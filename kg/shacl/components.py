"""The SHACL Core components, each as pyshacl's: (run, shape, check, focus, value nodes) -> (conforms, results).

A check is a tuple made once per process (kg.shacl.engine links the plan): its function, then its
parameters as rdflib terms, compiled patterns or linked shapes. Each function follows pyshacl's
component of the same name: the same value nodes fail, with the same sh:value, and the same
conformance for shapes nested in sh:or, sh:and, sh:xone, sh:not, sh:node and sh:qualifiedValueShape.
Literal comparisons and string forms are pyshacl's helpers, as kg.shacl.literals writes them (held to
pyshacl's own by tests/test_shacl_literals.py), on the same rdflib terms.
"""

from __future__ import annotations

from typing import NamedTuple

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.check import _term_text
from kg.shacl.literals import compare_literal, has_value_of, value_text

__all__ = ["CHECKS", "COMPONENTS", "Result", "TERMS"]

SH = "http://www.w3.org/ns/shacl#"
_EMPTY: dict = {}
# A namespace's attribute costs a call each time; the plan's terms are these very objects (TERMS).
_LANG_STRING, _RDFS_LITERAL, _RDFS_DATATYPE = RDF.langString, RDFS.Literal, RDFS.Datatype
_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
TERMS = (_LANG_STRING, _RDFS_LITERAL, _RDFS_DATATYPE, _XSD_STRING)


def _component(local: str) -> str:
    return _term_text(None, URIRef(f"{SH}{local}ConstraintComponent"))


COMPONENTS = {
    kind: _component(local)
    for kind, local in (
        ("class", "Class"), ("datatype", "Datatype"), ("nodeKind", "NodeKind"), ("minCount", "MinCount"),
        ("maxCount", "MaxCount"), ("minLength", "MinLength"), ("pattern", "Pattern"), ("in", "In"),
        ("hasValue", "HasValue"), ("equals", "Equals"), ("disjoint", "Disjoint"), ("minInclusive", "MinInclusive"),
        ("maxInclusive", "MaxInclusive"), ("or", "Or"), ("and", "And"), ("xone", "Xone"), ("not", "Not"),
        ("node", "Node"), ("qualifiedMin", "QualifiedMinCount"), ("qualifiedMax", "QualifiedMaxCount"),
        ("sparql", "SPARQL"),
    )
}
_NODE_KINDS = {
    URIRef: {SH + k for k in ("IRI", "IRIOrLiteral", "BlankNodeOrIRI")},
    BNode: {SH + k for k in ("BlankNode", "BlankNodeOrLiteral", "BlankNodeOrIRI")},
    Literal: {SH + k for k in ("Literal", "BlankNodeOrLiteral", "IRIOrLiteral")},
}


class Result(NamedTuple):
    """One validation result, as pyshacl's report holds it; details are the nested results of sh:node."""

    shape: object  # the linked shape that made it (kg.shacl.engine)
    focus: object
    value: object
    path: str
    message: str
    component: str
    constraint: str = ""
    details: tuple = ()


def _result(shape, focus, kind: str, value=None, details: tuple = ()) -> Result:
    return Result(shape, focus, value, shape.path_text, shape.message or "", COMPONENTS[kind], "", details)


# Each check: (run, shape, check, focus, value nodes) -> (conforms, results), as pyshacl's component.

def _class(run, shape, check, focus, values):
    found = [_result(shape, focus, "class", v) for cls in check[1] for v in values if not run.is_instance(v, cls)]
    return not found, found


def _datatype(run, shape, check, focus, values):
    rule, known = check[1][0], run.datatypes
    found = []
    for v in values:
        key = (id(v), id(rule))  # the data's terms and the plan's live as long as the run
        matches = known.get(key)
        if matches is None:
            matches = known[key] = _datatype_matches(v, rule)
        if not matches:
            found.append(_result(shape, focus, "datatype", v))
    return not found, found


def _datatype_matches(value, rule) -> bool:
    """pyshacl's DatatypeConstraintComponent: ill-typed literals fail, a plain literal is an xsd:string."""
    if type(value) is not Literal:
        return False
    datatype = value.datatype
    if datatype is None and value.language is None:  # a plain literal: its value is its string
        return rule is _XSD_STRING or rule is _RDFS_LITERAL
    if datatype == rule:
        return getattr(value, "ill_typed", None) is not True and has_value_of(value, rule)
    if rule is _RDFS_LITERAL:
        return True
    if rule is _RDFS_DATATYPE:
        return bool(datatype)
    if rule is _LANG_STRING and value.language:
        return has_value_of(value, rule)
    return False


def _node_kind(run, shape, check, focus, values):
    kind = str(check[1][0])
    found = [_result(shape, focus, "nodeKind", v) for v in values if kind not in _NODE_KINDS.get(type(v), ())]
    return not found, found


def _min_count(run, shape, check, focus, values):
    if check[1] and len(values) < check[1]:
        return False, [_result(shape, focus, "minCount")]
    return True, []


def _max_count(run, shape, check, focus, values):
    if len(values) > check[1]:
        return False, [_result(shape, focus, "maxCount")]
    return True, []


def _min_length(run, shape, check, focus, values):
    minimum = check[1]
    if minimum == 0:
        return True, []
    found = [_result(shape, focus, "minLength", v) for v in values
             if type(v) is BNode or len(value_text(v)) < minimum]
    return not found, found


def _pattern(run, shape, check, focus, values):
    regex = check[1]
    found = [_result(shape, focus, "pattern", v) for v in values
             if type(v) is BNode or not regex.search(value_text(v))]
    return not found, found


def _in(run, shape, check, focus, values):
    found = [_result(shape, focus, "in", v) for v in values if v not in check[1]]
    return not found, found


def _has_value(run, shape, check, focus, values):
    found = [_result(shape, focus, "hasValue") for wanted in check[1] if not any(v == wanted for v in values)]
    return not found, found


def _equals(run, shape, check, focus, values):
    found = []
    mine = set(values)
    for predicate in check[1]:
        theirs = set(run.spo.get(focus, _EMPTY).get(predicate, ()))
        found += [_result(shape, focus, "equals", v) for v in (mine - theirs) | (theirs - mine)]
    return not found, found


def _disjoint(run, shape, check, focus, values):
    found = []
    for predicate in check[1]:
        common = set(values) & set(run.spo.get(focus, _EMPTY).get(predicate, ()))
        found += [_result(shape, focus, "disjoint", v) for v in common]
    return not found, found


def _in_range(run, shape, check, focus, values):
    _, bounds, minimum = check
    kind = "minInclusive" if minimum else "maxInclusive"
    found = []
    for bound in bounds:
        bound_is_string = isinstance(bound.value, str)
        for v in values:
            ok = False
            if isinstance(v, Literal) and isinstance(v.value, str) == bound_is_string:
                try:
                    order = compare_literal(v, bound)
                    ok = order >= 0 if minimum else order <= 0
                except (TypeError, NotImplementedError):
                    ok = False
            if not ok:
                found.append(_result(shape, focus, kind, v))
    return not found, found


def _or(run, shape, check, focus, values):
    found = [_result(shape, focus, "or", v) for v in values if not any(run.conforms(s, v)[0] for s in check[1])]
    return not found, found


def _and(run, shape, check, focus, values):
    found = [_result(shape, focus, "and", v) for v in values if not all(run.conforms(s, v)[0] for s in check[1])]
    return not found, found


def _xone(run, shape, check, focus, values):
    found = [_result(shape, focus, "xone", v) for v in values if sum(run.conforms(s, v)[0] for s in check[1]) != 1]
    return not found, found


def _not(run, shape, check, focus, values):
    found = [_result(shape, focus, "not", v) for v in values if run.conforms(check[1][0], v)[0]]
    return not found, found


def _node(run, shape, check, focus, values):
    found = []
    for v in values:
        ok, nested = run.conforms(check[1][0], v)
        if not ok or nested:
            found.append(_result(shape, focus, "node", v, tuple(nested)))
    return not found, found


def _property(run, shape, check, focus, values):
    conforms, found = True, []
    for v in values:
        ok, nested = run.validate(check[1][0], v)
        conforms = conforms and ok
        found += nested
    return conforms, found


def _qualified(run, shape, check, focus, values):
    _, value_shape, minimum, maximum, siblings = check
    count = sum(1 for v in values if run.conforms(value_shape, v)[0] and not any(run.conforms(s, v)[0] for s in siblings))
    found = []
    if maximum is not None and count > maximum:
        found.append(_result(shape, focus, "qualifiedMax"))
    if minimum is not None and count < minimum:
        found.append(_result(shape, focus, "qualifiedMin"))
    return not found, found


CHECKS = {
    "class": _class, "datatype": _datatype, "nodeKind": _node_kind, "minCount": _min_count, "maxCount": _max_count,
    "minLength": _min_length, "pattern": _pattern, "in": _in, "hasValue": _has_value, "equals": _equals,
    "disjoint": _disjoint, "minInclusive": _in_range, "maxInclusive": _in_range, "or": _or, "and": _and,
    "xone": _xone, "not": _not, "node": _node, "property": _property, "qualifiedValueShape": _qualified,
}
