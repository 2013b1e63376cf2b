"""The record's data typed by its models (kg.model), and a model's error said in the record's words:
what the field takes and what it got, with a did-you-mean for a misspelt key.

The models (pydantic) are imported where a record is parsed, not before: see kg.kinds.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from kg.errors import InputError
from kg.kinds import EventKind
from kg.read.fields import FieldPath, field_name, line_of, quoted

if TYPE_CHECKING:
    from kg.model import Record

__all__ = ["parse_record"]


def parse_record(data: dict, lines: dict[FieldPath, int], path: Path) -> Record:
    """The record's data as a `Record`; the first error in the file, at its line and field, if it is not one."""
    from pydantic import ValidationError

    from kg.model import Record

    try:
        return Record.model_validate(data)
    except ValidationError as error:
        errors = [(e, _data_path(data, e["loc"])) for e in error.errors()]
        # The first error in the file; within one mapping, a misspelt key before the missing one
        # it explains.
        first, where = min(
            errors,
            key=lambda pair: (
                line_of(lines, pair[1][:-1]),
                pair[0]["type"] != "extra_forbidden",
                line_of(lines, pair[1]),
            ),
        )
        raise InputError(
            _explain(first, data, where), path=path, line=line_of(lines, where), field=field_name(where)
        ) from None


def _data_path(data: Any, loc: tuple) -> FieldPath:
    """The path in the YAML data for a pydantic error location, without the event union's tags."""
    here: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and (not isinstance(node, dict) or node.get("kind") == part):
            continue  # the discriminator's tag, or the `text` a quote written as a string stands for
        else:
            node = None
        here.append(part)
    return tuple(here)


# What a field takes, in the record's words, by pydantic error type; a few fields say more.
_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_EXPECTED_OF_FIELD = {
    "occurrence": "a whole number from 1 (the first match) upward",
    "year": "a whole number from 1000 to 9999",
}
_NUMBER_ERRORS = {"int_type", "greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def _explain(error: dict, data: Any, where: FieldPath) -> str:
    """A pydantic error as the record's editor would say it: what the field takes, and what it got."""
    from kg.model import PATTERN_MEANINGS

    kind, value, context = error["type"], error["input"], error.get("ctx") or {}
    subject = _subject(where)
    got = _described(value)
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        known = _known_fields(data, where)
        close = difflib.get_close_matches(str(where[-1]), known, n=1)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        return f"unknown field; known: {', '.join(known)}" if known else "unknown field"
    if kind == "union_tag_invalid":
        return f"unknown kind {_described(value.get('kind'))}; known: {context['expected_tags']}"
    if kind == "union_tag_not_found":
        return f"required field 'kind' is missing; known: {', '.join(repr(k.value) for k in EventKind)}"
    if kind in ("string_too_short", "too_short"):
        return f"{subject} must not be empty"
    if kind == "value_error":
        message = str(context.get("error", error["msg"]))
        if message.startswith("must "):
            return f"{subject} {message}; got {got}"
        return message if isinstance(value, (dict, list)) else f"{message} (got {got})"
    if kind.startswith("date_"):
        reason = f" ({context['error']})" if "error" in context else ""
        return f"{subject} must be a date written YYYY-MM-DD; got {got}{reason}"
    if kind in _NUMBER_ERRORS and where and where[-1] in _EXPECTED_OF_FIELD:
        expected = _EXPECTED_OF_FIELD[where[-1]]
    elif kind == "string_pattern_mismatch":
        meaning = PATTERN_MEANINGS.get(context["pattern"], f"text matching {context['pattern']}")
        expected = meaning[0].lower() + meaning[1:].removesuffix(".")
    elif kind == "model_type":
        expected = _mapping_of(context.get("class_name", ""))
    elif kind in ("enum", "literal_error"):
        expected = f"one of {context['expected']}"
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
    else:
        expected = error["msg"].removeprefix("Input should be ")
    hint = ""
    if kind == "string_type" and isinstance(value, bool):
        hint = " (YAML reads yes, no, on, off, true and false as true or false: put the words in quotes)"
    elif kind == "string_type" and (value is None or isinstance(value, (int, float))):
        hint = " (put it in quotes to make it a string)"
    return f"{subject} must be {expected}; got {got}{hint}"


def _mapping_of(model_name: str) -> str:
    """What a field of a record model takes: a quote, or a mapping of the model's fields."""
    from pydantic import BaseModel

    from kg import model as model_module

    if model_name == "Quote":
        return "words of the article, or a mapping of text and occurrence"
    model = getattr(model_module, model_name, None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return f"a mapping of {', '.join(model.model_fields)}"
    return "a mapping"


def _subject(where: FieldPath) -> str:
    """The field an error is about, as a message names it: `occurrence`, `quotes[2]`, `the record`."""
    for cut in range(len(where) - 1, -1, -1):
        if isinstance(where[cut], str):
            return field_name(where[cut:])
    return "the record"


def _described(value: Any) -> str:
    """A value of the record as its editor wrote it, short and on one line."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        number = repr(value)
        return f"the number {number}" if len(number) <= 20 else f"a number of {len(number)} digits"
    if isinstance(value, str):
        return quoted(value)
    return "a list" if isinstance(value, list) else "a mapping"


def _known_fields(data: Any, where: FieldPath) -> list[str]:
    """The fields the model allows at the parent of `where`, for a did-you-mean hint."""
    from kg.model import Record

    target: Any = Record
    annotation: Any = Record
    node: Any = data
    for part in where[:-1]:
        node = node[part] if isinstance(node, (dict, list)) else None
        if isinstance(part, str):
            field_info = target.model_fields.get(part) if target else None
            annotation = field_info.annotation if field_info else None
        if isinstance(node, dict):
            target = _model_in(annotation, node)
    return sorted(target.model_fields) if target and isinstance(node, dict) else []


def _model_in(annotation: Any, node: dict) -> Any:
    """The record model inside a field's annotation (list, optional, union), chosen by `kind`."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = [m for arg in get_args(annotation) if (m := _model_in(arg, node)) is not None]
    for model in models:
        kind = model.model_fields.get("kind")
        if kind is None or (isinstance(node, dict) and node.get("kind") in get_args(kind.annotation)):
            return model
    return models[0] if models else None


