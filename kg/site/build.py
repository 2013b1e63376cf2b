"""`kg site`: the static site of a built dataset, written to a folder that any web server can serve
as the base IRI's root.

Article pages are made from each article's graph (dist/graphs/NAME.ttl) and the other pages a
batch of resources of one kind at a time from the store (dist/store/), both in worker processes
when there is more than a little to do. Each worker opens the store read-only and writes its pages
itself. The site is written in a staging folder beside `out`, which replaces `out` only when all is
written; `out` must be new, empty, or a site kg wrote (it holds the marker `.kg-site`).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.resources import _PACKAGE
from kg.site.data import Dist, SiteQueries, StoreSource, T, open_store
from kg.site.paths import ASSETS, SitePaths, relative
from kg.site.terms import ACTOR_CLASSES, kind_of
from kg.write import swap_folder

__all__ = ["build_site", "SiteResult", "MARKER", "site_is_current", "render_page", "environment"]

MARKER = ".kg-site"
_MARKER_SIGN = "Written by kg site"
_SITE = _PACKAGE / "site"
_BATCH = 200  # resources of one kind per task
_IN_PROCESS = 300  # with fewer resources than this, no worker process is started
_EMBEDDED_HEIGHT = 4000  # px: a taller timeline picture is linked from the index, not shown in it


@dataclass
class SiteResult:
    """What `build_site` wrote: pages (each with a .ttl and a .jsonld), files, bytes, seconds."""

    out: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    layout: str = ""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def build_site(dist: Path = Path("dist"), out: Path | None = None, *, workers: int | None = None,
               use_dot: bool = True, progress: Callable[[str], None] | None = None) -> SiteResult:
    """Write the site of the dataset in `dist` into `out` (default dist/site), replacing it whole."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    data = Dist.open(dist)
    paths = _paths(data.base)
    out = (out or dist / "site").resolve()
    _check_out(out, dist)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=_parent(out)))
    try:
        store = open_store(data.store_folder)
        source = StoreSource(store)
        kinds = _resources(store, paths)
        tasks: list[tuple] = [("article", str(path)) for path in data.graph_files]
        for kind, iris in sorted(kinds.items()):
            for start in range(0, len(iris), _BATCH):
                tasks.append(("entities", kind, iris[start:start + _BATCH]))
        total = len(data.graph_files) + sum(len(iris) for iris in kinds.values())
        articles = len(data.graph_files)
        say(f"Writing the pages of {total:,} resources ({articles:,} article{'s' if articles != 1 else ''})")
        result = SiteResult(out)
        workers = workers or _cores()
        done = _run(tasks, (str(data.store_folder), data.base, str(staging)), workers if total >= _IN_PROCESS else 1,
                    say)
        for kind, pages, files, size in done:
            result.by_kind[kind] = result.by_kind.get(kind, 0) + pages
            result.pages += pages
            result.files += files
            result.bytes += size
        files, size, layout = _write_index(store, source, paths, data, staging, use_dot)
        result.files += files
        result.bytes += size
        result.layout = layout
        del source, store
        _write_marker(staging, dist)
        swap_folder(staging, out)  # staging then holds the previous site, removed below
    except OSError as error:
        raise InputError(f"cannot write the site: {error.strerror or error}", path=error.filename or out) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def _paths(base: str) -> SitePaths:
    try:
        return SitePaths(base)
    except ValueError as error:
        raise InputError(str(error), field="--base") from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _parent(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return out.parent


def _resources(store: ox.Store, paths: SitePaths) -> dict[str, list[str]]:
    """Every resource with a page of its own, by kind, articles aside (their graphs make their pages)."""
    types: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, ox.NamedNode(T.type), None, ox.DefaultGraph()):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            iri = subject.value
            if "#" not in iri and iri.startswith(paths.base):
                types[iri].add(quad.object.value)
    kinds: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(types):
        kind = kind_of(types[iri])
        if kind != "article" and paths.folder(iri) is not None:
            kinds[kind].append(iri)
    return kinds


# Workers ---------------------------------------------------------------------------------------

_STATE: dict = {}


def _start(store_folder: str, base: str, staging: str) -> None:
    """A worker's state: the store opened read-only, the site's layout, the templates."""
    store = open_store(Path(store_folder))
    _STATE.update(store=store, source=StoreSource(store), queries=SiteQueries(store), paths=SitePaths(base),
                  staging=Path(staging), env=environment())


def _task(task: tuple) -> tuple[str, int, int, int]:
    """Write the pages of one task: ("article", graph file) or ("entities", kind, IRIs)."""
    from kg.site.article import article_page
    from kg.site.pages import entity_pages

    state = _STATE
    if task[0] == "article":
        pages = [page for page in [article_page(Path(task[1]), state["source"], state["paths"])] if page]
        kind = "article"
    else:
        kind = task[1]
        pages = entity_pages(kind, task[2], state["source"], state["queries"], state["paths"])
    files = size = 0
    for page in pages:
        for path, content in render_page(page, state["paths"], state["env"]):
            size += _write(state["staging"] / path, content)
            files += 1
    return kind, len(pages), files, size


