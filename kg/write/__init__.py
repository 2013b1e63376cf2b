"""Write stage: the dataset as Turtle, TriG, N-Quads, JSON-LD and a query-ready store, moved into place all at once.

Input is each named graph as canonical N-Quads text (`GraphText`: sorted, unique lines) with its
fragments of the files, its Turtle statements and its JSON-LD nodes, which the article's work
makes once, in parallel, and the cache keeps. So every file is the graphs' pieces put one after
another, in the order given (articles in name order, then the metadata), and no file needs the
corpus in one graph: kg.nq is each graph's sorted lines in turn (sorted within a graph, not
across graphs); kg.ttl each graph's statements in turn, so a triple that several graphs hold (a
shared actor's label) is written once per graph, which a Turtle reader takes as one triple;
kg.trig, graphs/NAME.ttl and kg.jsonld the same statements and nodes graph by graph. A build gives
its graphs one by one as it has them (kg.write.dataset), and a big one has those whole files put
together meanwhile, in a process of their own (kg.write.assembler). store/ is an Oxigraph store
written at the end, in a thread of its own: from the previous build's store, when only a few graphs
changed, else loaded whole (see kg.write.store).
Output is the same bytes for the same input (no blank nodes, sorted statements, no clock), except
store/, whose files RocksDB writes with ids and times of its own.

The output folder is replaced whole, and only when every file is written (kg.write.folder).

A write that fails (a full disk, a read-only folder, a name too long, a file-size limit) is an
InputError naming the file and the reason; the output folder is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from rdflib import Graph

from kg.write.dataset import DatasetWriter, with_fragments
from kg.write.folder import MARKER, OUTPUT_FILES, recover, swap_folder, write_file
from kg.write.jsonld import jsonld_context
from kg.write.manifest import FILES
from kg.write.nquads import GraphText, graph_text
from kg.write.store import GRAPHS, STORE, Kept, open_store

__all__ = ["write_dataset", "DatasetWriter", "swap_folder", "write_outputs", "write_file", "recover", "jsonld_context",
           "graph_text", "GraphText", "with_fragments", "open_store", "OUTPUT_FILES", "STORE", "GRAPHS", "FILES",
           "MARKER"]


def write_dataset(graphs: Sequence[GraphText], metadata: GraphText, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = (), store: bool = True, texts: Sequence[GraphText] = (),
                  describe_files: Callable[[Mapping[str, tuple[int, str]]], Iterable[tuple]] | None = None,
                  confirm: Callable[[], None] | None = None, kept: Kept | None = None) -> list[Path]:
    """Write every output file into `out` from the graphs' texts, replacing it only when all were written.

    `graphs` are the article graphs in the order every file gives them (name order), `texts` the
    graphs of the articles' full texts, published (texts/NAME.ttl) after them, `metadata` the
    dataset's description (void.ttl, and the last graph of each file), `ontology` the Turtle file of
    kg's own terms, published as it is (ontology.ttl, with its authors' comments and order). A
    graph's fragments are made here unless it carries them (`with_fragments`). See `DatasetWriter`,
    which a build gives its graphs one by one as they come, for the rest. `out` must be new, empty
    or written by kg, and must not be (or be above) a folder in `keep`, such as the seeds.
    """
    with DatasetWriter(out, ontology, keep=keep, store=store, kept=kept) as writer:
        for graph in graphs:
            writer.add(graph)
        return writer.finish(metadata, texts, describe_files=describe_files, confirm=confirm)


def write_outputs(graphs: list[Graph], metadata: Graph, union: Graph, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = ()) -> list[Path]:
    """`write_dataset` for rdflib graphs; `union` (them and the metadata merged) is not needed any more."""
    texts = [graph_text(graph, _graph_name(graph)) for graph in graphs]
    return write_dataset(texts, graph_text(metadata, "metadata"), ontology, out, keep=keep)


def _graph_name(graph: Graph) -> str:
    return str(graph.identifier).rstrip("/").rsplit("/", 1)[-1]
