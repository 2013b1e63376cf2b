"""A deadline for one HTTP request, from connecting to the last byte of the answer.

requests and urllib time out per socket operation only, so a store that sends a byte a second
would hold kg forever. A request run `with Deadline(seconds)` has every socket it opens or reuses
registered with the deadline (through `WatchedAdapter` for requests, `WatchedHTTPHandler` and
`WatchedHTTPSHandler` for urllib); when the time is up, a watchdog thread shuts them down, which
ends any read or write in progress at once.
"""

from __future__ import annotations

import socket
import threading
import urllib.request

import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter

from kg.threads import start_thread

__all__ = ["Deadline", "WatchedAdapter", "WatchedHTTPHandler", "WatchedHTTPSHandler"]

_current = threading.local()  # the deadline of the request this thread is sending


class Deadline:
    """The time one request may take, from connecting to the last byte of the answer.

    Sockets opened or reused while it runs register with it (`_watch`); when the time is up, a
    watchdog thread shuts them down, which ends any read or write in progress at once, and keeps
    doing so for sockets opened later, until the request is over.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()

    def __enter__(self) -> Deadline:
        _current.deadline = self
        start_thread(self._watchdog, name="kg-store-deadline")
        return self

    def __exit__(self, *exc) -> None:
        _current.deadline = None
        with self._lock:
            # Under the lock: once the request is over, its pooled connections are never touched.
            self._done.set()
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _watchdog(self) -> None:
        if self._done.wait(self.seconds):
            return
        while True:
            with self._lock:
                if self._done.is_set():
                    return
                self.expired = True
                for sock in self._sockets:
                    _shut(sock)
            if self._done.wait(0.05):
                return


def _watch(sock: socket.socket | None) -> None:
    """Put `sock` under the deadline of the request this thread is sending, if any."""
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        # Already shut, or closed by the request itself in the meantime.
        pass


# The socket is taken when it is connected, or reused from the pool: http.client drops its own
# reference once it has the answer's headers, while the body is still being read from it.


class _Watched:
    """A urllib3 connection whose socket the request's deadline can shut."""

    def connect(self):
        super().connect()
        _watch(self.sock)

    def request(self, *args, **kwargs):
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            # urllib3 sends the request under the connect timeout (10 s), but a store that stores
            # a large body as it reads it stops reading for longer (Oxigraph, 64 MB of N-Triples):
            # connected under that timeout, the request is sent under the deadline, and urllib3
            # sets the read timeout itself before reading the answer.
            if self.sock is None:
                self.connect()
            self.timeout = deadline.seconds
        _watch(self.sock)
        return super().request(*args, **kwargs)


class _WatchedHTTPConnection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, its connections watched by the deadline of the request they carry."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


class _WatchedOpening:
    """urllib's handlers, their connections watched by the deadline of the request they carry."""

    def do_open(self, http_class, req, **kwargs):
        def connection(*args, **kw):
            opened = http_class(*args, **kw)
            connect = opened.connect

            def watched_connect() -> None:
                connect()
                _watch(opened.sock)

            opened.connect = watched_connect
            return opened

        return super().do_open(connection, req, **kwargs)


class WatchedHTTPHandler(_WatchedOpening, urllib.request.HTTPHandler):
    pass


class WatchedHTTPSHandler(_WatchedOpening, urllib.request.HTTPSHandler):
    pass
