"""The output folder written graph by graph as a build gives them, and put in place all at once.

A `DatasetWriter` is opened before the build folds its first article: it makes the staging folder,
and each graph given (`add`, articles in name order) has its file in graphs/ linked or written, and
its pieces sent on to kg.nq, kg.trig, kg.ttl and kg.jsonld (kg.write.assembler), so that a big
build writes its corpus while it looks up, checks and describes. `finish` takes the full texts'
graphs and the dataset's description, which end those files, loads the store, writes void.ttl
and the list of files, and puts the folder in place; leaving the `with` block otherwise removes
the staging folder, and the output folder is left as it was.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.write.assembler import Assembler, Later
from kg.write.files import Files, write_pieces
from kg.write.folder import MARKER, cannot_write, check_out, make_staging, recover, remove, swap_folder
from kg.write.jsonld import JSONLD_TAIL, JsonldNames, jsonld_context, jsonld_fragment, jsonld_graph, jsonld_head
from kg.write.manifest import FILES, write_manifest
from kg.write.nquads import GraphText, Part, TripleSet, graph_text, graph_triples, part_bytes, quad_subject
from kg.write.store import GRAPHS, STORE, Kept, Report, StoreLoader
from kg.write.turtle import PREFIX_LINES, trig_block, turtle

__all__ = ["DatasetWriter", "with_fragments"]

_HEADER = PREFIX_LINES + b"\n"
# The files that hold every graph, the largest first, each put together from the graphs' pieces.
_WHOLE = ("kg.nq", "kg.trig", "kg.ttl", "kg.jsonld")
DescribeFiles = Callable[[Mapping[str, tuple[int, str]]], Iterable[tuple]]


class DatasetWriter:
    """The output folder `out`, written in staging: open it, `add` each article's graph in order,
    then `finish`; use it in a `with` block, which removes what was written unless it finished.

    `ontology` is the Turtle file of kg's own terms, published as it is; `keep` folders (the seeds)
    that `out` must not be or hold; `store` whether to write the query-ready store, from the
    previous one where it can (`kept`, and `report` for its progress: see
    `kg.write.store.StoreLoader`). `in_process=False` puts the whole files together in a process of
    their own as the graphs come (kg.write.assembler), for a build of many articles. Every OSError
    is an InputError naming the file (kg.write.folder).
    """

    def __init__(self, out: Path, ontology: Path, *, keep: Iterable[Path] = (), store: bool = True,
                 kept: Kept | None = None, in_process: bool = True, report: Report | None = None) -> None:
        self.out, self._ontology, self._store, self._kept = out.resolve(), ontology, store, kept
        self._report = report
        self._graphs: list[GraphText] = []  # the articles' graphs given
        self._sent = 0  # the graphs whose pieces were sent on, texts' and the description's too
        self._names: set[str] = set()
        self._staging = self._assembler = self._held = self._loader = self._files = None
        self._iris = JsonldNames()
        with self._failing():
            check_out(self.out, keep)
            recover(self.out)
            self._staging = make_staging(self.out)
            (self._staging / "graphs").mkdir()
            if in_process:
                self._held = [[] for _ in _WHOLE]
            else:  # forked before this process starts the threads that write the other files
                self._assembler = Assembler([self._staging / name for name in _WHOLE])
            self._send([[], [_HEADER], [_HEADER], [jsonld_head()]])

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *failure) -> None:
        self._close()

    def add(self, graph: GraphText) -> None:
        """The next article's graph (in name order): its file in graphs/, its pieces of the whole files."""
        graph = with_fragments(graph)
        _check_name(graph, self._names)
        with self._failing():
            self._other_files().write(self._staging / "graphs" / f"{graph.name}.ttl", (_HEADER, graph.turtle),
                                  source=graph.sha256())
            self._send(self._pieces(graph))
        self._graphs.append(graph)

    def finish(self, metadata: GraphText, texts: Sequence[GraphText] = (), *,
               describe_files: DescribeFiles | None = None, confirm: Callable[[], None] | None = None) -> list[Path]:
        """End the files with `texts` (the graphs of the articles' full texts, published in texts/) and
        `metadata` (the dataset's description, void.ttl), and put the folder in place of `out`.

        void.ttl is written last, with the triples `describe_files` gives of every other file as
        written (path in `out` -> size and sha256), such as their sizes and checksums, which no file
        holding the metadata graph can give of itself. `confirm`, if given, is called once everything
        is written, before `out` is replaced: an error it raises (the check of the data that ran
        meanwhile failed, say) leaves `out` as it was. Returns the files written, store/ and the
        lists of graphs and files aside (see `STORE`, `GRAPHS`, `FILES`).
        """
        texts = [with_fragments(graph) for graph in texts]
        # The description's JSON-LD nodes are made where kg.jsonld is written: by the assembling
        # process, beside this one's void.ttl (1,000 articles: 0.12 s).
        metadata = with_fragments(metadata, jsonld=self._assembler is None)
        names: set[str] = set()
        for graph in texts:
            _check_name(graph, names)
        staging = self._staging
        with self._failing():
            files = self._other_files()
            if texts:
                (staging / "texts").mkdir()
            for graph in texts:
                files.write(staging / "texts" / f"{graph.name}.ttl", (_HEADER, graph.turtle), source=graph.sha256())
            everything = [*self._graphs, *texts, metadata]
            if self._store:  # loads in a thread of its own while the files are written
                self._loader = StoreLoader(staging / STORE, everything, previous=self.out, kept=self._kept,
                                           report=self._report)
            for graph in [*texts, metadata]:
                self._send(self._pieces(graph))
            self._send([[], [], [], [JSONLD_TAIL]])
            if self._held is not None:
                for name, pieces in zip(_WHOLE, self._held):
                    files.write(staging / name, pieces)
            files.write(staging / "context.jsonld", _json(jsonld_context()))
            files.write(staging / "ontology.ttl", [self._ontology])
            written = dict(zip(_WHOLE, self._assembler.finish())) if self._assembler is not None else {}
            files.wait()
            written.update(files.written(staging))
            void = _void_statements(metadata, describe_files(written) if describe_files else ())
            write_pieces(staging / "void.ttl", (_HEADER, void))
            write_manifest(staging, files.entries)
            if self._loader is not None:
                self._loader.wait()
            if confirm is not None:
                confirm()
            swap_folder(staging, self.out)
        self._close()  # removes the previous folder, now in staging's place
        return _files(self.out)

    def _pieces(self, graph: GraphText) -> list[list[Part | Later]]:
        """A graph's pieces of each whole file, in the order of _WHOLE; its JSON-LD made later if it has none."""
        number, self._sent = self._sent, self._sent + 1
        jsonld = jsonld_graph(number, graph, self._iris) if graph.jsonld is not None else [_JsonldLater(number, graph)]
        return [[graph.nquads], [graph.trig], [graph.turtle], jsonld]

    def _send(self, pieces: list[list[Part | Later]]) -> None:
        """The next pieces of the whole files: to the process that writes them, or kept for the end."""
        if self._assembler is not None:
            self._assembler.add(pieces)
        else:
            for held, more in zip(self._held, pieces):
                for piece in more:
                    if isinstance(piece, Later):
                        held.extend(piece())
                    else:
                        held.append(piece)

    def _other_files(self) -> Files:
        """The writer of the other files, its threads started at first use (after the assembler forked)."""
        if self._files is None:
            self._files = Files(self._staging, previous=self.out)
        return self._files

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """A block whose OSError is an InputError naming the file and the reason."""
        try:
            yield
        except OSError as error:
            raise cannot_write(error, self.out, self._staging) from None

    def _close(self) -> None:
        if self._assembler is not None:
            self._assembler.stop()
        if self._files is not None:
            self._files.stop()
        if self._loader is not None:
            self._loader.stop()  # after a failure, before its folder goes (at once after wait)
        if self._staging is not None:
            remove(self._staging)  # the unfinished build, or after the swap the previous one
        self._assembler = self._files = self._loader = self._staging = None


