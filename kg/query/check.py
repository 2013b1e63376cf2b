"""What a query may do: `kg query` only reads, and calls no other endpoint unless allowed.

Each query is read with rdflib's SPARQL 1.1 parser before any engine sees it, but for a text this
check passed already when kg was made: kg/data/checked-queries.json holds the sha256 of every
bundled query, each of which the parser (the one whose source it names by digest) reads as a
SELECT query that calls no endpoint. Reading one costs a fresh `kg query` up to 0.2 s (the
parser's import and its reading), more than many answers take.
`python tests/regenerate_query_table.py` writes the table after a bundled query changes, and
tests/test_query_safety.py fails while it is out of date; a text it does not hold, such as a query
of one's own, is read as before.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.resources import data_file

if TYPE_CHECKING:
    from kg.query.model import QueryFile

# The code point escapes that rdflib's parser expands before parsing, everywhere in the text;
# pyoxigraph and other engines expand them inside strings and IRIs only.
_CODE_POINT_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)

_UPDATE_KEYWORDS = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
    "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


def check_query(query: QueryFile, *, allow_service: bool = False) -> None:
    """Refuse, before anything is sent or run, a query that could change a store or call another endpoint.

    kg query only reads: a SPARQL update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE,
    ADD, WITH) is refused, and so is any form but SELECT. A SERVICE clause makes the engine call
    another endpoint (pyoxigraph in-process, or the remote store), so it is refused unless
    `allow_service`. Both are decided on the query as rdflib's SPARQL 1.1 parser reads it: a text
    it cannot read is a syntax error and reaches no engine.

    >>> from kg.query.model import QueryFile
    >>> check_query(QueryFile("drop", "drop.rq", "DROP ALL", "", (), ()))
    Traceback (most recent call last):
    kg.errors.InputError: drop.rq: a SPARQL update (DROP) is never run: kg query only reads; give a SELECT query
    """
    if text_digest(query.text) in checked_texts():
        return  # a bundled query, read when kg was made
    parsed = _parse_query(query)
    if parsed[1].name != "SelectQuery":
        raise InputError("only SELECT queries can be run by kg query", path=query.display)
    endpoints = service_endpoints(parsed)
    if endpoints and not allow_service:
        raise InputError(
            f"the query calls another endpoint (SERVICE {endpoints[0]}); kg makes no such call unless given "
            "--allow-service",
            path=query.display,
        )


CHECKED = "checked-queries.json"  # in kg/data

# rdflib's SPARQL parser, as files of the rdflib package (the grammar and its parse tree; pyparsing runs it).
PARSER_FILES = ("plugins/sparql/parser.py", "plugins/sparql/parserutils.py")


def text_digest(text: str) -> str:
    """The sha256 of a query's text, as the table of checked queries names it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parser_digest() -> str | None:
    """The sha256 of the source of the installed rdflib's SPARQL parser; None where it cannot be read.

    The files are found without importing rdflib (0.1 s), and without importlib.metadata, which
    costs a fresh `kg query` 0.02 s to import.
    """
    spec = importlib.util.find_spec("rdflib")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    try:
        for name in PARSER_FILES:
            digest.update((package / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


@functools.cache
def checked_texts() -> frozenset[str]:
    """The digests of the texts that rdflib's parser, this very one, read as SELECT queries calling
    no endpoint when kg was made; none where the table is missing or was made with another parser."""
    try:
        table = json.loads(data_file(CHECKED).read_text(encoding="utf-8"))
        if table["rdflib_sparql_parser"] != parser_digest():
            return frozenset()
        return frozenset(str(digest) for digest in table["select_calling_no_endpoint"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def service_endpoints(parsed) -> list[str]:
    """The endpoints that SERVICE clauses of a query parsed by rdflib call, wherever they are nested.

    >>> from rdflib.plugins.sparql.parser import parseQuery
    >>> service_endpoints(parseQuery('SELECT * { ?s ?p "SERVICE" FILTER EXISTS { SERVICE <http://x/sparql> {} } }'))
    ['<http://x/sparql>']
    """
    from rdflib.plugins.sparql.parserutils import CompValue
    from pyparsing import ParseResults

    found: list[str] = []

    def visit(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(_shown_term(node["term"]))
            for value in node.values():
                visit(value)
        elif isinstance(node, (ParseResults, list, tuple)):
            for item in node:
                visit(item)

    visit(parsed)
    return found


def _shown_term(term) -> str:
    if isinstance(term, str) and hasattr(term, "n3"):  # an rdflib URIRef or Variable
        return term.n3()
    # A prefixed name; dict.get, as CompValue.get answers a missing key with its name.
    return f"{dict.get(term, 'prefix') or ''}:{dict.get(term, 'localname') or ''}"


def _parse_query(query: QueryFile):
    """The query as rdflib's parser reads it; an update or a text that is not SPARQL is an InputError."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    refuse_ascii_escapes(query)
    try:
        try:
            return parseQuery(query.text)
        except ParseBaseException as error:
            as_query = error
        try:
            update = parseUpdate(query.text)
        except ParseBaseException as as_update:
            raise _not_sparql(query, max(as_query, as_update, key=lambda error: error.loc)) from None
    except RecursionError:
        raise InputError("the query nests groups too deeply for kg to check it", path=query.display) from None
    operations = dict.get(update, "request") or []  # CompValue.get answers a missing key with its name
    if not operations:
        raise InputError("the file holds no query", path=query.display)
    keyword = _UPDATE_KEYWORDS.get(operations[0].name, operations[0].name)
    raise InputError(
        f"a SPARQL update ({keyword}) is never run: kg query only reads; give a SELECT query", path=query.display
    )


def refuse_ascii_escapes(query: QueryFile) -> None:
    """Refuse a code point escape of an ASCII character, such as \\u0022 for a quote.

    rdflib expands such an escape before parsing, and pyoxigraph only inside strings and IRIs; so
    an escaped quote can hide from the check a SERVICE clause that the engine then runs.
    """
    for match in _CODE_POINT_ESCAPE.finditer(query.text):
        code = int(match[1], 16)
        line = query.text.count("\n", 0, match.start()) + 1
        if code > 0x10FFFF:
            raise InputError(f"SPARQL syntax error: {match[0]} is not a character", path=query.display, line=line)
        if code < 0x80:
            raise InputError(
                f"{match[0]} escapes the ASCII character {chr(code)!r}, which SPARQL engines read in different "
                "places; kg runs no query with such an escape: write the character itself",
                path=query.display, line=line,
            )


def _not_sparql(query: QueryFile, error) -> InputError:
    """Where rdflib's parser stopped: at or just before the fault (pyoxigraph gives the farthest point it tried)."""
    return InputError(
        f"SPARQL syntax error: error at {error.lineno}:{error.col}: unexpected {error.found} "
        "(kg reads each query with rdflib's SPARQL 1.1 parser first, and runs none it cannot read)",
        path=query.display, line=error.lineno,
    )

