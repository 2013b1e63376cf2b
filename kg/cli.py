"""The `kg` command line: a thin layer over the library; errors become one line and an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.errors import KgError

__all__ = ["main"]


class _Group(click.Group):
    """The one error boundary: a KgError is printed as `Error: ...` with its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as error:
            click.echo(f"Error: {error}", err=True)
            report = getattr(error, "report", "")
            if report:
                click.echo(report, err=True)
            sys.exit(error.exit_code)


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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: publish news articles as grounded, checked linked data.

    Exit codes: 0 done, 1 the data does not conform to the shapes, 2 bad input or usage,
    3 a triple store could not be reached or refused the data.
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
def build(seeds: Path, out: Path, base: str | None) -> None:
    """Build the dataset of every article in SEEDS into OUT (Turtle, TriG, N-Quads, JSON-LD)."""
    from kg.build import build as run_build
    from kg.iris import DEFAULT_BASE

    result = run_build(seeds, out, base or DEFAULT_BASE, progress=_say)
    for warning in result.warnings:
        _say(warning.line())
    click.echo(
        f"Built {result.articles} article{'s' if result.articles != 1 else ''}: "
        f"{result.triples:,} triples, {result.actors} actors, {result.events} events, "
        f"{result.statements} statements"
        + (f", {len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}" if result.warnings else "")
    )
    folder = result.out.resolve()
    top = [p.name for p in result.files if p.parent == folder]
    nested = sorted({p.relative_to(folder).parts[0] + "/" for p in result.files if p.parent != folder})
    click.echo(f"Wrote {out}/: " + ", ".join(top + nested))


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
def query(query: str | None, params: tuple[str, ...], fmt: str, show_list: bool, out: Path, base: str | None) -> None:
    """Answer QUERY (a bundled query's name, or a .rq file) on the dataset in OUT, built if missing."""
    from kg import query as querying
    from kg.results import format_results

    if show_list:
        click.echo(querying.format_list(querying.list_queries()), nl=False)
        return
    if not query:
        raise click.UsageError("give a query's name or a .rq file, or --list to see the bundled queries")
    loaded = querying.load_query(query)
    bindings = querying.bind_params(loaded, querying.parse_params(params))
    dataset = querying.open_dataset(out, base=base, progress=_say)
    click.echo(format_results(dataset.execute(loaded, bindings), fmt), nl=False)
