"""What one article's work gives: its result (`ArticleResult`), or the `Failure` of its record.

A result is plain data (strings, tuples, bytes), the same whether the work ran in this process, in a
worker process or on a Dask worker. The cache keeps it as JSON (`to_json`, `from_json`) beside the
graph's N-Quads and its fragments of the files (`GRAPH_PARTS`), never pickled. The work
(kg.engine.article) makes it and the cache (kg.engine.cache) gives it back; the dataset's
description (kg.describe) and the checks that span articles (kg.engine.spanning) read it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import NamedTuple

from kg.check import Finding
from kg.write.nquads import GraphText, Part

__all__ = ["ArticleResult", "Failure", "GRAPH_PARTS", "IRI_SETS", "SharedField"]


class SharedField(NamedTuple):
    """One field of an actor or post that another article may define too: it must say the same there.

    A named tuple, not a dataclass: a cached article of a big corpus has dozens, which the cache
    gives back as plain tuples of the same fields in the same order (a list each in its JSON), five
    times faster to make than named ones; so they are read by position.
    """

    kind: str  # "actor" or "post"
    index: int  # its place in the record's list of actors or posts
    id: str
    field: str
    value: str | None
    line: int


@dataclass
class ArticleResult:
    """One article's graph and what the build needs of it without reading the graph again."""

    id: str
    record_path: str
    text_path: str
    digest: str  # sha256 of the record's and the text's bytes, as the dataset's description gives it
    graph: GraphText
    triples: int = 0
    text: GraphText | None = None  # the graph of the article's full text, when it is published
    text_triples: int = 0
    findings: tuple[Finding, ...] = ()
    actors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()
    shared: tuple[SharedField, ...] = ()  # from the cache, plain tuples of the same fields
    inputs: dict[str, str] = field(default_factory=dict)  # every file read -> its sha256
    description: str = ""  # the dataset description's lines about the article (kg.describe.article_description)

    @property
    def violations(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "Violation"]

    def to_json(self) -> dict:
        """Everything but the graph's N-Quads and fragments, which the cache keeps in files of their own.

        Each set of IRIs is one string, one IRI a line (an IRI holds no line break): JSON reads one
        long string faster than hundreds of short ones, and a rebuild of 1,000 articles reads 1,000
        entries (0.32 s of JSON against 0.17 s). Made field by field, not by `asdict`, which copies
        every value deeply first (the graph's bytes too): a fifth of the time a worker spent keeping
        its result."""
        data = {name: getattr(self, name) for name in _RESULT_FIELDS}
        data["graph"] = _graph_json(self.graph)
        data["text"] = _graph_json(self.text) if self.text else None
        data["findings"] = [{name: getattr(finding, name) for name in _FINDING_FIELDS} for finding in self.findings]
        data["shared"] = [list(shared) for shared in self.shared]
        data["inputs"] = dict(self.inputs)
        for name in IRI_SETS:
            data[name] = "\n".join(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict, graph: tuple[Part, ...], text: tuple[Part, ...] = ()) -> ArticleResult:
        """The result `to_json` gave, with each graph's N-Quads and fragments (see `GRAPH_PARTS`): their
        bytes, or the files that hold them."""
        return cls(
            **{
                **data,
                "graph": _graph_from_json(data["graph"], graph),
                "text": _graph_from_json(data["text"], text) if data["text"] else None,
                "findings": tuple(Finding(**finding) for finding in data["findings"]),
                "shared": tuple(map(tuple, data["shared"])),  # SharedField's fields, by position
                **{name: tuple(data[name].split("\n")) if data[name] else () for name in IRI_SETS},
            }
        )


_RESULT_FIELDS = tuple(field.name for field in dataclasses.fields(ArticleResult))
_FINDING_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))
# The result's sets of IRIs: each kept by `to_json` as one string, and merged across articles
# (kg.engine.spanning).
IRI_SETS = ("actors", "events", "statements", "subjects", "predicates", "vocabularies")
# The parts of a GraphText the cache keeps, in the order GraphText takes them after its IRI and name.
GRAPH_PARTS = ("nquads", "turtle", "trig", "jsonld")


def _graph_json(graph: GraphText) -> dict:
    return {"iri": graph.iri, "name": graph.name, "digest": graph.sha256()}


def _graph_from_json(data: dict, parts: tuple[Part, ...]) -> GraphText:
    return GraphText(data["iri"], data["name"], *parts, digest=data["digest"])


@dataclass(frozen=True)
class Failure:
    """A record that could not be built: the error's class name, its one-line message, and a report."""

    record: str
    kind: str
    message: str
    exit_code: int
    report: str = ""
