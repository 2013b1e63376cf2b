"""The site in a real browser: Debian's Chromium driven by Playwright, against kg serve.

Every page opens with no console error; a crawl from the index finds no 404, and every fragment it
follows (a mention's place in its article) is an element of the page; the article page marks
exactly the mentions of the graph, at their offsets; selecting an actor marks its mentions; the
resource IRIs answer the three media types; the hostile article runs no script and opens no dialog.

Chromium is launched from its system path (KG_CHROMIUM, else `chromium` on PATH): Playwright's own
browser download is never used. Without playwright or Chromium these tests skip, with the reason,
unless KG_REQUIRE_STORES=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from kg.serve import Server
from kg.site.build import build_site
from sitefixtures import build_with_text, hostile_seeds
from stores.fixtures import unavailable
from test_site import denoted, mentions_in_graph

pytestmark = pytest.mark.browser

HUN_SEN = "https://kg.example.org/person/hun-sen"
MYANMAR = "https://kg.example.org/country/myanmar"


def chromium_path() -> str | None:
    """The system's Chromium: KG_CHROMIUM, else chromium (Debian) or chromium-browser on PATH."""
    return os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page whose console errors, uncaught exceptions, failed requests and dialogs are recorded."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}")
                     if r.status >= 400 else None)
        # A request the next navigation cut short (the icon, say) is aborted, not failed.
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})")
                     if r.failure != "net::ERR_ABORTED" else None)

        def dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        self.page.on("dialog", dialog)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser):
    page = Watched(browser)
    yield page
    page.close()


def pages_of(site: Path, url: str) -> list[str]:
    """The address of every page of the site, as the server gives it (a folder's address)."""
    found = []
    for path in sorted(site.rglob("index.html")):
        folder = path.parent.relative_to(site).as_posix()
        found.append(urljoin(url, "" if folder == "." else folder + "/"))
    return found


def test_every_page_of_the_seed_opens_with_no_console_error(served, seed_site, watched):
    pages = pages_of(seed_site, served.url)
    assert len(pages) > 150
    for url in pages:
        response = watched.page.goto(url)
        assert response.status == 200, url
        assert watched.page.title(), url
    assert watched.problems == []


def test_a_crawl_finds_no_404_and_every_fragment_is_an_element(served, watched):
    page = watched.page
    origin = urlsplit(served.url).netloc
    seen: set[str] = set()
    queue = deque([served.url])
    ids: dict[str, set[str]] = {}  # each page reached: the ids of its elements
    wanted: set[tuple[str, str]] = set()  # (page, fragment) of every link with a fragment
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        assert response.status == 200, url
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src], img[src]", "els => els.map(e => e.href || e.src)")
        for link in links:
            target, fragment = urldefrag(link)
            if urlsplit(target).netloc != origin:
                continue  # a vocabulary term or a Wikidata item, out of the site
            if fragment:
                wanted.add((target, fragment))
            if target.endswith((".css", ".js", ".svg", ".ttl", ".jsonld")):
                if target not in seen:
                    seen.add(target)
                    assert page.request.get(target).status == 200, target
            elif target not in seen:
                queue.append(target)
    assert len(ids) > 150
    assert len(wanted) > 100  # the mentions' places, among others
    for target, fragment in sorted(wanted):
        assert target in ids, f"{target} was never reached"
        assert unquote(fragment) in ids[target], f"{target} has no element #{fragment}"
    assert watched.problems == []


def test_a_mention_iri_opens_the_article_at_its_words(served, watched):
    watched.page.goto(served.url + "article/000_ce469ea1af2cc5a4#char=40,47")
    assert watched.page.url.endswith("/article/000_ce469ea1af2cc5a4/#char=40,47")
    assert watched.page.eval_on_selector(":target", "e => e.dataset.char") == "40,47"
    assert watched.page.eval_on_selector(":target", "e => e.textContent") == "Hun Sen"


MARKED = """() => {
  const text = document.querySelector('.text');
  const found = {};
  for (const element of document.querySelectorAll('[data-char]')) {
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(element, 0);
    const at = Array.from(range.toString()).length;  // Unicode characters, as nif:beginIndex counts them
    const key = element.dataset.char;
    if (!(key in found)) found[key] = {at: at, words: ''};
    found[key].words += element.textContent;
  }
  return found;
}"""


