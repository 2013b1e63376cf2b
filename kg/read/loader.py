"""The record's YAML: read as plain data in bounded time and memory, with the line of every field.

What YAML allows but a record may not hold is refused with its line: characters a person cannot see
or YAML reads as line breaks, anchors and aliases, tags, deep nesting, numbers of any length, keys
that are not names and keys given twice. libyaml reads a record where PyYAML was built with it;
PyYAML's own reader gives the words and place of an error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.read.fields import FieldPath, field_name, quoted

__all__ = ["MAX_DEPTH", "MAX_NUMBER_LENGTH", "load_yaml"]

MAX_DEPTH = 20
"""Lists and mappings nest 7 deep in a record (posts, a post, holders, a holding, since, its quote);
20 leaves room and keeps the recursive YAML composer, the constructor and the line index far from
Python's recursion limit."""
MAX_NUMBER_LENGTH = 100
"""Python refuses to turn more than 4,300 digits into an int; records need four digits at most."""

# What a record may not hold as written: what YAML refuses (C0 and C1 controls but tab, line feed
# and carriage return; DEL; U+FFFE, U+FFFF) and what it reads as a line break although a person
# sees none (U+0085, U+2028, U+2029), which would shift every line number after it. Inside double
# quotes, an escape (\x07, \N, \L, \P) still writes any of them. The article text may hold them all.
# Lone surrogates too, which no UTF-8 file holds. Written as the characters refused rather than those
# allowed, a class Python compiles in a millisecond rather than seven.
_NOT_IN_RECORD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_YAML_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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


def load_yaml(source: str, path: Path) -> tuple[Any, dict[FieldPath, int]]:
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
                    f"a key must be a field name; YAML reads {quoted(key)} as {_IMPLICIT_TYPES[key_node.tag]}",
                    path=path,
                    line=line,
                    field=field_name(here),
                )
            if key in seen:
                raise InputError(
                    f"duplicate key {quoted(key)} (first on line {seen[key]})",
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


