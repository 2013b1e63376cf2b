"""Read stage: an article's YAML record and its text, parsed and typed, with line numbers kept.

Every error names the record's file, the line and the field:
`seeds/a.yaml:14: events[2].status: 'done' is not one of 'happened', 'ongoing', ...`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from kg.errors import InputError
from kg.model import Record

__all__ = ["Article", "FieldPath", "read_article", "find_records", "field_name", "line_of"]

FieldPath = tuple[str | int, ...]


@dataclass
class Article:
    """One article: its record, its text, and where each field of the record stands."""

    id: str
    record: Record
    text: str
    record_path: Path
    text_path: Path
    lines: dict[FieldPath, int] = field(repr=False)

    def error(self, path: FieldPath, message: str) -> InputError:
        """An error at a field of this article's record."""
        return InputError(
            message, path=self.record_path, line=line_of(self.lines, path), field=field_name(path)
        )


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: the models parse them, so a bad date gets a field and a line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def find_records(folder: Path) -> list[Path]:
    """The records (*.yaml, *.yml) in a folder, in name order."""
    if not folder.is_dir():
        raise InputError("not a folder of articles", path=folder)
    records = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not records:
        raise InputError("no article records (*.yaml) in this folder", path=folder)
    return records


def read_article(record_path: Path) -> Article:
    """Read one record and the article text beside it; raise InputError on anything wrong."""
    source = _read_text(record_path, what="record")
    data, lines = _load_yaml(source, record_path)
    record = _parse_record(data, lines, record_path)
    text_name = record.article.text or record_path.with_suffix(".txt").name
    text_path = record_path.parent / text_name
    if not text_path.is_file():
        raise InputError(
            f"the article text {text_name!r} is missing beside the record",
            path=record_path,
            line=line_of(lines, ("article", "text")),
            field="article.text",
        )
    text = _read_text(text_path, what="article text")
    if not text.strip():
        raise InputError("the article text is empty", path=text_path, line=1)
    return Article(
        id=record_path.stem,
        record=record,
        text=text,
        record_path=record_path,
        text_path=text_path,
        lines=lines,
    )


def _read_text(path: Path, *, what: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"the {what} file does not exist", path=path) from None
    except OSError as error:
        raise InputError(f"the {what} file cannot be read: {error.strerror}", path=path) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"the {what} is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            path=path,
            line=line,
        ) from None


def _load_yaml(source: str, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    if not source.strip():
        raise InputError("the record is empty", path=path, line=1)
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("the record is empty", path=path, line=1)
        lines: dict[FieldPath, int] = {}
        _index_lines(node, (), lines, path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"YAML syntax error: {error.problem or error}", path=path, line=line) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError("the record must be a mapping of article, actors, ...", path=path, line=1)
    return data, lines


def _index_lines(node: yaml.Node, here: FieldPath, lines: dict[FieldPath, int], path: Path) -> None:
    """Record the line of every mapping key and sequence item, and refuse duplicate keys."""
    lines.setdefault(here, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputError(
                    f"duplicate key {key!r} (first on line {seen[key]})",
                    path=path,
                    line=line,
                    field=field_name(here + (key,)),
                )
            seen[key] = line
            lines[here + (key,)] = line
            _index_lines(value_node, here + (key,), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[here + (index,)] = item.start_mark.line + 1
            _index_lines(item, here + (index,), lines, path)


def _parse_record(data: dict, lines: dict[FieldPath, int], path: Path) -> Record:
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
    """The path in the YAML data for a pydantic error location, without union branch names."""
    here: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and (not isinstance(node, dict) or node.get("kind") == part):
            continue  # a union branch ("str", "Quote") or the discriminator's tag: not a field
        else:
            node = None
        here.append(part)
    return tuple(here)


def _explain(error: dict, data: Any, where: FieldPath) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        known = _known_fields(data, where)
        close = difflib.get_close_matches(str(where[-1]), known, n=1)
        if close:
            return f"unknown field; did you mean {close[0]!r}?"
        return f"unknown field; known: {', '.join(known)}" if known else "unknown field"
    if kind == "union_tag_invalid":
        return f"unknown kind {error['input'].get('kind')!r}; known: {error['ctx']['expected_tags']}"
    if kind in ("enum", "literal_error"):
        return f"{error['input']!r} is not one of {error['ctx']['expected']}"
    message = error["msg"].removeprefix("Value error, ")
    if isinstance(error["input"], (dict, list)):
        return message
    return f"{message} (got {error['input']!r})"


def _known_fields(data: Any, where: FieldPath) -> list[str]:
    """The fields the model allows at the parent of `where`, for a did-you-mean hint."""
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
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = [m for arg in get_args(annotation) if (m := _model_in(arg, node)) is not None]
    for model in models:
        kind = model.model_fields.get("kind")
        if kind is None or (isinstance(node, dict) and node.get("kind") in get_args(kind.annotation)):
            return model
    return models[0] if models else None


def line_of(lines: dict[FieldPath, int], path: FieldPath) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return 1


def field_name(path: FieldPath) -> str:
    """`('events', 2, 'roles', 0, 'actor')` -> `events[2].roles[0].actor`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name
