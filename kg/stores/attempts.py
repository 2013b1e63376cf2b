"""How kg tries a request to a store: within its time, again after a failure worth another try
(with backoff), and in the end one StoreError in kg's words, with no secret in it.

Both clients (requests for the Graph Store Protocol, SPARQLWrapper for queries and updates,
kg.stores.http and kg.stores.sparql_client) raise an `AttemptFailure` for what went wrong in one
attempt; `Attempts.run` decides whether to try again and what to tell the user.

Both clients time out per socket operation only, so a store that sends a byte a second would
hold kg forever. Every attempt therefore runs under a `Deadline` (kg.stores.deadline), which shuts
its sockets when its time is up.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from kg.errors import StoreError
from kg.stores.credentials import PASSWORD_VARIABLE, USER_VARIABLE, Credentials, redact_authorization
from kg.stores.deadline import Deadline
from kg.stores.endpoints import public_url
from kg.stores.options import DEFAULT_RETRIES, DEFAULT_TIMEOUT

__all__ = ["Attempts", "AttemptFailure", "RETRY_STATUSES", "StoreAnswerError", "detail_line"]

T = TypeVar("T")

# Worth another try: the store is starting, overloaded, or behind a proxy that lost it.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CONNECT_TIMEOUT = 10.0
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (?P<state>[0-9A-Z]{5}) Error ")
_REALM = re.compile(r'realm="([^"]*)"', re.IGNORECASE)


class StoreAnswerError(StoreError):
    """The store answered, with an HTTP error status (kept in `status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class AttemptFailure(Exception):
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


class Attempts:
    """The policy of one connection: its time per attempt, its retries and their backoff, and what
    its errors say (the credentials' user and source, never their secret, in any form: `redact`)."""

    def __init__(self, credentials: Credentials | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self._sleep = sleep
        # The realms the store named in its challenges: a digest secret is hashed with one.
        self._realms: set[str] = set()

    def run(self, url: str, action: str, attempt: Callable[[], T]) -> T:
        """`attempt()`, tried again after a failure worth it; a StoreError naming `url` and `action` otherwise."""
        delay = self.backoff
        for number in range(self.retries + 1):
            try:
                return self._within_time(attempt)
            except AttemptFailure as failure:
                if not failure.retryable or number == self.retries:
                    raise self._error(url, action, failure, number + 1) from None
            self._sleep(delay)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def timeouts(self) -> tuple[float, float]:
        """Per socket operation: connecting, then each read, a little past the deadline, which ends it first."""
        return (min(_CONNECT_TIMEOUT, self.timeout), self.timeout + 1.0)

    def learn_realms(self, challenge: str) -> None:
        """Note the realms of a challenge of the store's (WWW-Authenticate), to redact what depends on them."""
        self._realms.update(_REALM.findall(challenge))

    def redact(self, text: str) -> str:
        """`text` without Authorization values, and without the password in any form (defence in depth)."""
        if self.credentials:
            return self.credentials.redact(text, self._realms)
        return redact_authorization(text)

    def detail(self, body: bytes, headers) -> str:
        """The first line of what the store said, redacted before it is shortened, so no part of a secret is left."""
        return detail_line(body, headers, self.redact)

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
                    raise AttemptFailure(None, "", final=True, message=f"no complete answer within {self.timeout:g} s")
                raise
        if deadline.expired:
            # A body read until the connection closes ends early, without an error, when it is shut.
            raise AttemptFailure(None, "", final=True, message=f"no complete answer within {self.timeout:g} s")
        return result

    def _error(self, url: str, action: str, failure: AttemptFailure, attempts: int) -> StoreError:
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


def detail_line(body: bytes, headers, redact: Callable[[str], str] = redact_authorization) -> str:
    """The first line of what the store said, from plain text or HTML, redacted, at most 300 characters.

    >>> detail_line(b"<html><body><h1>Error</h1> Virtuoso 42000 Error SR186</body></html>", {})
    'Error Virtuoso 42000 Error SR186'
    """
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
