"""`kg query`: the bundled SPARQL queries, their parameters, and running them on a dataset.

Three steps, kept apart so that a remote endpoint can replace the embedded store:

1. `load_query` reads a query file and its header (question, parameters, examples), and
   `check_query` refuses what could change a store or call another endpoint (an update, SERVICE);
   `bind_params` turns `--param key=value` strings into typed RDF terms, checking every one.
2. an executor runs the query with those bindings: `LocalDataset` (pyoxigraph, in-process, the
   graphs' merge as default graph, bindings passed as substitutions) or any object with the same
   `execute` method, such as `RemoteEndpoint` (a triple store, sent `with_values(query.text, bindings)`,
   the bindings as a VALUES block at the start of the WHERE clause).
3. `kg.results.format_results` prints the `Results` the same way whatever answered.

Queries are written against the default graph, which is the merge of the dataset's graphs.

>>> query = load_query("evidence")
>>> query.question
'Where does the article mention a resource: the exact words and their character offsets?'
>>> [(p.name, p.kind, p.optional) for p in query.parameters]
[('resource', 'IRI', False)]
>>> bind_params(query, {"resource": "https://kg.example.org/person/hun-sen"})
{'resource': Term(kind='uri', value='https://kg.example.org/person/hun-sen', datatype=None, lang=None)}
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.results import Results, Term
from kg.resources import shipped_dir

__all__ = [
    "Parameter",
    "QueryFile",
    "Executor",
    "LocalDataset",
    "RemoteEndpoint",
    "DATASET_FILE",
    "list_queries",
    "load_query",
    "check_query",
    "service_endpoints",
    "parse_params",
    "bind_params",
    "with_values",
    "open_dataset",
    "run_query",
    "format_list",
]

# The dist/ file the embedded store loads: every graph of the dataset, one named graph each.
DATASET_FILE = "kg.nq"

PARAMETER_KINDS = ("IRI", "literal")

_PARAM_LINE = re.compile(
    r"^@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\S+)(?P<optional>\s+optional)?\s+(?P<text>.+)$"
)
_EXAMPLE_LINE = re.compile(r"^Example:\s*(?P<command>.+)$")
_SYNTAX_POSITION = re.compile(r"\b(?P<line>\d+):(?P<column>\d+)\b")


@dataclass(frozen=True)
class Parameter:
    """A value the query needs: `?name` in its text, an IRI or a literal, maybe optional."""

    name: str
    kind: str
    description: str
    optional: bool = False

    def usage(self) -> str:
        """How to pass it on the command line: `--param resource=IRI`."""
        text = f"--param {self.name}={self.kind}"
        return f"[{text}]" if self.optional else text


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL query with what its header comment declares."""

    name: str
    display: str
    text: str
    question: str
    parameters: tuple[Parameter, ...]
    examples: tuple[dict[str, str], ...]

    def parameter(self, name: str) -> Parameter | None:
        """The declared parameter of this name, if any."""
        return next((p for p in self.parameters if p.name == name), None)


class Executor(Protocol):
    """Something that answers a query: the embedded store, or a remote SPARQL endpoint."""

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Run `query` with its parameters bound to `bindings`; raise InputError if it is bad."""
        ...


# Query files -----------------------------------------------------------------------------------


def list_queries() -> list[QueryFile]:
    """The bundled queries, by name."""
    folder = shipped_dir("queries")
    paths = sorted(folder.glob("*.rq"), key=lambda path: path.stem)
    return [_read(path, path.stem, f"{path.stem}.rq") for path in paths]


def load_query(name_or_path: str | Path, *, allow_service: bool = False) -> QueryFile:
    """A bundled query by name (`evidence`), or a user's own query file (`my.rq`), checked by `check_query`."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".rq") or "/" in text or "\\" in text:
        path = Path(name_or_path)
        if not path.is_file():
            raise InputError("no such query file", path=path)
        query = _read(path, path.stem, str(path))
    else:
        path = shipped_dir("queries") / f"{text}.rq"
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", text) or not path.is_file():
            raise InputError("no bundled query of this name; `kg query --list` shows them", path=f"{text}.rq")
        query = _read(path, text, path.name)
    check_query(query, allow_service=allow_service)
    return query


