"""Validation of one data graph against a Plan: pyshacl's results, shape by shape, much faster.

It follows pyshacl's Shape.validate (inference "none", advanced off): its focus nodes, value
nodes and conformance, down to what a nested shape's conformance means: sh:node fails on any
result of the nested shape and its results are reported too (pyshacl's sh:detail, which kg.check
reads as findings); as SHACL defines it, a shape conforms only with no result at all, of any
severity, in sh:or, sh:and, sh:xone, sh:not and sh:qualifiedValueShape too. The components are in
kg.shacl.components.

The findings are built as kg.check builds them from pyshacl's report, with its label, evidence and
term helpers over the same data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import astuple
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.check import Finding, _label, _term_text, evidence, path_text
from kg.shacl.components import CHECKS, COMPONENTS, TERMS, Result
from kg.shacl.data import Data
from kg.shacl.plan import Plan, Shape, Term, Unsupported
from kg.shacl.solutions import Solutions

__all__ = ["link", "validate"]

SH = "http://www.w3.org/ns/shacl#"
_EMPTY: dict = {}
_TYPE, _SUBCLASS_OF = RDF.type, RDFS.subClassOf  # a namespace's attribute costs a call each time
_NO_GRAPH = Graph()


def validate(data: Data, plan: Plan, progress: Callable[[int, int], None] | None = None) -> list[Finding]:
    """The findings of `data` against the plan, sorted as kg.check.run_shapes sorts them.

    `progress`, if given, is told the shapes checked and their number before each shape and at the end.
    """
    run = _Run(link(plan), data)
    shapes = [shape for shape in run.linked.shapes.values() if shape.targeted and not shape.deactivated]
    results = []
    for done, shape in enumerate(shapes):
        if progress:
            progress(done, len(shapes))
        for focus in run.focus_nodes(shape):
            results.extend(run.validate(shape, focus)[1])
    if progress:
        progress(len(shapes), len(shapes))
    return _findings(results, data)


class _Linked:
    """A plan's shape with rdflib terms, compiled patterns and its shapes resolved: made once per process."""

    def __init__(self, shape: Shape, intern) -> None:
        self.key, self.name, self.path_text = shape.key, shape.name, shape.path_text
        self.severity = shape.severity.rsplit("#", 1)[-1]
        self.message = shape.messages[0] if shape.messages else None
        self.deactivated = shape.deactivated
        self.path = _link_path(shape.path, intern) if shape.path is not None else None
        self.target_classes = [intern(URIRef(c)) for c in shape.target_classes]
        self.target_subjects_of = [intern(URIRef(p)) for p in shape.target_subjects_of]
        self.target_objects_of = [intern(URIRef(p)) for p in shape.target_objects_of]
        self.targeted = shape.targeted
        self.sparql = shape.sparql
        self.plan_constraints = shape.constraints
        self.checks: list[tuple] = []  # (check function, its parameters...)

    def resolve(self, shapes: dict[str, _Linked], intern) -> None:
        for c in self.plan_constraints:
            check = CHECKS[c.kind]
            terms = [intern(_decode(t)) for t in c.terms]
            if c.kind == "pattern":
                flags = (re.I if "i" in c.flags else 0) | (re.M if "m" in c.flags else 0)
                self.checks.append((check, re.compile(c.text, flags)))
            elif c.kind in ("minCount", "maxCount", "minLength"):
                self.checks.append((check, c.number))
            elif c.kind == "in":
                self.checks.append((check, set(terms)))
            elif c.kind in ("minInclusive", "maxInclusive"):
                self.checks.append((check, terms, c.kind == "minInclusive"))
            elif c.kind == "qualifiedValueShape":
                self.checks.append((check, shapes[c.shapes[0]], c.minimum, c.maximum, [shapes[s] for s in c.siblings]))
            elif c.shapes:
                self.checks.append((check, [shapes[s] for s in c.shapes]))
            else:
                self.checks.append((check, terms))


class _LinkedPlan:
    """A plan's shapes, linked; and what its SPARQL constraints can reach of the data.

    terms holds one object per term the shapes name; Data builds its terms from these very objects,
    so looking a predicate or a class up in the data compares identities, not strings.
    """

    def __init__(self, plan: Plan) -> None:
        self.terms = {t: t for t in (_TYPE, _SUBCLASS_OF, *TERMS)}
        intern = lambda term: self.terms.setdefault(term, term)  # noqa: E731
        self.shapes = {shape.key: _Linked(shape, intern) for shape in plan.shapes}
        for shape in self.shapes.values():
            shape.resolve(self.shapes, intern)
        referenced = {s for shape in plan.shapes for c in shape.constraints for s in c.shapes + c.siblings}
        self.predicates = {intern(URIRef(p)) for shape in plan.shapes for c in shape.sparql for p in c.predicates}
        # A query with a variable predicate on $this reaches every triple of a focus node; if its shape
        # is also reached through another shape, any node may be its focus node.
        self.reach_any = any(c.reach == "any" for shape in plan.shapes for c in shape.sparql) or any(
            c.reach == "this" for shape in plan.shapes if shape.key in referenced for c in shape.sparql)
        self.reach_this = [self.shapes[shape.key] for shape in plan.shapes if any(c.reach == "this" for c in shape.sparql)]


