"""`kg build`: every article in a folder through read, ground, resolve, map, check and write."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.check import Finding, check_graph, load_shapes
from kg.describe import describe
from kg.errors import InputError
from kg.ground import ground
from kg.iris import DEFAULT_BASE, check_base
from kg.mapper import map_article
from kg.read import Article, find_records, read_article
from kg.resolve import resolve_times
from kg.resources import data_file, shipped_dir
from kg.vocab import RDF, SCHEMA, SEM, merged, new_graph
from kg.write import recover, write_outputs

__all__ = ["BuildResult", "build", "prepare_article", "load_ontology"]


@dataclass
class BuildResult:
    """What a build made: counts for the summary, the files, the named graphs, the shapes' warnings."""

    articles: int
    triples: int
    actors: int
    events: int
    statements: int
    out: Path
    files: list[Path]
    graphs: list[Graph] = field(repr=False, default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def prepare_article(record_path: Path) -> Article:
    """Read one record, locate its quotes and normalise its times."""
    article = read_article(record_path)
    ground(article)
    resolve_times(article)
    return article


def load_ontology() -> Graph:
    """kg's own terms (kgo:), as shipped with the package."""
    ontology = new_graph()
    ontology.parse(data_file("ontology.ttl"), format="turtle")
    return ontology


def build(
    seeds: Path = Path("seeds"),
    out: Path = Path("dist"),
    base: str = DEFAULT_BASE,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the dataset of every article in `seeds` into `out`; nothing in `out` changes on error."""
    try:
        check_base(base)
    except ValueError as error:
        raise InputError(str(error), field="--base") from None
    say = progress or (lambda message: None)
    recover(out)  # a build killed while writing may have left the previous dist/ beside it
    records = find_records(seeds)
    articles, graphs = [], []
    for number, record_path in enumerate(records, start=1):
        article = prepare_article(record_path)
        graph = map_article(article, base)
        articles.append(article)
        graphs.append(graph)
        say(f"[{number}/{len(records)}] {record_path.name}: {len(graph)} triples")
    _check_shared_actors(articles)
    shapes_folder = shipped_dir("shapes")
    shapes = load_shapes(shapes_folder)
    content = merged(graphs)
    metadata = describe(articles, graphs, content, base, _digest_folder(shapes_folder))
    union = merged([content, metadata])
    say(f"checking {len(union)} triples against the shapes")
    warnings = check_graph(union, shapes)
    files = write_outputs(graphs, metadata, union, load_ontology(), out, keep=[seeds])
    return BuildResult(
        articles=len(articles),
        triples=len(union),
        actors=len(set(content.subjects(RDF.type, SEM.Actor))),
        events=len(set(content.subjects(RDF.type, SEM.Event))),
        statements=len(set(content.subjects(RDF.type, SCHEMA.Claim))),
        out=out,
        files=files,
        graphs=graphs + [metadata],
        warnings=warnings,
    )


def _check_shared_actors(articles: list[Article]) -> None:
    """An actor defined in two records must be the same actor: same kind, name and Wikidata item."""
    seen: dict[str, tuple[Article, int]] = {}
    for article in articles:
        for index, actor in enumerate(article.record.actors):
            if actor.article_scoped:
                continue
            if actor.id not in seen:
                seen[actor.id] = (article, index)
                continue
            first_article, first_index = seen[actor.id]
            first = first_article.record.actors[first_index]
            for name in ("kind", "name", "wikidata"):
                if getattr(first, name) != getattr(actor, name):
                    raise article.error(
                        ("actors", index, name),
                        f"{actor.id!r} is {getattr(first, name)!r} in {first_article.record_path.name} "
                        f"(line {first_article.lines.get(('actors', first_index, name), '?')}), "
                        f"but {getattr(actor, name)!r} here; the same id is the same actor in every article",
                    )


def _digest_folder(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return "sha256:" + digest.hexdigest()
