"""Names people read for the terms of kg's vocabulary: `kgo:EventScheduled` is "scheduled",
`kgo:SentenceReduction` "sentence reduction", `schema:eventStatus` stays a compact IRI.

>>> readable("https://kg.example.org/ontology#SentenceReduction")
'sentence reduction'
>>> readable("https://schema.org/EventScheduled")
'scheduled'
>>> compact("https://schema.org/eventStatus")
'schema:eventStatus'
"""

from __future__ import annotations

import functools
import re

from kg.vocab import PREFIXES

__all__ = ["compact", "readable", "kind_of", "KINDS", "STATUS_CLASSES", "precision"]

_NAMESPACES = sorted(((str(namespace), prefix) for prefix, namespace in PREFIXES.items()), key=lambda p: -len(p[0]))
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


@functools.lru_cache(maxsize=100_000)
def compact(iri: str) -> str:
    """The IRI with one of kg's prefixes where one fits, else whole."""
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def readable(iri: str) -> str:
    """A term's local name as lower-case words; an event status without its `Event` prefix."""
    local = re.split(r"[#/]", iri)[-1] or iri
    words = _WORD.findall(local)
    if len(words) > 1 and words[0] == "Event":
        words = words[1:]
    return " ".join(word if word.isupper() else word.lower() for word in words) or local


# What kind of page a resource gets, from its classes, the first that fits.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("article", ("https://schema.org/NewsArticle",)),
    ("actor", ("http://semanticweb.cs.vu.nl/2009/11/sem/Actor", "http://semanticweb.cs.vu.nl/2009/11/sem/Place",
               "http://xmlns.com/foaf/0.1/Group")),
    ("event", ("http://semanticweb.cs.vu.nl/2009/11/sem/Event",)),
    ("statement", ("https://schema.org/Claim",)),
    ("quotation", ("https://schema.org/Quotation",)),
    ("post", ("http://www.w3.org/ns/org#Post",)),
    ("membership", ("http://www.w3.org/ns/org#Membership",)),
    ("role", ("http://semanticweb.cs.vu.nl/2009/11/sem/Role",)),
    ("time", ("http://www.w3.org/2006/time#Instant", "http://www.w3.org/2006/time#Interval")),
    ("charge", ("http://www.w3.org/2004/02/skos/core#Concept",)),
)


def kind_of(types: set[str]) -> str:
    """The page kind of a resource with these classes; "resource" when none fits."""
    for kind, classes in KINDS:
        if any(cls in types for cls in classes):
            return kind
    return "resource"


# The classes that say most about an actor, most specific first, as people name them.
ACTOR_CLASSES = (
    ("https://schema.org/Person", "person"),
    ("https://schema.org/Country", "country"),
    ("https://schema.org/GovernmentOrganization", "government organisation"),
    ("https://schema.org/NewsMediaOrganization", "news outlet"),
    ("https://schema.org/ResearchOrganization", "research organisation"),
    ("https://kg.example.org/ontology#UnnamedGroup", "group the text does not name"),
    ("https://schema.org/Organization", "organisation"),
    ("http://semanticweb.cs.vu.nl/2009/11/sem/Place", "place"),
)


def actor_kind(types: set[str]) -> str:
    """The most specific of the actor classes it has, as a word."""
    for cls, word in ACTOR_CLASSES:
        if cls in types:
            return word
    return "actor"


STATUS_CLASSES = {
    "happened": ("https://kg.example.org/ontology#EventHappened",),
    "ongoing": ("https://kg.example.org/ontology#EventOngoing",),
    "to come": ("https://schema.org/EventScheduled", "https://kg.example.org/ontology#EventPlanned"),
    "possible": ("https://kg.example.org/ontology#EventPossible",),
}


def status_group(status: str | None) -> str:
    """Which of happened, ongoing, to come (planned or scheduled) and possible an event's status is."""
    for group, classes in STATUS_CLASSES.items():
        if status in classes:
            return group
    return "other"


_UNITS = {
    "http://www.w3.org/2006/time#unitDay": "a day",
    "http://www.w3.org/2006/time#unitWeek": "a week",
    "http://www.w3.org/2006/time#unitMonth": "a month",
    "http://www.w3.org/2006/time#unitYear": "a year",
}


def precision(unit: str | None) -> str:
    """The precision of a time, in words: "a day", "a month", or "a span of days" without a unit."""
    return _UNITS.get(unit or "", "a span of days" if not unit else readable(unit))
