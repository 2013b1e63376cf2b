"""HTTP content negotiation: which of the media types a server offers an Accept header prefers.

Quality values and wildcards are read as RFC 9110 says: the most specific range that matches a
type gives its quality, a quality of 0 refuses it, and among equals the server's own order wins.

>>> choose("text/turtle;q=0.9, application/ld+json", ["text/html", "text/turtle", "application/ld+json"])
'application/ld+json'
>>> choose("text/html,application/xhtml+xml,*/*;q=0.8", ["text/html", "text/turtle"])
'text/html'
>>> choose("application/n-triples", ["text/html", "text/turtle"]) is None
True
>>> choose("", ["text/html", "text/turtle"])
'text/html'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["choose", "parse_accept"]


def parse_accept(header: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their qualities (1 where none is given)."""
    ranges = []
    for part in header.split(","):
        fields = [field.strip() for field in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/", 1)[0]
    best, specificity = 0.0, -1
    for media, quality in ranges:
        if media == offer:
            rank = 2
        elif media == f"{kind}/*":
            rank = 1
        elif media == "*/*":
            rank = 0
        else:
            continue
        if rank > specificity:
            best, specificity = quality, rank
    return best


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the Accept header prefers; the first offer when there is no header; None if none is acceptable."""
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    scored = [(_quality(offer, ranges), -index, offer) for index, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None
