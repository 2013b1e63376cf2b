"""Read stage: an article's YAML record and its text, parsed and typed, with line numbers kept.

Every error names the record's file, the line and the field, and says what is wrong in the record's
own words: `seeds/a.yaml:14: events[2].status: status must be one of 'happened', ...; got 'done'`.
A record is read as plain data in bounded time and memory, whatever it holds; it may name files
in its own folder only.

The modules: `files` (the records of a folder, and a file read safely), `loader` (the record's YAML
and the line of each field), `record` (the data typed by kg.model, errors in the record's words),
`fields` (a field's path, line and name) and `article` (`read_article`, which ties them together).
"""

from __future__ import annotations

from kg.read.article import Article, read_article
from kg.read.fields import FieldPath, field_name, line_of
from kg.read.files import ARTICLE_ID, MAX_RECORD_BYTES, MAX_TEXT_BYTES, find_records
from kg.read.loader import MAX_DEPTH

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
