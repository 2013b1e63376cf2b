"""Where a store's SPARQL query, SPARQL update and Graph Store endpoints are.

kg knows the layout of three stores and can tell them apart from the headers of one answer;
any endpoint can also be given explicitly, which makes any SPARQL 1.1 store usable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from kg.errors import InputError

__all__ = ["Layout", "Endpoints", "LAYOUTS", "STORE_TYPES", "resolve_endpoints", "detect_store_type", "public_url"]


@dataclass(frozen=True)
class Layout:
    """The paths of a store's endpoints under its base URL; `*_auth` are used with credentials."""

    query: str
    update: str
    graph_store: str
    query_auth: str | None = None
    update_auth: str | None = None
    graph_store_auth: str | None = None

    def paths(self) -> tuple[str, ...]:
        """Every path this layout uses, longest first, to recognise an endpoint URL."""
        found = {self.query, self.update, self.graph_store, self.query_auth, self.update_auth, self.graph_store_auth}
        return tuple(sorted((p for p in found if p), key=len, reverse=True))


LAYOUTS: dict[str, Layout] = {
    "oxigraph": Layout(query="query", update="update", graph_store="store"),
    # Virtuoso's anonymous endpoints write only if the SPARQL user was granted SPARQL_UPDATE;
    # the -auth ones take a database user through HTTP digest authentication.
    "virtuoso": Layout(
        query="sparql",
        update="sparql",
        graph_store="sparql-graph-crud",
        query_auth="sparql-auth",
        update_auth="sparql-auth",
        graph_store_auth="sparql-graph-crud-auth",
    ),
    # A Fuseki store's base URL is the URL of its dataset: http://host:3030/ds
    "fuseki": Layout(query="query", update="update", graph_store="data"),
}
STORE_TYPES = tuple(LAYOUTS)


@dataclass(frozen=True)
class Endpoints:
    """The endpoints kg talks to; `graph_store` is None where it is not known."""

    store_type: str | None
    query: str
    update: str
    graph_store: str | None


def public_url(url: str) -> str:
    """`url` without user information, query or fragment: safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_url(url: str, option: str) -> str:
    """An absolute http(s) URL without credentials in it; InputError otherwise."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        # Never echo the URL: it holds a password.
        raise InputError(
            "credentials do not belong in a URL; set KG_STORE_USER and KG_STORE_PASSWORD, or use a netrc file",
            field=option,
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http(s) URL", field=option)
    return url


def detect_store_type(headers: Mapping[str, str]) -> str | None:
    """The store type that answered with these headers, or None."""
    lowered = {key.lower(): value for key, value in headers.items()}
    server = lowered.get("server", "").lower()
    for name in STORE_TYPES:
        if name in server:
            return name
    # Fuseki leaves out Server in release mode but always sends its request id.
    if "fuseki-request-id" in lowered:
        return "fuseki"
    return None


def resolve_endpoints(
    url: str | None,
    store_type: str | None = None,
    *,
    query: str | None = None,
    update: str | None = None,
    graph_store: str | None = None,
    authenticated: bool = False,
    probe: Callable[[str], Mapping[str, str]] | None = None,
) -> Endpoints:
    """The endpoints of the store at `url` (its base URL or one of its endpoints).

    Explicit endpoints win; the others come from the layout of `store_type`, which `probe`
    (a function returning the headers of an answer from a URL) detects when it is not given.
    """
    for value, option in ((url, "--store"), (query, "--query-endpoint"), (update, "--update-endpoint"),
                          (graph_store, "--graph-store-endpoint")):
        if value is not None:
            check_url(value, option)
    if store_type is not None and store_type not in LAYOUTS:
        raise InputError(f"unknown store type {store_type!r}; kg knows {', '.join(STORE_TYPES)}", field="--store-type")
    if url is None:
        if not (query and (update or graph_store)):
            raise InputError("give the store's URL, or its query endpoint and its update or graph store endpoint",
                             field="--store")
        return Endpoints(store_type, query, update or query, graph_store)
    if store_type is None and not (query and update and graph_store) and probe is not None:
        store_type = detect_store_type(probe(url))
    if store_type is None:
        # Unknown store: the SPARQL protocol lets one URL take both queries and updates.
        return Endpoints(None, query or url, update or url, graph_store)
    layout = LAYOUTS[store_type]
    base = _base_of(url, layout)

    def pick(plain: str, auth: str | None) -> str:
        return _join(base, auth if authenticated and auth else plain)

    return Endpoints(
        store_type,
        query or pick(layout.query, layout.query_auth),
        update or pick(layout.update, layout.update_auth),
        graph_store or pick(layout.graph_store, layout.graph_store_auth),
    )


def _base_of(url: str, layout: Layout) -> str:
    """The base URL of a store from its base URL or from the URL of one of its endpoints."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for known in layout.paths():
        if path.endswith("/" + known):
            path = path[: -len(known) - 1]
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path
