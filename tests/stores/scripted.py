"""A loopback HTTP server that answers from a script, to test kg's retries, timeouts and errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["ScriptedServer", "Answer", "Trickle"]

# status, headers, body
Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Trickle:
    """An answer sent one byte every `interval` seconds, for at most `limit` seconds: a stalled store.

    With `head_first`, the status line and headers go at once and only the body trickles.
    """

    answer: Answer
    head_first: bool = False
    interval: float = 1.0
    limit: float = 30.0


class ScriptedServer:
    """Answers each request with `script(request_number, handler)`; records the requests and their bodies.

    The handler holds the request's body as `handler.body`. A script may answer a `Trickle`. With
    `read_after`, the server waits that many seconds before it reads a body, as a store that is
    busy storing what it read.
    """

    def __init__(self, script: Callable[[int, BaseHTTPRequestHandler], Answer | Trickle],
                 read_after: float = 0.0) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.bodies: list[bytes] = []
        self._stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length and read_after:
                    time.sleep(read_after)
                self.body = self.rfile.read(length) if length else b""
                owner.requests.append((self.command, self.path, dict(self.headers)))
                owner.bodies.append(self.body)
                answer = script(len(owner.requests), self)
                if isinstance(answer, Trickle):
                    self._trickle(answer)
                    return
                status, headers, body = answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _trickle(self, trickle: Trickle) -> None:
                status, headers, body = trickle.answer
                lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                         *(f"{key}: {value}" for key, value in headers.items()),
                         f"Content-Length: {len(body)}", "Connection: close", "", ""]
                head = "\r\n".join(lines).encode("latin-1")
                self.close_connection = True
                slow = body if trickle.head_first else head + body
                end = time.monotonic() + trickle.limit
                try:
                    if trickle.head_first:
                        self.wfile.write(head)
                        self.wfile.flush()
                    for index in range(len(slow)):
                        if owner._stopping.wait(trickle.interval) or time.monotonic() > end:
                            return
                        self.wfile.write(slow[index:index + 1])
                        self.wfile.flush()
                except OSError:
                    return

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # Polled often, so that a test stops its server in a few milliseconds.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving, end trickling answers, and close the socket."""
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
