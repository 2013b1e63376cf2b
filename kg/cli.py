"""The `kg` command line: a thin layer over the library; errors become one line and an exit code."""

from __future__ import annotations

import atexit
import gc
import signal
import sys
import threading
from pathlib import Path

import click

from kg.errors import EXIT_INTERRUPTED, KgError
from kg.stores.endpoints import STORE_TYPES
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT, METHODS, VERIFY_LEVELS

__all__ = ["main", "run"]


class _Group(click.Group):
    """The one error boundary: a KgError is printed as `Error: ...` with its exit code; Ctrl-C exits 130."""

    def invoke(self, ctx: click.Context):
        if hasattr(signal, "SIGXFSZ") and threading.current_thread() is threading.main_thread():
            # Past a file-size limit (ulimit -f) a write then fails with EFBIG, which is reported
            # as one line, instead of the signal killing kg halfway through writing.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        try:
            return super().invoke(ctx)
        except KgError as error:
            click.echo(f"Error: {error}", err=True)
            report = getattr(error, "report", "")
            if report:
                click.echo(report, err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)


def _say(message: str) -> None:
    click.echo(message, err=True)


out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder of the built dataset.",
)
base_option = click.option(
    "--base",
    envvar="KG_BASE_IRI",
    default=None,
    help="Base IRI of minted resources (env KG_BASE_IRI).",
)