@dataclass(frozen=True)
class _JsonldLater(Later):
    """The `number`th graph's pieces of kg.jsonld, its nodes made from its lines when they are written."""

    number: int
    graph: GraphText

    def __call__(self) -> list[Part]:
        return jsonld_graph(self.number, self.graph, JsonldNames())


def with_fragments(graph: GraphText, *, jsonld: bool = True) -> GraphText:
    """`graph` with its Turtle statements, TriG block and (unless not `jsonld`) JSON-LD nodes, made
    from its lines (checked) unless it has them.

    >>> line = b'<https://kg.example.org/person/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" <https://g> .\\n'
    >>> print(with_fragments(GraphText("https://g", "a", line)).turtle.decode(), end="")
    <https://kg.example.org/person/a> rdfs:label "A" .
    <BLANKLINE>
    """
    if graph.turtle is not None and graph.trig is not None and (graph.jsonld is not None or not jsonld):
        return graph
    statements = b"".join(turtle(graph_triples(graph))) if graph.turtle is None else part_bytes(graph.turtle)
    return dataclasses.replace(graph, turtle=statements, trig=graph.trig or trig_block(graph.iri, statements),
                               jsonld=graph.jsonld if graph.jsonld is not None or not jsonld else jsonld_fragment(graph))


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
    held = _by_subject(metadata.lines())  # one pass over the metadata's lines, in order
    lines = sorted({*new, *(line for subject in named for line in held.get(subject, ()))})
    rewritten = GraphText(metadata.iri, metadata.name, b"".join(lines))
    written = dict(zip(_subjects(lines), turtle(graph_triples(rewritten))))
    # Each subject's statements end with " .", then a blank line, which no literal holds (N-Quads and
    # so kg's Turtle write a line break in a literal as an escape).
    blocks = [block + b" .\n\n" for block in part_bytes(metadata.turtle).split(b" .\n\n")[:-1]]
    kept = dict(zip(held, blocks))
    # Sorted, the subjects are in the lines' order: each ends with ">", which no IRI holds.
    return b"".join(written[subject] if subject in written else kept[subject]
                    for subject in sorted(kept.keys() | written.keys()))


def _by_subject(lines: Iterable[bytes]) -> dict[bytes, list[bytes]]:
    """Sorted lines grouped by their subject, the subjects in the lines' order."""
    groups: dict[bytes, list[bytes]] = {}
    for line in lines:
        subject = line[:line.index(b"> ") + 1]  # quad_subject, inline: the description has thousands
        group = groups.get(subject)
        if group is None:
            groups[subject] = [line]
        else:
            group.append(line)
    return groups


def _subjects(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The subjects of sorted lines, each once, in order."""
    previous = None
    for line in lines:
        subject = quad_subject(line)
        if subject != previous:
            yield subject
            previous = subject


def _check_name(graph: GraphText, seen: set[str]) -> None:
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