def _read(path: Path, name: str, display: str) -> QueryFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the query: {error}", path=display) from None
    question, parameters, examples = _parse_header(text, display)
    return QueryFile(name, display, text, question, parameters, examples)


def _parse_header(text: str, display: str) -> tuple[str, tuple[Parameter, ...], tuple[dict[str, str], ...]]:
    """The leading comment: the question first, then `@param` and `Example:` lines."""
    question_lines: list[str] = []
    parameters: list[Parameter] = []
    examples: list[dict[str, str]] = []
    question_done = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if param := _PARAM_LINE.match(body):
            if param["kind"] not in PARAMETER_KINDS:
                raise InputError(
                    f"parameter {param['name']!r} has type {param['kind']!r}; use IRI or literal",
                    path=display, line=number,
                )
            parameters.append(Parameter(param["name"], param["kind"], param["text"].strip(), bool(param["optional"])))
            question_done = True
        elif example := _EXAMPLE_LINE.match(body):
            examples.append(_example_params(example["command"], display, number))
            question_done = True
        elif body.startswith("@param"):
            raise InputError("expected `# @param NAME IRI|literal [optional] DESCRIPTION`", path=display, line=number)
        elif not body:
            question_done = question_done or bool(question_lines)
        elif not question_done:
            question_lines.append(body)
    return " ".join(question_lines), tuple(parameters), tuple(examples)


def _example_params(command: str, display: str, line: int) -> dict[str, str]:
    """The `--param` values of an example command line."""
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise InputError(f"cannot read the example: {error}", path=display, line=line) from None
    values = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "--param"]
    return parse_params(values, where=(display, line))


