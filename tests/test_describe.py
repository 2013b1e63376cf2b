"""void.ttl against the files on disk: every file kg writes is listed, with its size, sha256, download
URL under the base IRI and licence or rights, and every count says which graphs it counts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg import vocab  # closed namespaces by module: pytest's collection would probe them
from kg.vocab import SCHEMA, SPDX

BASE = "https://kg.example.org/"
DATASET = URIRef(BASE + "dataset")
METADATA = URIRef(BASE + "graph/metadata")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
# kg's own working files, not the dataset's: the marker, the store and its list of graphs (RocksDB
# writes the store with ids and times of its own, so its bytes differ from build to build).
NOT_PUBLISHED = {".kg-dist", ".kg-graphs.json", ".kg-files.json"}


@pytest.fixture(params=["default", "with-text"])
def built(request, built_seed, built_seed_with_text):
    return built_seed if request.param == "default" else built_seed_with_text


def written_files(out: Path) -> dict[str, Path]:
    """Every file kg wrote into `out`, by its path there, without the store and kg's working files."""
    return {path.relative_to(out).as_posix(): path for path in sorted(out.rglob("*"))
            if path.is_file() and path.name not in NOT_PUBLISHED and "store" not in path.relative_to(out).parts}


def void(out: Path) -> Graph:
    return Graph().parse(out / "void.ttl", format="turtle")


def described_files(graph: Graph) -> dict[str, URIRef]:
    return {str(graph.value(d, vocab.DCTERMS.title)): d for d in graph.subjects(vocab.RDF.type, vocab.DCAT.Distribution)}


def test_every_file_kg_writes_is_described_and_nothing_else(built):
    assert set(described_files(void(built.out))) == set(written_files(built.out))


def test_each_file_has_its_size_and_sha256_as_on_disk_but_void_ttl_itself(built):
    graph = void(built.out)
    for path, distribution in described_files(graph).items():
        if path == "void.ttl":  # a file cannot hold its own checksum
            assert (graph.value(distribution, vocab.DCAT.byteSize), graph.value(distribution, SPDX.checksum)) == (None, None)
            continue
        data = (built.out / path).read_bytes()
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(distribution, vocab.DCAT.byteSize) == Literal(len(data), datatype=vocab.XSD.integer), path
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256, path
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), path


def test_each_file_is_downloaded_under_the_base_iri_and_the_rdf_ones_are_dumps(built):
    graph = void(built.out)
    files = described_files(graph)
    for path, distribution in files.items():
        assert graph.value(distribution, vocab.DCAT.downloadURL) == URIRef(f"{BASE}dist/{path}"), path
    dumps = {str(url).removeprefix(BASE + "dist/") for url in graph.objects(None, vocab.VOID.dataDump)}
    assert dumps == set(files) - {"context.jsonld", "ontology.ttl"}
    assert {str(url).removeprefix(BASE + "dist/") for url in graph.objects(DATASET, vocab.VOID.dataDump)} == {
        "kg.ttl", "kg.trig", "kg.nq", "kg.jsonld"}


def test_the_counts_say_which_graphs_they_count(built):
    dataset = Dataset()
    dataset.parse(built.out / "kg.nq", format="nquads")
    graph = void(built.out)
    sizes = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    articles = [str(s) for s in graph.objects(DATASET, vocab.VOID.subset)]
    assert graph.value(DATASET, vocab.VOID.triples).toPython() == sum(sizes[a] for a in articles)
    for name, size in sizes.items():  # each graph, the metadata graph too, counts itself
        assert graph.value(URIRef(name), vocab.VOID.triples).toPython() == size, name
    assert graph.value(METADATA, vocab.FOAF.primaryTopic) == DATASET
    assert "count the article graphs" in str(graph.value(DATASET, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))


def test_kg_s_statements_are_licensed_and_the_publishers_text_is_not(built):
    graph = void(built.out)
    files = described_files(graph)
    texts = {path for path in files if path.startswith("texts/")}
    assert bool(texts) == (built.out / "texts").is_dir()
    assert graph.value(DATASET, vocab.DCTERMS.license) == CC_BY
    for path, distribution in files.items():
        holds_text = path.startswith("texts/") or (texts and path in ("kg.ttl", "kg.trig", "kg.nq", "kg.jsonld"))
        licence = graph.value(distribution, vocab.DCTERMS.license)
        assert licence == (None if holds_text else CC_BY), path
        assert (graph.value(distribution, vocab.DCTERMS.rights) is not None) == bool(holds_text), path
    for text in graph.subjects(vocab.RDF.type, SCHEMA.Dataset):
        assert graph.value(text, vocab.DCTERMS.license) is None
        assert graph.value(text, SCHEMA.copyrightHolder) == URIRef(BASE + "organization/bloomberg-lp")
        assert str(graph.value(text, vocab.DCTERMS.rights)).startswith("©2022 Bloomberg L.P. ")


def test_the_licence_of_kg_s_statements_is_the_one_given(tmp_path: Path):
    from conftest import SEEDS
    from kg.build import build

    licence = "https://opendatacommons.org/licenses/by/1-0/"
    built = build(SEEDS, tmp_path / "dist", cache=False, workers=1, license=licence)
    graph = void(built.out)
    assert graph.value(DATASET, vocab.DCTERMS.license) == URIRef(licence)
    assert set(graph.objects(None, vocab.DCTERMS.license)) == {URIRef(licence)}


def test_a_licence_that_is_not_an_iri_is_one_error_line_and_exit_2(run_kg, tmp_path: Path):
    from conftest import SEEDS

    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(tmp_path / "dist"), "--license", "CC BY 4.0")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --license: the licence 'CC BY 4.0' is not an absolute http(s) IRI, such as "
        "https://creativecommons.org/licenses/by/4.0/"]
    assert not (tmp_path / "dist").exists()
