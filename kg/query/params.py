"""Parameters: `--param key=value` strings checked and typed as RDF terms, never pasted into the text.

The embedded store takes them as substitutions; a remote store gets them by `with_values`, as a
VALUES block opening the query's WHERE clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import InputError
from kg.results import Term

if TYPE_CHECKING:
    from kg.query.model import Parameter, QueryFile

def parse_params(items: Iterable[str], where: tuple[str, int] | None = None) -> dict[str, str]:
    """`["key=value", ...]` as a dict; the value is everything after the first `=`, as typed."""
    params: dict[str, str] = {}
    path, line = where or (None, None)
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"expected KEY=VALUE, got {item!r}", path=path, line=line, field="--param")
        if key in params:
            raise InputError(f"{key!r} is given twice", path=path, line=line, field="--param")
        params[key] = value
    return params


def bind_params(query: QueryFile, params: Mapping[str, str]) -> dict[str, Term]:
    """Each parameter as a typed RDF term, after checking none is unknown, missing or malformed."""
    for key in params:
        if query.parameter(key) is None:
            takes = ", ".join(p.usage() for p in query.parameters)
            raise InputError(
                f"the query has no parameter {key!r}; "
                + (f"it takes {takes}" if takes else "it declares none (`# @param NAME IRI|literal DESCRIPTION`)"),
                path=query.display,
            )
    bindings: dict[str, Term] = {}
    for parameter in query.parameters:
        if parameter.name not in params:
            if not parameter.optional:
                raise InputError(
                    f"parameter {parameter.name!r} is missing: give {parameter.usage()} ({parameter.description})",
                    path=query.display,
                )
            continue
        bindings[parameter.name] = _term(query, parameter, params[parameter.name])
    return bindings


def _term(query: QueryFile, parameter: Parameter, value: str) -> Term:
    """The value as a term of the parameter's type; never as SPARQL text."""
    if parameter.kind == "literal":
        return Term.literal(value)
    try:
        ox.NamedNode(value)
    except ValueError as error:
        raise InputError(
            f"parameter {parameter.name!r}: {value!r} is not an absolute IRI ({error})", path=query.display
        ) from None
    return Term.iri(value)


def with_values(text: str, bindings: Mapping[str, Term], display: str = "the query") -> str:
    """The query with its bindings as a VALUES block at the start of its WHERE clause.

    Engines evaluate a block there first, and all the same way; a trailing VALUES block is joined
    after the pattern, where Comunica 5 loses rows that meet FILTER NOT EXISTS. The block goes
    right after the WHERE clause's opening brace, found outside IRIs, strings, comments and
    parentheses (a SELECT expression may hold `EXISTS { }`); a WHERE clause that is a sub-select
    is wrapped in a group. The result is read again with rdflib's parser and must begin its WHERE
    clause with exactly this block, or it is refused. Each value is written by `Term.n3` from a
    checked term (IRIs validated, literals escaped), so no value can end the block.

    >>> with_values('SELECT ?a (EXISTS { ?a ?b "{" } AS ?e) WHERE { ?a ?b ?c }', {"a": Term.iri("http://x/a")})
    'SELECT ?a (EXISTS { ?a ?b "{" } AS ?e) WHERE { VALUES (?a) { (<http://x/a>) } ?a ?b ?c }'
    """
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    block = f"VALUES ({names}) {{ ({values}) }}"
    start = _where_brace(text, display)
    end = _closing_brace(text, start, display)
    body = text[start + 1:end]
    if _SUB_SELECT.match(body):
        body = f" {{{body}}} "
    bound = f"{text[:start + 1]} {block}{body}{text[end:]}"
    _check_values_first(bound, bindings, display)
    return bound


# A group that begins with SELECT (after blanks and comments) is a sub-select, which takes no VALUES before it.
_SUB_SELECT = re.compile(r"(?:\s|#[^\n]*)*SELECT\b", re.IGNORECASE)


def _braces(text: str):
    """Each brace and parenthesis of the query's syntax with its position: none inside IRIs, strings, comments."""
    for match in _BRACE_OR_SKIPPED.finditer(text):
        if len(match[0]) == 1 and match[0] in "(){}":
            yield match.start(), match[0]


def _where_brace(text: str, display: str) -> int:
    """Where the WHERE clause's group opens: the query's first brace outside parentheses."""
    depth = 0
    for position, char in _braces(text):
        if char in "()":
            depth += 1 if char == "(" else -1
        elif char == "{" and depth == 0:
            return position
    raise InputError("kg cannot find where the query's WHERE clause begins, to bind its parameters", path=display)


def _closing_brace(text: str, start: int, display: str) -> int:
    """The brace that closes the group opened at `start`."""
    depth = 0
    for position, char in _braces(text):
        if position < start or char in "()":
            continue
        depth += 1 if char == "{" else -1
        if depth == 0:
            return position
    raise InputError("kg cannot find where the query's WHERE clause ends, to bind its parameters", path=display)


def _where_clause(text: str):
    """The WHERE clause of a SELECT query as rdflib's parser reads it."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(text)[1]["where"]


def _check_values_first(text: str, bindings: Mapping[str, Term], display: str) -> None:
    """InputError unless the query's WHERE clause now begins with one row of VALUES for exactly `bindings`."""
    from pyparsing import ParseBaseException

    try:
        parts = dict.get(_where_clause(text), "part") or []  # CompValue.get answers a missing key with its name
    except ParseBaseException:
        parts = []
    first = parts[0] if parts else None
    if (getattr(first, "name", None) != "InlineData" or [str(name) for name in first["var"]] != list(bindings)
            or len(first["value"]) != 1):
        raise InputError("kg cannot bind the parameters at the start of the query's WHERE clause", path=display)



# IRIs, strings and comments, blanked before looking for keywords: each may hold "SELECT" or "#".
_IRI_STRING_OR_COMMENT = re.compile(
    r"<[^<>\"{}|^`\\\s]*>"
    r"|'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\""
    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|#[^\n]*"
)
# The same, or a single character: the braces and parentheses of the query are those left.
_BRACE_OR_SKIPPED = re.compile(_IRI_STRING_OR_COMMENT.pattern + r"|[(){}]")