def _run(tasks: Sequence[tuple], start: tuple, workers: int, say) -> list[tuple[str, int, int, int]]:
    if workers <= 1 or len(tasks) <= 1:
        _start(*start)
        try:
            return [_task(task) for task in tasks]
        finally:
            _STATE.clear()
    results = []
    # spawn, not fork: the parent holds the store open, and RocksDB's threads do not survive a fork.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start, initargs=start) as pool:
        futures = [pool.submit(_task, task) for task in tasks]
        last = time.monotonic()
        try:
            for number, future in enumerate(as_completed(futures), start=1):
                results.append(future.result())
                if time.monotonic() - last > 10:
                    say(f"[{number}/{len(tasks)}] batches of pages written")
                    last = time.monotonic()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results


def _write(path: Path, content: bytes) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except (IsADirectoryError, NotADirectoryError, FileExistsError) as error:
        raise InputError("two resources need this file: one IRI is another's with an extension "
                         f"(.ttl, .jsonld); {error.strerror}", path=path) from None
    return len(content)


# Rendering -------------------------------------------------------------------------------------


def environment():
    """The templates, with autoescaping on for everything they write."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_SITE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env


def render_page(page, paths: SitePaths, env) -> list[tuple[str, bytes]]:
    """The page's HTML, Turtle and JSON-LD files, as (path from the root, bytes)."""
    from kg.site.rdf import jsonld_document, turtle_document

    html_file, ttl_file, jsonld_file = paths.files(page.iri)
    folder = html_file.rsplit("/", 1)[0] if "/" in html_file else ""
    files = {"ttl": relative(folder, ttl_file), "jsonld": relative(folder, jsonld_file)}
    html = env.get_template(page.template).render(
        data=page.data, files=files, root=paths.root(folder), title=page.data["label"], kind=page.kind,
        alternates=[{"type": "text/turtle", "href": files["ttl"]},
                    {"type": "application/ld+json", "href": files["jsonld"]}],
    )
    return [(html_file, html.encode("utf-8")), (ttl_file, turtle_document(page.triples)),
            (jsonld_file, jsonld_document(page.triples))]


# The index and the site's own files ------------------------------------------------------------


def _write_index(store: ox.Store, source: StoreSource, paths: SitePaths, data: Dist, staging: Path,
                 use_dot: bool) -> tuple[int, int, str]:
    """index.html, its pictures, the 404 page, style and script, the server snippets, the VoID."""
    from kg.query import LocalDataset
    from kg.site.connections import connections
    from kg.site.pages import Linker
    from kg.timeline import Timeline

    env = environment()
    queries = SiteQueries(store)
    linker = Linker(paths, "", source)
    written = []
    assets = staging / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("site.css", "site.js", "favicon.svg"):
        written.append(_write(assets / name, (_SITE / "static" / name).read_bytes()))
    for name in ("nginx.conf", "apache.conf"):
        written.append(_write(assets / name, (_SITE / "server" / name).read_bytes()))
    written.append(_write(staging / ".htaccess", (_SITE / "server" / "apache.conf").read_bytes()))
    void = (data.folder / "void.ttl").read_bytes()
    written.append(_write(staging / ".well-known" / "void", void))
    written.append(_write(staging / "index.ttl", void))

    timeline = None
    drawn = Timeline.of(LocalDataset(store))
    if drawn.events:
        svg = drawn.svg()
        written.append(_write(assets / "timeline.svg", svg.encode("utf-8")))
        width, height = _svg_size(svg)
        timeline = {"href": f"{ASSETS}/timeline.svg", "summary": drawn.summary(), "width": width, "height": height,
                    "embed": height <= _EMBEDDED_HEIGHT}

    picture = connections(queries.select_all("connections"), lambda iri: linker.link(iri).href, use_dot=use_dot)
    connections_svg = env.get_template("_connections.svg").render(picture=picture)

    articles = []
    for row in sorted(queries.select_all("index-articles"), key=lambda r: (str(r.get("identifier", "")),
                                                                             str(r["article"]))):
        articles.append({
            "link": linker.link(str(row["article"])),
            "publisher": linker.link(str(row["publisher"]), str(row.get("publisherLabel", "")) or None)
            if "publisher" in row else None,
            "published": str(row.get("published", "")), "not_before": str(row.get("notBefore", "")),
            "not_after": str(row.get("notAfter", "")), "language": str(row.get("language", "")),
        })
    articles = list({a["link"].iri: a for a in articles}.values())
    actors = _actor_groups(queries, linker)
    dataset = next((row["s"].value for row in store.query(
        "SELECT ?s WHERE { ?s <" + T.type + "> <http://rdfs.org/ns/void#Dataset> ; "
        "<http://rdfs.org/ns/void#uriSpace> ?base }")), None)
    title = source.label(dataset) if dataset else None
    counts = {
        "articles": len(articles),
        "actors": sum(len(group["items"]) for group in actors),
        "events": _count(store, "http://semanticweb.cs.vu.nl/2009/11/sem/Event"),
        "statements": _count(store, "https://schema.org/Claim"),
    }
    page = {
        "label": title or "kg", "title": title or "kg", "iri": paths.base,
        "description": str(source.value(dataset, "http://purl.org/dc/terms/description") or "") if dataset else "",
        "dataset": linker.link(dataset) if dataset else None, "void_href": "index.ttl",
        "articles": articles, "actors": actors, "timeline": timeline, "counts": counts,
        "connections": picture, "connections_svg": _markup(connections_svg),
    }
    render = env.get_template("index.html").render(data=page, root="", title=page["title"], kind="index",
                                                   alternates=[{"type": "text/turtle", "href": "index.ttl"}])
    written.append(_write(staging / "index.html", render.encode("utf-8")))
    missing = env.get_template("404.html").render(data={}, root="/", title="Not found", kind="missing",
                                                  alternates=[])
    written.append(_write(staging / "404.html", missing.encode("utf-8")))
    return len(written), sum(written), picture.layout


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)  # rendered by its own template, with autoescaping


