"""Triple stores: load kg's dataset into any SPARQL 1.1 store, verify it, and query it there.

From a notebook, with an Oxigraph server on port 7878 and the dataset built in dist/:

    from kg.stores import Store, load_dist
    with Store.connect("http://127.0.0.1:7878") as store:
        result = load_dist(store, Path("dist"), verify="full")

The names below are imported on first use, so that the command line can read the options'
choices without loading requests, SPARQLWrapper and pyoxigraph.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Connection": "http",
    "StoreAnswerError": "http",
    "Credentials": "credentials",
    "credentials_for": "credentials",
    "DatasetGraph": "dataset",
    "dataset_file": "dataset",
    "read_dataset": "dataset",
    "Endpoints": "endpoints",
    "LAYOUTS": "endpoints",
    "STORE_TYPES": "endpoints",
    "detect_store_type": "endpoints",
    "resolve_endpoints": "endpoints",
    "LoadProgress": "loading",
    "LoadResult": "loading",
    "load": "loading",
    "load_dist": "loading",
    "METHODS": "options",
    "VERIFY_LEVELS": "options",
    "DEFAULT_BATCH_SIZE": "options",
    "DEFAULT_RETRIES": "options",
    "DEFAULT_TIMEOUT": "options",
    "Store": "store",
    "ChangedDataError": "verify",
    "verify_counts": "verify",
    "verify_graphs": "verify",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kg.stores' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kg.stores.{_EXPORTS[name]}"), name)


def __dir__() -> list[str]:
    return __all__
