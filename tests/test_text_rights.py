"""The article's text is its publisher's: kg publishes its digest, length and the mentions by default,
and the text itself only with --with-text, in a graph of its own under the publisher's rights."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from conftest import SEEDS
from kg.build import build
from kg.engine.article import ArticleJob, run_article
from kg.resources import shipped_dir
from kg import vocab  # closed namespaces by module: pytest's collection would probe them
from kg.vocab import NIF, SCHEMA, SPDX

ID = "000_ce469ea1af2cc5a4"
BASE = "https://kg.example.org/"
CONTEXT = URIRef(f"{BASE}article/{ID}#char=0,2852")
TEXT_GRAPH = URIRef(f"{BASE}graph/{ID}/text")
TEXT = (SEEDS / f"{ID}.txt").read_text(encoding="utf-8")


def quads(out: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(out / "kg.nq", format="nquads")
    return dataset


def test_by_default_no_file_holds_the_text_but_its_digest_length_and_mentions(built_seed):
    data = quads(built_seed.out)
    # The mentions' anchors quote the text, a phrase or a sentence each; nothing more of it is there.
    longest = max(len(o) for o in data.objects(None, None) if isinstance(o, Literal))
    assert 100 < longest < 300
    assert list(data.quads((None, NIF.isString, None, None))) == []
    checksum = data.value(CONTEXT, SPDX.checksum)
    assert str(data.value(checksum, SPDX.checksumValue)) == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert data.value(CONTEXT, NIF.endIndex).toPython() == len(TEXT)
    assert len(set(data.subjects(NIF.referenceContext, CONTEXT))) > 100
    assert not (built_seed.out / "texts").exists()


def test_with_text_the_text_is_a_graph_of_its_own_under_the_publishers_rights(built_seed_with_text):
    data = quads(built_seed_with_text.out)
    [(_, _, text, graph)] = data.quads((CONTEXT, NIF.isString, None, None))
    assert (text, graph) == (Literal(TEXT), TEXT_GRAPH)
    text_graph = data.graph(TEXT_GRAPH)
    assert text_graph.value(CONTEXT, vocab.DCTERMS.rightsHolder) == URIRef(BASE + "organization/bloomberg-lp")
    assert str(text_graph.value(CONTEXT, vocab.DCTERMS.rights)).startswith("©2022 Bloomberg L.P. ")
    assert (CONTEXT, vocab.DCTERMS.license, None) not in text_graph
    assert (built_seed_with_text.out / "texts" / f"{ID}.ttl").is_file()
    # The copyright notice stays in the article graph: it is what the article says, an anchor.
    assert data.value(URIRef(f"{BASE}article/{ID}"), SCHEMA.copyrightNotice) == Literal("©2022 Bloomberg L.P.")


def test_the_cache_keeps_a_build_with_text_apart_from_one_without(tmp_path: Path):
    cache = tmp_path / "cache"
    plain = build(SEEDS, tmp_path / "plain", cache=cache, workers=1)
    with_text = build(SEEDS, tmp_path / "with-text", cache=cache, workers=1, with_text=True)
    again = build(SEEDS, tmp_path / "again", cache=cache, workers=1)
    assert (plain.built, with_text.built, again.built) == (1, 1, 1)
    assert (tmp_path / "with-text" / "texts" / f"{ID}.ttl").is_file()
    assert (tmp_path / "again" / "kg.nq").read_bytes() == (tmp_path / "plain" / "kg.nq").read_bytes()
    assert build(SEEDS, tmp_path / "cached", cache=cache, workers=1).built == 0


def test_the_shapes_see_the_full_text_when_the_text_is_not_published(tmp_path: Path):
    """An article is checked with its text even when its text stays out of the files: a shape that
    reads nif:isString reports on a build without --with-text."""
    shapes = tmp_path / "shapes"
    shutil.copytree(shipped_dir("shapes"), shapes)
    (shapes / "short.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .\n"
        "<urn:x:ShortText> a sh:NodeShape ; sh:targetClass nif:Context ; sh:message \"too long\" ;\n"
        "    sh:property [ sh:path nif:isString ; sh:minCount 1 ; sh:maxLength 100 ; sh:message \"too long\" ] .\n",
        encoding="utf-8")
    result = run_article(ArticleJob(str(SEEDS / f"{ID}.yaml"), BASE, str(shapes), with_text=False))
    assert result.text is None
    assert [(f.component, f.path) for f in result.violations] == [("sh:MaxLengthConstraintComponent", "nif:isString")]


def test_the_text_digest_is_typed_hex_binary(built_seed):
    checksum = quads(built_seed.out).value(URIRef(f"{BASE}article/{ID}/text-sha256"), SPDX.checksumValue)
    assert checksum.datatype == vocab.XSD.hexBinary
