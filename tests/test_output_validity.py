"""Every file kg writes is valid RDF whatever the article text or a record's labels hold.

N-Triples lets a literal carry a form feed or U+2028 raw, but many readers (Python's
str.splitlines among them) end a line there: kg writes them escaped, so a label cannot put a quad
of its own on a line. The named graphs are written in one order whatever the hash seed, and a base
IRI that would make invalid files is refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from conftest import SEEDS, seeds_with_second_article
from kg.build import build
from kg.resources import data_file
from kg.vocab import RDFS, SCHEMA, merged, new_graph
from kg.write import write_outputs

FORMATS = {
    "kg.nq": ("nquads", pyoxigraph.RdfFormat.N_QUADS),
    "kg.trig": ("trig", pyoxigraph.RdfFormat.TRIG),
    "kg.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    "kg.jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    "void.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
}

# Characters that end a line for some reader, and a quad an attacker would like to add.
LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029\r"
INJECTED = "x\v<https://evil.example/s> <https://evil.example/p> <https://evil.example/o> <https://evil.example/g> .\vy"


def _parsed(path: Path) -> tuple[int, int]:
    """The number of quads in `path` as pyoxigraph and as rdflib read it."""
    rdflib_format, oxigraph_format = FORMATS[path.name]
    oxigraph_count = len(list(pyoxigraph.parse(path=str(path), format=oxigraph_format)))
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format=rdflib_format)
    return oxigraph_count, len(dataset)


def _literals(path: Path) -> set[str]:
    rdflib_format, oxigraph_format = FORMATS[path.name]
    return {quad.object.value for quad in pyoxigraph.parse(path=str(path), format=oxigraph_format)
            if isinstance(quad.object, pyoxigraph.Literal)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40, alphabet=st.characters(blacklist_categories=("Cs",))))
def test_every_output_file_parses_to_the_same_literal_whatever_it_holds(text: str):
    graph = new_graph(URIRef("https://kg.example.org/graph/a"))
    subject = URIRef("https://kg.example.org/person/a")
    graph.add((subject, RDFS.label, Literal(text)))
    graph.add((subject, SCHEMA.description, Literal(LINE_BREAKS + text, lang="en")))
    metadata = new_graph(URIRef("https://kg.example.org/graph/metadata"))
    metadata.add((URIRef("https://kg.example.org/dataset"), RDFS.label, Literal(text)))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "dist"
        write_outputs([graph], metadata, merged([graph, metadata]), data_file("ontology.ttl"), out)
        for name in FORMATS:
            expected = 1 if name == "void.ttl" else 3
            assert _parsed(out / name) == (expected, expected), name
            assert text in _literals(out / name), name
        nquads = (out / "kg.nq").read_text(encoding="utf-8")
        assert len(nquads.splitlines()) == 3


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The seed with line breaks of every kind in its text and a label that tries to add a quad."""
    folder = tmp_path_factory.mktemp("hostile")
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    text = seeds / "000_ce469ea1af2cc5a4.txt"
    text.write_bytes(text.read_bytes() + ("\n\n" + INJECTED + LINE_BREAKS + "\x01\x7f\ufffe end\n").encode())
    record = seeds / "000_ce469ea1af2cc5a4.yaml"
    source = record.read_text(encoding="utf-8")
    plain = "    description: Prime Minister of Cambodia.\n"
    assert plain in source
    # YAML's escapes give a label any character while the record itself stays printable.
    escaped = INJECTED.replace("\v", "\\v")
    record.write_text(source.replace(plain, f'    description: "{escaped}\\f\\u2028\\x1c"\n'), encoding="utf-8")
    return build(seeds, folder / "dist")


def test_a_label_or_text_with_line_breaks_adds_no_quad_in_any_file(hostile_build):
    for name in ("kg.nq", "kg.trig", "kg.ttl", "kg.jsonld"):
        path = hostile_build.out / name
        assert _parsed(path) == (hostile_build.triples, hostile_build.triples), name
        quads = list(pyoxigraph.parse(path=str(path), format=FORMATS[name][1]))
        assert not [quad for quad in quads if "evil.example" in str(quad.subject)], name


def test_every_file_keeps_the_label_and_the_text_exactly(hostile_build):
    label = INJECTED + "\f\u2028\x1c"
    for name in ("kg.nq", "kg.trig", "kg.ttl", "kg.jsonld"):
        assert label in _literals(hostile_build.out / name), name


def test_each_line_of_kg_nq_is_one_quad_for_any_line_splitter(hostile_build):
    nquads = (hostile_build.out / "kg.nq").read_text(encoding="utf-8")
    assert len(nquads.splitlines()) == hostile_build.triples
    assert all(line.endswith(" .") for line in nquads.splitlines())


def test_the_files_are_the_same_bytes_for_eight_hash_seeds(tmp_path: Path):
    seeds = seeds_with_second_article(tmp_path / "seeds")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    runs = {}
    for seed in ("0", "1", "2", "3", "7", "42", "1000", "4242"):
        out = tmp_path / f"dist-{seed}"
        runs[seed] = (out, subprocess.Popen(
            [sys.executable, "-m", "kg", "build", "--seeds", str(seeds), "--out", str(out)],
            env={**env, "PYTHONHASHSEED": seed}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
        ))
    digests = {}
    for seed, (out, process) in runs.items():
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr.decode()
        # store/ is RocksDB's, with ids and times of its own: tests/test_write.py checks what it holds.
        digests[seed] = {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                         for path in sorted(out.rglob("*")) if path.is_file() and not path.is_relative_to(out / "store")}
    assert len({str(sorted(files.items())) for files in digests.values()}) == 1


def test_named_graphs_are_written_articles_first_in_name_order_then_the_metadata(built_two_articles):
    trig = (built_two_articles.out / "kg.trig").read_text(encoding="utf-8")
    graphs = [line.split()[0] for line in trig.splitlines() if line.endswith(" {")]
    assert graphs == [
        "<https://kg.example.org/graph/000_ce469ea1af2cc5a4>",
        "<https://kg.example.org/graph/mekong_wire_2022_03_10>",
        "<https://kg.example.org/graph/metadata>",
    ]


@pytest.mark.parametrize(
    ("base", "shown"),
    [
        ("https://kg.example.org/a b/", "' ' (U+0020)"),
        ("https://kg.example.org/\x01/", "'\\x01' (U+0001)"),
        ("https://kg.example.org/\x7f/", "'\\x7f' (U+007F)"),
        ("https://kg.example.org/\u2028/", "'\\u2028' (U+2028)"),
        ("https://kg.example.org/\t/", "'\\t' (U+0009)"),
        ("https://kg.example.org/<a>/", "'<' (U+003C)"),
    ],
)
def test_a_base_iri_with_a_character_no_iri_can_hold_is_refused(run_kg, tmp_path: Path, base: str, shown: str):
    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(tmp_path / "dist"), "--base", base)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"Error: --base: the base IRI {base!r} holds {shown}, which an IRI cannot hold"]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("base", ["https:///", "ftp://kg.example.org/", "kg.example.org/", "https://kg.example.org/%zz/",
                                  "https://[::1/", "https://kg.example.org/a"])
def test_a_base_iri_that_is_not_an_http_iri_ending_in_a_slash_is_refused(run_kg, tmp_path: Path, base: str):
    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(tmp_path / "dist"), "--base", base)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: --base: the base IRI {base!r} ")
    assert len(result.stderr.splitlines()) == 1
