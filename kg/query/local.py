"""The embedded executor: the built dataset in a pyoxigraph store, in-process."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import InputError
from kg.layout import STORE, graph_by_graph, open_store
from kg.results import Results, Term

if TYPE_CHECKING:
    from kg.query.model import QueryFile

# The dist/ file the embedded store loads: every graph of the dataset, one named graph each.
DATASET_FILE = "kg.nq"

_SYNTAX_POSITION = re.compile(r"\b(?P<line>\d+):(?P<column>\d+)\b")


class LocalDataset:
    """The dataset in an embedded pyoxigraph store, queried on the merge of its graphs.

    The merge is kept as the store's default graph, a set: pyoxigraph's union-of-graphs mode (like
    Virtuoso's) returns a triple once per graph that holds it, which inflates counts and multiplies
    the rows a query joins through before DISTINCT removes them.
    """

    def __init__(self, store: ox.Store, *, union_default_graph: bool = False) -> None:
        self.store = store
        self.union_default_graph = union_default_graph

    @classmethod
    def from_files(cls, *paths: Path) -> LocalDataset:
        """A store holding these files (format from the extension), their graphs merged as default."""
        store = ox.Store()
        for path in paths:
            try:
                store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
            except (OSError, SyntaxError, ValueError) as error:
                raise InputError(f"cannot load the dataset: {error}", path=path) from None
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return cls(store)

    def execute(self, query: QueryFile, bindings: Mapping[str, Term]) -> Results:
        """Run the query in-process; its parameters are substituted as terms, never as text."""
        substitutions = {ox.Variable(name): _to_oxigraph(term) for name, term in bindings.items()}
        try:
            answer = self.store.query(query.text, use_default_graph_as_union=self.union_default_graph,
                                      substitutions=substitutions, **graph_by_graph(self.store, query.text))
        except SyntaxError as error:
            raise _syntax_error(query, str(error)) from None
        except RuntimeError as error:
            # Substitution (SEP-0007) replaces a selected variable, so a parameter must be selected.
            raise InputError(f"{error}; a parameter must be a variable the query selects", path=query.display) from None
        except OSError as error:
            raise InputError(f"the query failed: {error}", path=query.display) from None
        if not isinstance(answer, ox.QuerySolutions):
            raise InputError("only SELECT queries can be run by kg query", path=query.display)
        variables = tuple(variable.value for variable in answer.variables)
        # A big answer repeats its terms (a label, an actor, a type on every row): each is made once.
        made: dict = {None: None}

        def term(value) -> Term | None:
            found = made.get(value, made)
            if found is made:
                found = made[value] = _from_oxigraph(query, value)
            return found

        try:
            rows = tuple(tuple(map(term, solution)) for solution in answer)  # a solution gives its values in order
        except OSError as error:
            raise InputError(f"the query failed: {error}", path=query.display) from None
        return Results(variables, rows)


def _syntax_error(query: QueryFile, message: str) -> InputError:
    position = _SYNTAX_POSITION.search(message)
    line = int(position["line"]) if position else None
    return InputError(f"SPARQL syntax error: {message}", path=query.display, line=line)


def _to_oxigraph(term: Term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def _from_oxigraph(query: QueryFile, term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term.iri(term.value)
    if isinstance(term, ox.BlankNode):
        return Term.bnode(term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    raise InputError("the query returns an RDF-star triple, which kg query cannot show", path=query.display)


def open_dataset(
    out: Path = Path("dist"),
    *,
    seeds: Path = Path("seeds"),
    base: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LocalDataset:
    """The built dataset in `out`, in-process: its store (dist/store/) opened read-only, or else kg.nq
    loaded; built from `seeds` first if `out` is missing."""
    if not out.exists():
        from kg.build import build
        from kg.iris import DEFAULT_BASE

        if progress:
            progress(f"{out}/ is missing: building it from {seeds}/")
        build(seeds, out, base or DEFAULT_BASE, progress=progress)
    store = out / STORE
    if store.is_dir():
        try:
            return LocalDataset(open_store(store))
        except OSError as error:
            raise InputError(f"cannot open the dataset's store: {error}; run `kg build` again", path=store) from None
    data = out / DATASET_FILE
    if not data.is_file():
        raise InputError(f"the built dataset has no {DATASET_FILE}; run `kg build`", path=out)
    return LocalDataset.from_files(data)
