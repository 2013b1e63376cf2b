"""Write stage: the dataset as Turtle, TriG, N-Quads, JSON-LD and a query-ready store, moved into place all at once.

Input is each named graph as canonical N-Quads text (`GraphText`: sorted, unique lines) with its
fragments of the files, its Turtle statements and its JSON-LD nodes, which the article's work
makes once, in parallel, and the cache keeps. So every file is the graphs' pieces put one after
another, in the order given (articles in name order, then the metadata), and no file needs the
corpus in one graph: kg.nq is each graph's sorted lines in turn (sorted within a graph, not
across graphs); kg.ttl each graph's statements in turn, so a triple that several graphs hold (a
shared actor's label) is written once per graph, which a Turtle reader takes as one triple;
kg.trig, graphs/NAME.ttl and kg.jsonld the same statements and nodes graph by graph. store/ is an
Oxigraph store written meanwhile, in a thread of its own: from the previous build's store, when
only a few graphs changed, else loaded whole (see kg.write.store).
Output is the same bytes for the same input (no blank nodes, sorted statements, no clock), except
store/, whose files RocksDB writes with ids and times of its own.

The output folder is replaced whole, and only when every file is written (kg.write.folder).

A write that fails (a full disk, a read-only folder, a name too long, a file-size limit) is an
InputError naming the file and the reason; the output folder is left as it was.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from rdflib import Graph, URIRef

from kg.write.files import Files, write_pieces
from kg.write.folder import (MARKER, OUTPUT_FILES, cannot_write, check_out, make_staging, recover, remove,
                             swap_folder, write_file)
from kg.write.jsonld import jsonld, jsonld_context, jsonld_fragment
from kg.write.manifest import FILES, write_manifest
from kg.write.nquads import GraphText, TripleSet, graph_text, graph_triples, part_bytes, quad_subject
from kg.write.store import GRAPHS, STORE, Kept, StoreLoader, open_store
from kg.write.turtle import PREFIX_LINES, trig_block, turtle

__all__ = ["write_dataset", "swap_folder", "write_outputs", "write_file", "recover", "jsonld_context", "graph_text", "GraphText",
           "with_fragments", "open_store", "OUTPUT_FILES", "STORE", "GRAPHS", "FILES", "MARKER"]


def write_dataset(graphs: Sequence[GraphText], metadata: GraphText, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = (), store: bool = True, texts: Sequence[GraphText] = (),
                  describe_files: Callable[[Mapping[str, tuple[int, str]]], Iterable[tuple]] | None = None,
                  confirm: Callable[[], None] | None = None, kept: Kept | None = None) -> list[Path]:
    """Write every output file into `out` from the graphs' texts, replacing it only when all were written.

    `graphs` are the article graphs in the order every file gives them (name order), `texts` the
    graphs of the articles' full texts, published (texts/NAME.ttl) after them, `metadata` the
    dataset's description (void.ttl, and the last graph of each file), `ontology` the Turtle file of
    kg's own terms, published as it is (ontology.ttl, with its authors' comments and order). A
    graph's fragments are made here unless it carries them (`with_fragments`). void.ttl is written
    last, with the triples `describe_files` gives of every other file as written (path in `out` ->
    size and sha256), such as their sizes and checksums, which no file holding the metadata graph
    can give of itself. `confirm`, if given, is called once everything is written, before `out` is
    replaced: an error it raises (the check of the data that ran meanwhile failed, say) leaves `out`
    as it was. `kept` gives a graph's N-Quads by their digest where they were kept, for the store's
    update (see `kg.write.store.StoreLoader`). Returns the files written, store/ and the lists of
    graphs and files aside (see `STORE`, `GRAPHS`, `FILES`). `out` must be new, empty or written by
    kg, and must not be (or be above) a folder in `keep`, such as the seeds.
    """
    out = out.resolve()
    _check_names(graphs)
    _check_names(texts)
    everything = [with_fragments(graph) for graph in [*graphs, *texts, metadata]]
    graphs, texts, metadata = everything[:len(graphs)], everything[len(graphs):-1], everything[-1]
    staging = loader = files = None
    try:
        check_out(out, keep)
        recover(out)
        staging = make_staging(out)
        files = Files(staging, previous=out)
        header = PREFIX_LINES + b"\n"
        # A graph's own file unchanged since the previous build is linked at once, before the
        # threads that write and load start to vie for the GIL with the calls that link.
        (staging / "graphs").mkdir()
        for graph in graphs:
            files.write(staging / "graphs" / f"{graph.name}.ttl", (header, graph.turtle), source=_source(graph))
        if texts:
            (staging / "texts").mkdir()
        for graph in texts:
            files.write(staging / "texts" / f"{graph.name}.ttl", (header, graph.turtle), source=_source(graph))
        if store:  # loads in a thread of its own while the files are written
            loader = StoreLoader(staging / STORE, everything, previous=out, kept=kept)
        # The largest first, so that the two writers end together.
        files.write(staging / "kg.nq", [graph.nquads for graph in everything])
        files.write(staging / "kg.trig", [header, *(graph.trig for graph in everything)])
        files.write(staging / "kg.ttl", [header, *(graph.turtle for graph in everything)])
        files.write(staging / "kg.jsonld", jsonld(everything))
        files.write(staging / "context.jsonld", _json(jsonld_context()))
        files.write(staging / "ontology.ttl", [ontology])
        files.wait()
        void = _void_statements(metadata, describe_files(files.written(staging)) if describe_files else ())
        write_pieces(staging / "void.ttl", (header, void))
        write_manifest(staging, files.entries)
        if loader is not None:
            loader.wait()
        if confirm is not None:
            confirm()
        swap_folder(staging, out)
    except OSError as error:
        raise cannot_write(error, out, staging) from None
    finally:
        if files is not None:
            files.stop()
        if loader is not None:
            loader.stop()  # after a failure, before its folder goes (at once after wait)
        if staging is not None:
            remove(staging)  # the unfinished build, or after the swap the previous one
    return _files(out)


def with_fragments(graph: GraphText) -> GraphText:
    """`graph` with its Turtle statements, TriG block and JSON-LD nodes, made from its lines (checked) unless it has them.

    >>> line = b'<https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://g> .\\n'
    >>> print(with_fragments(GraphText("https://g", "a", line)).turtle.decode(), end="")
    <https://kg.example.org/person/a> rdfs:label "A" .
    <BLANKLINE>
    """
    if graph.turtle is not None and graph.trig is not None and graph.jsonld is not None:
        return graph
    statements = b"".join(turtle(graph_triples(graph)))
    return dataclasses.replace(graph, turtle=statements, trig=trig_block(graph.iri, statements),
                               jsonld=jsonld_fragment(graph))


def write_outputs(graphs: list[Graph], metadata: Graph, union: Graph, ontology: Path, out: Path, *,
                  keep: Iterable[Path] = ()) -> list[Path]:
    """`write_dataset` for rdflib graphs; `union` (them and the metadata merged) is not needed any more."""
    texts = [graph_text(graph, _graph_name(graph)) for graph in graphs]
    return write_dataset(texts, graph_text(metadata, "metadata"), ontology, out, keep=keep)


def _source(graph: GraphText) -> str:
    """What a graph's own file is made from, by which the next build tells it unchanged (kg.write.manifest)."""
    return graph.sha256()


