"""Credentials for a store, from the environment or a netrc file; never from the command line.

The password is kept out of every text kg prints: it is not part of the repr, no message below
quotes the netrc file's contents, and `Credentials.redact` takes it out of what a store says,
in every form kg could have sent it in.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import netrc
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit

from kg.errors import InputError

__all__ = ["Credentials", "credentials_for", "redact_authorization", "USER_VARIABLE", "PASSWORD_VARIABLE"]

USER_VARIABLE = "KG_STORE_USER"
PASSWORD_VARIABLE = "KG_STORE_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a store's authenticated endpoints."""

    user: str
    password: str = field(repr=False)
    source: str = "the environment"

    def redact(self, text: str, realms: Iterable[str] = ()) -> str:
        """`text` without Authorization values and without the password in any form kg sends or a store echoes.

        >>> Credentials("kgtest", "pw:1").redact("echo: Authorization: Basic a2d0ZXN0OnB3OjE= and a2d0ZXN0OnB3OjE")
        'echo: Authorization: *** and ***'
        """
        text = redact_authorization(text)
        for form in self._forms(tuple(realms)):
            text = text.replace(form, "***")
        return text

    def _forms(self, realms: tuple[str, ...]) -> list[str]:
        """The password as written, escaped, encoded, in basic authentication and digest hashes; longest first."""
        user, password = self.user, self.password
        if not password:
            return []
        forms = {password, f"{user}:{password}", json.dumps(password)[1:-1],
                 json.dumps(password, ensure_ascii=False)[1:-1], repr(password)[1:-1], html.escape(password)}
        for text in (password, f"{user}:{password}"):
            for encoded in _encodings(text):
                for b64 in (base64.b64encode(encoded), base64.urlsafe_b64encode(encoded)):
                    forms |= {b64.decode("ascii"), b64.decode("ascii").rstrip("=")}
            for quoted in (quote(text, safe=""), quote(text), quote_plus(text, safe=""), quote_plus(text)):
                forms |= {quoted, re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quoted)}
        # Digest never sends the password, but its hashes stand for it: HA1 is user:realm:password.
        for secret in (password, *(f"{user}:{realm}:{password}" for realm in realms)):
            for name in ("md5", "sha256", "sha512"):
                digest = hashlib.new(name, secret.encode("utf-8")).hexdigest()
                forms |= {digest, digest.upper()}
        return sorted((form for form in forms if form), key=len, reverse=True)


def credentials_for(url: str, environ: dict[str, str] | None = None) -> Credentials | None:
    """The credentials for the store at `url`: KG_STORE_USER/KG_STORE_PASSWORD, else netrc."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password):
            missing = PASSWORD_VARIABLE if user else USER_VARIABLE
            raise InputError(f"{missing} is not set; set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return Credentials(user, password)
    return _from_netrc(url, env)


def _from_netrc(url: str, env) -> Credentials | None:
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except netrc.NetrcParseError as error:
        # The parser's own message can quote a token of the file, which may be a password.
        reason = error.msg if error.msg.startswith("~/.netrc") else "not a valid netrc file"
        raise InputError(reason, path=path, line=error.lineno) from None
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", path=path) from None
    if entry is None:
        return None
    login, _account, password = entry
    if not login or not password:
        return None
    return Credentials(login, password, source=str(path))


# An Authorization header as a store may echo it: a header line, a JSON member, a dict entry.
_PARAMETER = r"""[\w-]+\s*=\s*(?:"[^"\r\n]*"|[^\s,"']*)"""
_AUTHORIZATION = re.compile(
    r"""(?i)\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)"""
    rf"""(?:digest\s+{_PARAMETER}(?:\s*,\s*{_PARAMETER})*|[\w-]+\s+[^\s"',;]+|[^\s"',;]+)"""
)


def redact_authorization(text: str) -> str:
    """`text` with the value of every Authorization header in it replaced by ***.

    >>> redact_authorization('Authorization: Digest username="u", realm="SPARQL", response="9f3a" Host: h')
    'Authorization: *** Host: h'
    """
    return _AUTHORIZATION.sub(lambda match: match.group(1) + "***", text)


def _encodings(text: str) -> list[bytes]:
    found = [text.encode("utf-8")]
    try:
        found.append(text.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    return found
