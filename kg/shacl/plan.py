"""The compiled form of a shapes graph: frozen data made of strings, ints and tuples.

A plan is made once from the shapes (kg.shacl.compile) and sent to every worker that validates
articles, so it must pickle small and fast: no rdflib graph, no compiled regex, no pyoxigraph
object. The engine turns its terms into rdflib terms once per process (kg.shacl.engine).

A term is a tuple of strings: ("iri", iri), ("bnode", id) or ("literal", lexical, datatype,
language), the datatype and the language "" when absent, as rdflib holds the literal.
A path is ("predicate", iri), ("inverse", iri), ("alternative", (path, ...)) or
("sequence", (path, ...)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Unsupported", "Term", "PathSpec", "Constraint", "SparqlConstraint", "Shape", "Plan", "plan_data",
           "plan_from_data"]

Term = tuple[str, ...]
PathSpec = tuple


class Unsupported(Exception):
    """Shapes or data this engine does not check exactly as pyshacl does: use pyshacl (kg.check) instead."""


@dataclass(frozen=True)
class Constraint:
    """One SHACL Core constraint component of a shape, with its parameters.

    kind is the component's parameter name (class, datatype, minCount, or, qualifiedValueShape, ...);
    shapes lists the keys of the shapes it refers to (sh:or, sh:node, sh:property, ...).
    """

    kind: str
    terms: tuple[Term, ...] = ()
    number: int | None = None
    text: str = ""
    flags: str = ""
    shapes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    siblings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SparqlConstraint:
    """A SHACL-SPARQL constraint: its SELECT query with the PREFIX lines pyshacl puts before it.

    batch: the query gives, run once with $this free, the same solutions for each focus node as
    run with $this pre-bound to that node (kg.shacl.sparql.runs_in_one_pass); otherwise it runs
    once per focus node. predicates and reach say which triples its patterns can match: those of
    the predicates, and ("this") any triple of the focus node, or ("any") any triple at all.
    computed: the projected variables bound by BIND, whose values are not the data's terms.
    """

    key: str
    query: str
    variables: tuple[str, ...]
    message: str | None
    name: str
    batch: bool
    predicates: tuple[str, ...]
    reach: str
    computed: tuple[str, ...]


@dataclass(frozen=True)
class Shape:
    """A node shape or a property shape (path is None for a node shape)."""

    key: str
    name: str  # the Finding's shape: the shape's IRI, or the node shape holding a property shape
    severity: str
    messages: tuple[str, ...]
    deactivated: bool
    path: PathSpec | None
    path_text: str
    target_classes: tuple[str, ...]
    target_subjects_of: tuple[str, ...]
    target_objects_of: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    sparql: tuple[SparqlConstraint, ...]

    @property
    def targeted(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of or self.target_objects_of)


@dataclass(frozen=True)
class Plan:
    """Every shape of a shapes graph, by key; digest names the plan in a worker's cache."""

    shapes: tuple[Shape, ...]
    digest: str


def plan_data(plan: Plan) -> dict:
    """The plan as JSON-ready data, for a cache that keeps it between builds."""
    return asdict(plan)


def plan_from_data(data: dict) -> Plan:
    """A plan again from `plan_data`'s output; lists come back as the tuples they were."""
    def shape(item: dict) -> Shape:
        item = {key: _tuples(value) for key, value in item.items()}
        return Shape(**{**item,
                        "constraints": tuple(Constraint(**dict(c)) for c in item["constraints"]),
                        "sparql": tuple(SparqlConstraint(**dict(q)) for q in item["sparql"])})

    return Plan(tuple(shape(item) for item in data["shapes"]), data["digest"])


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value