def store_options(command):
    """The options of every command that talks to a triple store: its type, timeout and retries."""
    options = [
        click.option("--store-type", type=click.Choice(STORE_TYPES), default=None,
                     help="The store's endpoint layout; detected from its answers when not given."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
                     envvar="KG_STORE_TIMEOUT",
                     help="Seconds each request to the store may take, from connecting to the answer's last byte "
                          "(env KG_STORE_TIMEOUT)."),
        click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
                     envvar="KG_STORE_RETRIES",
                     help="Retries, with backoff, after a connection error or a 5xx answer (env KG_STORE_RETRIES)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def run() -> None:
    """`kg` as a program of its own: the console script and `python -m kg`.

    The objects made so far are put beyond the garbage collector's reach (`gc.freeze`), and all of
    them again as the process ends: a process that runs one command and exits need not have its
    modules' objects traversed by each full collection and by the last one at exit (a first build
    of the seed: about 8 % of its time). So are the results `kg build` holds until it ends, a
    hundred at a time, which the full collections would otherwise go through again and again as
    they pile up (a rebuild of 1,000 articles: 0.1 s). Not in `main`, which tests call in their
    own process.
    """
    global _ONE_COMMAND
    _ONE_COMMAND = True
    gc.freeze()
    atexit.register(gc.freeze)
    main()


_ONE_COMMAND = False  # whether this process runs one command and exits (`run`)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: publish news articles as grounded, checked linked data.

    Exit codes: 0 done, 1 the data does not conform to the shapes, 2 bad input or usage,
    3 a triple store could not be reached or refused the data, 130 interrupted (Ctrl-C).
    """


@main.command()
@click.option(
    "--seeds",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="Folder of article texts (*.txt) and their records (*.yaml).",
)
@out_option
@base_option
@click.option("--workers", type=click.IntRange(min=1), default=None, envvar="KG_WORKERS",
              help="Processes that build articles [default: this machine's cores] (env KG_WORKERS).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", envvar="KG_SCHEDULER",
              help="Build the articles on this Dask scheduler's workers instead (needs kg[dask]; env KG_SCHEDULER).")
@click.option("--cache", "cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the articles' cached results [default: .kg-cache beside OUT].")
@click.option("--no-cache", is_flag=True, help="Build every article again, and keep nothing for the next build.")
@click.option("-q", "--quiet", is_flag=True, help="Print no progress and no warnings: only the summary or the error.")
@click.option("--with-text", is_flag=True,
              help="Publish each article's full text too, in a graph of its own (texts/NAME.ttl) under its "
                   "publisher's rights; by default only its digest, length and the mentions' words are.")
@click.option("--license", "license_iri", metavar="IRI", envvar="KG_LICENSE",
              default="https://creativecommons.org/licenses/by/4.0/", show_default=True,
              help="The licence of what kg makes (the statements, not the articles' texts) (env KG_LICENSE).")
@click.option("--site", "with_site", is_flag=True, help="Then write the dataset's site into OUT/site (as kg site does).")
@click.option("--timings", is_flag=True, help="Then print the wall time of each stage of the build on stderr.")
def build(seeds: Path, out: Path, base: str | None, workers: int | None, scheduler: str | None,
          cache: Path | None, no_cache: bool, quiet: bool, with_text: bool, license_iri: str,
          with_site: bool, timings: bool) -> None:
    """Build the dataset of every article in SEEDS into OUT (Turtle, TriG, N-Quads, JSON-LD).

    Articles whose text, record, kg and shapes did not change since the last build are taken from
    the cache; the others are built in parallel.
    """
    from kg.build import build as run_build
    from kg.check import warning_lines
    from kg.iris import DEFAULT_BASE

    terminal = sys.stderr.isatty() and not quiet
    progress = _Redrawn() if terminal else None if quiet else _say
    try:
        result = run_build(seeds, out, base or DEFAULT_BASE, progress=progress, workers=workers,
                           scheduler=scheduler, cache=False if no_cache else (cache or True), terminal=terminal,
                           with_text=with_text, license=license_iri, settle=gc.freeze if _ONE_COMMAND else None)
    finally:
        if isinstance(progress, _Redrawn):
            progress.end()  # before the warnings, the summary or the error
    if not quiet:
        for line in warning_lines(result.warnings):
            _say(line)
    if timings:
        _say(result.stages.line())
    click.echo(
        f"Built {result.articles} article{'s' if result.articles != 1 else ''}: "
        f"{result.triples:,} triples, {result.actors} actors, {result.events} events, "
        f"{result.statements} statements"
        + (f", {len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}" if result.warnings else "")
        + (f" ({result.articles - result.built} from the cache)" if result.built < result.articles else "")
    )
    folder = result.out.resolve()
    top = [p.name for p in result.files if p.parent == folder]
    nested = {p.relative_to(folder).parts[0] + "/" for p in result.files if p.parent != folder}
    if (folder / "store").is_dir():
        nested.add("store/")
    click.echo(f"Wrote {out}/: " + ", ".join(top + sorted(nested)))
    if with_site:
        _write_site(out, out / "site", workers, quiet)


def _write_site(dist: Path, out: Path, workers: int | None, quiet: bool) -> None:
    from kg.site.build import build_site

    result = build_site(dist, out, workers=workers, progress=None if quiet else _say)
    click.echo(f"Wrote {out}/: {result.pages:,} pages, each with its Turtle and JSON-LD, "
               f"{result.bytes / 1e6:,.1f} MB, in {result.seconds:.1f} s ({result.pages_per_second:,.0f} pages/s)")


class _Redrawn:
    """Progress on a terminal (a build's, a validation's): one line redrawn in place, ended or erased before
    anything else is printed."""

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, message: str) -> None:
        click.echo(f"\r\x1b[K{message}", nl=False, err=True)
        self.drawn = True

    def end(self) -> None:
        """End the line, if one was drawn: what comes next (an error, say) starts a line of its own."""
        if self.drawn:
            click.echo("", err=True)
            self.drawn = False

    def erase(self) -> None:
        """Erase the line, if one was drawn: what comes next takes its place."""
        if self.drawn:
            click.echo("\r\x1b[K", nl=False, err=True)
            self.drawn = False


def _dataset(out: Path, base: str | None, endpoint: str | None, store_type: str | None, timeout: float,
             retries: int):
    """What answers queries: the triple store at `endpoint`, or else the dataset in `out`, built if missing."""
    from kg import query as querying

    if endpoint:
        return querying.RemoteEndpoint.connect(endpoint, base=base, store_type=store_type, timeout=timeout,
                                               retries=retries, warn=_say)
    return querying.open_dataset(out, base=base, progress=_say)


@main.command()
def schema() -> None:
    """Print the JSON Schema of an article record (for editors' completion and checking)."""
    from kg.model import record_json_schema

    click.echo(record_json_schema(), nl=False)


@main.command()
@click.argument("query", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A value for one of the query's parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
              help="table for people; csv, tsv or SPARQL 1.1 JSON results for programs.")
@click.option("--list", "show_list", is_flag=True, help="List the bundled queries and the questions they answer.")
@out_option
@base_option
@click.option("--endpoint", metavar="URL",
              help="Ask the triple store at URL (base URL or SPARQL endpoint) where kg load put the dataset.")
@store_options
@click.option("--allow-service", is_flag=True,
              help="Let a SERVICE clause call another endpoint (from kg, or from the store); refused by default.")
def query(query: str | None, params: tuple[str, ...], fmt: str, show_list: bool, out: Path, base: str | None,
          endpoint: str | None, store_type: str | None, timeout: float, retries: int, allow_service: bool) -> None:
    """Answer QUERY (a bundled query's name, or a .rq file) on the dataset in OUT, built if missing.

    Only SELECT queries run: an update (INSERT, DELETE, LOAD, DROP, ...) is refused before anything
    is sent. With --endpoint, a triple store answers; its credentials come from KG_STORE_USER and
    KG_STORE_PASSWORD, or from a netrc file.
    """
    from kg import query as querying
    from kg.results import format_results

    if show_list:
        click.echo(querying.format_list(querying.list_queries()), nl=False)
        return
    if not query:
        raise click.UsageError("give a query's name or a .rq file, or --list to see the bundled queries")
    loaded = querying.load_query(query, allow_service=allow_service)
    bindings = querying.bind_params(loaded, querying.parse_params(params))
    dataset = _dataset(out, base, endpoint, store_type, timeout, retries)
    click.echo(format_results(dataset.execute(loaded, bindings), fmt), nl=False)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              default=Path("timeline.svg"), show_default=True, help="The SVG file to write; - for standard output.")
@out_option
@base_option
@click.option("--endpoint", metavar="URL", help="Draw what a triple store holds instead (its SPARQL endpoint or base URL).")
@store_options
def timeline(output: Path, out: Path, base: str | None, endpoint: str | None, store_type: str | None,
             timeout: float, retries: int) -> None:
    """Draw the events of the dataset in OUT (built if missing) on a time axis, as an SVG picture.

    The picture is the answer of the bundled `timeline` and `articles` queries: each dated event a
    bar over the days its time can be, coloured by status, with the days of publication behind.
    """
    from kg.timeline import Timeline
    from kg.write import write_file

    dataset = _dataset(out, base, endpoint, store_type, timeout, retries)
    drawn = Timeline.of(dataset)
    if str(output) == "-":
        click.echo(drawn.svg(), nl=False)
        return
    write_file(output, drawn.svg())
    _say(f"Wrote {output}: {drawn.summary()}")


dist_option = click.option(
    "--dist", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
    help="Folder of the built dataset (kg build's --out).",
)


@main.command()
@dist_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the site, replaced whole [default: DIST/site].")
@click.option("--workers", type=click.IntRange(min=1), default=None, envvar="KG_WORKERS",
              help="Processes that write pages [default: this machine's cores] (env KG_WORKERS).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary or the error.")
def site(dist: Path, out: Path | None, workers: int | None, quiet: bool) -> None:
    """Write the static site of the dataset in DIST: a page, a .ttl and a .jsonld for every resource.

    Copy the folder to a web server whose root is the base IRI; its _kg/ folder holds nginx and
    Apache snippets for content negotiation. The links are relative: it also opens from a file:// folder.
    """
    _write_site(dist, out or dist / "site", workers, quiet)


@main.command()
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@dist_option
@click.option("--site", "site_folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the site [default: DIST/site, written first unless current].")
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of articles to build DIST from when it is missing.")
@base_option
@click.option("--query-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds a SPARQL query may run; past it the answer is 503.")
@click.option("--query-workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Processes answering SPARQL queries at once.")
def serve(port: int, host: str, dist: Path, site_folder: Path | None, seeds: Path, base: str | None,
          query_timeout: float, query_workers: int) -> None:
    """Serve the site with content negotiation, a read-only SPARQL endpoint at /sparql and VoID.

    A resource's IRI answers 303 See Other with its page, its Turtle or its JSON-LD, as the Accept
    header prefers. The dataset is built first if DIST is missing, and the site written if it is
    missing or older than the dataset. Stop it with Ctrl-C.
    """
    from kg.serve import prepare, serve as run_server

    folder = prepare(dist, site_folder, seeds=seeds, base=base, progress=_say)
    run_server(dist, folder, host=host, port=port, timeout=query_timeout, workers=query_workers,
               ready=lambda url: _say(f"Serving {folder}/ at {url} (SPARQL: {url}sparql); Ctrl-C stops"))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="text for people; the SHACL report as Turtle, or JSON, for programs.")
