"""The README's screenshots of the seed's site: the article page and an actor page, in Chromium.

Run from the repository:  python tests/screenshots/make.py   (it builds the seed into a temporary
folder, serves it with kg serve and writes article.png and actor.png beside this file).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.build import build
from kg.serve import Server
from kg.site.build import build_site

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        dist = build(ROOT / "seeds", Path(folder) / "dist").out
        site = build_site(dist, dist / "site", workers=1).out
        with Server(dist, site) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "article/000_ce469ea1af2cc5a4/")
            page.click('li[data-iri="https://kg.example.org/person/hun-sen"] a.mark')
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(HERE / "article.png"))
            page.goto(server.url + "person/hun-sen")
            page.screenshot(path=str(HERE / "actor.png"), full_page=True)
            browser.close()
    print(f"Wrote {HERE / 'article.png'} and {HERE / 'actor.png'}")


if __name__ == "__main__":
    main()