_LINKED: dict[str, _LinkedPlan] = {}


def link(plan: Plan) -> _LinkedPlan:
    """The plan linked for this process: made on first use, then kept by its digest."""
    linked = _LINKED.get(plan.digest)
    if linked is None:
        linked = _LINKED[plan.digest] = _LinkedPlan(plan)
    return linked


def _decode(term: Term):
    kind = term[0]
    if kind == "iri":
        return URIRef(term[1])
    if kind == "bnode":
        return BNode(term[1])
    _, lexical, datatype, language = term
    return Literal(lexical, lang=language or None, datatype=URIRef(datatype) if datatype else None)


def _link_path(path, intern) -> tuple:
    kind, argument = path
    if kind in ("predicate", "inverse"):
        return (kind, intern(URIRef(argument)))
    return (kind, tuple(_link_path(p, intern) for p in argument))


class _Run:
    """One validation: the data, the SPARQL solutions and the nested shapes' verdicts seen so far."""

    def __init__(self, linked: _LinkedPlan, data: Data) -> None:
        self.linked, self.data = linked, data
        self.spo, self.ops = data.spo, data.ops
        self.solutions: Solutions | None = None
        self.nested: dict[tuple, tuple[bool, list]] = {}
        self.classes: dict = {}  # node -> the classes it is a SHACL instance of
        self.datatypes: dict = {}  # (id of a literal, id of a datatype) -> whether it matches

    def _solutions(self) -> Solutions:
        """The SPARQL solutions, once the data is in a store and its literals are known to read the same there."""
        if self.solutions is None:
            self.solutions = Solutions(self.data, self._stored_literals())
        return self.solutions

    def _stored_literals(self) -> dict:
        """Oxigraph's literal -> the data's, for the triples a SPARQL constraint can match.

        Oxigraph stores "5"^^xsd:nonNegativeInteger and "5"^^xsd:integer as one term, and
        "...T12:00:00+00:00" as "...T12:00:00Z": harmless where no query reaches them (a build's
        end time, a dataset's size), a different answer from rdflib's where one does. So is a
        negative number, which rdflib's SUBSTR reads from the end of the string.
        """
        self.data.store  # noqa: B018 - fills data.stored_as
        linked, back, focus = self.linked, {}, None
        for original, stored in self.data.stored_as.items():
            reached = linked.reach_any
            for predicate, subjects in self.ops.get(original, _EMPTY).items():
                if reached:
                    break
                if predicate in linked.predicates:
                    reached = True
                elif linked.reach_this:
                    if focus is None:
                        focus = {f for shape in linked.reach_this for f in self.focus_nodes(shape)}
                    reached = not focus.isdisjoint(subjects)
            if not reached:
                continue
            if stored.value != str(original):
                raise Unsupported(f"Oxigraph rewrites the literal {original!r} as {stored}, and a SPARQL constraint reads it")
            if isinstance(original.value, (int, float, Decimal)) and original.value < 0:
                # rdflib's SUBSTR slices as Python does: a negative position or length counts from the end.
                raise Unsupported(f"rdflib's SPARQL reads the negative number {original!r} otherwise than SPARQL 1.1")
            if back.setdefault(stored, original) != original:
                raise Unsupported(f"Oxigraph stores {original!r} and {back[stored]!r} as one term a SPARQL constraint reads")
        return back

    def focus_nodes(self, shape: _Linked) -> Iterable:
        """pyshacl's focus nodes: instances of each class or its rdfs:subClassOf* in the data, subjects, objects."""
        found: dict = {}
        for cls in shape.target_classes:
            for klass in self._subclasses(cls):
                found.update(dict.fromkeys(self.ops.get(klass, _EMPTY).get(_TYPE, ())))
        for predicate in shape.target_subjects_of:
            found.update(dict.fromkeys(s for s, _ in self.data.pairs.get(predicate, ())))
        for predicate in shape.target_objects_of:
            found.update(dict.fromkeys(o for _, o in self.data.pairs.get(predicate, ())))
        return found

    def _subclasses(self, cls) -> list:
        if not self.data.has_subclasses:
            return [cls]
        return _closure(cls, lambda c: self.ops.get(c, _EMPTY).get(_SUBCLASS_OF, ()))

    def is_instance(self, node, cls) -> bool:
        """pyshacl's sh:class: a type of the node is the class or, by rdfs:subClassOf* in the data, below it."""
        classes = self.classes.get(node)
        if classes is None:
            classes = self.classes[node] = self._classes(node)
        return cls in classes

    def _classes(self, node) -> frozenset:
        if type(node) is Literal:
            return frozenset()
        kinds = self.spo.get(node, _EMPTY).get(_TYPE, ())
        if not self.data.has_subclasses:
            return frozenset(kinds)
        step = lambda c: self.spo.get(c, _EMPTY).get(_SUBCLASS_OF, ())  # noqa: E731
        return frozenset(c for kind in kinds for c in _closure(kind, step))

    def values(self, path, focus) -> list:
        kind, argument = path
        if kind == "predicate":
            return self.spo.get(focus, _EMPTY).get(argument, ())
        if kind == "inverse":
            return self.ops.get(focus, _EMPTY).get(argument, ())
        if kind == "alternative":
            found: dict = {}
            for alternative in argument:
                found.update(dict.fromkeys(self.values(alternative, focus)))
            return list(found)
        nodes = [focus]  # a sequence
        for step in argument:
            reached: dict = {}
            for node in nodes:
                reached.update(dict.fromkeys(self.values(step, node)))
            nodes = list(reached)
        return nodes

    def conforms(self, shape: _Linked, focus) -> tuple[bool, list]:
        """validate() for a shape reached through another one, remembered: sh:or and sh:xone ask again."""
        key = (shape.key, focus)
        found = self.nested.get(key)
        if found is None:
            found = self.nested[key] = self.validate(shape, focus)
        return found

    def validate(self, shape: _Linked, focus) -> tuple[bool, list]:
        """pyshacl's Shape.validate for one focus node: whether it conforms, and the results."""
        if shape.deactivated:
            return True, []
        values = self.values(shape.path, focus) if shape.path is not None else (focus,)
        results: list[Result] = []
        nonconforming = False
        for check in shape.checks:
            ok, found = check[0](self, shape, check, focus, values)
            if found:
                results.extend(found)
                nonconforming = nonconforming or not ok
        for constraint in shape.sparql:
            found = self._sparql(shape, constraint, focus)
            if found:
                results.extend(found)
                nonconforming = True
        return not nonconforming, results

    def _sparql(self, shape: _Linked, constraint, focus) -> list[Result]:
        """pyshacl's SPARQLBasedConstraint for one node shape and focus node, rows deduplicated as it does."""
        results, seen = [], set()
        message = constraint.message if constraint.message is not None else shape.message
        for row in self._solutions().rows(constraint, focus):
            this, path, value = row.get("this"), row.get("path"), row.get("value")
            if this is None and path is None and value is None:
                continue  # pyshacl drops such a solution
            others = {k: v for k, v in row.items() if k not in ("this", "path", "value") and v is not None}
            key = (this, path, value, frozenset(others.items()))
            if key in seen:
                continue
            seen.add(key)
            if value is None:
                value = focus
            text = ""
            if message is not None:
                bound = dict(others)
                for name, term in (("this", this), ("path", path), ("value", value)):
                    if term is not None:
                        bound[name] = term
                text = message
                for name, term in bound.items():
                    text = re.sub("{{[?$]{}}}".format(name), str(term), text)
            shown = "" if path is None else path_text(_NO_GRAPH, path)
            results.append(Result(shape, this or focus, value, shown, text, COMPONENTS["sparql"], constraint.name))
        return results


def _closure(start, step) -> list:
    seen, todo = {start: None}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen[nxt] = None
                todo.append(nxt)
    return list(seen)


def _findings(results: list[Result], data: Data) -> list[Finding]:
    """Findings as kg.check._findings makes them from pyshacl's report, nested sh:node results included."""
    labels: dict = {}
    found = []
    todo = list(results)
    while todo:
        r = todo.pop()
        todo.extend(r.details)
        focus = r.focus
        if focus not in labels:
            labels[focus] = (_label(data, focus), evidence(data, focus))
        label, words = labels[focus]
        found.append(Finding(
            severity=r.shape.severity,
            focus=str(focus),
            label=label,
            path=r.path,
            message=r.message,
            value=_term_text(data, r.value) if r.value is not None and r.value != focus else "",
            evidence=words,
            component=r.component,
            shape=r.shape.name,
            constraint=r.constraint,
        ))
    return sorted(found, key=lambda f: ((f.severity != "Violation", f.label or f.focus, f.focus, f.path, f.message), astuple(f)))
