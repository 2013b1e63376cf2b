"""Read stage: an article's YAML record and its text, parsed and typed, with line numbers kept.

Every error names the record's file, the line and the field, and says what is wrong in the record's
own words: `seeds/a.yaml:14: events[2].status: status must be one of 'happened', ...; got 'done'`.
A record is read as plain data in bounded time and memory, whatever it holds; it may name files
in its own folder only.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import yaml

from kg.errors import InputError
from kg.kinds import EventKind

if TYPE_CHECKING:
    from kg.model import Record

# The record's models (pydantic) are imported where a record is parsed: see kg.kinds.

__all__ = [
    "Article",
    "FieldPath",
    "read_article",
    "find_records",
    "field_name",
    "line_of",
    "ARTICLE_ID",
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "MAX_TEXT_BYTES",
]

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
    source: str = field(repr=False, default="")  # the record as read, which encodes back to its bytes

    def error(self, path: FieldPath, message: str) -> InputError:
        """An error at a field of this article's record."""
        return InputError(
            message, path=self.record_path, line=line_of(self.lines, path), field=field_name(path)
        )


MAX_RECORD_BYTES = 1 << 20
"""1 MiB: records are written by hand (the seed's is 22 KB); a cap keeps a stray file from filling memory."""
MAX_TEXT_BYTES = 10 << 20
"""10 MiB: a news article is tens of KB."""
MAX_DEPTH = 20
"""Lists and mappings nest 7 deep in a record (posts, a post, holders, a holding, since, its quote);
20 leaves room and keeps the recursive YAML composer, the constructor and the line index far from
Python's recursion limit."""
MAX_NUMBER_LENGTH = 100
"""Python refuses to turn more than 4,300 digits into an int; records need four digits at most."""

RECORD_SUFFIXES = (".yaml", ".yml")
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""The name of a record before its suffix: the article's id, in its IRIs and file names."""

# What a record may not hold as written: what YAML refuses (C0 and C1 controls but tab, line feed
# and carriage return; DEL; U+FFFE, U+FFFF) and what it reads as a line break although a person
# sees none (U+0085, U+2028, U+2029), which would shift every line number after it. Inside double
# quotes, an escape (\x07, \N, \L, \P) still writes any of them. The article text may hold them all.
# Lone surrogates too, which no UTF-8 file holds. Written as the characters refused rather than those
# allowed, a class Python compiles in a millisecond rather than seven.
_NOT_IN_RECORD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_YAML_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,59}")
_STR = "tag:yaml.org,2002:str"
# The types YAML gives a plain value on its own (besides strings), and how an error names them.
_IMPLICIT_TYPES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "null",
}


class _Refused(yaml.YAMLError):
    """Something YAML allows but a record may not hold, at a place in the record."""

    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Rules:
    """Safe YAML for records: plain data only, read in bounded time and memory.

    No implicit dates (the models parse them, so a bad date gets a field and a line), no merge keys,
    no anchors or aliases (an alias bomb of a few hundred bytes expands to gigabytes), no tags
    (they make values, such as binary or sets, that no field takes), and at most MAX_DEPTH nested
    lists and mappings. PyYAML's composer recurses once per level, so the depth is counted there,
    before a level is composed.
    """

    _depth = 0  # lists and mappings open around the node being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused("anchors and aliases (&, *) are not allowed in a record", event.start_mark)
        if getattr(event, "tag", None) is not None:
            raise _Refused("tags (!, !!) are not allowed in a record", event.start_mark)
        nested = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nested and self._depth == MAX_DEPTH:
            raise _Refused(
                f"lists and mappings nested more than {MAX_DEPTH} deep are not allowed in a record",
                event.start_mark,
            )
        self._depth += nested
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= nested

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value) > MAX_NUMBER_LENGTH:
            raise _Refused(
                f"a number longer than {MAX_NUMBER_LENGTH} characters is not allowed in a record; "
                "put it in quotes if it is text",
                node.start_mark,
            )
        return yaml.constructor.SafeConstructor.construct_yaml_int(self, node)


class _Loader(_Rules, yaml.SafeLoader):
    """The record's YAML read by PyYAML's own scanner and parser, in Python."""


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None


class _FastLoader(_Rules, yaml.composer.Composer, CParser or yaml.parser.Parser, yaml.constructor.SafeConstructor,
                  yaml.resolver.Resolver):
    """The same rules over libyaml's scanner and parser, several times faster; its errors are worded
    otherwise, so a record it refuses is read again by _Loader, whose error is the one reported."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


class _ComposingLoader(CParser or yaml.parser.Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """libyaml's own composer too, faster again, for a record without & * or ! anywhere: it can hold
    no anchor, alias or tag, and only the depth is left to count. libyaml calls descend_resolver
    before each node it composes; a node below MAX_DEPTH others is refused (a scalar there is
    allowed, which _Loader, reading the record again, tells apart)."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0  # nodes open around the node being composed

    def descend_resolver(self, parent: yaml.Node | None, index: Any) -> None:
        if self._depth == MAX_DEPTH:
            raise _Refused(f"lists and mappings nested more than {MAX_DEPTH} deep are not allowed in a record",
                           parent.start_mark)
        self._depth += 1

    def ascend_resolver(self) -> None:
        self._depth -= 1


