"""`kg build`: every article in a folder through read, ground, resolve, map and check, then written.

The work is done article by article (kg.engine): each article's graph and findings come from its
own record and text, are cached by the digest of those inputs, kg's code, the shapes, the base
IRI and the licence, and are made in worker processes or on a Dask cluster when there are many.
Each also says what the dataset's description says of it. Only what spans articles runs on the
whole: a shared actor or post is the same in every record, the dataset's description and its
check, and the files.

A rebuild keeps both cores busy: the records written since the cache kept them are looked up
first, and the workers build those it does not hold while the others are looked up. Each result
goes to the output folder as it is folded, in name order: in a big build a process of its own
writes the whole files meanwhile (kg.write.dataset). The description is checked in a worker while
the rest is written into a staging folder, which replaces the output folder only once the check
found no violation.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pyoxigraph import NamedNode
from rdflib import Graph

from kg.check import Finding
from kg.describe import CC_BY, describe, distributions, file_triples
from kg.engine.article import PLANS, ArticleJob, as_graph, check_graph_text, prepare_article
from kg.engine.cache import Cache, code_digest
from kg.engine.progress import Progress, Stages, StoreProgress
from kg.engine.result import ArticleResult, Failure
from kg.engine.runner import Runner, default_workers
from kg.engine.spanning import Totals
from kg.errors import InputError, KgError, NotConformingError, StoreError
from kg.iris import DEFAULT_BASE, check_base
from kg.read import find_records
from kg.resources import data_file, shapes_digest, shipped_dir
from kg.shacl import Unsupported, plan_for
from kg.threads import wait_for
from kg.vocab import new_graph
from kg.write import DatasetWriter, GraphText, recover
from kg.write.folder import cannot_write, check_out

__all__ = ["BuildResult", "build", "prepare_article", "load_ontology", "DEFAULT_CACHE"]

DEFAULT_CACHE = ".kg-cache"  # beside the output folder, unless --cache says otherwise
# Articles from which the whole files are put together by a process of their own as the articles
# come (kg.write.assembler); fewer are written at the end, where a process costs more than it saves.
_ASSEMBLED_APART_FROM = 50


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
    texts: list[GraphText] = field(repr=False, default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    built: int = 0  # articles built in this run; the others came from the cache
    stages: Stages = field(default_factory=Stages, repr=False)  # the wall time of each stage

    @cached_property
    def graphs(self) -> list[Graph]:
        """One rdflib Graph per article, then per published text, then the metadata graph (parsed when
        first asked for)."""
        return [as_graph(text) for text in self.texts]


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
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    cache: Path | None | bool = True,
    terminal: bool = False,
    with_text: bool = False,
    license: str = CC_BY,
    settle: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the dataset of every article in `seeds` into `out`; nothing in `out` changes on error.

    `workers` processes (default: this machine's cores) or the Dask scheduler at `scheduler` build
    the articles that `cache` (a folder; True for `.kg-cache` beside `out`; False or None for none)
    does not hold already. The articles' full texts are published only `with_text`, each in a graph of
    its own under its publisher's rights; they are checked against in any case. `license` is the
    IRI of the licence of what kg makes (CC BY 4.0 by default). `settle`, if given, is called each
    time another hundred results are folded, which the build holds until it ends (the kg program
    passes `gc.freeze`, see `kg.cli.run`).
    """
    try:
        check_base(base)
    except ValueError as error:
        raise InputError(str(error), field="--base") from None
    _check_license(license)
    say = progress or (lambda message: None)
    stages = Stages()
    with stages("cache"):
        recover(out)  # a build killed while writing may have left the previous dist/ beside it
        try:
            check_out(out, keep=[seeds])  # at once, not after the articles: kg may replace it whole
        except OSError as error:  # a name too long, a folder that cannot be looked at
            raise cannot_write(error, out, None) from None
        records = find_records(seeds)
        shapes_folder = shipped_dir("shapes")
        shapes_sha256 = shapes_digest(shapes_folder)
        # What every article's result depends on.
        inputs = (code_digest(), shapes_sha256, base, f"with_text={with_text}", f"license={license}")
        salt = hashlib.sha256("\0".join(inputs).encode()).hexdigest()
        store = Cache(_cache_folder(cache, out), seeds, salt)
        store.share()
    with stages("shapes"):  # before any worker starts, so that the workers inherit the plan
        try:
            PLANS[str(shapes_folder)] = store.plan(lambda: plan_for(shapes_folder))
        except Unsupported:
            pass  # every graph is checked by pyshacl
    results: list[ArticleResult | Failure | None] = [None] * len(records)
    # Each article's graph goes to the output as it is folded: a big build's whole files are written
    # by a process of their own while this one looks up, checks and describes.
    with DatasetWriter(out, data_file("ontology.ttl"), keep=[seeds], kept=store.kept_graph,
                       in_process=len(records) < _ASSEMBLED_APART_FROM,
                       report=StoreProgress(say, terminal=terminal) if progress else None) as writer:
        totals = _Folding(results, Progress(len(records), say, terminal=terminal), settle or (lambda: None),
                          lambda result: writer.add(result.graph))
        with Runner(totals.arrived, workers=workers or default_workers(), scheduler=scheduler,
                    keep=store.store) as runner:
            with stages("cache"):
                _look_up(records, store, totals, runner,
                         lambda record: ArticleJob(str(record), base, str(shapes_folder), with_text, license))
            with stages("articles"):
                runner.finish()
            articles = _succeeded(results)
            if totals.error is not None:
                raise totals.error
            with stages("across articles"):
                metadata = describe(articles, totals, base, shapes_sha256, license)
                verdict = _Verdict(totals, metadata, store, runner, str(shapes_folder))
                if verdict.articles_violate():
                    verdict.conform()  # raises, with the description's findings in the report too
            full_texts = [article.text for article in articles if article.text is not None]
            described = distributions(base, [article.graph.name for article in articles], [text.name for text in full_texts])
            with stages("files and store"):
                # The description is checked (in a worker, if they were started) while the files are
                # written; they replace `out` only if it conforms.
                files = writer.finish(metadata, full_texts, describe_files=functools.partial(file_triples, described),
                                      confirm=verdict.conform)
    with stages("cache"):
        store.keep_graph(metadata)  # for the next build's update of the store
        store.prune(articles, metadata)
    return BuildResult(
        articles=len(articles),
        triples=totals.triples + totals.text_triples + metadata.nquads.count(b"\n"),
        actors=len(totals.actors),
        events=len(totals.events),
        statements=len(totals.statements),
        out=out,
        files=files,
        texts=[*(article.graph for article in articles), *full_texts, metadata],
        warnings=verdict.findings(),
        built=runner.added,
        stages=stages,
    )