# What a query may do ---------------------------------------------------------------------------

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

    >>> check_query(QueryFile("drop", "drop.rq", "DROP ALL", "", (), ()))
    Traceback (most recent call last):
    kg.errors.InputError: drop.rq: a SPARQL update (DROP) is never run: kg query only reads; give a SELECT query
    """
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

    _refuse_ascii_escapes(query)
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


def _refuse_ascii_escapes(query: QueryFile) -> None:
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


# Parameters ------------------------------------------------------------------------------------


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


# Execution -------------------------------------------------------------------------------------


class LocalDataset:
    """The dataset in an embedded pyoxigraph store, queried on the merge of its graphs.

    The merge is kept as the store's default graph, a set: pyoxigraph's union-of-graphs mode (like
    Virtuoso's) returns a triple once per graph that holds it, which inflates counts and multiplies
    the rows a query joins through before DISTINCT removes them.
    """

    def __init__(self, store: ox.Store, *, union_default_graph: bool = False) -> None:
        self.store = store
        self.union_default_graph = union_default_graph

    @classmethod
    def from_files(cls, *paths: Path) -> LocalDataset:
        """A store holding these files (format from the extension), their graphs merged as default."""
        store = ox.Store()
        for path in paths:
            try:
                store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
            except (OSError, SyntaxError, ValueError) as error:
                raise InputError(f"cannot load the dataset: {error}", path=path) from None
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return cls(store)

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Run the query in-process; its parameters are substituted as terms, never as text."""
        substitutions = {ox.Variable(name): _to_oxigraph(term) for name, term in bindings.items()}
        try:
            answer = self.store.query(
                query.text, use_default_graph_as_union=self.union_default_graph, substitutions=substitutions
            )
        except SyntaxError as error:
            raise _syntax_error(query, str(error)) from None
        except RuntimeError as error:
            # Substitution (SEP-0007) replaces a selected variable, so a parameter must be selected.
            raise InputError(f"{error}; a parameter must be a variable the query selects", path=query.display) from None
        except OSError as error:
            raise InputError(f"the query failed: {error}", path=query.display) from None
        if not isinstance(answer, ox.QuerySolutions):
            raise InputError("only SELECT queries can be run by kg query", path=query.display)
        variables = tuple(variable.value for variable in answer.variables)
        try:
            rows = tuple(tuple(_from_oxigraph(query, solution[v]) for v in variables) for solution in answer)
        except OSError as error:
            raise InputError(f"the query failed: {error}", path=query.display) from None
        return Results(variables, rows)


class RemoteEndpoint:
    """A triple store holding the dataset (see `kg load`), queried through SPARQLWrapper.

    Its default graph is made the dataset's graphs, one `default-graph-uri` each, as listed by the
    dataset's metadata graph in the store: Oxigraph's default graph is not the union of its named
    graphs, and Virtuoso's holds its own system graphs too. The same graphs are passed as
    `named-graph-uri`, for queries that ask `GRAPH ?g`: a store given default graphs alone may
    offer no named graphs (Oxigraph) or all of them (Virtuoso). A triple that two graphs hold comes
    back once per graph (both stores take the graphs as a bag, not a merge), which the bundled
    queries absorb with DISTINCT. Booleans and xsd:durations that Virtuoso returns as numbers are
    shown in their own form ("true", "P4Y"; kg's own durations are text, which every store keeps);
    Virtuoso also types computed booleans (EXISTS, true) as xsd:integer, which cannot be told from
    numbers.

    A store that says it cut an answer short (Virtuoso's ResultSetMaxRows) gets the rows it gave
    shown, and a warning, for people, through `warn` (a Python warning when it is None).
    """

    def __init__(self, store, graphs: Iterable[str], warn: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.graphs = tuple(graphs)
        self.warn = warn

    @classmethod
    def connect(cls, url: str, *, base: str | None = None, warn: Callable[[str], None] | None = None,
                **options) -> RemoteEndpoint:
        """The store at `url` (base URL or query endpoint) with the dataset built under `base`.

        `options` go to `kg.stores.Store.connect` (store_type, timeout, retries, credentials).
        """
        from kg.iris import DEFAULT_BASE, check_base
        from kg.stores import Store

        try:
            base = check_base(base or DEFAULT_BASE)
        except ValueError as error:
            raise InputError(str(error), field="--base") from None
        store = Store.connect(url, **options)
        return cls(store, _dataset_graphs(store, f"{base}graph/metadata"), warn)

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Send the query with its parameters as a VALUES block opening its WHERE clause; the answer as Results."""
        from kg.stores import StoreAnswerError

        try:
            answer = self.store.select(with_values(query.text, bindings, query.display), default_graphs=self.graphs,
                                       named_graphs=self.graphs, action=f"running {query.display}",
                                       on_cut=lambda limit: self._cut(query, limit))
        except StoreAnswerError as error:
            if error.status == 400:
                raise InputError(str(error), path=query.display) from None
            raise
        if "results" not in answer:
            raise InputError("only SELECT queries can be run by kg query", path=query.display)
        results = Results.from_json(answer)
        rows = tuple(tuple(_kg_lexical(term) for term in row) for row in results.rows)
        if _selects_distinct(query.text):
            # Virtuoso 7.2 repeats rows of a SELECT DISTINCT with OPTIONAL and ORDER BY when a
            # triple comes from two default graphs.
            rows = tuple(dict.fromkeys(rows))
        return Results(results.vars, rows)

    def _cut(self, query: QueryFile, limit: str) -> None:
        from kg.stores.endpoints import public_url

        message = (f"warning: {public_url(self.store.endpoints.query)} cut the answer to {query.display} at its "
                   f"limit of {limit} rows (X-SPARQL-MaxRows): rows are missing; raise the store's result limit "
                   "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        if self.warn is None:
            import warnings

            warnings.warn(message, RuntimeWarning, stacklevel=2)
        else:
            self.warn(message)


def _dataset_graphs(store, metadata: str) -> list[str]:
    """The metadata graph and the graphs it lists as subsets of the dataset, as the store holds them.

    All of them, even from a store that cuts answers short: `Store.list_iris` checks the list
    against a COUNT and reads it page by page where it must.
    """
    from kg.stores.endpoints import public_url

    graph = ox.NamedNode(metadata)
    graphs = store.list_iris(f"GRAPH {graph} {{ ?dataset <http://rdfs.org/ns/void#subset> ?graph }}", "graph",
                             action="listing the dataset's graphs")
    if not graphs:
        raise StoreError(
            f"{public_url(store.endpoints.query)} holds no kg dataset: its graph <{metadata}> lists no graphs; "
            "load it with kg load (and give the --base it was built with)"
        )
    return graphs + [metadata]


# IRIs, strings and comments, blanked before looking for keywords: each may hold "SELECT" or "#".
_IRI_STRING_OR_COMMENT = re.compile(
    r"<[^<>\"{}|^`\\\s]*>"
    r"|'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\""
    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|#[^\n]*"
)
# The same, or a single character: the braces and parentheses of the query are those left.
_BRACE_OR_SKIPPED = re.compile(_IRI_STRING_OR_COMMENT.pattern + r"|[(){}]")
_SELECT = re.compile(r"\bSELECT\s+(DISTINCT|REDUCED)?", re.IGNORECASE)


def _selects_distinct(text: str) -> bool:
    """Whether the query's outer SELECT (its first, outside IRIs, strings and comments) is DISTINCT or REDUCED.

    >>> _selects_distinct('PREFIX s: <http://x/SELECT#> # SELECT\\nSELECT DISTINCT ?a { ?a ?b "SELECT" }')
    True
    >>> _selects_distinct("SELECT ?a { { SELECT DISTINCT ?a { ?a ?b ?c } } }")
    False
    """
    match = _SELECT.search(_IRI_STRING_OR_COMMENT.sub(" ", text))
    return bool(match and match.group(1))


def _kg_lexical(term: Term | None) -> Term | None:
    from kg.stores.verify import kg_lexical

    if term is None or term.kind != "literal" or not term.datatype:
        return term
    return Term.literal(kg_lexical(term.value, term.datatype), term.datatype)


def _syntax_error(query: QueryFile, message: str) -> InputError:
    position = _SYNTAX_POSITION.search(message)
    line = int(position["line"]) if position else None
    return InputError(f"SPARQL syntax error: {message}", path=query.display, line=line)


def _to_oxigraph(term: Term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def _from_oxigraph(query: QueryFile, term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term.iri(term.value)
    if isinstance(term, ox.BlankNode):
        return Term.bnode(term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    raise InputError("the query returns an RDF-star triple, which kg query cannot show", path=query.display)


def open_dataset(
    out: Path = Path("dist"),
    *,
    seeds: Path = Path("seeds"),
    base: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LocalDataset:
    """The built dataset in `out`, in-process: its store (dist/store/) opened read-only, or else kg.nq
    loaded; built from `seeds` first if `out` is missing."""
    if not out.exists():
        from kg.build import build
        from kg.iris import DEFAULT_BASE

        if progress:
            progress(f"{out}/ is missing: building it from {seeds}/")
        build(seeds, out, base or DEFAULT_BASE, progress=progress)
    from kg.write.store import STORE, open_store

    store = out / STORE
    if store.is_dir():
        try:
            return LocalDataset(open_store(store))
        except OSError as error:
            raise InputError(f"cannot open the dataset's store: {error}; run `kg build` again", path=store) from None
    data = out / DATASET_FILE
    if not data.is_file():
        raise InputError(f"the built dataset has no {DATASET_FILE}; run `kg build`", path=out)
    return LocalDataset.from_files(data)


def run_query(
    query: QueryFile | str | Path,
    params: Mapping[str, str] | None = None,
    dataset: Executor | None = None,
    *,
    allow_service: bool = False,
) -> Results:
    """Answer a query (a QueryFile, a bundled name or a file) with `params` on `dataset` (default dist/).

    The query is checked first (`check_query`): it may not change the store, nor call another
    endpoint unless `allow_service`.
    """
    if isinstance(query, QueryFile):
        check_query(query, allow_service=allow_service)
    else:
        query = load_query(query, allow_service=allow_service)
    bindings = bind_params(query, params or {})
    return (dataset or open_dataset()).execute(query, bindings)


def format_list(queries: Iterable[QueryFile]) -> str:
    """The bundled queries for `kg query --list`: name, question, and the parameters each takes."""
    queries = list(queries)
    width = max((len(q.name) for q in queries), default=0)
    lines = []
    for query in queries:
        lines.append(f"{query.name.ljust(width)}  {query.question}")
        for parameter in query.parameters:
            lines.append(f"{'':{width}}    {parameter.usage()}  {parameter.description}")
    return "\n".join(lines) + "\n"
