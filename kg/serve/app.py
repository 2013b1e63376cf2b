"""The web application of `kg serve`: the site with content negotiation, the SPARQL endpoint, VoID.

- A resource's IRI (`/person/hun-sen`, a folder of the site named without its final slash) answers
  **303 See Other** (`Vary: Accept`) with the document the client prefers: `/person/hun-sen/` (its
  page) for HTML, `/person/hun-sen.ttl` for `text/turtle`, `/person/hun-sen.jsonld` for
  `application/ld+json`; 406 when it accepts none of them. The IRI names the person, not a
  document about them, so the answer is a redirect to a document (the Linked Data convention for
  such IRIs); it also gives the page's relative links the folder they are written for.
- Documents (pages, `.ttl`, `.jsonld`, the site's style, script and pictures) answer 200 as they
  are. `/charge/`, an IRI ending in a slash, is its own page, and answers 303 to `index.ttl` or
  `index.jsonld` when asked for RDF. Anything else is 404, with the site's 404 page.
- `/sparql`: the read-only SPARQL 1.1 Protocol endpoint (kg.serve.sparql); without a query, a form.
- `/.well-known/void`: the dataset's VoID description (Turtle, or JSON-LD when asked), with this
  server's SPARQL endpoint added.
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.serve.negotiation import choose
from kg.serve.sparql import QueryPool

__all__ = ["create_app", "DOCUMENT_TYPES", "SECURITY_HEADERS"]

DOCUMENT_TYPES = ("text/html", "text/turtle", "application/ld+json")
_SUFFIXES = {"text/turtle": ".ttl", "application/ld+json": ".jsonld"}
_MEDIA = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
          ".jsonld": "application/ld+json", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".conf": "text/plain; charset=utf-8"}
_PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# A picture opened on its own may style itself, and run nothing.
_PICTURE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def create_app(site: Path, dist: Path, pool: QueryPool, *, bundled=None, timeout: float = 30.0) -> Starlette:
    """The application serving `site` (written by kg site from `dist`), answering queries with `pool`."""
    site = site.resolve()
    void_text = (dist / "void.ttl").read_text(encoding="utf-8")
    dataset = _dataset_iri(dist)

    async def sparql(request: Request) -> Response:
        return await _sparql(request, pool, site, bundled, timeout)

    async def void(request: Request) -> Response:
        endpoint = str(request.url_for("sparql"))
        text = void_text
        if dataset:
            text += f"\n<{dataset}> <http://rdfs.org/ns/void#sparqlEndpoint> <{endpoint}> .\n"
        wanted = choose(request.headers.get("accept"), ("text/turtle", "application/ld+json"))
        if wanted is None:
            return _plain(406, "the VoID description is text/turtle or application/ld+json")
        if wanted == "application/ld+json":
            import pyoxigraph as ox

            triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
            return _secure(Response(ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
                                    media_type="application/ld+json", headers={"Vary": "Accept"}))
        return _secure(Response(text, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"}))

    async def page(request: Request) -> Response:
        return _document(request, site)

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST", "HEAD"], name="sparql"),
        Route("/.well-known/void", void, methods=["GET", "HEAD"]),
        Route("/{path:path}", page, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes)


def _dataset_iri(dist: Path) -> str | None:
    import pyoxigraph as ox

    try:
        triples = ox.parse(path=str(dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
        for triple in triples:
            if triple.predicate.value == "http://rdfs.org/ns/void#uriSpace" and isinstance(triple.subject,
                                                                                          ox.NamedNode):
                return triple.subject.value
    except (OSError, SyntaxError, ValueError):
        return None
    return None


def _secure(response: Response, policy: str = _PAGE_POLICY) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    response.headers["Content-Security-Policy"] = policy
    return response


def _plain(status: int, message: str, headers: dict | None = None) -> Response:
    return _secure(PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers))


def _file(path: Path, status: int = 200) -> Response:
    media = _MEDIA.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(path, status_code=status, media_type=media)
    return _secure(response, _PICTURE_POLICY if path.suffix == ".svg" else _PAGE_POLICY)


def _document(request: Request, site: Path) -> Response:
    """A document of the site as it is, or the 303 from a resource's IRI to its document."""
    raw = request.scope["path"]
    parts = [part for part in raw.split("/")]
    # No way out of the site, and none of its hidden files (.htaccess, the marker .kg-site).
    if any(part.startswith(".") or "\0" in part or "\\" in part for part in parts):
        return _missing(site)
    relative = "/".join(part for part in parts if part)
    target = (site / relative) if relative else site
    try:
        target.resolve().relative_to(site)
    except (ValueError, OSError):
        return _missing(site)
    if target.is_file():
        return _file(target)
    if not target.is_dir():
        return _missing(site)
    wanted = choose(request.headers.get("accept"), DOCUMENT_TYPES)
    location = quote(raw, safe="/-._~!$&'()*+,;=:@")  # the path as the client sent it, encoded again
    if wanted is None:
        return _plain(406, "this resource is described as text/html, text/turtle and application/ld+json",
                      {"Vary": "Accept"})
    if raw.endswith("/"):
        if wanted == "text/html":
            index = target / "index.html"
            return _file(index) if index.is_file() else _missing(site)
        document = target / f"index{_SUFFIXES[wanted]}"
        return _see_other(f"{location}index{_SUFFIXES[wanted]}") if document.is_file() else _missing(site)
    if wanted == "text/html":
        return _see_other(location + "/") if (target / "index.html").is_file() else _missing(site)
    document = target.with_name(target.name + _SUFFIXES[wanted])
    return _see_other(location + _SUFFIXES[wanted]) if document.is_file() else _missing(site)