def _void_statements(metadata: GraphText, triples: Iterable[tuple]) -> bytes:
    """The Turtle statements of the metadata graph with `triples` added to it (a few per file), as
    void.ttl gives them: the subjects they name written again, the others' statements taken as the
    metadata's Turtle has them (1,000 articles: 0.20 s to 0.13 s, the same bytes)."""
    added = TripleSet(URIRef(metadata.iri))
    for triple in triples:
        added.add(triple)
    if not len(added):
        return part_bytes(metadata.turtle)
    new = list(graph_text(added, metadata.name).lines())
    named = {quad_subject(line) for line in new}
    lines = sorted({*new, *(line for line in metadata.lines() if quad_subject(line) in named)})
    rewritten = GraphText(metadata.iri, metadata.name, b"".join(lines))
    written = dict(zip(_subjects(lines), turtle(graph_triples(rewritten))))
    # Each subject's statements end with " .", then a blank line, which no literal holds (N-Quads and
    # so kg's Turtle write a line break in a literal as an escape).
    blocks = [block + b" .\n\n" for block in part_bytes(metadata.turtle).split(b" .\n\n")[:-1]]
    kept = dict(zip(_subjects(metadata.lines()), blocks))
    # Sorted, the subjects are in the lines' order: each ends with ">", which no IRI holds.
    return b"".join(written[subject] if subject in written else kept[subject]
                    for subject in sorted(kept.keys() | written.keys()))


def _subjects(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The subjects of sorted lines, each once, in order."""
    previous = None
    for line in lines:
        subject = quad_subject(line)
        if subject != previous:
            yield subject
            previous = subject


def _graph_name(graph: Graph) -> str:
    return str(graph.identifier).rstrip("/").rsplit("/", 1)[-1]


def _check_names(graphs: Sequence[GraphText]) -> None:
    seen: set[str] = set()
    for graph in graphs:
        if not graph.name or graph.name.startswith(".") or any(c in graph.name for c in "/\\\0"):
            raise ValueError(f"{graph.name!r} cannot name a file in graphs/")
        if graph.name in seen:
            raise ValueError(f"two graphs are named {graph.name!r}; each needs a file of its own in graphs/")
        seen.add(graph.name)


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _files(out: Path) -> list[Path]:
    """The files written, without the marker and the store's own files."""
    files = [path for path in out.iterdir() if path.is_file() and path.name not in (MARKER, GRAPHS, FILES)]
    for folder in ("graphs", "texts"):
        if (out / folder).is_dir():
            files += [path for path in (out / folder).iterdir() if path.is_file()]
    return sorted(files)


