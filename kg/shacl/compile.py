"""Shapes graph -> Plan: each shape read once, the way pyshacl reads it; anything else refused.

The engine implements the SHACL Core components and targets kg's shapes use, and SHACL-SPARQL
SELECT constraints on node shapes. A shapes graph that needs anything more (another component, a
path with * or +, sh:targetNode, a custom constraint component, a reported result without exactly
one sh:message, a shape that refers to itself) raises Unsupported, never a plan that would
silently check less: the caller validates with pyshacl instead.
"""

from __future__ import annotations

import hashlib
import re

from pyshacl.consts import XSD_WHOLE_INTEGERS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.check import _term_text, path_text
from kg.shacl.plan import Constraint, PathSpec, Plan, Shape, Term, Unsupported
from kg.shacl.sparql import compile_sparql

__all__ = ["compile_shapes"]

SH = "http://www.w3.org/ns/shacl#"


def sh(local: str) -> URIRef:
    return URIRef(SH + local)


# Parameters of the components implemented here, and how many values each may have.
_ONE = {"datatype", "nodeKind", "minCount", "maxCount", "minLength", "in", "qualifiedValueShape"}
_MANY = {"class", "pattern", "hasValue", "equals", "disjoint", "minInclusive", "maxInclusive",
         "or", "and", "xone", "not", "node", "property", "sparql"}
# Other predicates a shape may have: read with its component, or not about validation at all.
_OTHER = {"path", "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
          "targetClass", "targetSubjectsOf", "targetObjectsOf", "qualifiedMinCount", "qualifiedMaxCount",
          "qualifiedValueShapesDisjoint", "flags"}
# Anywhere in the shapes graph, these change what pyshacl checks in ways the engine does not follow.
_REFUSED_ANYWHERE = ("targetNode", "target", "rule", "parameter", "validator", "nodeValidator", "propertyValidator")
_NODE_KINDS = {sh(k) for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")}
_PROPERTY_ONLY = {"minCount", "maxCount", "qualifiedValueShape"}


def compile_shapes(shapes: Graph) -> Plan:
    """Every shape of `shapes`, compiled; raises Unsupported for shapes the engine cannot check exactly."""
    for local in _REFUSED_ANYWHERE:
        if (None, sh(local), None) in shapes:
            raise Unsupported(f"sh:{local} is not supported")
    if (None, RDF.type, sh("ConstraintComponent")) in shapes:
        raise Unsupported("custom constraint components are not supported")
    paths = _shape_nodes(shapes)
    compiled = tuple(_shape(shapes, node, path, paths) for node, path in sorted(paths.items(), key=lambda i: i[0].n3()))
    _refuse_cycles(compiled)
    _refuse_silent_results(compiled)
    digest = hashlib.sha256(repr(compiled).encode("utf-8")).hexdigest()
    return Plan(compiled, digest)


def _shape_nodes(g: Graph) -> dict:
    """Each shape of the graph and its path node (None for a node shape), found as pyshacl finds them."""
    declared_nodes = set(g.subjects(RDF.type, sh("NodeShape")))
    declared_properties = set(g.subjects(RDF.type, sh("PropertyShape")))
    if declared_nodes & declared_properties:
        raise Unsupported("a shape is declared both a node shape and a property shape")
    candidates = set(declared_nodes | declared_properties)
    for local in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "property", "node"):
        candidates |= set(g.subjects(sh(local), None))
    for local in ("property", "node", "not", "qualifiedValueShape"):
        candidates |= set(g.objects(None, sh(local)))
    for local in ("and", "or", "xone"):
        for head in g.objects(None, sh(local)):
            members = list(g.items(head))
            if not members:
                raise Unsupported(f"an empty or malformed sh:{local} list")
            candidates |= set(members)
    found = {}
    for node in candidates:
        if not isinstance(node, (URIRef, BNode)):
            raise Unsupported(f"a shape that is a literal: {node!r}")
        path = list(g.objects(node, sh("path")))
        if len(path) > 1 or (path and node in declared_nodes) or (not path and node in declared_properties):
            raise Unsupported(f"{node.n3()}: a shape needs one sh:path as a property shape, none as a node shape")
        found[node] = path[0] if path else None
    return found


