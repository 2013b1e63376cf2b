"""Regenerate kg/data/checked-queries.json: the digests of the bundled queries that pass kg query's check.

A fresh `kg query` would read every bundled query with rdflib's parser (kg.query.check); the table
spares it. Run this after changing a query in queries/, or the check in kg/query/check.py, or after
upgrading rdflib, then commit the file:

    python tests/regenerate_query_table.py

tests/test_query_safety.py fails while the table is out of date; an out-of-date table is never
wrong at run time: a text it does not hold is read again, and the table is not used with another
SPARQL parser than the one it names (by the digest of its source).
"""

from __future__ import annotations

import json

from kg.query import list_queries
from kg.query import check
from kg.resources import data_file


def checked_table() -> dict:
    """The table for the bundled queries as they are, each read by the parser (not taken from a table)."""
    check.checked_texts.cache_clear()
    original, check.checked_texts = check.checked_texts, lambda: frozenset()
    try:
        digests = []
        for query in list_queries():
            check.check_query(query)  # raises for a query that does not pass
            digests.append(check.text_digest(query.text))
    finally:
        check.checked_texts = original
    return {"rdflib_sparql_parser": check.parser_digest(), "select_calling_no_endpoint": sorted(digests)}


def main() -> None:
    table = checked_table()
    data_file(check.CHECKED).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(table['select_calling_no_endpoint'])} digests, for rdflib's SPARQL parser "
          f"{table['rdflib_sparql_parser'][:12]}, to {data_file(check.CHECKED)}")


if __name__ == "__main__":
    main()
