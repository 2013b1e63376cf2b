"""HTTP to a store: one `Connection` for every request kg sends it, with its credentials, timeout,
retries, redirects and one-line errors.

Graph Store requests and probes go through requests (here); SPARQL queries and updates through
SPARQLWrapper (kg.stores.sparql_client); both are tried as kg.stores.attempts says, within the
timeout, again after a failure worth another try, every failure in the end one StoreError.
Neither client follows a redirect by itself: kg sends a body only to the endpoint it was given,
and credentials only to the origin (scheme, host, port) they were given for.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Collection
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from SPARQLWrapper import SPARQLWrapper

from kg.errors import StoreError
from kg.stores.attempts import RETRY_STATUSES, Attempts, AttemptFailure, StoreAnswerError
from kg.stores.credentials import Credentials
from kg.stores.deadline import WatchedAdapter
from kg.stores.endpoints import public_url
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from kg.stores.sparql_client import SparqlClient

__all__ = ["Connection", "StoreAnswerError", "RETRY_STATUSES"]

T = TypeVar("T")

# Virtuoso answers a query with one X-SPARQL-named-graph header per named graph it was given:
# kg query graphs --endpoint gives a thousand at a thousand articles, and http.client refuses
# an answer of over 100 headers ("got more than 100 headers"). Its limit is a module setting,
# which both clients' answers go through.
MAX_HEADERS = 100_000
http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADERS)

_MAX_REDIRECTS = 5


class Connection:
    """How kg talks to one store: credentials, timeout, retries; every failure a StoreError.

    Its Graph Store requests (`request`, `headers_of`) go through a requests session of its own;
    its SPARQL requests through `sparql` and `run`.
    """

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
        self.attempts = Attempts(credentials, timeout=timeout, retries=retries, backoff=backoff, sleep=sleep)
        # Whether a GET may follow a redirect to another origin (without credentials).
        self.allow_redirects = allow_redirects
        self._sparql = SparqlClient(self.attempts)
        self._session = requests.Session()
        adapter = WatchedAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        # Not requests' own netrc lookup: it would send basic credentials unasked, which Virtuoso
        # answers with a 401 that has no challenge, hiding that it wants digest.
        self._session.auth = _no_auth
        self._auth: AuthBase | None = None
        self._challenge_asked = False

    @property
    def credentials(self) -> Credentials | None:
        """The credentials it sends, kept by its `Attempts`, whose errors name their user."""
        return self.attempts.credentials

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    # -- SPARQL queries and updates (kg.stores.sparql_client) --------------------------------

    def sparql(self, endpoint: str, query_type: str) -> SPARQLWrapper:
        """A SPARQLWrapper for `endpoint` that sends through this connection (call it with `run`),
        as `SparqlClient.wrapper` makes it."""
        return self._sparql.wrapper(endpoint, query_type)

    def run(self, endpoint: str, action: str, call: Callable[[], T]) -> T:
        """Run `call` (which uses a SPARQLWrapper of this connection) with retries."""
        return self._sparql.run(endpoint, action, call)

    # -- what the errors say (kg.stores.attempts) --------------------------------------------

    def unexpected(self, url: str, action: str, what: str) -> StoreError:
        """The error for an answer that is not what the request asks for; what the store said is redacted."""
        return StoreError(f"{public_url(url)}: {action}: {self.redact(what)}")

    def redact(self, text: str) -> str:
        """`text` without the connection's secret in any form (`Attempts.redact`)."""
        return self.attempts.redact(text)

    def detail(self, body: bytes, headers) -> str:
        """The first line of what the store said, redacted (`Attempts.detail`)."""
        return self.attempts.detail(body, headers)

    # -- Graph Store requests and probes (requests) ------------------------------------------

    def request(self, method: str, url: str, *, action: str, expect: Collection[int] = (200,),
                **kwargs) -> requests.Response:
        """Send an HTTP request with retries; an answer with an `expect`ed status, or StoreError naming the endpoint.

        The answer's body is read before the request's time is up. Only a GET follows a redirect:
        within the same origin with credentials, to another only if `allow_redirects`, without them.
        """
        return self.attempts.run(url, action, lambda: self._send(method, url, expect, **kwargs))

    def headers_of(self, url: str) -> dict[str, str]:
        """The headers of the answer to GET `url`, whatever its status (to recognise a store)."""

        def attempt() -> dict[str, str]:
            try:
                response = self._session.get(url, timeout=self.attempts.timeouts(), allow_redirects=False)
            except requests.RequestException as error:
                raise AttemptFailure(None, _connection_reason(error)) from None
            if response.status_code in RETRY_STATUSES:
                raise AttemptFailure(response.status_code, response.reason or "",
                                     self.detail(response.content, response.headers))
            response.close()
            return dict(response.headers)

        return self.attempts.run(url, "recognising the store", attempt)

    def _send(self, method: str, url: str, expect: Collection[int], **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", self.attempts.timeouts())
        kwargs["allow_redirects"] = False
        try:
            response = self._signed(method, url, **kwargs)
            where, hops = url, 0
            while response.is_redirect:
                if hops == _MAX_REDIRECTS:
                    raise AttemptFailure(response.status_code, response.reason or "",
                                         message=f"the store redirects more than {_MAX_REDIRECTS} times")
                hops += 1
                where = self._redirect_target(method, url, response)
                follow = {key: value for key, value in kwargs.items() if key not in ("params", "data")}
                if _origin(where) == _origin(url):
                    response = self._signed("GET", where, **follow)
                else:
                    response = self._session.request("GET", where, auth=_no_auth, **follow)
        except requests.RequestException as error:
            raise AttemptFailure(None, _connection_reason(error)) from None
        status = response.status_code
        if status in expect:
            return response
        elsewhere = where if _origin(where) != _origin(url) else None
        if status == 401 and elsewhere:
            raise AttemptFailure(status, response.reason or "", url=elsewhere, message=(
                f"the store redirects to {public_url(elsewhere)}, which asks for credentials (HTTP 401); "
                "kg sends credentials only to the host they are for"))
        if status >= 400:
            raise AttemptFailure(status, response.reason or "", self.detail(response.content, response.headers),
                                 response.headers.get("WWW-Authenticate", ""), url=elsewhere)
        raise AttemptFailure(status, response.reason or "", url=elsewhere, message=(
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
        """Where a redirect points, if kg may follow it; an AttemptFailure otherwise."""
        status, reason = response.status_code, response.reason or ""
        target = urljoin(response.url, response.headers["Location"])
        shown = self.redact(public_url(target))
        if method != "GET":
            # requests would send a PUT's body on after a 307, or turn it into a GET after a 302.
            raise AttemptFailure(status, reason, message=(
                f"the store redirects (HTTP {status}) to {shown}; kg sends a request body only to the endpoint "
                "it was given: give that endpoint instead"))
        if _origin(target) != _origin(url) and not self.allow_redirects:
            raise AttemptFailure(status, reason, message=(
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
        self.attempts.learn_realms(challenge)
        return _auth_for(challenge, self.credentials)


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


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: where credentials given for `url` may go."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def _statuses(expected: Collection[int]) -> str:
    codes = [str(code) for code in sorted(expected)]
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


