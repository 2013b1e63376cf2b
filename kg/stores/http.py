"""HTTP to a store: timeouts, retries with backoff, authentication, redirects, and one-line errors.

Graph Store requests go through requests; SPARQL queries and updates through SPARQLWrapper,
opened with kg's own urllib opener so that credentials stay in this connection instead of
the process-wide opener that SPARQLWrapper installs for digest authentication.

Both clients time out per socket operation only, so a store that sends a byte a second would
hold kg forever. Every request therefore runs under a `Deadline` (kg.stores.deadline), which shuts
its sockets when its time is up.
Neither client follows a redirect by itself: kg sends a body only to the endpoint it was given,
and credentials only to the origin (scheme, host, port) they were given for.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from SPARQLWrapper import INSERT, SPARQLWrapper

from kg.errors import StoreError
from kg.stores.credentials import PASSWORD_VARIABLE, USER_VARIABLE, Credentials, redact_authorization
from kg.stores.deadline import Deadline, WatchedAdapter, WatchedHTTPHandler, WatchedHTTPSHandler
from kg.stores.endpoints import public_url
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT

__all__ = ["Connection", "StoreAnswerError", "RETRY_STATUSES"]

T = TypeVar("T")

# Virtuoso answers a query with one X-SPARQL-named-graph header per named graph it was given:
# kg query graphs --endpoint gives a thousand at a thousand articles, and http.client refuses
# an answer of over 100 headers ("got more than 100 headers"). Its limit is a module setting.
MAX_HEADERS = 100_000
http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADERS)

# Worth another try: the store is starting, overloaded, or behind a proxy that lost it.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CONNECT_TIMEOUT = 10.0
_MAX_REDIRECTS = 5
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (?P<state>[0-9A-Z]{5}) Error ")
_REALM = re.compile(r'realm="([^"]*)"', re.IGNORECASE)


class StoreAnswerError(StoreError):
    """The store answered, with an HTTP error status (kept in `status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Failure(Exception):
    """An answer or a connection problem, before the retry policy decides what it means."""

    def __init__(self, status: int | None, reason: str, detail: str = "", challenge: str = "", *,
                 message: str = "", url: str | None = None, final: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.challenge = challenge
        # What went wrong, when the status alone does not say it (a redirect, an unexpected status).
        self.message = message
        # Where the answer came from, when a redirect took the request elsewhere.
        self.url = url
        self.final = final

    @property
    def retryable(self) -> bool:
        if self.final or self.message:
            return False
        if self.status is None:
            return True
        # Virtuoso answers 500 to errors that will not go away (a permission, a query it cannot
        # compile); only a deadlock (SQLSTATE 40001) is worth another try.
        virtuoso = _VIRTUOSO_ERROR.match(self.detail)
        if virtuoso and virtuoso["state"] != "40001":
            return False
        return self.status in RETRY_STATUSES


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Queries and updates are POSTs: their body goes to the endpoint kg was given, not on elsewhere.

    Without a new request, urllib raises the redirect as an HTTPError, which `Connection.run` reports.
    """

    def redirect_request(self, *args, **kwargs):
        return None


class _KgSPARQLWrapper(SPARQLWrapper):
    """SPARQLWrapper whose requests go through the connection's opener and timeout."""

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


class Connection:
    """How kg talks to one store: credentials, timeout, retries; every failure a StoreError."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        allow_redirects: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        # Whether a GET may follow a redirect to another origin (without credentials).
        self.allow_redirects = allow_redirects
        self._sleep = sleep
        self._realms: set[str] = set()
        self._session = requests.Session()
        adapter = WatchedAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        # Not requests' own netrc lookup: it would send basic credentials unasked, which Virtuoso
        # answers with a 401 that has no challenge, hiding that it wants digest.
        self._session.auth = _no_auth
        self._auth: AuthBase | None = None
        self._challenge_asked = False
        self._openers: dict[str, urllib.request.OpenerDirector] = {}

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    # -- requests (Graph Store Protocol, probes) ---------------------------------------------

    def request(self, method: str, url: str, *, action: str, expect: Collection[int] = (200,),
                **kwargs) -> requests.Response:
        """Send an HTTP request with retries; an answer with an `expect`ed status, or StoreError naming the endpoint.

        The answer's body is read before the request's time is up. Only a GET follows a redirect:
        within the same origin with credentials, to another only if `allow_redirects`, without them.
        """
        return self._retry(url, action, lambda: self._send(method, url, expect, **kwargs))

    def headers_of(self, url: str) -> dict[str, str]:
        """The headers of the answer to GET `url`, whatever its status (to recognise a store)."""

        def attempt() -> dict[str, str]:
            try:
                response = self._session.get(url, timeout=self._timeouts(), allow_redirects=False)
            except requests.RequestException as error:
                raise _Failure(None, _connection_reason(error)) from None
            if response.status_code in RETRY_STATUSES:
                raise _Failure(response.status_code, response.reason or "",
                               self.detail(response.content, response.headers))
            response.close()
            return dict(response.headers)

        return self._retry(url, "recognising the store", attempt)

    def unexpected(self, url: str, action: str, what: str) -> StoreError:
        """The error for an answer that is not what the request asks for; what the store said is redacted."""
        return StoreError(f"{public_url(url)}: {action}: {self.redact(what)}")

    def redact(self, text: str) -> str:
        """`text` without Authorization values, and without the password in any form (defence in depth)."""
        if self.credentials:
            return self.credentials.redact(text, self._realms)
        return redact_authorization(text)

    def _timeouts(self) -> tuple[float, float]:
        """Per socket operation: connecting, then each read, a little past the deadline, which ends it first."""
        return (min(_CONNECT_TIMEOUT, self.timeout), self.timeout + 1.0)

    def _send(self, method: str, url: str, expect: Collection[int], **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self._timeouts())
        kwargs["allow_redirects"] = False
        try:
            response = self._signed(method, url, **kwargs)
            where, hops = url, 0
            while response.is_redirect:
                if hops == _MAX_REDIRECTS:
                    raise _Failure(response.status_code, response.reason or "",
                                   message=f"the store redirects more than {_MAX_REDIRECTS} times")
                hops += 1
                where = self._redirect_target(method, url, response)
                follow = {key: value for key, value in kwargs.items() if key not in ("params", "data")}
                if _origin(where) == _origin(url):
                    response = self._signed("GET", where, **follow)
                else:
                    response = self._session.request("GET", where, auth=_no_auth, **follow)
        except requests.RequestException as error:
            raise _Failure(None, _connection_reason(error)) from None
        status = response.status_code
        if status in expect:
            return response
        elsewhere = where if _origin(where) != _origin(url) else None
        if status == 401 and elsewhere:
            raise _Failure(status, response.reason or "", url=elsewhere, message=(
                f"the store redirects to {public_url(elsewhere)}, which asks for credentials (HTTP 401); "
                "kg sends credentials only to the host they are for"))
        if status >= 400:
            raise _Failure(status, response.reason or "", self.detail(response.content, response.headers),
                           response.headers.get("WWW-Authenticate", ""), url=elsewhere)
        raise _Failure(status, response.reason or "", url=elsewhere, message=(
            f"the store answered HTTP {status} {self.redact(response.reason or '')}, where {_statuses(expect)} "
            "was expected"))

    def _signed(self, method: str, url: str, **kwargs) -> requests.Response:
        """The answer to a request with this connection's credentials, answering the store's challenge."""
        if kwargs.get("data") and self.credentials and self._auth is None and not self._challenge_asked:
            self._ask_challenge(url, kwargs)
        response = self._session.request(method, url, auth=self._auth, **kwargs)
        if response.status_code == 401 and self.credentials and self._auth is None:
            # The store's challenge says which scheme it wants (Virtuoso: digest).
            self._auth = self._auth_for(response.headers.get("WWW-Authenticate", ""))
            response = self._session.request(method, url, auth=self._auth, **kwargs)
        return response

    def _redirect_target(self, method: str, url: str, response: requests.Response) -> str:
        """Where a redirect points, if kg may follow it; a _Failure otherwise."""
        status, reason = response.status_code, response.reason or ""
        target = urljoin(response.url, response.headers["Location"])
        shown = self.redact(public_url(target))
        if method != "GET":
            # requests would send a PUT's body on after a 307, or turn it into a GET after a 302.
            raise _Failure(status, reason, message=(
                f"the store redirects (HTTP {status}) to {shown}; kg sends a request body only to the endpoint "
                "it was given: give that endpoint instead"))
        if _origin(target) != _origin(url) and not self.allow_redirects:
            raise _Failure(status, reason, message=(
                f"the store redirects (HTTP {status}) to another host, {shown}; kg follows that only when "
                "allowed (--allow-redirects), and then without credentials"))
        return target

    def _ask_challenge(self, url: str, kwargs: dict) -> None:
        """Learn the store's authentication scheme, and a digest nonce, with bodyless requests.

        Virtuoso answers a request without credentials with 401 before it reads the body, and
        closes the connection: a large PUT then fails with a reset instead of the challenge.
        """
        probe = {key: value for key, value in kwargs.items() if key in ("params", "timeout")}
        answer = self._session.head(url, allow_redirects=False, **probe)
        self._challenge_asked = True
        if answer.status_code == 401:
            self._auth = self._auth_for(answer.headers.get("WWW-Authenticate", ""))
            # Digest answers the challenge on this HEAD; later requests are signed from the start.
            self._session.head(url, auth=self._auth, allow_redirects=False, **probe)

    def _auth_for(self, challenge: str) -> AuthBase:
        self._realms.update(_REALM.findall(challenge))
        return _auth_for(challenge, self.credentials)

    # -- SPARQLWrapper (queries, updates) ----------------------------------------------------

    def sparql(self, endpoint: str, query_type: str) -> SPARQLWrapper:
        """A SPARQLWrapper for `endpoint` that sends through this connection (call it with `run`).

        `query_type` is SPARQLWrapper's name of the request's form (SELECT, CONSTRUCT, INSERT for
        any update): it decides whether the text goes as a query or as an update.
        """
        update = {"updateEndpoint": endpoint} if query_type == INSERT else {}
        return _KgSPARQLWrapper(endpoint, self._opener_for(endpoint), self._timeouts()[1], query_type, **update)

    def run(self, endpoint: str, action: str, call: Callable[[], T]) -> T:
        """Run `call` (which uses a SPARQLWrapper of this connection) with retries."""

        def attempt() -> T:
            try:
                return call()
            except urllib.error.HTTPError as error:
                headers = error.headers or {}
                self._realms.update(_REALM.findall(headers.get("WWW-Authenticate", "")))
                if 300 <= error.code < 400:
                    target = self.redact(public_url(urljoin(endpoint, headers.get("Location", ""))))
                    raise _Failure(error.code, str(error.reason), message=(
                        f"the store redirects (HTTP {error.code}) to {target}; kg sends a request body only to "
                        "the endpoint it was given: give that endpoint instead")) from None
                body = error.read() if error.fp is not None else b""
                raise _Failure(error.code, str(error.reason), self.detail(body, headers),
                               headers.get("WWW-Authenticate", "")) from None
            except urllib.error.URLError as error:
                raise _Failure(None, _os_reason(error.reason)) from None
            except (OSError, http.client.HTTPException) as error:
                raise _Failure(None, _os_reason(error)) from None

        return self._retry(endpoint, action, attempt)

    def _opener_for(self, endpoint: str) -> urllib.request.OpenerDirector:
        if endpoint not in self._openers:
            handlers: list[urllib.request.BaseHandler] = [WatchedHTTPHandler(), WatchedHTTPSHandler(),
                                                          _NoRedirects()]
            if self.credentials:
                passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                passwords.add_password(None, endpoint, self.credentials.user, self.credentials.password)
                # urllib answers whichever challenge comes: digest first, then basic.
                handlers += [_SigningDigestAuthHandler(passwords),
                             urllib.request.HTTPBasicAuthHandler(passwords)]
            self._openers[endpoint] = urllib.request.build_opener(*handlers)
        return self._openers[endpoint]

    # -- the retry policy and the errors -----------------------------------------------------

    def _retry(self, url: str, action: str, attempt: Callable[[], T]) -> T:
        delay = self.backoff
        for number in range(self.retries + 1):
            try:
                return self._within_time(attempt)
            except _Failure as failure:
                if not failure.retryable or number == self.retries:
                    raise self._error(url, action, failure, number + 1) from None
            self._sleep(delay)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def _within_time(self, attempt: Callable[[], T]) -> T:
        """`attempt()`, ended when it runs past the timeout.

        A request that ran out of time is not sent again: the store had all the time the user
        gave, and the wait stays what --timeout says.
        """
        with Deadline(self.timeout) as deadline:
            try:
                result = attempt()
            except Exception:
                if deadline.expired:
                    raise _Failure(None, "", final=True, message=f"no complete answer within {self.timeout:g} s")
                raise
        if deadline.expired:
            # A body read until the connection closes ends early, without an error, when it is shut.
            raise _Failure(None, "", final=True, message=f"no complete answer within {self.timeout:g} s")
        return result

    def _error(self, url: str, action: str, failure: _Failure, attempts: int) -> StoreError:
        endpoint = public_url(url)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        if failure.message:
            message = f"{endpoint}: {action}: {failure.message}"
        elif failure.status is None:
            message = f"cannot reach the store at {endpoint}: {failure.reason}{tries}"
        elif failure.status == 401 and self.credentials:
            message = (f"{endpoint} refused the credentials of user {self.credentials.user!r} "
                       f"from {self.credentials.source} (HTTP 401)")
        elif failure.status == 401:
            host = urlsplit(url).hostname
            message = (f"{endpoint} asks for credentials (HTTP 401): set {USER_VARIABLE} and "
                       f"{PASSWORD_VARIABLE}, or add {host} to a netrc file")
        else:
            detail = f": {failure.detail}" if failure.detail else ""
            source = f" (redirected to {public_url(failure.url)})" if failure.url else ""
            message = (f"{endpoint}: {action} failed with HTTP {failure.status} {self.redact(failure.reason)}"
                       f"{source}{tries}{detail}")
            if failure.status == 403 and not self.credentials:
                message += f" (to act as a user with that right, set {USER_VARIABLE} and {PASSWORD_VARIABLE})"
        if failure.status is None:
            return StoreError(message)
        return StoreAnswerError(message, failure.status)

    def detail(self, body: bytes, headers) -> str:
        """The first line of what the store said, redacted before it is shortened, so no part of a secret is left."""
        return _detail(body, headers, self.redact)


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
            raise _Failure(None, "", final=True,
                           message=f"the store asks for digest algorithm {algorithm!r}, which kg does not know")

        def hashed(text: str) -> str:
            return hashlib.new(name, text.encode("utf-8")).hexdigest()

        return hashed, lambda secret, data: hashed(f"{secret}:{data}")


_DIGEST_ALGORITHMS = {"MD5": "md5", "SHA": "sha1", "SHA-256": "sha256"}


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """No credentials: the request as it is."""
    return request


def _auth_for(challenge: str, credentials: Credentials) -> AuthBase:
    if challenge.strip().lower().startswith("digest"):
        return HTTPDigestAuth(credentials.user, credentials.password)
    # As UTF-8 bytes (RFC 7617): requests encodes text as Latin-1, which not every password fits.
    return HTTPBasicAuth(credentials.user.encode("utf-8"), credentials.password.encode("utf-8"))


def _connection_reason(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "no answer in time"
    text = str(error)
    for known, reason in (("Connection refused", "connection refused"),
                          ("Name or service not known", "unknown host"),
                          ("nodename nor servname", "unknown host"),
                          ("RemoteDisconnected", "the connection was closed"),
                          ("Connection reset", "the connection was reset"),
                          ("Connection aborted", "the connection was closed"),
                          ("Broken pipe", "the connection was closed")):
        if known in text:
            return reason
    return type(error).__name__


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


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: where credentials given for `url` may go."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def _statuses(expected: Collection[int]) -> str:
    codes = [str(code) for code in sorted(expected)]
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


def _detail(body: bytes, headers, redact: Callable[[str], str] = redact_authorization) -> str:
    """The first line of what the store said, from plain text or HTML, redacted, at most 300 characters."""
    text = body[:20_000].decode("utf-8", "replace")
    content_type = (headers or {}).get("Content-Type", "") or ""
    if "html" in content_type or text.lstrip().startswith("<"):
        inner = re.search(r"<xmp>(.*?)</xmp>", text, re.S) or re.search(r"<body[^>]*>(.*?)</body>", text, re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", inner.group(1) if inner else text))
    text = redact(text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= 300 else line[:297] + "..."
    return ""
