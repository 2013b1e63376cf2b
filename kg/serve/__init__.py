"""`kg serve`: the site of a built dataset with content negotiation, a read-only SPARQL 1.1 endpoint
at /sparql and the VoID description at /.well-known/void, on Starlette and uvicorn.

`serve(dist)` builds what is missing first (the dataset from seeds/, then its site), starts the
query workers and runs uvicorn until interrupted; `Server` does the same in a thread, for tests
and notebooks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.threads import start_thread

__all__ = ["serve", "Server", "prepare", "DEFAULT_PORT", "DEFAULT_HOST"]

DEFAULT_PORT = 8000
DEFAULT_HOST = "127.0.0.1"


def prepare(dist: Path, site: Path | None = None, *, seeds: Path = Path("seeds"), base: str | None = None,
            progress: Callable[[str], None] | None = None) -> Path:
    """The site to serve: `site` (default dist/site), written by kg site unless it is current; the
    dataset built from `seeds` first if `dist` is missing."""
    from kg.site.build import build_site, site_is_current

    say = progress or (lambda message: None)
    if not (dist / "store").is_dir():
        from kg.build import build
        from kg.iris import DEFAULT_BASE

        say(f"{dist}/ is missing: building it from {seeds}/")
        build(seeds, dist, base or DEFAULT_BASE, progress=progress)
    site = site or dist / "site"
    if not site_is_current(site, dist):
        say(f"Writing the site of {dist}/ into {site}/")
        result = build_site(dist, site, progress=progress)
        say(f"Wrote {result.pages:,} pages in {result.seconds:.1f} s")
    return site


@dataclass
class Server:
    """kg serve in a thread of this process: `start()`, then `url`; `stop()` ends it and its workers."""

    dist: Path
    site: Path
    host: str = DEFAULT_HOST
    port: int = 0
    timeout: float = 30.0
    workers: int = 2

    def start(self) -> Server:
        import socket

        import uvicorn

        from kg.query import list_queries
        from kg.serve.app import create_app
        from kg.serve.sparql import QueryPool

        self.pool = QueryPool(self.dist / "store", workers=self.workers, timeout=self.timeout)
        app = create_app(self.site, self.dist, self.pool, bundled=list_queries(), timeout=self.timeout)
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as error:
            self.pool.close()
            raise InputError(f"cannot listen on {self.host}:{self.port}: {error.strerror}", field="--port") from None
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = start_thread(self._server.run, sockets=[sock], name="kg-serve")
        deadline = time.monotonic() + 20
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self._server.started:
            self.stop()
            raise InputError(f"kg serve did not start on {self.host}:{self.port}", field="--port")
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        server = getattr(self, "_server", None)
        if server is not None:
            server.should_exit = True
            self._thread.join(10)
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(dist: Path, site: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout: float = 30.0,
          workers: int = 2, ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = Server(dist, site, host, port, timeout, workers).start()
    if ready:
        ready(server.url)
    try:
        while server._thread.is_alive():
            server._thread.join(0.5)
    finally:
        server.stop()
