"""Names and defaults shared by the store library and the command line (light to import)."""

from __future__ import annotations

__all__ = ["METHODS", "VERIFY_LEVELS", "DEFAULT_TIMEOUT", "DEFAULT_RETRIES", "DEFAULT_BATCH_SIZE", "BATCH_SIZES"]

# gsp: one Graph Store PUT per graph; update: SPARQL 1.1 Update, DROP then INSERT DATA.
METHODS = ("gsp", "update")
# count: each graph's triple count; full: the triples themselves, by value; none.
VERIFY_LEVELS = ("count", "full", "none")
DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 3
# Into Oxigraph, 1,000 triples a batch load fastest (32,000 triples/s, against 23,000 at 10,000:
# tests/benchmarks/bench_load.py).
DEFAULT_BATCH_SIZE = 1_000
# Virtuoso compiles INSERT DATA into SQL and refuses it beyond about 1,000 triples ("SP031: the
# length of generated SQL text has exceeded 10000 lines"); it is also fastest at 100-250 a batch.
BATCH_SIZES = {"virtuoso": 250}
