"""SHACL-SPARQL constraints compiled: read as pyshacl reads them, to run by pyoxigraph (kg.shacl.solutions),
in one pass where that is exact.

pyshacl runs a constraint's SELECT once per focus node with $this pre-bound. In Oxigraph each such
run takes ~0.2 ms, and the seed asks kg's 36 constraints about ~700 focus nodes: 0.15 s. So a query
whose solutions for a node are the same whether $this is pre-bound or not (runs_in_one_pass) runs
once per data graph with $this free, its solutions grouped by $this: all 36 take ~5 ms. The others
run once per focus node, $this given as a substitution, which Oxigraph applies inside every group
as rdflib applies pyshacl's initBindings.

Everything pyshacl would refuse or read another way is refused here (Unsupported), so a caller falls
back to pyshacl and gets pyshacl's own answer or error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache

import rdflib
from pyshacl.consts import OWL_PFX, RDF_PFX, RDFS_PFX
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, XSD
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.resources import data_file
from kg.shacl.plan import SparqlConstraint, Unsupported

__all__ = ["compile_sparql", "analyse_query", "analyses_table", "query_key", "ANALYSES", "runs_in_one_pass"]

SH = "http://www.w3.org/ns/shacl#"
THIS = Variable("this")
_HELPER = SPARQLQueryHelper
# Functions whose answer Oxigraph's stored literals change (an xsd:nonNegativeInteger is stored as an
# xsd:integer, language tags lowercased); and BOUND($this), which sees a pre-bound $this differently
# (BOUND of another variable, as in an OPTIONAL left unbound, does not).
_REFUSED_FUNCTIONS = {"Builtin_DATATYPE", "Builtin_LANG", "Builtin_LANGMATCHES", "Builtin_sameTerm"}
# The algebra that keeps "pre-bind $this, then evaluate" and "evaluate, then keep $this = node" equal.
_PASSED_THROUGH = ("Project", "Distinct", "Reduced", "OrderBy")


def compile_sparql(shapes: Graph, node, name: str) -> SparqlConstraint | None:
    """A sh:sparql constraint of the shapes graph; None when it is deactivated."""
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    selects = list(shapes.objects(node, sh("select")))
    if len(selects) != 1 or not (isinstance(selects[0], Literal) and isinstance(selects[0].value, str)):
        raise Unsupported(f"{name}: a SPARQL constraint needs exactly one sh:select string")
    if set(shapes.objects(node, sh("ask"))):
        raise Unsupported(f"{name}: sh:ask in a SPARQL constraint")
    messages = list(shapes.objects(node, sh("message")))
    if len(messages) > 1 or any(not (isinstance(m, Literal) and isinstance(m.value, str)) for m in messages):
        raise Unsupported(f"{name}: a SPARQL constraint needs at most one sh:message string")
    deactivated = list(shapes.objects(node, sh("deactivated")))
    if deactivated:
        if len(deactivated) > 1 or not (isinstance(deactivated[0], Literal) and isinstance(deactivated[0].value, bool)):
            raise Unsupported(f"{name}: sh:deactivated needs one xsd:boolean")
        if deactivated[0].value:
            return None
    select = str(selects[0].value)
    _refuse_what_pyshacl_refuses(select, name)
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(shapes, node, name).items())
    query = f"{prefixes}\n{select}"  # the text pyshacl gives rdflib, character for character
    message = str(messages[0].value) if messages else None
    known = _known_analyses().get(query_key(query))
    variables, batch, predicates, reach, computed = known or analyse_query(query, name)
    return SparqlConstraint(node.n3(), query, variables, message, name, batch, predicates, reach, computed)


Analysis = tuple[tuple[str, ...], bool, tuple[str, ...], str, tuple[str, ...]]


def analyse_query(query: str, name: str) -> Analysis:
    """What the engine needs of a constraint's query, read by rdflib's parser as pyshacl reads it:
    its variables, whether it runs in one pass, the predicates it reaches and how far, and the
    variables BIND computes (see SparqlConstraint)."""
    try:
        parsed = prepareQuery(query)
    except Exception as error:  # pyparsing's errors, and a bare Exception for an unknown prefix
        raise Unsupported(f"{name}: rdflib cannot read the query: {error}") from None
    if parsed.algebra.name != "SelectQuery":
        raise Unsupported(f"{name}: not a SELECT query")
    if any(item.name == "Builtin_BOUND" and item.get("arg") == THIS for item in _nodes(parsed.algebra)):
        raise Unsupported(f"{name}: BOUND($this) is true for a pre-bound $this, but not where the query leaves it unbound")
    refused = sorted(_REFUSED_FUNCTIONS & {item.name for item in _nodes(parsed.algebra)})
    if refused:
        raise Unsupported(f"{name}: {refused[0].removeprefix('Builtin_')}() answers differently on Oxigraph's stored literals")
    variables = tuple(str(v) for v in parsed.algebra.PV)
    if "failure" in variables:
        raise Unsupported(f"{name}: ?failure in a SPARQL constraint")
    predicates, reach = _reach(parsed.algebra)
    return variables, runs_in_one_pass(parsed.algebra), predicates, reach, _computed(parsed.algebra, name)


# Reading 55 constraints with rdflib's pyparsing grammar takes a second, the most of a first build of
# the seed. So the analyses of kg's own shapes' queries ship with kg (tests/regenerate_sparql_table.py
# writes them; a test holds them to analyse_query), used only with the rdflib they were made with.
ANALYSES = "sparql-analyses.json"


def query_key(query: str) -> str:
    """The digest of a constraint's query with its PREFIX lines sorted: pyshacl's order of them
    follows set order, which changes from one process to the next, and no analysis depends on it."""
    prefixes, _, select = query.partition("\n\n")
    return hashlib.sha256(("\n".join(sorted(prefixes.split("\n"))) + "\n\n" + select).encode("utf-8")).hexdigest()


def analyses_table(queries: Iterable[str]) -> dict:
    """The table of ANALYSES for `queries`: each one's analysis by its key, and rdflib's version."""
    analyses = {}
    for query in queries:
        try:
            analyses[query_key(query)] = analyse_query(query, "")
        except Unsupported:
            continue  # read again each time, to be refused with its shape's name
    return {"rdflib": rdflib.__version__, "analyses": dict(sorted(analyses.items()))}


@lru_cache(maxsize=1)
def _known_analyses() -> dict[str, Analysis]:
    try:
        table = json.loads(data_file(ANALYSES).read_text(encoding="utf-8"))
        if table["rdflib"] != rdflib.__version__:
            return {}
        return {key: (tuple(variables), batch, tuple(predicates), reach, tuple(computed))
                for key, (variables, batch, predicates, reach, computed) in table["analyses"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _refuse_what_pyshacl_refuses(select: str, name: str) -> None:
    """pyshacl's own checks of a constraint's text, and the pre-bound variables kg does not use."""
    checks = (
        (_HELPER.has_minus_regex, "MINUS"),
        (_HELPER.has_values_regex, "VALUES"),
        (_HELPER.has_service_regex, "SERVICE"),
        (_HELPER.has_nested_select_regex, "a nested SELECT"),
        (_HELPER.bind_path_regex, "$PATH"),
        (_HELPER.bind_sg_regex, "$shapesGraph"),
        (_HELPER.bind_cs_regex, "$currentShape"),
    )
    for regex, what in checks:
        if regex.search(select):
            raise Unsupported(f"{name}: {what} in a SPARQL constraint")
    rebound = _HELPER.has_as_var_regex.search(select)
    if rebound and rebound.group(1) in {"this", "shapesGraph", "currentShape"}:
        raise Unsupported(f"{name}: AS ${rebound.group(1)}")
    if not _HELPER.bind_this_regex.search(select):
        raise Unsupported(f"{name}: the query does not use $this")


def _prefixes(shapes: Graph, node, name: str) -> dict[str, str]:
    """The PREFIX declarations pyshacl puts before a constraint's query (SPARQLQueryHelper.collect_prefixes)."""
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    prefixes = {"rdf": RDF_PFX, "rdfs": RDFS_PFX, "owl": OWL_PFX}
    values = set(shapes.objects(node, sh("prefixes")))
    if not values:
        return prefixes
    graph_declares = set(shapes.objects(shapes.identifier, sh("declare")))
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    global_declares = graph_declares | {d for o in ontologies for d in shapes.objects(o, sh("declare"))}
    declared: dict[str, str] = {}
    for value in values:
        own = set(shapes.objects(value, sh("declare")))
        declares = own | graph_declares if own and value in ontologies else global_declares | own
        for declare in declares:
            prefix = list(shapes.objects(declare, sh("prefix")))
            namespace = list(shapes.objects(declare, sh("namespace")))
            if isinstance(declare, Literal) or len(prefix) != 1 or len(namespace) != 1:
                raise Unsupported(f"{name}: a sh:declare needs one sh:prefix and one sh:namespace")
            if not (isinstance(prefix[0], Literal) and isinstance(prefix[0].value, str)):
                raise Unsupported(f"{name}: sh:prefix must be a string")
            if not (isinstance(namespace[0], Literal) and (namespace[0].datatype == XSD.anyURI or isinstance(namespace[0].value, str))):
                raise Unsupported(f"{name}: sh:namespace must be an xsd:anyURI")
            key, iri = str(prefix[0].value), str(namespace[0].value)
            if declared.setdefault(key, iri) != iri:
                # pyshacl keeps whichever it meets last, in an order that varies between runs.
                raise Unsupported(f"{name}: the prefix {key}: is declared with two namespaces")
    return prefixes | dict(sorted(declared.items()))  # pyshacl's order varies between runs; kg's does not