# What anchors (&), aliases (*) and tags (!) begin with.
_MARKUP = re.compile("[&*!]")

for _loader in (_Loader, _FastLoader, _ComposingLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in _IMPLICIT_TYPES]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
    _loader.add_constructor("tag:yaml.org,2002:int", _Rules.construct_yaml_int)


def find_records(folder: Path) -> list[Path]:
    """The records (*.yaml, *.yml) in a folder, in name order; the name before the suffix is the article's id."""
    if not folder.is_dir():
        raise InputError("not a folder of articles", path=folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        raise InputError(f"the folder cannot be read: {error.strerror}", path=folder) from None
    records: dict[str, Path] = {}
    for entry in entries:
        if not entry.name.endswith(RECORD_SUFFIXES):
            continue
        article_id = _article_id(entry)
        if not entry.is_file():
            raise InputError(f"a record must be a regular file; this is {_entry_kind(entry)}", path=entry)
        if article_id in records:
            raise InputError(
                f"two records of the article {article_id!r}: {records[article_id].name} and {entry.name}; keep one",
                path=folder,
            )
        records[article_id] = entry
    if not records:
        raise InputError("no article records (*.yaml) in this folder", path=folder)
    return list(records.values())


def _article_id(record_path: Path) -> str:
    """The name of a record before its suffix, refused unless it is a usable id."""
    name = record_path.name
    suffix = next((suffix for suffix in RECORD_SUFFIXES if name.endswith(suffix)), record_path.suffix)
    article_id = name[: len(name) - len(suffix)]
    if not ARTICLE_ID.fullmatch(article_id):
        raise InputError(
            f"{_quoted(name)} cannot be a record: the name before {suffix} is the article's id, "
            "which starts with a letter or digit and holds only letters, digits, '.', '_' and '-'",
            path=record_path.parent,
        )
    return article_id


def _entry_kind(entry: Path) -> str:
    if entry.is_symlink() and not entry.exists():
        return "a symbolic link that leads nowhere"
    if entry.is_dir():
        return "a folder"
    return "not a regular file (a device, FIFO or socket)"


def read_article(record_path: Path) -> Article:
    """Read one record and the article text beside it; raise InputError on anything wrong."""
    article_id = _article_id(record_path)
    folder = record_path.parent
    _, source = _read_inside(
        folder,
        record_path.name,
        what="record",
        limit=MAX_RECORD_BYTES,
        misplaced=lambda message: InputError(message, path=record_path),
        missing="the record file does not exist",
    )
    data, lines = _load_yaml(source, record_path)
    record = _parse_record(data, lines, record_path)
    text_name = record.article.text or record_path.with_suffix(".txt").name

    def misplaced(message: str) -> InputError:
        return InputError(
            message, path=record_path, line=line_of(lines, ("article", "text")), field="article.text"
        )

    text_path, text = _read_inside(
        folder,
        text_name,
        what="article text",
        limit=MAX_TEXT_BYTES,
        misplaced=misplaced,
        missing=f"the article text {_quoted(text_name)} is missing beside the record",
    )
    if not text.strip():
        raise InputError("the article text is empty", path=text_path, line=1)
    return Article(
        id=article_id,
        record=record,
        text=text,
        record_path=record_path,
        text_path=text_path,
        lines=lines,
        source=source,
    )


def _read_inside(
    folder: Path,
    name: str,
    *,
    what: str,
    limit: int,
    misplaced: Callable[[str], InputError],
    missing: str,
) -> tuple[Path, str]:
    """The file `name` in `folder` (named from `folder`, links followed) and its UTF-8 text.

    `name` may be a path, but neither it nor a symbolic link on the way may lead out of `folder`:
    a record names its text, and must not be able to publish /proc/self/environ or ../../secrets
    as an article. The file must be a regular one of at most `limit` bytes. Errors about where and
    what the file is come from `misplaced`; errors about its content name the file.
    """
    try:
        target = _resolve_inside(folder, name)
    except ValueError as error:
        raise misplaced(f"the {what} must be a file in the record's folder; {error}") from None
    shown = folder / target.relative_to(folder.resolve())
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer; it is refused below.
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise misplaced(missing) from None
    except OSError as error:
        raise misplaced(f"the {what} file cannot be read: {error.strerror}") from None
    too_large = InputError(f"the {what} is larger than {limit >> 20} MiB, the most kg reads", path=shown)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
            raise misplaced(f"the {what} {_quoted(name)} must be a regular file; it is {kind}")
        if info.st_size > limit:
            raise too_large
        raw = _read_at_most(descriptor, limit + 1)  # a file in /proc says it is empty and is not
    except OSError as error:
        raise InputError(f"the {what} file cannot be read: {error.strerror}", path=shown) from None
    finally:
        os.close(descriptor)
    if len(raw) > limit:
        raise too_large
    try:
        return shown, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"the {what} is not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            path=shown,
            line=line,
        ) from None


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0 and (chunk := os.read(descriptor, min(size, 1 << 20))):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _resolve_inside(folder: Path, name: str) -> Path:
    """`name` resolved in `folder`, symbolic links followed; ValueError saying why when it leads out."""
    if "\0" in name:
        raise ValueError(f"{_quoted(name)} holds a NUL character")
    if Path(name).anchor:
        raise ValueError(f"{_quoted(name)} is an absolute path")
    try:
        home = folder.resolve()
        target = (home / name).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        raise ValueError(f"{_quoted(name)} cannot be resolved: {error}") from None
    lexical = Path(os.path.normpath(home / name))
    if lexical == home:
        raise ValueError(f"{_quoted(name)} names the folder itself")
    if not lexical.is_relative_to(home):
        raise ValueError(f"{_quoted(name)} leads out of it")
    if target == home or not target.is_relative_to(home):
        raise ValueError(f"{_quoted(name)} is a symbolic link that leads out of it")
    return target


