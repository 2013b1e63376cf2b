"""kg site: a page, a Turtle and a JSON-LD file for every resource; valid HTML with relative links;
the article page marks exactly the mentions of its graph, with or without the full text."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pyoxigraph as ox
import pytest

from conftest import SEEDS
from kg.errors import InputError
from kg.site import connections as connections_module
from kg.site.build import MARKER, build_site, site_is_current
from sitefixtures import build_with_text, dist_with_text_elsewhere, hostile_seeds

ARTICLE = "https://kg.example.org/article/000_ce469ea1af2cc5a4"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
GAF = "http://groundedannotationframework.org/gaf#"


@pytest.fixture(scope="session")
def textless_site(built_seed_with_text, tmp_path_factory) -> Path:
    dist = dist_with_text_elsewhere(built_seed_with_text.out, tmp_path_factory.mktemp("textless") / "dist", keep_text=False)
    return build_site(dist, dist / "site", workers=1).out


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    result = build_with_text(hostile_seeds(folder / "seeds"), folder / "dist")
    return build_site(result.out, result.out / "site", workers=1).out


def mentions_in_graph(dist: Path, article: str = ARTICLE) -> dict[tuple[int, int], str]:
    """Every mention (nif:Phrase) of the article's text in kg.nq: offsets -> words."""
    store = ox.Store()
    store.load(path=str(dist / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    found = {}
    for solution in store.query(
            f"SELECT ?b ?e ?a WHERE {{ GRAPH ?g {{ ?m a <{NIF}Phrase> ; <{NIF}beginIndex> ?b ; <{NIF}endIndex> ?e ; "
            f"<{NIF}anchorOf> ?a ; <{NIF}referenceContext>/<{NIF}sourceUrl> <{article}> }} }}"):
        found[(int(solution["b"].value), int(solution["e"].value))] = solution["a"].value
    return found


def denoted(dist: Path, resource: str) -> set[tuple[int, int]]:
    """The offsets of the mentions that denote `resource` (gaf:denotedBy) in kg.nq."""
    found = set()
    for line in (dist / "kg.nq").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"<{resource}> <{GAF}denotedBy> "):
            begin, end = re.search(r"#char=(\d+),(\d+)>", line).groups()
            found.add((int(begin), int(end)))
    return found


def parse_html(path: Path):
    """The page parsed by html5lib's strict parser: any parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def marks(tree) -> dict[tuple[int, int], str]:
    """The mentions marked in a page: offsets -> the words of all their elements, in order."""
    words: dict[tuple[int, int], list[str]] = defaultdict(list)
    for element in tree.iter():
        char = element.get("data-char")
        if char is not None:
            begin, end = map(int, char.split(","))
            words[(begin, end)].append("".join(element.itertext()))
    return {key: "".join(parts) for key, parts in words.items()}


def test_every_resource_has_a_page_a_turtle_and_a_jsonld(seed_site, built_seed_with_text):
    store = ox.Store.read_only(str(built_seed_with_text.out / "store"))
    subjects = {quad.subject.value for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                if quad.subject.value.startswith("https://kg.example.org/") and "#" not in quad.subject.value}
    for iri in subjects:
        path = iri[len("https://kg.example.org/"):]
        if path.endswith("/"):
            files = [f"{path}index.html", f"{path}index.ttl", f"{path}index.jsonld"]
        else:
            files = [f"{path}/index.html", f"{path}.ttl", f"{path}.jsonld"]
        for name in files:
            assert (seed_site / name).is_file(), f"{iri}: {name} is missing"


def test_every_page_is_valid_html(seed_site):
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) > 150
    for page in pages:
        try:
            parse_html(page)
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{page.relative_to(seed_site)}: {error}")


def test_every_description_holds_only_triples_of_the_dataset(seed_site, built_seed_with_text):
    # Parsed, not loaded into a store, which would keep "7"^^xsd:nonNegativeInteger as 7.
    known = {(q.subject, q.predicate, q.object)
             for q in ox.parse(path=str(built_seed_with_text.out / "kg.nq"), format=ox.RdfFormat.N_QUADS)}
    for turtle in sorted(p for p in seed_site.rglob("*.ttl") if p.is_file()):
        if turtle.name == "index.ttl" and turtle.parent == seed_site:
            continue  # the VoID description, void.ttl
        triples = list(ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE))
        assert triples, turtle
        extra = [t for t in triples if (t.subject, t.predicate, t.object) not in known]
        assert not extra, f"{turtle.relative_to(seed_site)}: {extra[:3]}"
        jsonld = turtle.with_suffix(".jsonld")
        from_jsonld = set(ox.parse(path=str(jsonld), format=ox.RdfFormat.JSON_LD))
        assert from_jsonld == set(triples), jsonld.relative_to(seed_site)


def test_the_article_describes_its_mentions_with_their_offsets(seed_site):
    triples = ox.parse(path=str(seed_site / "article" / "000_ce469ea1af2cc5a4.ttl"), format=ox.RdfFormat.TURTLE)
    begins = {t.object.value for t in triples
              if t.subject.value == f"{ARTICLE}#char=40,47" and t.predicate.value == f"{NIF}beginIndex"}
    assert begins == {"40"}  # with its datatype as kg.nq has it: test_every_description_holds_only_...


def test_links_are_relative_and_every_one_resolves(seed_site):
    """From a file:// folder: every link and source is a file of the site, every fragment an id in it."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {e.get("id") for e in parse_html(page).iter() if e.get("id")}
        return ids[page]

    for page in sorted(seed_site.rglob("*.html")):
        if page.name == "404.html":
            continue
        for element in parse_html(page).iter():
            for attribute in ("href", "src"):
                link = element.get(attribute)
                if link is None:
                    continue
                parts = urlsplit(link)
                if parts.scheme:
                    # Out of the site: a vocabulary's term, a Wikidata item; never the site itself.
                    assert parts.scheme in ("http", "https") and parts.netloc != "kg.example.org", (page, link)
                    continue
                assert not link.startswith("/"), f"{page}: {link} is not relative"
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                assert target.is_file(), f"{page.relative_to(seed_site)}: {link} does not resolve"
                if parts.fragment and target.suffix == ".html":
                    assert unquote(parts.fragment) in ids_of(target), f"{page}: {link}: no such id"


def test_the_article_page_marks_exactly_the_mentions_of_the_graph(seed_site, built_seed_with_text):
    tree = parse_html(seed_site / "article" / "000_ce469ea1af2cc5a4" / "index.html")
    expected = mentions_in_graph(built_seed_with_text.out)
    assert len(expected) > 100
    assert marks(tree) == expected
    text = next(e for e in tree.iter() if e.get("class") == "text")
    assert "".join(text.itertext()) == (SEEDS / "000_ce469ea1af2cc5a4.txt").read_text(encoding="utf-8")


def test_without_the_text_the_article_page_lists_the_anchors_in_text_order(textless_site, built_seed_with_text):
    page = textless_site / "article" / "000_ce469ea1af2cc5a4" / "index.html"
    tree = parse_html(page)
    expected = mentions_in_graph(built_seed_with_text.out)
    assert marks(tree) == expected
    order = [tuple(map(int, e.get("data-char").split(","))) for e in tree.iter() if e.get("data-char")]
    assert order == sorted(expected, key=lambda key: (key[0], -key[1]))
    html = page.read_text(encoding="utf-8")
    assert "The full text is the publisher’s" in html
    assert not any(e.get("class") == "text" for e in tree.iter())
    assert "becoming the first foreign leader to visit the country since the junta" not in html.split("<ol")[0]


def test_with_the_text_in_a_graph_of_its_own_the_article_page_shows_it(built_seed_with_text, tmp_path):
    dist = dist_with_text_elsewhere(built_seed_with_text.out, tmp_path / "dist", keep_text=True)
    assert "isString" not in (dist / "graphs" / "000_ce469ea1af2cc5a4.ttl").read_text(encoding="utf-8")
    site = build_site(dist, dist / "site", workers=1).out
    tree = parse_html(site / "article" / "000_ce469ea1af2cc5a4" / "index.html")
    assert marks(tree) == mentions_in_graph(built_seed_with_text.out)
    text = next(e for e in tree.iter() if e.get("class") == "text")
    assert "".join(text.itertext()) == (SEEDS / "000_ce469ea1af2cc5a4.txt").read_text(encoding="utf-8")
    assert "isString" in (site / "article" / "000_ce469ea1af2cc5a4.ttl").read_text(encoding="utf-8")


def test_an_actor_page_shows_posts_events_and_statements_with_their_evidence(seed_site):
    html = (seed_site / "person" / "hun-sen" / "index.html").read_text(encoding="utf-8")
    assert "Prime Minister of Cambodia" in html
    assert "Hun Sen&#39;s visit to Myanmar" in html or "Hun Sen's visit to Myanmar" in html
    assert "visitor" in html and "on Friday" in html and "2022-01-07" in html
    assert "Hun Sen has said the Myanmar regime has the right to attend Asean meetings" in html
    assert "../../article/000_ce469ea1af2cc5a4/index.html#char=40,47" in html


def test_an_event_page_gives_its_time_as_written_and_normalised(seed_site):
    html = (seed_site / "event" / "000_ce469ea1af2cc5a4" / "myanmar-coup" / "index.html").read_text(encoding="utf-8")
    assert "nearly a year ago" in html and "hedged" in html
    planned = (seed_site / "event" / "000_ce469ea1af2cc5a4" / "hun-sen-visit" / "index.html").read_text(
        encoding="utf-8")
    assert "planned or scheduled" in planned and "precision: a day" in planned


def test_the_connections_picture_is_drawn_without_dot(monkeypatch, built_seed_with_text, tmp_path):
    monkeypatch.setattr(connections_module, "dot_program", lambda: None)
    result = build_site(built_seed_with_text.out, tmp_path / "site", workers=1)
    assert result.layout == "python"
    index = parse_html(result.out / "index.html")
    svg = [e for e in index.iter() if e.tag.endswith("svg") and "connections" in (e.get("class") or "")]
    assert len(svg) == 1
    assert len([e for e in svg[0].iter() if e.tag.endswith("rect")]) > 20


def test_the_connections_picture_is_laid_out_by_dot_where_it_is_installed(seed_site):
    if connections_module.dot_program() is None:
        import os

        if os.environ.get("KG_REQUIRE_STORES") == "1":
            pytest.fail("KG_REQUIRE_STORES=1 but graphviz's dot is not installed")
        pytest.skip("graphviz's dot is not installed")
    assert "laid out by dot" in (seed_site / "index.html").read_text(encoding="utf-8")


def test_hostile_text_and_labels_reach_the_pages_only_as_text(hostile_site):
    for page in sorted(hostile_site.rglob("*.html")):
        tree = parse_html(page)
        scripts = [e for e in tree.iter() if e.tag == "script"]
        assert [e.get("src") for e in scripts] == [e.get("src") for e in scripts if e.get("src", "").endswith(
            "_kg/site.js")] and len(scripts) == 1, page
        for element in tree.iter():
            assert element.tag != "img" or element.get("src") != "x", page
            for name, value in element.attrib.items():
                assert not name.startswith("on"), (page, name)
                if name in ("href", "src"):
                    assert not value.strip().lower().startswith("javascript:"), (page, value)
    article = next(hostile_site.glob("article/*/index.html")).read_text(encoding="utf-8")
    assert "{{ 7*7 }} {% raw %}" in article  # as written, not a template
    assert "&lt;script&gt;" in article


def test_kg_site_replaces_only_a_site_it_wrote(built_seed_with_text, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not a site kg wrote"):
        build_site(built_seed_with_text.out, other, workers=1)
    assert (other / "keep.txt").read_text() == "mine"
    with pytest.raises(InputError, match="the dataset"):
        build_site(built_seed_with_text.out, built_seed_with_text.out.parent, workers=1)


def test_a_site_knows_whether_it_is_current(built_seed_with_text, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(built_seed_with_text.out, dist)
    site = build_site(dist, dist / "site", workers=1).out
    assert (site / MARKER).is_file()
    assert site_is_current(site, dist)
    graphs = dist / ".kg-graphs.json"
    graphs.write_text(graphs.read_text() + " ")
    assert not site_is_current(site, dist)


def test_kg_build_site_writes_the_site_beside_the_dataset(run_kg, tmp_path):
    result = run_kg("build", "--seeds", str(SEEDS), "--out", str(tmp_path / "dist"), "-q", "--site")
    assert result.exit_code == 0, result.output
    assert "pages/s" in result.stdout
    assert (tmp_path / "dist" / "site" / "person" / "hun-sen" / "index.html").is_file()


def test_kg_site_on_a_missing_dataset_is_one_error_line(run_kg, tmp_path):
    result = run_kg("site", "--dist", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "run `kg build`" in result.stderr and "Traceback" not in result.output