def _shape(g: Graph, node, path_node, shapes: dict) -> Shape:
    name = node.n3()
    if set(g.objects(node, RDF.type)) & ({RDFS.Class} | set(g.subjects(RDFS.subClassOf, RDFS.Class))):
        raise Unsupported(f"{name}: a shape that is also a class (an implicit class target)")
    by_parameter: dict[str, list] = {}
    # Sorted by their terms' text, not in the order of rdflib's sets, so that the shapes compile to the
    # same plan in every process (kg.shacl.shipped ships one); the order of constraints changes no finding.
    for predicate, value in sorted(g.predicate_objects(node), key=lambda pair: (pair[0].n3(), pair[1].n3())):
        if isinstance(predicate, URIRef) and predicate.startswith(SH):
            local = predicate[len(SH):]
            if local not in _ONE | _MANY | _OTHER:
                raise Unsupported(f"{name}: sh:{local} is not supported")
            by_parameter.setdefault(local, []).append(value)
    if "qualifiedValueShape" not in by_parameter and {"qualifiedMinCount", "qualifiedMaxCount"} & set(by_parameter):
        raise Unsupported(f"{name}: a qualified count without sh:qualifiedValueShape")
    for local, values in by_parameter.items():
        if local in _ONE and len(values) > 1:
            raise Unsupported(f"{name}: more than one sh:{local}")
        if local in _PROPERTY_ONLY and path_node is None:
            raise Unsupported(f"{name}: sh:{local} on a node shape")
    constraints: list[Constraint] = []
    sparql = []
    for local, values in sorted(by_parameter.items()):
        if local == "sparql":
            if path_node is not None:
                raise Unsupported(f"{name}: SPARQL constraints on a property shape ($PATH) are not supported")
            compiled = [compile_sparql(g, value, _name(g, value)) for value in values]
            sparql.extend(c for c in compiled if c is not None)
        elif local in _ONE or local in _MANY:
            constraints.extend(_constraints(g, node, local, values, shapes))
    targets = {t: _iris(g, node, t) for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf")}
    return Shape(
        key=name,
        name=_reported_name(g, node),
        severity=_severity(g, node),
        messages=_messages(g, node),
        deactivated=_deactivated(g, node),
        path=_path(g, path_node) if path_node is not None else None,
        path_text=path_text(g, path_node) if path_node is not None else "",
        target_classes=targets["targetClass"],
        target_subjects_of=targets["targetSubjectsOf"],
        target_objects_of=targets["targetObjectsOf"],
        constraints=tuple(constraints),
        sparql=tuple(sparql),
    )


def _constraints(g: Graph, node, local: str, values: list, shapes: dict) -> list[Constraint]:
    name = node.n3()
    if local in ("class", "equals", "disjoint"):
        return [Constraint(local, terms=tuple(_term(_iri(v, name, local)) for v in values))]
    if local == "datatype":
        return [Constraint(local, terms=(_term(_iri(values[0], name, local)),))]
    if local == "nodeKind":
        if values[0] not in _NODE_KINDS:
            raise Unsupported(f"{name}: sh:nodeKind {values[0]!r} is not a node kind")
        return [Constraint(local, terms=(_term(values[0]),))]
    if local in ("minCount", "maxCount"):
        value = values[0]
        if not (isinstance(value, Literal) and value.datatype == XSD.integer and isinstance(value.value, int) and value.value >= 0):
            raise Unsupported(f"{name}: sh:{local} must be a non-negative xsd:integer")
        return [Constraint(local, number=value.value)]
    if local == "minLength":
        value = values[0]
        if not (isinstance(value, Literal) and value.datatype in XSD_WHOLE_INTEGERS and isinstance(value.value, int) and value.value >= 0):
            raise Unsupported(f"{name}: sh:minLength must be a non-negative integer")
        return [Constraint(local, number=value.value)]
    if local == "pattern":
        return [_pattern(g, node, value) for value in values]
    if local == "in":
        return [Constraint(local, terms=tuple(_term(v) for v in g.items(values[0])))]
    if local == "hasValue":
        return [Constraint(local, terms=tuple(_term(v) for v in values))]
    if local in ("minInclusive", "maxInclusive"):
        if not all(isinstance(v, Literal) for v in values):
            raise Unsupported(f"{name}: sh:{local} must be a literal")
        return [Constraint(local, terms=tuple(_term(v) for v in values))]
    if local in ("or", "and", "xone"):
        return [Constraint(local, shapes=tuple(m.n3() for m in g.items(head))) for head in values]
    if local in ("not", "node", "property"):
        for value in values:
            is_property = shapes.get(value, "missing") is not None
            if value not in shapes or (local == "property") != is_property:
                raise Unsupported(f"{name}: sh:{local} {value.n3()} is not a {'property' if local == 'property' else 'node'} shape")
        return [Constraint(local, shapes=(v.n3(),)) for v in values]
    return [_qualified(g, node, values[0])]


def _pattern(g: Graph, node, pattern) -> Constraint:
    flags = list(g.objects(node, sh("flags")))
    if not isinstance(pattern, Literal) or len(flags) > 1:
        raise Unsupported(f"{node.n3()}: sh:pattern needs a literal and at most one sh:flags")
    text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    flag_text = str(flags[0].value).lower() if flags else ""
    try:
        re.compile(text)
    except re.error as error:
        raise Unsupported(f"{node.n3()}: sh:pattern {text!r} is not a Python regular expression: {error}") from None
    return Constraint("pattern", text=text, flags=flag_text)


def _qualified(g: Graph, node, value_shape) -> Constraint:
    counts = {}
    for local in ("qualifiedMinCount", "qualifiedMaxCount"):
        values = list(g.objects(node, sh(local)))
        if len(values) > 1 or any(not (isinstance(v, Literal) and isinstance(v.value, int)) for v in values):
            raise Unsupported(f"{node.n3()}: sh:{local} must be one integer")
        counts[local] = values[0].value if values else None
    if counts["qualifiedMinCount"] is None and counts["qualifiedMaxCount"] is None:
        raise Unsupported(f"{node.n3()}: sh:qualifiedValueShape without a count")
    disjoint = any(isinstance(d, Literal) and isinstance(d.value, bool) and d.value
                   for d in g.objects(node, sh("qualifiedValueShapesDisjoint")))
    siblings = set()
    if disjoint:  # pyshacl: the qualified value shapes of the other property shapes of each parent
        for parent in g.subjects(sh("property"), node):
            for other in g.objects(parent, sh("property")):
                siblings |= {s for s in g.objects(other, sh("qualifiedValueShape")) if s != value_shape}
    return Constraint(
        "qualifiedValueShape",
        shapes=(value_shape.n3(),),
        minimum=counts["qualifiedMinCount"],
        maximum=counts["qualifiedMaxCount"],
        siblings=tuple(sorted(s.n3() for s in siblings)),
    )


def _path(g: Graph, node, depth: int = 0) -> PathSpec:
    if isinstance(node, URIRef):
        return ("predicate", str(node))
    if not isinstance(node, BNode) or depth >= 10:
        raise Unsupported(f"an unsupported sh:path {node!r}")
    if (node, RDF.first, None) in g:
        items = list(g.items(node))
        if len(items) < 2:
            raise Unsupported("a sequence path of fewer than two paths")
        return ("sequence", tuple(_path(g, item, depth + 1) for item in items))
    inverse = list(g.objects(node, sh("inversePath")))
    alternatives = list(g.objects(node, sh("alternativePath")))
    if len(inverse) == 1 and not alternatives and isinstance(inverse[0], URIRef):
        return ("inverse", str(inverse[0]))  # pyshacl inverts a sequence without reversing it: refused
    if len(alternatives) == 1 and not inverse:
        items = list(g.items(alternatives[0]))
        if len(items) >= 2:
            return ("alternative", tuple(_path(g, item, depth + 1) for item in items))
    raise Unsupported(f"an unsupported sh:path {node.n3()} (only predicates, ^predicate, alternatives, sequences)")


def _name(g: Graph, node) -> str:
    return _term_text(g, node) if isinstance(node, URIRef) else ""


def _reported_name(g: Graph, node) -> str:
    """The Finding's shape: kg.check names a property shape by the one node shape that holds it."""
    if isinstance(node, URIRef):
        return _term_text(g, node)
    holders = set(g.subjects(sh("property"), node))
    if len(holders) > 1:
        raise Unsupported(f"{node.n3()}: a blank property shape held by several shapes")
    return _name(g, holders.pop()) if holders else ""


def _severity(g: Graph, node) -> str:
    values = list(g.objects(node, sh("severity")))
    if len(values) > 1 or any(not isinstance(v, URIRef) for v in values):
        raise Unsupported(f"{node.n3()}: sh:severity must be one IRI")
    return str(values[0]) if values else SH + "Violation"


def _messages(g: Graph, node) -> tuple[str, ...]:
    values = sorted(set(g.objects(node, sh("message"))))
    if any(not (isinstance(v, Literal) and isinstance(v.value, str)) for v in values):
        raise Unsupported(f"{node.n3()}: sh:message must be a string")
    return tuple(str(v) for v in values)


def _deactivated(g: Graph, node) -> bool:
    values = list(g.objects(node, sh("deactivated")))
    if len(values) > 1 or any(not (isinstance(v, Literal) and isinstance(v.value, bool)) for v in values):
        raise Unsupported(f"{node.n3()}: sh:deactivated must be one xsd:boolean")
    return bool(values and values[0].value)


def _iris(g: Graph, node, local: str) -> tuple[str, ...]:
    return tuple(sorted(str(_iri(v, node.n3(), local)) for v in g.objects(node, sh(local))))


def _iri(value, name: str, local: str) -> URIRef:
    if not isinstance(value, URIRef):
        raise Unsupported(f"{name}: sh:{local} must be an IRI, not {value!r}")
    return value


def _term(node) -> Term:
    if isinstance(node, URIRef):
        return ("iri", str(node))
    if isinstance(node, BNode):
        return ("bnode", str(node))
    return ("literal", str(node), str(node.datatype or ""), node.language or "")


def _references(shape: Shape) -> set[str]:
    found = set()
    for constraint in shape.constraints:
        found |= set(constraint.shapes) | set(constraint.siblings)
    return found


def _refuse_cycles(shapes: tuple[Shape, ...]) -> None:
    """A shape that reaches itself through sh:node, sh:property, sh:or, ...: pyshacl cuts such recursion its own way."""
    edges = {s.key: _references(s) for s in shapes}
    done: set[str] = set()
    for start in edges:
        stack, on_path = [(start, iter(sorted(edges[start])))], {start}
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(key)
                done.add(key)
            elif child in on_path:
                raise Unsupported(f"the shape {child} refers to itself")
            elif child not in done:
                on_path.add(child)
                stack.append((child, iter(sorted(edges.get(child, ())))))


def _refuse_silent_results(shapes: tuple[Shape, ...]) -> None:
    """Each shape whose results are reported has one message: without one, pyshacl writes its own."""
    by_key = {s.key: s for s in shapes}
    todo = [s.key for s in shapes if s.targeted]
    reported: set[str] = set()
    while todo:
        key = todo.pop()
        if key in reported:
            continue
        reported.add(key)
        for constraint in by_key[key].constraints:
            if constraint.kind in ("property", "node"):  # their shapes' results are reported too
                todo.extend(constraint.shapes)
    for key in sorted(reported):
        shape = by_key[key]
        own = [c for c in shape.constraints if c.kind != "property"]
        if own and len(shape.messages) != 1:
            raise Unsupported(f"{key}: a shape that reports results needs exactly one sh:message")
        if any(c.message is None for c in shape.sparql) and len(shape.messages) > 1:
            raise Unsupported(f"{key}: a SPARQL constraint without sh:message, on a shape with several")
