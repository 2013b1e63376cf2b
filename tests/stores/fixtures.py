"""pytest fixtures for real triple stores: one server of each kind per session, stopped after.

`store` is parametrised by kind, so one test class runs against every store. When a store is not
installed its tests skip with the reason, unless KG_REQUIRE_STORES=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from stores.probe import Probe
from stores.servers import (
    BasicAuthProxy,
    OxigraphServer,
    StoreServer,
    VirtuosoServer,
    oxigraph_command,
    virtuoso_missing,
)

__all__ = ["StoreUnderTest", "unavailable", "oxigraph_server", "virtuoso_server", "virtuoso_cutting_server", "oxigraph_auth_proxy",
           "store", "store_env"]

STORE_KINDS = ("oxigraph", "virtuoso")


def unavailable(reason: str) -> None:
    """Skip the test for `reason`, or fail it where every store must run (KG_REQUIRE_STORES=1, as CI sets)."""
    if os.environ.get("KG_REQUIRE_STORES") == "1":
        pytest.fail(f"KG_REQUIRE_STORES=1 but {reason}")
    pytest.skip(reason)


@dataclass
class StoreUnderTest:
    """A running store as the tests see it.

    `url` and `env` load and query it; `auth_url` and `auth_env` reach it through an endpoint
    that asks for credentials (Virtuoso's own, or a basic-auth proxy in front of Oxigraph).
    """

    kind: str
    server: StoreServer
    url: str
    env: dict[str, str]
    auth_url: str
    auth_env: dict[str, str]
    probe: Probe = field(init=False)

    def __post_init__(self) -> None:
        self.probe = Probe(self.kind, self.url, self.env)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    """An Oxigraph server on a free loopback port and a temporary directory."""
    command = oxigraph_command()
    if command is None:
        unavailable("the oxigraph server is not installed (pip install '.[test]')")
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"), command)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_auth_proxy(oxigraph_server) -> Iterator[BasicAuthProxy]:
    """Basic authentication in front of the Oxigraph server, which has none of its own."""
    proxy = BasicAuthProxy(oxigraph_server.port)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """Virtuoso 7 on free loopback ports with a temporary database and a test user."""
    reason = virtuoso_missing()
    if reason:
        unavailable(reason)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_cutting_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """Virtuoso 7 that answers at most 1 row (ResultSetMaxRows), as a store with a low limit cuts answers."""
    reason = virtuoso_missing()
    if reason:
        unavailable(reason)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-cutting"), max_rows=1)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=[pytest.param(kind, marks=getattr(pytest.mark, kind)) for kind in STORE_KINDS])
def store(request) -> StoreUnderTest:
    """Each kind of store in turn, running."""
    server = request.getfixturevalue(f"{request.param}_server")
    if request.param == "oxigraph":
        proxy = request.getfixturevalue("oxigraph_auth_proxy")
        return StoreUnderTest("oxigraph", server, server.url, {}, proxy.url, proxy.env)
    return StoreUnderTest("virtuoso", server, server.url, server.env, server.url, server.env)


@pytest.fixture
def store_env(monkeypatch, tmp_path) -> None:
    """No store credentials from the machine running the tests: none in the environment, no netrc."""
    for name in ("KG_STORE_USER", "KG_STORE_PASSWORD", "KG_STORE_TIMEOUT", "KG_STORE_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
