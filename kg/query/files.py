"""Query files: a bundled query by name or a user's .rq file, read with its header comment.

The header is the leading comment: the question first, then `@param NAME IRI|literal [optional]
DESCRIPTION` and `Example: kg query NAME --param ...` lines. `load_query` checks each query it
reads with `kg.query.check.check_query`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path

from kg.errors import InputError
from kg.query.check import check_query
from kg.query.model import Parameter, QueryFile
from kg.query.params import parse_params
from kg.resources import shipped_dir

PARAMETER_KINDS = ("IRI", "literal")

_PARAM_LINE = re.compile(
    r"^@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\S+)(?P<optional>\s+optional)?\s+(?P<text>.+)$"
)
_EXAMPLE_LINE = re.compile(r"^Example:\s*(?P<command>.+)$")


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
