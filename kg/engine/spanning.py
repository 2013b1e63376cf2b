"""The checks that span articles: an actor or a post that several records define is the same one.

Everything else is checked article by article. These fields are the ones the mapper writes once
per resource (a name, a kind, a Wikidata item, a description; a post's label and organisation), so
two records that disagree on one would give a shared resource two values where the shapes allow one.
"""

from __future__ import annotations

from pathlib import Path

from kg.engine.article import ArticleResult
from kg.errors import InputError

__all__ = ["check_shared"]

_WHAT = {"actor": "actors", "post": "posts"}
# Fields a record may leave out where another gives them: a description says more, never otherwise.
_OPTIONAL = {"description"}


def check_shared(results: list[ArticleResult]) -> None:
    """Raise InputError at the first field, in name order, that says otherwise than the first record to define it."""
    seen: dict[tuple[str, str, str], tuple[str | None, str, int]] = {}
    for result in results:
        for shared in result.shared:
            if shared.value is None and shared.field in _OPTIONAL:
                continue
            key = (shared.kind, shared.id, shared.field)
            if key not in seen:
                seen[key] = (shared.value, result.record_path, shared.line)
                continue
            value, first_record, first_line = seen[key]
            if value != shared.value:
                raise InputError(
                    f"{shared.id!r} is {value!r} in {Path(first_record).name} (line {first_line}), but "
                    f"{shared.value!r} here; the same id is the same {shared.kind} in every article",
                    path=result.record_path,
                    line=shared.line,
                    field=f"{_WHAT[shared.kind]}[{shared.index}].{shared.field}",
                )