def _see_other(location: str) -> Response:
    response = RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})
    return _secure(response)


def _missing(site: Path) -> Response:
    page = site / "404.html"
    if page.is_file():
        return _file(page, status=404)
    return _plain(404, "not found")


async def _sparql(request: Request, pool: QueryPool, site: Path, bundled, timeout: float) -> Response:
    """The SPARQL 1.1 Protocol: query by GET, by POST form or by POST body; updates refused."""
    params = request.query_params
    text = None
    default_graphs = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    format_name = params.get("format") or params.get("output")
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                return _plain(403, "this endpoint is read-only: SPARQL updates are refused")
            text = (form.get("query") or [None])[0]
            default_graphs += form.get("default-graph-uri", [])
            named_graphs += form.get("named-graph-uri", [])
            format_name = format_name or (form.get("format") or form.get("output") or [None])[0]
        elif media == "application/sparql-query":
            text = (await request.body()).decode("utf-8", errors="replace")
        elif media == "application/sparql-update":
            return _plain(403, "this endpoint is read-only: SPARQL updates are refused")
        else:
            return _plain(415, "send a query as application/x-www-form-urlencoded (query=...) or as "
                               "application/sparql-query")
    else:
        if "update" in params:
            return _plain(403, "this endpoint is read-only: SPARQL updates are refused")
        text = params.get("query")
    if text is None:
        if request.method != "POST" and choose(request.headers.get("accept"), ("text/html", "text/plain")) == \
                "text/html":
            return _form(request, bundled, timeout)
        return _plain(400, "give a query: GET /sparql?query=..., or POST it (form field query, or the body as "
                           "application/sparql-query)")
    answer = await asyncio.to_thread(pool.run, str(text), accept=request.headers.get("accept"),
                                     format_name=format_name, default_graphs=list(default_graphs),
                                     named_graphs=list(named_graphs))
    if answer.rows is not None:
        return _results_page(request, answer.rows)
    response = Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                        headers={"Vary": "Accept"})
    return _secure(response)


def _form(request: Request, bundled, timeout: float) -> Response:
    from kg.site.build import environment

    queries = [{"name": q.name, "question": q.question, "text": q.text} for q in (bundled or [])]
    example = queries[0]["text"] if queries else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    data = {"label": "SPARQL", "timeout": f"{timeout:g}", "example": example, "queries": queries,
            "formats": [("html", "a table (HTML)"), ("json", "SPARQL JSON results"), ("xml", "SPARQL XML results"),
                        ("csv", "CSV"), ("tsv", "TSV"), ("turtle", "Turtle (CONSTRUCT, DESCRIBE)")]}
    html = environment().get_template("sparql.html").render(data=data, root="", title="SPARQL endpoint",
                                                            kind="sparql", alternates=[])
    return _secure(Response(html, media_type="text/html; charset=utf-8"))


def _results_page(request: Request, table: tuple) -> Response:
    from kg.site.build import environment

    names, rows = table
    cells = [[{"text": value, "href": None} for value in row] for row in rows]
    html = environment().get_template("results.html").render(
        data={"label": "Results", "variables": names, "rows": cells}, root="", title="Query results",
        kind="results", alternates=[])
    return _secure(Response(html, media_type="text/html; charset=utf-8"))
