"""The write stage from canonical N-Quads: every file is kg.nq's quads, in a fixed order, in any hash seed.

Every file is the graphs in the order given, then the metadata graph: kg.nq their sorted lines one
graph after another; kg.ttl their statements, a triple once per graph that holds it; kg.trig and
kg.jsonld graph by graph; graphs/NAME.ttl and void.ttl one graph each; store/ an Oxigraph store
holding kg.nq's quads and, as its default graph, their triples, opened read-only from another
process, and updated from the previous build's store to the same quads as one loaded whole.
"""

from __future__ import annotations

import doctest
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from kg.resources import data_file
from kg.errors import InputError
from kg import vocab
from kg.vocab import GAF, NIF, RDF, RDFS, SCHEMA, SEM, new_graph
from kg.write import FILES, GraphText, graph_text, jsonld_context, open_store, write_dataset
from kg.write.nquads import part_bytes
from kg.write.turtle import turtle

BASE = "https://kg.example.org/"
OXIGRAPH = {"kg.nq": pyoxigraph.RdfFormat.N_QUADS, "kg.trig": pyoxigraph.RdfFormat.TRIG,
            "kg.jsonld": pyoxigraph.RdfFormat.JSON_LD, "kg.ttl": pyoxigraph.RdfFormat.TURTLE,
            "void.ttl": pyoxigraph.RdfFormat.TURTLE}
RDFLIB = {"kg.nq": "nquads", "kg.trig": "trig", "kg.jsonld": "json-ld"}
LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029\r\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def text_of(name: str, *triples) -> GraphText:
    """The canonical text of graph <BASE>graph/NAME holding `triples`."""
    graph = new_graph(iri(f"graph/{name}"))
    for triple in triples:
        graph.add(triple)
    return graph_text(graph, name)


def written(graphs: list[GraphText], metadata: GraphText, out: Path, **options) -> Path:
    write_dataset(graphs, metadata, data_file("ontology.ttl"), out, **options)
    return out


def oxigraph_quads(path: Path) -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=str(path), format=OXIGRAPH[path.name]))


def rdflib_quads(path: Path) -> set[tuple]:
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format=RDFLIB[path.name])
    return {quad for quad in dataset.quads() if quad[3] != dataset.default_graph.identifier}


@pytest.fixture(scope="module")
def two_articles(built_two_articles) -> tuple[list[GraphText], GraphText, Path]:
    """The seed and the second article (they share actors) as texts, and the dist/ the build wrote."""
    *graphs, metadata = built_two_articles.graphs
    texts = [graph_text(graph, str(graph.identifier).rsplit("/", 1)[-1]) for graph in graphs]
    return texts, graph_text(metadata, "metadata"), built_two_articles.out


# Canonical N-Quads


