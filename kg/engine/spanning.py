"""What spans articles, folded one article's result at a time: a shared actor or post is the same
one in every record, and the totals that the dataset's description and the summary give.

Everything else is checked article by article. The shared fields are the ones the mapper writes
once per resource (a name, a kind, a Wikidata item, a description; a post's label and
organisation), so two records that disagree on one would give a shared resource two values where
the shapes allow one.

A result is folded as soon as it and every result before it in name order are there, and then
kept without what was folded (`Totals.add` gives it back slimmed), so that a build of thousands
of articles holds their sets once, merged, rather than once per article.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kg.check import Finding
from kg.engine.result import IRI_SETS, ArticleResult
from kg.errors import InputError

__all__ = ["Totals"]

_WHAT = {"actor": "actors", "post": "posts"}
# Fields a record may leave out where another gives them: a description says more, never otherwise.
_OPTIONAL = {"description"}
# What a result holds only to be folded here.
_FOLDED = ("findings", *IRI_SETS, "shared")


class Totals:
    """The results folded so far, in name order: their sets merged, their findings once each, and the
    first shared field that one record gives otherwise than the first record to define it (`error`)."""

    def __init__(self) -> None:
        self.articles = self.triples = self.text_triples = 0
        self.actors: set[str] = set()
        self.events: set[str] = set()
        self.statements: set[str] = set()
        self.subjects: set[str] = set()
        self.predicates: set[str] = set()
        self.vocabularies: set[str] = set()
        self.findings: dict[tuple, Finding] = {}
        self.error: InputError | None = None
        self._seen: dict[tuple[str, str, str], tuple[str | None, str, int]] = {}

    def add(self, result: ArticleResult) -> ArticleResult:
        """Fold `result` (the next in name order); return it without what was folded."""
        self.articles += 1
        self.triples += result.triples
        self.text_triples += result.text_triples
        for name in IRI_SETS:
            getattr(self, name).update(getattr(result, name))
        for finding in result.findings:
            # A shared actor checked in each of its articles is one finding, as on the whole dataset,
            # with the evidence of the first article that has it.
            self.findings.setdefault(_verdict(finding), finding)
        if self.error is None:
            self.error = self._differs(result)
        return dataclasses.replace(result, **{name: () for name in _FOLDED})

    def _differs(self, result: ArticleResult) -> InputError | None:
        """The error of the first field of `result` that says otherwise than the first record to define it."""
        # Unpacked by position: a cached result gives its shared fields back as plain tuples.
        for kind, index, id, name, value, line in result.shared:
            if value is None and name in _OPTIONAL:
                continue
            key = (kind, id, name)
            if key not in self._seen:
                self._seen[key] = (value, result.record_path, line)
                continue
            first_value, first_record, first_line = self._seen[key]
            if first_value != value:
                return InputError(
                    f"{id!r} is {first_value!r} in {Path(first_record).name} (line {first_line}), but "
                    f"{value!r} here; the same id is the same {kind} in every article",
                    path=result.record_path,
                    line=line,
                    field=f"{_WHAT[kind]}[{index}].{name}",
                )
        return None


def _verdict(finding: Finding) -> tuple:
    return (finding.severity, finding.focus, finding.path, finding.message, finding.value, finding.component,
            finding.shape, finding.constraint)