def test_the_article_page_marks_exactly_the_mentions_of_the_graph(served, built_seed_with_text, watched):
    watched.page.goto(served.url + "article/000_ce469ea1af2cc5a4/")
    marked = watched.page.evaluate(MARKED)
    expected = mentions_in_graph(built_seed_with_text.out)
    assert len(marked) == len(expected) > 100
    for (begin, end), words in expected.items():
        found = marked[f"{begin},{end}"]
        assert found["words"] == words
        assert found["at"] == begin, f"{words!r} is marked at {found['at']}, not {begin}"
    assert watched.problems == []


def test_selecting_an_actor_highlights_its_mentions(served, built_seed_with_text, watched):
    page = watched.page
    page.goto(served.url + "article/000_ce469ea1af2cc5a4/")
    assert page.locator(".hl").count() == 0
    for actor in (HUN_SEN, MYANMAR):
        page.click(f'li[data-iri="{actor}"] a.mark')
        page.wait_for_function("() => document.querySelectorAll('.hl').length > 0")
        highlighted = set(page.eval_on_selector_all(".hl", "els => els.map(e => e.dataset.char)"))
        expected = {f"{b},{e}" for b, e in denoted(built_seed_with_text.out, actor)}
        assert highlighted == expected, actor
        assert page.get_attribute(f'li[data-iri="{actor}"] a.mark', "aria-pressed") == "true"
        colour = page.eval_on_selector(".hl", "e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert len(denoted(built_seed_with_text.out, HUN_SEN)) == 6
    assert watched.problems == []


def test_content_negotiation_answers_the_three_media_types(served, watched):
    request = watched.page.request
    for accept, suffix, media in (("text/turtle", ".ttl", "text/turtle"),
                                  ("application/ld+json", ".jsonld", "application/ld+json"),
                                  ("text/html", "/", "text/html")):
        answer = request.get(served.url + "person/hun-sen", headers={"Accept": accept}, max_redirects=0)
        assert answer.status == 303
        assert answer.headers["location"] == "/person/hun-sen" + suffix
        followed = request.get(served.url + "person/hun-sen", headers={"Accept": accept})
        assert followed.status == 200 and followed.headers["content-type"].startswith(media)
    watched.page.goto(served.url + "person/hun-sen")  # what a browser asks for: the page
    assert watched.page.url == served.url + "person/hun-sen/"
    assert watched.page.title().startswith("Hun Sen")


def test_the_site_works_from_a_file_folder(seed_site, watched):
    page = watched.page
    page.goto((seed_site / "article" / "000_ce469ea1af2cc5a4" / "index.html").as_uri())
    page.click(f'li[data-iri="{HUN_SEN}"] a.mark')
    page.wait_for_function("() => document.querySelectorAll('.hl').length > 0")
    page.click(f'li[data-iri="{HUN_SEN}"] a[title="{HUN_SEN}"]')
    assert page.url.endswith("/person/hun-sen/index.html")
    assert watched.problems == []


@pytest.fixture(scope="module")
def hostile_served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-browser")
    result = build_with_text(hostile_seeds(folder / "seeds"), folder / "dist")
    site = build_site(result.out, result.out / "site", workers=1).out
    with Server(result.out, site, timeout=5.0) as server:
        yield server, site


def test_the_hostile_article_runs_no_script_and_opens_no_dialog(hostile_served, watched):
    server, site = hostile_served
    page = watched.page
    for url in pages_of(site, server.url):
        page.goto(url)
        for element in page.query_selector_all(".m, a[href]")[:10]:
            element.hover()
        assert page.evaluate("() => window.__pwned") is None, url
        assert page.query_selector("img[src='x']") is None, url
    article = pages_of(site, server.url)
    page.goto(next(url for url in article if "/article/" in url))
    assert "{{ 7*7 }}" in page.inner_text(".text")
    assert "<script>" in page.inner_text(".text")
    assert watched.dialogs == []
    assert watched.problems == []
