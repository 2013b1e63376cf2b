"""Ground stage: every quote of a record found in the article, every reference defined.

The modules: `references` (every id defined once, every reference to what it must name) and
`quotes` (every quote found exactly in the text, every name form as a whole word).
"""

from __future__ import annotations

from kg.ground.quotes import locate_all
from kg.ground.references import check_ids, check_open_readings, check_order, check_references
from kg.read import Article

__all__ = ["ground"]


def ground(article: Article) -> None:
    """Check the record's identifiers and references and locate all its quotes in the text."""
    kinds = check_ids(article)
    check_references(article, kinds)
    check_open_readings(article)
    check_order(article)
    locate_all(article)