def _load_yaml(source: str, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    _refuse_characters(source, path)
    if not source.strip():
        raise InputError("the record is empty", path=path, line=1)
    if CParser is not None:
        try:
            return _read_yaml(_FastLoader if _MARKUP.search(source) else _ComposingLoader, source, path)
        except InputError:
            pass  # read again below, for PyYAML's own words and place of the error
    return _read_yaml(_Loader, source, path)


def _read_yaml(loader_class, source: str, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    loader = loader_class(source)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("the record is empty", path=path, line=1)
        lines: dict[FieldPath, int] = {}
        _index_lines(node, (), lines, path)
        data = loader.construct_document(node)
    except _Refused as error:
        raise InputError(error.message, path=path, line=error.mark.line + 1) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"YAML syntax error: {error.problem or error}", path=path, line=line) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError("the record must be a mapping of article, actors, ...", path=path, line=1)
    return data, lines


def _refuse_characters(source: str, path: Path) -> None:
    """Refuse what a record may not hold as written, at its line and column, before YAML reads it."""
    found = _NOT_IN_RECORD.search(source)
    if found is None:
        return
    character = found.group()
    before = source[: found.start()]
    line = len(_LINE_BREAK.findall(before)) + 1
    column = found.start() - max(before.rfind("\n"), before.rfind("\r"))
    if character in _YAML_ESCAPES:
        what, escape = "a line break to YAML", _YAML_ESCAPES[character]
    else:
        code = ord(character)
        what = "a noncharacter" if code in (0xFFFE, 0xFFFF) else "a control character"
        escape = f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    raise InputError(
        f"U+{ord(character):04X} ({what}) is not allowed in a record (column {column}); "
        f"inside double quotes, write it as {escape}",
        path=path,
        line=line,
    )


def _index_lines(node: yaml.Node, here: FieldPath, lines: dict[FieldPath, int], path: Path) -> None:
    """Record the line of every mapping key and sequence item; refuse duplicate keys and keys that are not names."""
    lines.setdefault(here, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    "a key must be a field name, not a list or mapping", path=path, line=line, field=field_name(here)
                )
            key = key_node.value
            if key_node.tag != _STR:
                raise InputError(
                    f"a key must be a field name; YAML reads {_quoted(key)} as {_IMPLICIT_TYPES[key_node.tag]}",
                    path=path,
                    line=line,
                    field=field_name(here),
                )
            if key in seen:
                raise InputError(
                    f"duplicate key {_quoted(key)} (first on line {seen[key]})",
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
        return _quoted(value)
    return "a list" if isinstance(value, list) else "a mapping"


def _quoted(text: str, limit: int = 60) -> str:
    """`text` in quotes, with anything unprintable escaped, cut to about `limit` characters."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


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


def line_of(lines: dict[FieldPath, int], path: FieldPath) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return 1


def field_name(path: FieldPath) -> str:
    """`('events', 2, 'roles', 0, 'actor')` -> `events[2].roles[0].actor`; an odd key in quotes: `article['a b']`."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            name += f".{part}" if name else part
        else:
            name += f"[{_quoted(part)}]"
    return name