def _nodes(node) -> Iterator[CompValue]:
    """Every algebra and expression node under `node`, filters' EXISTS patterns included."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _reach(select: CompValue) -> tuple[tuple[str, ...], str]:
    """The predicates of the query's triple patterns and paths (EXISTS included), and what else they reach.

    A variable predicate reaches every triple of its subject: "this" when that subject is $this,
    "any" otherwise, as does a negated property set.
    """
    predicates: set[str] = set()
    reach = "predicates"
    stack = [select]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            for key, value in item.items():
                if key == "triples":  # a BGP's triples, or an EXISTS block's lists of 3n terms
                    terms = [t for block in value for t in block]
                    for subject, predicate in zip(terms[0::3], terms[1::3]):
                        if isinstance(predicate, Variable):
                            reach = "this" if subject == THIS and reach != "any" else "any"
                        else:
                            found, negated = _path_iris(predicate)
                            predicates |= found
                            reach = "any" if negated else reach
                elif key != "_vars":
                    stack.append(value)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return tuple(sorted(predicates)), reach


def _computed(select: CompValue, name: str) -> tuple[str, ...]:
    """The projected variables BIND gives values to; refused if a triple pattern binds them too."""
    bound_by_bind, in_patterns = set(), set()
    stack = [select.p]
    while stack:  # the query's own patterns, not those of its FILTER (NOT) EXISTS, where a BIND stays inside
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "Extend":
                bound_by_bind.add(item.var)
            if item.name == "BGP":
                in_patterns |= {t for triple in item.triples for t in triple if isinstance(t, Variable)}
            stack.extend(v for k, v in item.items() if k not in ("expr", "_vars"))
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    projected = set(select.PV)
    if projected & bound_by_bind & in_patterns:
        raise Unsupported(f"{name}: a variable bound both by BIND and by a triple pattern")
    return tuple(sorted(str(v) for v in projected & bound_by_bind))


def _path_iris(path) -> tuple[set[str], bool]:
    if isinstance(path, URIRef):
        return {str(path)}, False
    if isinstance(path, NegatedPath):
        return set(), True
    if isinstance(path, (SequencePath, AlternativePath)):
        parts = path.args
    elif isinstance(path, InvPath):
        parts = [path.arg]
    elif isinstance(path, MulPath):
        parts = [path.path]
    else:
        raise Unsupported(f"an unknown SPARQL path {path!r}")
    found, negated = set(), False
    for part in parts:
        more, neg = _path_iris(part)
        found |= more
        negated = negated or neg
    return found, negated


def _mentions_this(node) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable) and item == THIS:
            return True
        if isinstance(item, CompValue):
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


class _NotInOnePass(Exception):
    pass


def runs_in_one_pass(select: CompValue) -> bool:
    """Whether running the query once with $this free gives, for each node, the solutions pre-binding gives.

    True when $this is projected and bound in every solution by the query's own patterns, and
    each part that mentions $this either binds it too or sees it bound (a FILTER, a BIND, the
    right side of an OPTIONAL after the left side bound it). A UNION branch that only tests $this
    in a FILTER NOT EXISTS, say, is evaluated without $this when $this is free: such a query runs
    once per focus node.
    """
    if THIS not in select.PV:
        return False
    node = select.p
    while node.name in _PASSED_THROUGH:
        node = node.p
    try:
        return THIS in _certain(node)
    except _NotInOnePass:
        return False


def _certain(node: CompValue) -> set:
    """The variables every solution of `node` binds; raises _NotInOnePass where free and pre-bound $this differ."""
    name = node.name
    if name == "BGP":
        return {term for triple in node.triples for term in triple if isinstance(term, Variable)}
    if name == "Join":
        return _binds_where_mentioned(node.p1) | _binds_where_mentioned(node.p2)
    if name == "Union":
        return _binds_where_mentioned(node.p1) & _binds_where_mentioned(node.p2)
    if name == "LeftJoin":
        left = _certain(node.p1)
        if (_mentions_this(node.p2) or _mentions_this(node.expr)) and THIS not in left:
            raise _NotInOnePass
        _binds_where_mentioned(node.p2)
        return left
    if name in ("Filter", "Extend"):
        inner = _certain(node.p)
        if name == "Extend" and node.var == THIS:
            raise _NotInOnePass
        if _mentions_this(node.expr) and THIS not in inner:
            raise _NotInOnePass
        return inner
    raise _NotInOnePass  # GRAPH, MINUS, VALUES, sub-queries, aggregates, LIMIT: run per focus node


def _binds_where_mentioned(node: CompValue) -> set:
    certain = _certain(node)
    if THIS not in certain and _mentions_this(node):
        raise _NotInOnePass
    return certain