def _look_up(records: list[Path], store: Cache, totals: _Folding, runner: Runner,
             job: Callable[[Path], ArticleJob]) -> None:
    """Each record's result from the cache, or else its job for the runner. The records changed since
    the cache kept them are looked up first, and the workers start on those the cache does not hold
    while the others are looked up."""
    changed = [store.changed(record) for record in records]
    order = sorted(range(len(records)), key=lambda index: not changed[index])  # stable: else name order
    first = sum(changed)
    for position, index in enumerate(order):
        if position == first:
            runner.start()
        result = store.lookup(records[index])
        if result is None:
            totals.progress.expect()
            runner.add(index, job(records[index]))
        else:
            totals.cached(index, result)
        runner.collect()  # a changed article built meanwhile is folded, and written, in its turn


class _Verdict:
    """Every finding of the build: the articles' (folded in `totals`) and the dataset description's,
    which the cache kept for it or else its check gives, started here (in a worker process, if the
    runner's were started) and waited for when first asked for."""

    def __init__(self, totals: Totals, metadata: GraphText, store: Cache, runner: Runner, shapes: str) -> None:
        self.totals, self.metadata, self.store = totals, metadata, store
        self.kept = store.kept_findings(metadata)
        self.checking = runner.call(check_graph_text, metadata, shapes) if self.kept is None else None
        self._findings: list[Finding] | None = None

    def articles_violate(self) -> bool:
        """Whether an article's own findings hold a violation (known without the description's)."""
        return any(finding.severity == "Violation" for finding in self.totals.findings.values())

    def findings(self) -> list[Finding]:
        """Every finding, in the report's order, once the description's check is done (its findings
        kept for the next build)."""
        if self._findings is None:
            if self.kept is None:
                wait_for([self.checking])
                self.kept = self.checking.result()
                self.store.keep_findings(self.metadata, self.kept)
            self._findings = sorted([*self.totals.findings.values(), *self.kept], key=_finding_order)
        return self._findings

    def conform(self) -> None:
        """Raise NotConformingError, with every finding in its report, if one is a violation."""
        findings = self.findings()
        violations = [finding for finding in findings if finding.severity == "Violation"]
        if violations:
            raise NotConformingError(f"the data does not conform to the shapes: {len(violations)} violation(s)",
                                     report="\n".join(finding.line() for finding in findings))