def _svg_size(svg: str) -> tuple[int, int]:
    import re

    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    return (round(float(match[1])), round(float(match[2]))) if match else (1200, 600)


def _count(store: ox.Store, cls: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(T.type), ox.NamedNode(cls), ox.DefaultGraph()))


def _actor_groups(queries: SiteQueries, linker) -> list[dict]:
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    mentions: dict[str, int] = {}
    for row in queries.select_all("index-actors"):
        actor = str(row["actor"])
        types[actor].add(str(row["type"]))
        if "label" in row:
            labels[actor] = str(row["label"])
        mentions[actor] = int(str(row.get("mentions", 0)))
    grouped: dict[str, list[dict]] = defaultdict(list)
    for actor in types:
        word = next((word for cls, word in ACTOR_CLASSES if cls in types[actor]), "actor")
        grouped[word].append({"link": linker.link(actor, labels.get(actor)), "mentions": mentions[actor]})
    titles = {"person": "People", "country": "Countries", "government organisation": "Government organisations",
              "news outlet": "News outlets", "research organisation": "Research organisations",
              "group the text does not name": "Groups the texts do not name", "organisation": "Other organisations",
              "place": "Places", "actor": "Other actors"}
    return [{"title": titles[word], "items": sorted(grouped[word], key=lambda i: (-i["mentions"],
                                                                                  i["link"].label.casefold()))}
            for word in titles if grouped.get(word)]


# The output folder -----------------------------------------------------------------------------


def _graphs_digest(dist: Path) -> str:
    try:
        return hashlib.sha256((dist / ".kg-graphs.json").read_bytes()).hexdigest()
    except OSError:
        return ""


def _write_marker(staging: Path, dist: Path) -> None:
    from kg import __version__

    text = json.dumps({"sign": _MARKER_SIGN, "graphs": _graphs_digest(dist), "kg": __version__}) + "\n"
    _write(staging / MARKER, text.encode("utf-8"))


def site_is_current(site: Path, dist: Path) -> bool:
    """Whether `site` was written by kg site from the dataset now in `dist` (by this kg)."""
    from kg import __version__

    try:
        marker = json.loads((site / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(marker, dict) and marker.get("sign") == _MARKER_SIGN and marker.get("kg") == __version__
            and marker.get("graphs") == _graphs_digest(dist) != "")


def _is_site(folder: Path) -> bool:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")).get("sign") == _MARKER_SIGN
    except (OSError, ValueError, AttributeError):
        return False


def _check_out(out: Path, dist: Path) -> None:
    """Refuse to replace a folder kg site did not write, the dataset, or a folder above it, here or home."""
    guarded = [(dist.resolve(), "the dataset"), (Path.cwd().resolve(), "the current folder")]
    try:
        guarded.append((Path.home().resolve(), "the home folder"))
    except (RuntimeError, KeyError):
        pass
    for folder, name in guarded:
        if out == folder or out in folder.parents:
            raise InputError(f"{'is' if out == folder else 'holds'} {name} ({folder}), which would be lost, since "
                             "kg site replaces its output folder whole; choose a new or empty folder, such as dist/site",
                             path=out, field="--out")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_site(out))):
        raise InputError(f"is not a site kg wrote (no {MARKER} marker), and kg site would replace it whole; "
                         "choose an empty or new folder", path=out, field="--out")
