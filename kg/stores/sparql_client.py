"""SPARQL queries and updates sent to a store through SPARQLWrapper, opened with kg's own urllib
opener, so that credentials stay in this connection instead of the process-wide opener that
SPARQLWrapper installs for digest authentication.

A query or an update is a POST: its body goes to the endpoint kg was given, and a redirect is an
error that says so, not a request sent on.
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urljoin

from SPARQLWrapper import INSERT, SPARQLWrapper

from kg.stores.attempts import Attempts, AttemptFailure
from kg.stores.deadline import WatchedHTTPHandler, WatchedHTTPSHandler
from kg.stores.endpoints import public_url

__all__ = ["SparqlClient"]

T = TypeVar("T")


class SparqlClient:
    """SPARQLWrapper requests to a store's endpoints, tried as `attempts` says, with its credentials."""

    def __init__(self, attempts: Attempts) -> None:
        self.attempts = attempts
        self._openers: dict[str, urllib.request.OpenerDirector] = {}

    def wrapper(self, endpoint: str, query_type: str) -> SPARQLWrapper:
        """A SPARQLWrapper for `endpoint` that sends through this client (call it with `run`).

        `query_type` is SPARQLWrapper's name of the request's form (SELECT, CONSTRUCT, INSERT for
        any update): it decides whether the text goes as a query or as an update.
        """
        update = {"updateEndpoint": endpoint} if query_type == INSERT else {}
        return _KgSPARQLWrapper(endpoint, self._opener_for(endpoint), self.attempts.timeouts()[1], query_type,
                                **update)

    def run(self, endpoint: str, action: str, call: Callable[[], T]) -> T:
        """Run `call` (which uses a SPARQLWrapper of this client) with retries."""
        attempts = self.attempts

        def attempt() -> T:
            try:
                return call()
            except urllib.error.HTTPError as error:
                headers = error.headers or {}
                attempts.learn_realms(headers.get("WWW-Authenticate", ""))
                if 300 <= error.code < 400:
                    target = attempts.redact(public_url(urljoin(endpoint, headers.get("Location", ""))))
                    raise AttemptFailure(error.code, str(error.reason), message=(
                        f"the store redirects (HTTP {error.code}) to {target}; kg sends a request body only to "
                        "the endpoint it was given: give that endpoint instead")) from None
                body = error.read() if error.fp is not None else b""
                raise AttemptFailure(error.code, str(error.reason), attempts.detail(body, headers),
                                     headers.get("WWW-Authenticate", "")) from None
            except urllib.error.URLError as error:
                raise AttemptFailure(None, _os_reason(error.reason)) from None
            except (OSError, http.client.HTTPException) as error:
                raise AttemptFailure(None, _os_reason(error)) from None

        return attempts.run(endpoint, action, attempt)

    def _opener_for(self, endpoint: str) -> urllib.request.OpenerDirector:
        if endpoint not in self._openers:
            handlers: list[urllib.request.BaseHandler] = [WatchedHTTPHandler(), WatchedHTTPSHandler(),
                                                          _NoRedirects()]
            credentials = self.attempts.credentials
            if credentials:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, endpoint, credentials.user, credentials.password)
                # urllib answers whichever challenge comes: digest first, then basic.
                handlers += [_SigningDigestAuthHandler(passwords),
                             urllib.request.HTTPBasicAuthHandler(passwords)]
            self._openers[endpoint] = urllib.request.build_opener(*handlers)
        return self._openers[endpoint]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Queries and updates are POSTs: their body goes to the endpoint kg was given, not on elsewhere.

    Without a new request, urllib raises the redirect as an HTTPError, which `SparqlClient.run` reports.
    """

    def redirect_request(self, *args, **kwargs):
        return None


class _KgSPARQLWrapper(SPARQLWrapper):
    """SPARQLWrapper whose requests go through the client's opener and timeout."""

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector, timeout: float,
                 query_type: str, **kwargs) -> None:
        # Set first: SPARQLWrapper's constructor already parses a query of its own.
        self._kg_query_type = query_type
        super().__init__(endpoint, **kwargs)
        self._kg_opener = opener
        self._kg_timeout = timeout

    def _parseQueryType(self, query: str) -> str:
        # The caller knows the form; SPARQLWrapper would guess it from the text. Its guess keeps
        # every other line of a run of comments and takes the first keyword it finds anywhere, so a
        # SELECT whose comment says "kg load writes" went as an update (LOAD). The regular
        # expressions also cost a quarter of a load's time on batches of INSERT DATA.
        return self._kg_query_type

    def _query(self):
        # SPARQLWrapper builds the request (parameters, encoding, Accept); kg sends it.
        return self._kg_opener.open(self._createRequest(), timeout=self._kg_timeout), self.returnFormat


class _SigningDigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest that signs each request once it knows the store's challenge.

    urllib's own handler sends every request unsigned, then again after the 401: each batch of
    INSERT DATA would go twice, and Virtuoso may close the connection before the first is sent.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self._challenge: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str):
        _, challenge = auth.split(" ", 1)
        self._challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self._challenge and not req.has_header(self.auth_header):
            authorization = self.get_authorization(req, self._challenge)
            if authorization:
                req.add_unredirected_header(self.auth_header, f"Digest {authorization}")
        return req

    https_request = http_request

    def get_algorithm_impls(self, algorithm: str):
        # urllib hashes as ASCII, so a password with any other character fails with a traceback;
        # digest hashes UTF-8 (RFC 7616), as requests does.
        name = _DIGEST_ALGORITHMS.get(algorithm.upper())
        if name is None:
            raise AttemptFailure(None, "", final=True,
                                 message=f"the store asks for digest algorithm {algorithm!r}, which kg does not know")

        def hashed(text: str) -> str:
            return hashlib.new(name, text.encode("utf-8")).hexdigest()

        return hashed, lambda secret, data: hashed(f"{secret}:{data}")


_DIGEST_ALGORITHMS = {"MD5": "md5", "SHA": "sha1", "SHA-256": "sha256"}


def _os_reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        return "the connection was closed"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