def _check_license(license: str) -> None:
    """The licence must be an absolute http(s) IRI that N-Quads can hold, as a licence's IRI is."""
    try:
        valid = urlsplit(license).scheme in ("http", "https") and bool(urlsplit(license).netloc)
        NamedNode(license)
    except ValueError:
        valid = False
    if not valid or any(c.isspace() or c in '<>"{}|\\^`' for c in license):
        raise InputError(f"the licence {license!r} is not an absolute http(s) IRI, such as "
                         f"{CC_BY}", field="--license")


def _succeeded(results: list[ArticleResult | Failure | None]) -> list[ArticleResult]:
    """The results, or the first record's error in name order as kg's own error."""
    for result in results:
        if isinstance(result, Failure):
            raise _error(result)
    return results  # type: ignore[return-value]


def _error(failure: Failure) -> KgError:
    """The worker's error again, as its own class; its message was rendered there already."""
    if failure.kind == "NotConformingError":
        return NotConformingError(failure.message, report=failure.report)
    error_class = {"InputError": InputError, "StoreError": StoreError}.get(failure.kind, KgError)
    error = error_class(failure.message)
    error.exit_code = failure.exit_code
    return error


class _Folding(Totals):
    """The build's results, cached (`cached`) or built (`arrived`), folded (`Totals`) and handed to
    `folded` as soon as every one before them in name order is there; a failure stops the folding,
    as the build stops at it."""

    _SETTLE_EVERY = 100  # results folded between two calls of `settle`

    def __init__(self, results: list[ArticleResult | Failure | None], progress: Progress,
                 settle: Callable[[], None], folded: Callable[[ArticleResult], None] = lambda result: None) -> None:
        super().__init__()
        self.results, self.progress, self.settle, self.folded, self.next = results, progress, settle, folded, 0

    def cached(self, index: int, result: ArticleResult) -> None:
        """The result of the `index`th record, from the cache."""
        self.results[index] = result
        self.progress.skip(1)
        self._fold()

    def arrived(self, index: int, outcome: ArticleResult | Failure) -> None:
        """The outcome of the `index`th record, built."""
        self.results[index] = outcome
        self._fold()
        self.progress.step()

    def _fold(self) -> None:
        while self.next < len(self.results) and isinstance(self.results[self.next], ArticleResult):
            self.folded(self.results[self.next])
            self.results[self.next] = self.add(self.results[self.next])
            self.next += 1
            if self.next % self._SETTLE_EVERY == 0:
                self.settle()


def _finding_order(finding: Finding) -> tuple:
    return (finding.severity != "Violation", finding.label or finding.focus, finding.focus, finding.path,
            finding.message)


def _cache_folder(cache: Path | None | bool, out: Path) -> Path | None:
    if cache is True:
        return out.resolve().parent / DEFAULT_CACHE
    return cache or None
