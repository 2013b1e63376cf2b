"""Shared fixtures: the repository's folders, a built seed dataset, and the CLI runner."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildResult, build
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Real triple stores (Oxigraph, Virtuoso) started by fixtures: tests/stores/fixtures.py
pytest_plugins = ["stores.fixtures"]


@pytest.fixture(scope="session")
def built_seed(tmp_path_factory) -> BuildResult:
    """The seeds built once for the whole session into a temporary dist/ (read-only for tests)."""
    out = tmp_path_factory.mktemp("built") / "dist"
    return build(SEEDS, out)


@pytest.fixture(scope="session")
def built_seed_with_text(tmp_path_factory) -> BuildResult:
    """The seeds built with their full texts (kg build --with-text): what kg build checks (read-only)."""
    out = tmp_path_factory.mktemp("built-with-text") / "dist"
    return build(SEEDS, out, with_text=True)


def assemblers() -> list:
    """This process's children still writing a build's whole files (kg.write.assembler), by name:
    other tests leave children of their own running (kg serve's query workers)."""
    return [child for child in multiprocessing.active_children() if child.name == "kg-assembler"]


def seeds_with_second_article(folder: Path) -> Path:
    """`folder` made a seeds folder of the seed and the fictional second article, which share actors."""
    shutil.copytree(SEEDS, folder)
    for path in (FIXTURES / "articles").glob("mekong_wire_2022_03_10.*"):
        shutil.copy(path, folder)
    return folder


@pytest.fixture(scope="session")
def built_two_articles(tmp_path_factory) -> BuildResult:
    """The seed and the fictional second article built together once for the session (read-only)."""
    seeds = seeds_with_second_article(tmp_path_factory.mktemp("two-articles") / "seeds")
    return build(seeds, seeds.parent / "dist")


@pytest.fixture(scope="session")
def seed_site(built_seed_with_text) -> Path:
    """The site (kg site) of the seed with its text, written once for the session (read-only for tests)."""
    from kg.site.build import build_site

    dist = built_seed_with_text.out
    return build_site(dist, dist.parent / "site", workers=1).out


@pytest.fixture(scope="session")
def served(built_seed_with_text, seed_site):
    """kg serve on the seed's site, on a free loopback port, for the session."""
    from kg.serve import Server

    with Server(built_seed_with_text.out, seed_site, timeout=5.0) as server:
        yield server


@pytest.fixture
def run_kg():
    """Run the `kg` command line in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)

    return run
