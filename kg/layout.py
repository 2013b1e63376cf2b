"""The query-ready store's place in dist/, and how a reader opens it.

kg.write.store writes the store; `kg query`, `kg serve` and `kg site` read it. This module needs
neither rdflib nor the writer, so that a fresh `kg query` starts without importing them.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

__all__ = ["STORE", "open_store"]

STORE = "store"  # the store's folder in dist/


def open_store(folder: Path) -> pyoxigraph.Store:
    """The store in `folder`, read-only: any number of processes may read it while nothing writes it."""
    return pyoxigraph.Store.read_only(str(folder))
