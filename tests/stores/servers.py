"""Triple store servers for the tests, each started on free loopback ports and stopped after.

- `OxigraphServer`: `oxigraph serve` from the `oxigraph` package, on a temporary directory.
- `VirtuosoServer`: Debian's `virtuoso-t` with a private virtuoso.ini (loopback ports, a temporary
  database, a test user allowed SPARQL updates, results cut at `max_rows`, by default not at 10,000).
- `BasicAuthProxy`: HTTP basic authentication in front of a server that has none (Oxigraph),
  as a reverse proxy would put it.

Each server can be killed (SIGKILL) and started again on the same ports and data.
"""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

__all__ = [
    "StoreServer", "OxigraphServer", "VirtuosoServer", "BasicAuthProxy", "free_port",
    "oxigraph_command", "virtuoso_missing",
]

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command() -> str | None:
    """The `oxigraph` server command of this Python environment, or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here, or None."""
    for command in ("virtuoso-t", "isql-vt", "inifile"):
        if shutil.which(command) is None:
            return f"{command} is not installed (Debian package virtuoso-opensource)"
    if not VIRTUOSO_INI.is_file():
        return f"{VIRTUOSO_INI} is missing (Debian package virtuoso-opensource)"
    return None


class StoreServer:
    """A store process on loopback: its base URL, and the credentials that may write to it."""

    kind = ""
    # Environment kg needs to write here (credentials); empty when the store asks for none.
    env: dict[str, str] = {}

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.log = folder / "server.log"

    @property
    def url(self) -> str:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the server at once, as a crash would (SIGKILL)."""
        self._end(signal.SIGKILL)

    def _end(self, sig: int) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def _wait_ready(self, ready, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.process.returncode}:\n{self._log_tail()}")
            if ready():
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"{self.kind} was not ready after {seconds} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def _http_ok(self, url: str, **kwargs) -> bool:
        try:
            return requests.get(url, timeout=2, **kwargs).status_code == 200
        except requests.RequestException:
            return False


class OxigraphServer(StoreServer):
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`."""

    kind = "oxigraph"

    def __init__(self, folder: Path, command: str) -> None:
        super().__init__(folder)
        self.command = command
        self.port = free_port()
        self.data = folder / "data"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (or start again) on the same port and data."""
        env = {key: value for key, value in os.environ.items() if key != "RUST_BACKTRACE"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.command, "serve", "--location", str(self.data), "--bind", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            )
        self._wait_ready(lambda: self._http_ok(f"{self.url}/query", params={"query": "ASK {}"}), 30)


class VirtuosoServer(StoreServer):
    """`virtuoso-t +foreground` with a private configuration and database."""

    kind = "virtuoso"

    def __init__(self, folder: Path, max_rows: int = 1_000_000) -> None:
        super().__init__(folder)
        self.max_rows = max_rows
        self.sql_port = free_port()
        self.port = free_port()
        self.user = "kgtest"
        self.password = secrets.token_urlsafe(12)
        self.env = {"KG_STORE_USER": self.user, "KG_STORE_PASSWORD": self.password}
        self.ini = folder / "virtuoso.ini"
        self.log = folder / "virtuoso.log"
        self._configured = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (or start again) on the same ports and database; the first start creates the user."""
        if not self.ini.exists():
            self._write_ini()
        with (self.folder / "stdout.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["virtuoso-t", "+configfile", str(self.ini), "+foreground"],
                cwd=self.folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        self._wait_ready(lambda: self._sql_ok() and self._http_ok(f"{self.url}/sparql", params={"query": "ASK {}"}),
                         120)
        if not self._configured:
            self.sql(
                f"DB.DBA.USER_CREATE('{self.user}', '{self.password}');",
                f'GRANT SPARQL_UPDATE TO "{self.user}";',
            )
            self._configured = True

    def stop(self) -> None:
        """Checkpoint and shut down through SQL; kill if that does not end it."""
        if self.process is not None and self.process.poll() is None:
            subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=checkpoint; shutdown;"],
                           capture_output=True, timeout=60)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        super().stop()

    def sql(self, *statements: str) -> str:
        """Run SQL as dba; raise if Virtuoso reports an error (isql-vt exits 0 even then)."""
        result = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=" + " ".join(statements)],
            capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql-vt failed: {result.stdout}{result.stderr}")
        return result.stdout

    def _sql_ok(self) -> bool:
        try:
            self.sql("status('');")
            return True
        except (RuntimeError, subprocess.TimeoutExpired):
            return False

    def _write_ini(self) -> None:
        shutil.copy(VIRTUOSO_INI, self.ini)
        db = self.folder
        settings = [
            ("Database", "DatabaseFile", db / "virtuoso.db"),
            ("Database", "ErrorLogFile", self.log),
            ("Database", "LockFile", db / "virtuoso.lck"),
            ("Database", "TransactionFile", db / "virtuoso.trx"),
            ("Database", "xa_persistent_file", db / "virtuoso.pxa"),
            ("TempDatabase", "DatabaseFile", db / "virtuoso-temp.db"),
            ("TempDatabase", "TransactionFile", db / "virtuoso-temp.trx"),
            ("Parameters", "ServerPort", f"127.0.0.1:{self.sql_port}"),
            ("Parameters", "DirsAllowed", f"., {db}, /usr/share/virtuoso-opensource-7/vad"),
            ("HTTPServer", "ServerPort", f"127.0.0.1:{self.port}"),
            # Virtuoso cuts answers at this many rows and says so only in a header.
            ("SPARQL", "ResultSetMaxRows", self.max_rows),
        ]
        for section, key, value in settings:
            subprocess.run(["inifile", "+inifile", str(self.ini), "+section", section, "+key", key,
                            "+value", str(value)], check=True, capture_output=True)


class BasicAuthProxy:
    """A reverse proxy on loopback that asks for HTTP basic authentication, then forwards."""

    def __init__(self, backend_port: int, user: str = "kgtest") -> None:
        self.user = user
        self.password = secrets.token_urlsafe(12)
        self.env = {"KG_STORE_USER": self.user, "KG_STORE_PASSWORD": self.password}
        expected = "Basic " + base64.b64encode(f"{user}:{self.password}".encode()).decode()
        handler = _proxy_handler(backend_port, expected)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _proxy_handler(backend_port: int, expected: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="kg test store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {key: value for key, value in self.headers.items()
                       if key.lower() not in ("authorization", "host", "connection")}
            backend = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=120)
            try:
                backend.request(self.command, self.path, body=body, headers=headers)
                answer = backend.getresponse()
                data = answer.read()
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            finally:
                backend.close()

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _forward

    return Handler