def test_graph_text_is_the_graph_as_sorted_unique_lines(built_seed):
    graph = built_seed.graphs[0]
    text = graph_text(graph, "seed")
    lines = text.nquads.decode("utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert len(lines) == len(graph)
    parsed = rdflib.Dataset()
    parsed.parse(data=text.nquads, format="nquads")
    assert set(parsed.graph(graph.identifier)) == set(graph)


def test_graph_text_refuses_a_blank_node():
    graph = new_graph(iri("graph/a"))
    graph.add((iri("person/a"), RDFS.seeAlso, rdflib.BNode()))
    with pytest.raises(ValueError, match="blank node"):
        graph_text(graph, "a")


def test_kg_nq_is_the_sorted_lines_of_each_graph_one_graph_after_another(two_articles):
    graphs, metadata, out = two_articles
    assert (out / "kg.nq").read_bytes() == b"".join(graph.nquads for graph in [*graphs, metadata])


def test_a_graph_whose_lines_are_not_sorted_is_refused_and_nothing_written(tmp_path: Path):
    good = text_of("a", (iri("person/a"), RDFS.label, Literal("A")), (iri("person/b"), RDFS.label, Literal("B")))
    shuffled = GraphText(good.iri, good.name, b"".join(reversed(good.nquads.splitlines(keepends=True))))
    with pytest.raises(ValueError, match="line 2 is not after the line before it"):
        write_dataset([shuffled], text_of("metadata"), data_file("ontology.ttl"), tmp_path / "dist")
    assert not (tmp_path / "dist").exists()
    assert not list(tmp_path.iterdir()), "the staging folder was not removed"


# Every file is kg.nq's quads


@pytest.mark.parametrize("name", ["kg.trig", "kg.jsonld", "kg.nq"])
def test_pyoxigraph_reads_each_dataset_file_to_the_quads_of_kg_nq(two_articles, name):
    out = two_articles[2]
    assert set(oxigraph_quads(out / name)) == set(oxigraph_quads(out / "kg.nq"))


@pytest.mark.parametrize("name", ["kg.trig", "kg.jsonld"])
def test_rdflib_reads_each_dataset_file_to_the_quads_of_kg_nq(two_articles, name):
    out = two_articles[2]
    assert rdflib_quads(out / name) == rdflib_quads(out / "kg.nq")


def test_kg_ttl_holds_each_triple_of_kg_nq_once_per_graph_that_holds_it(two_articles):
    out = two_articles[2]
    triples = [quad.triple for quad in oxigraph_quads(out / "kg.ttl")]
    wanted = {quad.triple for quad in oxigraph_quads(out / "kg.nq")}
    assert len(triples) == len(oxigraph_quads(out / "kg.nq")) > len(wanted), "a shared actor's triples per graph"
    assert set(triples) == wanted
    assert set(rdflib.Graph().parse(out / "kg.ttl", format="turtle")) == {q[:3] for q in rdflib_quads(out / "kg.nq")}


def test_each_graph_file_is_its_graph_and_void_ttl_holds_the_metadata_graph(two_articles):
    graphs, metadata, out = two_articles
    for graph, path in [*((g, out / "graphs" / f"{g.name}.ttl") for g in graphs), (metadata, out / "void.ttl")]:
        wanted = {quad.triple for quad in pyoxigraph.parse(graph.nquads, format=pyoxigraph.RdfFormat.N_QUADS)}
        found = {quad.triple for quad in pyoxigraph.parse(path=str(path))}
        rdflib_found = set(rdflib.Graph().parse(path, format="turtle"))
        rdflib_wanted = {(s, p, o) for s, p, o, _ in rdflib.Dataset().parse(data=graph.nquads, format="nquads").quads()}
        if path.name == "void.ttl":  # and the files' sizes and checksums (tests/test_describe.py)
            assert wanted < found and rdflib_wanted < rdflib_found
        else:
            assert (found, rdflib_found) == (wanted, rdflib_wanted), path.name


def test_turtle_has_kg_prefixes_and_each_subject_once_per_graph(two_articles):
    graphs, metadata, out = two_articles
    text = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "@prefix schema: <https://schema.org/> .\n" in text
    assert "\n    gaf:denotedBy <" in text
    starts = [block.split(" ", 1)[0] for block in text.split("\n\n")[1:] if block]
    subjects = [str(subject) for graph in [*graphs, metadata]
                for subject in {quad.subject for quad in pyoxigraph.parse(graph.nquads, format=pyoxigraph.RdfFormat.N_QUADS)}]
    assert len(starts) == len(subjects) > len(set(subjects)), "a shared actor once in each of its graphs"
    assert sorted(starts) == sorted(subjects)


def test_rdf_type_comes_first_and_objects_after_commas():
    person = f"<{BASE}person/a>".encode()
    triples = [(person, f"<{GAF.denotedBy}>".encode(), f"<{BASE}article/a#char=0,1>".encode()),
               (person, f"<{RDFS.label}>".encode(), b'"A"'),
               (person, f"<{RDF.type}>".encode(), f"<{SEM.Actor}>".encode()),
               (person, f"<{RDF.type}>".encode(), f"<{SCHEMA.Person}>".encode())]
    assert b"".join(turtle(sorted(triples))).decode() == (
        f"<{BASE}person/a> a sem:Actor,\n        schema:Person ;\n    rdfs:label \"A\" ;\n"
        f"    gaf:denotedBy <{BASE}article/a#char=0,1> .\n\n")


def test_jsonld_keeps_kg_context_and_short_keys(two_articles):
    document = json.loads((two_articles[2] / "kg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == jsonld_context()["@context"]
    nodes = {}
    stack = list(document["@graph"][0]["@graph"])  # the seed's graph, its trees walked
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and "id" in node:
            nodes.setdefault(node["id"], node)
            stack.extend(value for key, held in node.items() if key != "type"
                         for value in (held if isinstance(held, list) else [held]))
    hun_sen = nodes["https://kg.example.org/person/hun-sen"]
    assert hun_sen["label"] == "Hun Sen" and "sem:Actor" in hun_sen["type"]
    first = hun_sen["denotedBy"][0]
    mention = nodes[first if isinstance(first, str) else first["id"]]
    assert type(mention["beginIndex"]) is int and mention["referenceContext"].startswith(BASE)
    assert {value[:4] for node in nodes.values() for value in node.get("sameAs", [])} == {"wd:Q"}


def test_a_value_the_short_key_does_not_fit_is_a_value_object(tmp_path: Path):
    person = iri("person/a")
    offset = Literal(7, datatype=vocab.XSD.nonNegativeInteger)  # the short key says xsd:integer
    graph = text_of("a", (person, SCHEMA.sameAs, Literal("not an IRI")), (person, NIF.beginIndex, offset),
                    (person, GAF.denotedBy, iri("article/a#char=0,1")), (person, SCHEMA.name, Literal("A", lang="km")))
    out = written([graph], text_of("metadata"), tmp_path / "dist", store=False)
    node = json.loads((out / "kg.jsonld").read_text(encoding="utf-8"))["@graph"][0]["@graph"][0]
    assert node == {"id": str(person), "beginIndex": {"@value": "7", "type": "xsd:nonNegativeInteger"},
                    "denotedBy": [BASE + "article/a#char=0,1"], "name": {"@value": "A", "@language": "km"},
                    "sameAs": [{"@value": "not an IRI"}]}
    assert set(oxigraph_quads(out / "kg.jsonld")) == set(oxigraph_quads(out / "kg.nq"))


# Order and determinism


def test_graphs_are_written_in_the_order_given_then_the_metadata(tmp_path: Path):
    label = (iri("person/a"), RDFS.label, Literal("A"))
    out = written([text_of("b", label), text_of("a", label)], text_of("metadata", label), tmp_path / "dist")
    trig = (out / "kg.trig").read_text(encoding="utf-8")
    blocks = [line.split()[0] for line in trig.splitlines() if line.endswith(" {")]
    assert blocks == [f"<{BASE}graph/b>", f"<{BASE}graph/a>", f"<{BASE}graph/metadata>"]
    document = json.loads((out / "kg.jsonld").read_text(encoding="utf-8"))
    assert [graph["id"] for graph in document["@graph"]] == [BASE + "graph/b", BASE + "graph/a", BASE + "graph/metadata"]
    assert (out / "kg.ttl").read_text(encoding="utf-8").count('rdfs:label "A"') == 3  # once per graph
    nquads = [line.rsplit(" ", 2)[1] for line in (out / "kg.nq").read_text(encoding="utf-8").splitlines()]
    assert nquads == [f"<{BASE}graph/b>", f"<{BASE}graph/a>", f"<{BASE}graph/metadata>"]


WRITE_FROM_FILES = """
import sys
from pathlib import Path
from kg.resources import data_file
from kg.errors import InputError
from kg.write import GraphText, write_dataset
folder = Path(sys.argv[1])
graphs = [GraphText(path.read_text().split("\\n", 1)[0].rsplit(" ", 2)[1][1:-1], path.stem, path.read_bytes())
          for path in sorted(folder.glob("*.nq"))]
metadata = next(graph for graph in graphs if graph.name == "metadata")
write_dataset([graph for graph in graphs if graph is not metadata], metadata, data_file("ontology.ttl"), Path(sys.argv[2]))
"""


def test_the_same_texts_give_the_same_bytes_in_any_hash_seed(two_articles, tmp_path: Path):
    graphs, metadata, _ = two_articles
    for graph in [*graphs, metadata]:
        (tmp_path / f"{graph.name}.nq").write_bytes(graph.nquads)
    digests = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"dist-{seed}"
        done = subprocess.run([sys.executable, "-c", WRITE_FROM_FILES, str(tmp_path), str(out)],
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        digests.append({path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                        for path in sorted(out.rglob("*")) if path.is_file() and "store" not in path.parts})
    assert digests[0] == digests[1] == digests[2]
    assert len(digests[0]) == 12  # 7 files, 2 graph files, the marker, the lists of graphs and of files


# Any character in a literal


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=30, alphabet=st.characters(blacklist_categories=("Cs",))),
       language=st.sampled_from(["en", "km", "zh-Hant-TW"]),
       number=st.integers(min_value=-10**20, max_value=10**20))
def test_every_file_reads_back_to_kg_nq_whatever_a_literal_holds(text: str, language: str, number: int):
    person = iri("person/a")
    shared = (person, RDFS.label, Literal(text))
    first = text_of("a", shared, (person, SCHEMA.description, Literal(LINE_BREAKS + text, lang=language)),
                    (person, SCHEMA.text, Literal(text + "\\", datatype=vocab.XSD.token)))
    second = text_of("b", shared, (person, SCHEMA.position, Literal(number)),
                     (person, SCHEMA.disambiguatingDescription, Literal('"' + text + '"@en')))
    metadata = text_of("metadata", (iri("dataset"), RDFS.label, Literal(text)))
    with tempfile.TemporaryDirectory() as folder:
        out = written([first, second], metadata, Path(folder) / "dist", store=False)
        nquads = (out / "kg.nq").read_text(encoding="utf-8")
        assert len(nquads.splitlines()) == 7
        expected = set(oxigraph_quads(out / "kg.nq"))
        assert len(expected) == 7 and text in {quad.object.value for quad in expected}
        for name in ("kg.trig", "kg.jsonld"):
            assert set(oxigraph_quads(out / name)) == expected, name
            assert rdflib_quads(out / name) == rdflib_quads(out / "kg.nq"), name
        triples = [quad.triple for quad in oxigraph_quads(out / "kg.ttl")]
        assert len(triples) == 7 and set(triples) == {quad.triple for quad in expected}  # the label in each graph
        merged = rdflib.Graph().parse(out / "kg.ttl", format="turtle")
        assert set(merged) == {quad[:3] for quad in rdflib_quads(out / "kg.nq")}
        assert {q.triple for q in oxigraph_quads(out / "void.ttl")} == {q.triple for q in expected
                                                                        if q.graph_name.value.endswith("/metadata")}


# The store


def test_the_store_opens_read_only_in_another_process_and_counts_every_quad(two_articles):
    out = two_articles[2]
    quads = len((out / "kg.nq").read_bytes().splitlines())
    reader = open_store(out / "store")  # a reader here, and one in another process at the same time
    code = ("import sys, pyoxigraph\nstore = pyoxigraph.Store.read_only(sys.argv[1])\n"
            f"print(next(iter(store.query({COUNT!r})))['n'].value)")
    done = subprocess.run([sys.executable, "-c", code, str(out / "store")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == quads
    assert int(next(iter(reader.query(COUNT)))["n"].value) == quads


def test_the_store_holds_kg_nq_and_kg_ttl_as_its_default_graph(two_articles):
    """As Oxigraph holds them: a number by its value (xsd:nonNegativeInteger "7" is xsd:integer 7 in any store)."""
    out = two_articles[2]
    loaded = pyoxigraph.Store()
    loaded.load(path=str(out / "kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    loaded.load(path=str(out / "kg.ttl"), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.DefaultGraph())
    store = open_store(out / "store")
    assert set(store) == set(loaded)
    merged = {quad.triple for quad in oxigraph_quads(out / "kg.nq")}
    assert len(list(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))) == len(merged)


@pytest.mark.parametrize("size", [64, 1000, 10**6])
def test_the_store_loads_in_batches_of_whole_graphs(two_articles, tmp_path: Path, monkeypatch, size: int):
    from kg.write import store

    monkeypatch.setattr(store, "_QUADS_BATCH", size)  # smaller than a graph's lines, or than all of them
    graphs, metadata, built = two_articles
    assert store_contents(written(graphs, metadata, tmp_path / "dist") / "store") == store_contents(built / "store")


def test_a_whole_load_reports_its_steps_and_bytes_in_order_up_to_the_total(two_articles, tmp_path: Path, monkeypatch):
    from kg.write import store
    from kg.write.nquads import part_size

    monkeypatch.setattr(store, "_QUADS_BATCH", 1000)  # a report after each of many batches
    graphs, metadata, _ = two_articles
    reports: list[tuple[str, int, int]] = []
    loader = store.StoreLoader(tmp_path / "store", [*graphs, metadata], report=lambda *report: reports.append(report))
    loader.wait()
    total = 2 * sum(part_size(graph.nquads) for graph in [*graphs, metadata])
    assert {report[2] for report in reports} == {total}
    steps = [step for step, _, _ in reports]
    assert steps == sorted(steps, key=["graphs", "default graph", "compacting"].index)
    assert steps[0] == "graphs" and steps[-1] == "compacting" and "default graph" in steps
    done = [report[1] for report in reports]
    assert done[0] == 0 and done == sorted(done) and done[-1] == total
    assert done[steps.index("default graph") - 1] == total // 2  # the graphs, then the default graph
    assert len(reports) > 4


def test_the_default_graph_is_loaded_from_each_line_without_its_graph_name():
    """One replace where every line ends with the graph's name, as kg writes them; else each quad read."""
    from kg.write.store import _triples_of

    lines = (b'<https://kg.example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a <https://g> .\\n" <https://g> .\n'
             b'<https://kg.example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "b" <https://g> .\n')
    triples = (b'<https://kg.example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a <https://g> .\\n" .\n'
               b'<https://kg.example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n')
    assert _triples_of("https://g", lines) == triples
    other = lines + b'<https://kg.example.org/c> <http://www.w3.org/2000/01/rdf-schema#label> "c" <https://h> .\n'
    read = {quad.triple for quad in pyoxigraph.parse(_triples_of("https://g", other), format=pyoxigraph.RdfFormat.N_TRIPLES)}
    assert read == {quad.triple for quad in pyoxigraph.parse(other, format=pyoxigraph.RdfFormat.N_QUADS)}


def store_contents(folder: Path) -> tuple[set, set, set]:
    """The named graphs of a store, its quads in them, and its default graph's triples."""
    store = open_store(folder)
    default = {quad.triple for quad in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    named = {quad for quad in store if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)}
    return set(store.named_graphs()), named, default


def person(name: str, *triples) -> tuple:
    """An actor's triples: its type and label, then `triples` as (predicate, object) pairs."""
    subject = iri(f"person/{name}")
    return ((subject, RDF.type, SEM.Actor), (subject, RDFS.label, Literal(name.title())),
            *((subject, predicate, obj) for predicate, obj in triples))


def corpus(**articles) -> list[GraphText]:
    return [text_of(name, *triples) for name, triples in sorted(articles.items())]


def index(number: int) -> tuple:
    """A number the store keeps by its value: it gives `"2"^^xsd:nonNegativeInteger` back as 2."""
    return NIF.beginIndex, Literal(str(number), datatype=vocab.XSD.nonNegativeInteger)


ARTICLES = {name: (*person(name, index(number)), *person("shared"),
                   *(person("pair") if name in "gh" else ()))
            for number, name in enumerate("abcdefgh")}


@pytest.mark.parametrize(("change", "articles"), [
    ("one article changed", {**ARTICLES, "c": person("c", index(2), (SCHEMA.description, Literal("new", lang="en")))}),
    ("one removed", {name: triples for name, triples in ARTICLES.items() if name != "d"}),
    ("one added", {**ARTICLES, "i": person("i") + person("shared")}),
    ("a shared triple left one article, still in others", {**ARTICLES, "b": person("b")}),
    ("a shared actor left both its articles", {**ARTICLES, "g": person("g"), "h": person("h")}),
    ("nothing changed", ARTICLES),
])
@pytest.mark.parametrize("kept", ["read from the store", "from the N-Quads kept"])
def test_the_updated_store_holds_what_a_store_loaded_whole_holds(tmp_path: Path, monkeypatch, change, articles, kept):
    from kg.write import store

    metadata = text_of("metadata", (iri("dataset"), RDFS.label, Literal("kg")))
    before = corpus(**ARTICLES)
    out = written(before, metadata, tmp_path / "dist")
    whole = written(corpus(**articles), metadata, tmp_path / "whole")
    # The previous graphs' N-Quads by digest, as the cache keeps the description's.
    previous = {graph.sha256(): part_bytes(graph.nquads) for graph in before} if kept.startswith("from") else {}
    asked, calls = [], Counter()

    def counted(function):
        return lambda *args: calls.update([function.__name__]) or function(*args)

    with monkeypatch.context() as patched:
        patched.setattr(store.StoreLoader, "_load", lambda *args: pytest.fail("loaded whole, not updated"))
        patched.setattr(store, "_stored_lines", counted(store._stored_lines))
        patched.setattr(store, "_as_stored", counted(store._as_stored))
        written(corpus(**articles), metadata, out, kept=lambda digest: asked.append(digest) or previous.get(digest))
    assert store_contents(out / "store") == store_contents(whole / "store"), change
    touched = {name for name in ARTICLES if articles.get(name) != ARTICLES[name]}  # changed or gone
    assert sorted(asked) == sorted(graph.sha256() for graph in before if graph.name in touched)
    # The store's own lines are read only for the N-Quads (in memory), or else for each graph touched
    # (a graph new to it has none to read).
    assert calls["_stored_lines"] == calls["_as_stored"] + (0 if previous else len(touched))
    assert json.loads((out / ".kg-graphs.json").read_text()) == json.loads((whole / ".kg-graphs.json").read_text())


_TWO = (NIF.beginIndex, Literal("2", datatype=vocab.XSD.integer))  # index(2)'s quad in a store, another line


@pytest.mark.parametrize(("before", "after"), [((index(2), _TWO), (_TWO,)), ((index(2), _TWO), (index(2),)),
                                               ((_TWO,), (index(2), _TWO)), ((index(2),), (_TWO,))])
@pytest.mark.parametrize("kept", [True, False])
def test_a_quad_that_two_lines_give_stays_in_the_updated_store_while_either_does(tmp_path: Path, before, after, kept):
    metadata = text_of("metadata")
    old = corpus(**{**ARTICLES, "a": person("a", *before)})
    out = written(old, metadata, tmp_path / "dist")
    new = corpus(**{**ARTICLES, "a": person("a", *after)})
    whole = written(new, metadata, tmp_path / "whole")
    previous = {graph.sha256(): part_bytes(graph.nquads) for graph in old} if kept else {}
    written(new, metadata, out, kept=previous.get)
    assert store_contents(out / "store") == store_contents(whole / "store")


def test_the_store_is_loaded_whole_when_many_graphs_changed_or_its_list_is_missing(tmp_path: Path, monkeypatch):
    from kg.write import store

    metadata = text_of("metadata")
    out = written(corpus(**ARTICLES), metadata, tmp_path / "dist")
    changed = {**ARTICLES, "a": person("a"), "b": person("b"), "c": person("c")}
    whole = written(corpus(**changed), metadata, tmp_path / "whole")
    monkeypatch.setattr(store.StoreLoader, "_update", lambda *args: pytest.fail("updated, not loaded whole"))
    written(corpus(**changed), metadata, out)
    assert store_contents(out / "store") == store_contents(whole / "store")
    (out / ".kg-graphs.json").unlink()
    written(corpus(**ARTICLES), metadata, out)
    assert store_contents(out / "store") != store_contents(whole / "store")


def test_the_update_changes_no_file_of_the_previous_store(tmp_path: Path):
    metadata = text_of("metadata")
    out = written(corpus(**ARTICLES), metadata, tmp_path / "dist")
    before = store_contents(out / "store")
    linked = tmp_path / "linked"  # the previous store's files themselves, not copies
    shutil.copytree(out / "store", linked, copy_function=os.link)
    written(corpus(**{**ARTICLES, "a": person("a")}), metadata, out)
    assert store_contents(linked) == before != store_contents(out / "store")


def test_a_store_that_cannot_be_written_is_one_error_naming_it(tmp_path: Path, monkeypatch):
    def failing(path: str):
        raise OSError("IO error: While appending to file: bulk.sst: File too large")

    monkeypatch.setattr(pyoxigraph, "Store", failing)
    out = tmp_path / "dist"
    with pytest.raises(InputError) as raised:
        written([text_of("a", (iri("person/a"), RDFS.label, Literal("A")))], text_of("metadata"), out)
    assert str(raised.value) == (f"{out / 'store'}: --out: cannot write: IO error: While appending to file: bulk.sst: "
                                 "File too large; the output folder is left as it was")
    assert list(tmp_path.iterdir()) == []


def test_the_store_is_not_among_the_files_listed(two_articles, built_two_articles):
    assert (two_articles[2] / "store").is_dir()
    assert not [path for path in built_two_articles.files if "store" in path.parts]


def test_no_store_when_not_asked(tmp_path: Path):
    out = written([text_of("a", (iri("person/a"), RDFS.label, Literal("A")))], text_of("metadata"), tmp_path / "d",
                  store=False)
    assert not (out / "store").exists()


@pytest.mark.parametrize("name", ["kg.write", "kg.write.nquads", "kg.write.turtle", "kg.write.jsonld", "kg.write.store"])
def test_docstring_examples_of_the_write_modules_run(name):
    failed, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failed == 0


# The graph files the next build links rather than writes (kg.write.manifest)


def _described(out: Path, graphs: list[GraphText], metadata: GraphText) -> dict[str, tuple[int, str]]:
    """Write the dataset into `out`; the size and sha256 that write_dataset gave void.ttl of each file."""
    given = {}

    def describe_files(files):
        given.update(files)
        return ()

    write_dataset(graphs, metadata, data_file("ontology.ttl"), out, describe_files=describe_files)
    return given


def test_a_rebuild_links_the_files_of_unchanged_graphs_and_writes_the_changed_ones(tmp_path: Path):
    metadata = text_of("metadata")
    out = written(corpus(**ARTICLES), metadata, tmp_path / "dist")
    inodes = {path.name: path.stat().st_ino for path in (out / "graphs").iterdir()}
    changed = {**ARTICLES, "c": person("c", (SCHEMA.description, Literal("new", lang="en")))}
    given = _described(out, corpus(**changed), metadata)
    fresh = written(corpus(**changed), metadata, tmp_path / "fresh")
    for path in (out / "graphs").iterdir():
        assert (path.stat().st_ino == inodes[path.name]) == (path.name != "c.ttl"), path.name
        assert path.read_bytes() == (fresh / "graphs" / path.name).read_bytes()
        data = path.read_bytes()
        assert given[f"graphs/{path.name}"] == (len(data), hashlib.sha256(data).hexdigest())
    assert (out / FILES).read_bytes() == (fresh / FILES).read_bytes()


def test_a_graph_file_edited_since_the_last_build_is_written_again(tmp_path: Path):
    graphs, metadata = corpus(**ARTICLES), text_of("metadata")
    out = written(graphs, metadata, tmp_path / "dist")
    path = out / "graphs" / "a.ttl"
    right = path.read_bytes()
    path.write_bytes(right.replace(b'"A"', b'"Z"'))  # the same size
    later = (out / FILES).stat().st_mtime_ns + 10**9  # an edit seen past the list's time, whatever the clock's tick
    os.utime(path, ns=(later, later))
    given = _described(out, graphs, metadata)
    assert path.read_bytes() == right
    assert given["graphs/a.ttl"] == (len(right), hashlib.sha256(right).hexdigest())


def test_a_list_written_by_another_kg_or_naming_other_graphs_links_nothing(tmp_path: Path):
    graphs, metadata = corpus(**ARTICLES), text_of("metadata")
    out = written(graphs, metadata, tmp_path / "dist")
    listed = json.loads((out / FILES).read_text())
    inode = (out / "graphs" / "a.ttl").stat().st_ino
    for forged in ({**listed, "kg": "0" * 64},
                   {**listed, "files": {name: ["0" * 64, *entry[1:]] for name, entry in listed["files"].items()}}):
        (out / FILES).write_text(json.dumps(forged))
        os.utime(out / FILES, ns=(time.time_ns() + 10**9,) * 2)  # later than every file it lists
        written(graphs, metadata, out)
        assert (out / "graphs" / "a.ttl").stat().st_ino != inode
        inode = (out / "graphs" / "a.ttl").stat().st_ino


def test_void_statements_are_the_metadata_with_the_files_triples_written_whole():
    """void.ttl writes again only the subjects that the files' triples name, and takes the others'
    statements from the metadata's Turtle: the bytes are those of the whole graph written anew, with
    subjects whose IRIs begin with another's, a literal that looks like the end of a subject's
    statements, a subject both hold, and subjects of either alone."""
    from kg.write.dataset import _void_statements, with_fragments
    from kg.write.nquads import graph_triples

    file = iri("dataset/file/graphs/a.ttl")
    held = [(iri("dataset"), RDFS.label, Literal("kg")), (file, RDFS.label, Literal("a")),
            (iri("dataset/file/graphs/a.ttl/x"), RDFS.label, Literal("x . \n\n y")),
            (iri("dataset/file/graphs/a.ttlz"), RDFS.label, Literal("z")), (iri("zz"), RDF.type, SCHEMA.Thing)]
    added = [(file, vocab.DCAT.byteSize, Literal(7)), (URIRef(f"{file}/sha256"), RDF.type, vocab.SPDX.Checksum),
             (iri("dataset/file/b"), vocab.DCAT.byteSize, Literal(1)), (iri("zz"), RDFS.label, Literal("zz"))]
    whole = b"".join(turtle(graph_triples(text_of("metadata", *held, *added))))
    assert _void_statements(with_fragments(text_of("metadata", *held)), added) == whole
    assert _void_statements(with_fragments(text_of("metadata", *held)), []) == b"".join(
        turtle(graph_triples(text_of("metadata", *held))))
