"""One article read: its record parsed and typed, with the line of each field, and its text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.read.fields import FieldPath, field_name, line_of, quoted
from kg.read.files import MAX_RECORD_BYTES, MAX_TEXT_BYTES, id_of_record, read_inside
from kg.read.loader import load_yaml
from kg.read.record import parse_record

if TYPE_CHECKING:
    from kg.model import Record

__all__ = ["Article", "read_article"]


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


def read_article(record_path: Path) -> Article:
    """Read one record and the article text beside it; raise InputError on anything wrong."""
    article_id = id_of_record(record_path)
    folder = record_path.parent
    _, source = read_inside(
        folder,
        record_path.name,
        what="record",
        limit=MAX_RECORD_BYTES,
        misplaced=lambda message: InputError(message, path=record_path),
        missing="the record file does not exist",
    )
    data, lines = load_yaml(source, record_path)
    record = parse_record(data, lines, record_path)
    text_name = record.article.text or record_path.with_suffix(".txt").name

    def misplaced(message: str) -> InputError:
        return InputError(
            message, path=record_path, line=line_of(lines, ("article", "text")), field="article.text"
        )

    text_path, text = read_inside(
        folder,
        text_name,
        what="article text",
        limit=MAX_TEXT_BYTES,
        misplaced=misplaced,
        missing=f"the article text {quoted(text_name)} is missing beside the record",
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