@click.option("--shapes", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of SHACL shapes (*.ttl); kg's own by default.")
@out_option
@click.option("--allow-remote-context", is_flag=True,
              help="Let a JSON-LD file's @context or @import name a document to fetch; refused by default.")
@click.option("-q", "--quiet", is_flag=True, help="Draw no progress on a terminal.")
def validate(files: tuple[Path, ...], fmt: str, shapes: Path | None, out: Path, allow_remote_context: bool,
             quiet: bool) -> None:
    """Check FILES (.ttl, .trig, .nq, .jsonld), or OUT/kg.nq, against the shapes; exit 1 on a violation.

    On a terminal, what is being done is drawn on one line of stderr, then erased.
    """
    from kg.errors import NotConformingError
    from kg.validate import render, validate_files

    progress = _Redrawn() if sys.stderr.isatty() and not quiet else None
    try:
        result = validate_files(list(files) or [out / "kg.nq"], shapes, allow_remote_context=allow_remote_context,
                                report=fmt == "turtle", progress=progress)
    finally:
        if progress:
            progress.erase()
    click.echo(render(result, fmt), nl=False)
    if not result.passes:  # warnings alone leave the exit code 0, though SHACL says the data does not conform
        raise NotConformingError(f"the data does not conform to the shapes: {len(result.violations)} violation(s)")


@main.command()
@click.option("--store", "url", metavar="URL",
              help="The store's base URL (http://127.0.0.1:7878 for an Oxigraph server) or one of its endpoints.")
@click.option("--query-endpoint", metavar="URL", help="Its SPARQL query endpoint, if not where its layout says.")
@click.option("--update-endpoint", metavar="URL", help="Its SPARQL update endpoint, likewise.")
@click.option("--graph-store-endpoint", metavar="URL", help="Its Graph Store Protocol endpoint, likewise.")
@click.option("--method", type=click.Choice(METHODS), default="gsp", show_default=True,
              help="gsp: PUT each graph (Graph Store Protocol); update: DROP it, then INSERT DATA in batches.")
@click.option("--verify", type=click.Choice(VERIFY_LEVELS), default="count", show_default=True,
              help="Then compare each graph in the store with what was sent: its triple count, or every triple.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Triples per INSERT DATA with --method update [default: 250 for Virtuoso, else 1,000].")
@click.option("--dist", "--out", "dist", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder of the built dataset (its kg.nq); built from seeds/ if missing.")
@click.option("--allow-redirects", is_flag=True,
              help="Let a read (GET) follow the store's redirect to another host, without credentials. "
                   "Writes never follow a redirect.")
@base_option
@store_options
def load(url: str | None, query_endpoint: str | None, update_endpoint: str | None, graph_store_endpoint: str | None,
         method: str, verify: str, batch_size: int | None, dist: Path, allow_redirects: bool, base: str | None,
         store_type: str | None, timeout: float, retries: int) -> None:
    """Replace each named graph of the built dataset in a triple store, then verify the store.

    Graphs that an earlier load of the dataset wrote and dist/ no longer has are removed; graphs
    kg did not write are left alone. Credentials come from KG_STORE_USER and KG_STORE_PASSWORD,
    or from a netrc file, and go only to the host they are for.
    """
    from kg.stores import ChangedDataError, Store, load_dist

    with Store.connect(url, store_type=store_type, query=query_endpoint, update=update_endpoint,
                       graph_store=graph_store_endpoint, timeout=timeout, retries=retries,
                       allow_redirects=allow_redirects) as store:
        try:
            result = load_dist(store, dist, base=base, say=_say, method=method, verify=verify,
                               batch_size=batch_size, progress=lambda progress: _say(progress.line()))
        except ChangedDataError as error:
            _report_changes(error)
    click.echo(f"Loaded {result.graphs} graph{'s' if result.graphs != 1 else ''} ({result.triples:,} triples) "
               f"into {result.store} by {method} in {result.seconds:.2f} s: {result.rate:,.0f} triples/s")
    if result.removed:
        click.echo(f"Removed {len(result.removed)} graph{'s' if len(result.removed) != 1 else ''} that an earlier "
                   "load wrote and dist/ no longer has: " + ", ".join(f"<{iri}>" for iri in result.removed))
    if result.merged:
        click.echo(f"Of them, <{result.merged}> holds the others' {result.merged_triples:,} distinct triples merged, "
                   "which kg query --endpoint asks")
    if verify != "none":
        click.echo("Verified: " + ("every graph holds exactly the triples sent (values and datatypes)" if verify == "full"
                                   else "every graph holds as many triples as were sent"))


def _report_changes(error) -> None:
    """What the store changed, one line per kind of change on stderr, then the error (exit code 3)."""
    from kg.errors import StoreError

    for line in error.changes:
        click.echo(f"Changed by the store: {line}", err=True)
    raise StoreError(f"{error.where} holds the values sent, but {error.summary()}")
