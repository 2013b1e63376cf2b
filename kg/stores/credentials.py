"""Credentials for a store, from the environment or a netrc file; never from the command line.

The password is kept out of every text kg prints: it is not part of the repr, and no message
below quotes the netrc file's contents.
"""

from __future__ import annotations

import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kg.errors import InputError

__all__ = ["Credentials", "credentials_for", "USER_VARIABLE", "PASSWORD_VARIABLE"]

USER_VARIABLE = "KG_STORE_USER"
PASSWORD_VARIABLE = "KG_STORE_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for a store's authenticated endpoints."""

    user: str
    password: str = field(repr=False)
    source: str = "the environment"


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
