"""IRIs minted from a base IRI and readable slugs, the same in every build and every article.

Actors and posts are global: the same id in two articles is one IRI. Events, statements and unnamed
groups belong to their article, so the article's name is part of their IRI.

>>> iris = Iris("https://kg.example.org/", "000_ce469ea1af2cc5a4")
>>> str(iris.actor("hun-sen", "person"))
'https://kg.example.org/person/hun-sen'
>>> str(iris.mention(10, 17))
'https://kg.example.org/article/000_ce469ea1af2cc5a4#char=10,17'
>>> slug("Flouting Covid rules (Ministry’s “directive”)")
'flouting-covid-rules-ministrys-directive'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, urlsplit

from pyoxigraph import NamedNode

from rdflib import URIRef

__all__ = ["Iris", "DatasetIris", "slug", "DEFAULT_BASE", "check_base"]

DEFAULT_BASE = "https://kg.example.org/"

_FOLDERS = {
    "person": "person",
    "country": "country",
    "group": "group",
    "place": "place",
}


def slug(name: str) -> str:
    """A readable, IRI-safe slug for any name; a hash where nothing readable is left."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if words:
        return words
    return "h" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def _segment(text: str) -> str:
    return quote(text, safe="-._~")


def check_base(base: str) -> str:
    """The base IRI, checked: an absolute http(s) IRI with a host, ending in / or #, that every IRI
    minted from it is valid (RFC 3987) and prints on one line.

    >>> check_base("https://kg.example.org/news/")
    'https://kg.example.org/news/'
    >>> check_base("https://kg.example.org/a b/")
    Traceback (most recent call last):
    ValueError: the base IRI 'https://kg.example.org/a b/' holds ' ' (U+0020), which an IRI cannot hold
    """
    for character in base:
        if unicodedata.category(character) in _NOT_IN_AN_IRI or character in '<>"{}|\\^`':
            raise ValueError(
                f"the base IRI {base!r} holds {character!r} (U+{ord(character):04X}), which an IRI cannot hold"
            )
    try:
        scheme, host = urlsplit(base)[:2]
    except ValueError as error:
        raise ValueError(f"the base IRI {base!r} is not a valid IRI: {error}") from None
    if scheme not in ("http", "https") or not host or base[-1] not in "/#":
        raise ValueError(f"the base IRI {base!r} must be an absolute http(s) IRI with a host, ending in '/' or '#'")
    try:
        NamedNode(base + "x")
    except ValueError as error:
        raise ValueError(f"the base IRI {base!r} is not a valid IRI: {error}") from None
    return base


# Control and format characters, spaces, line and paragraph separators: never in a base IRI.
_NOT_IN_AN_IRI = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


class Iris:
    """The IRIs of one article's resources under one base IRI."""

    def __init__(self, base: str, article_id: str) -> None:
        self.base = check_base(base)
        self.article_id = _segment(article_id)

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def article(self) -> URIRef:
        return self._iri("article", self.article_id)

    def graph(self) -> URIRef:
        return self._iri("graph", self.article_id)

    def text_graph(self) -> URIRef:
        """The graph of the article's full text (kg build --with-text), apart from kg's statements."""
        return self._iri("graph", self.article_id, "text")

    def text_checksum(self) -> URIRef:
        return self._iri("article", self.article_id, "text-sha256")

    def context(self, length: int) -> URIRef:
        return self.mention(0, length)

    def mention(self, begin: int, end: int) -> URIRef:
        return URIRef(f"{self.article()}#char={begin},{end}")

    def record(self) -> URIRef:
        return self._iri("record", self.article_id)

    def actor(self, actor_id: str, kind: str, article_scoped: bool = False) -> URIRef:
        folder = _FOLDERS.get(kind, "organization")
        if article_scoped:
            return self._iri(folder, self.article_id, actor_id)
        return self._iri(folder, actor_id)

    def post(self, post_id: str) -> URIRef:
        return self._iri("post", post_id)

    def membership(self, post: URIRef, holder: URIRef) -> URIRef:
        return URIRef(f"{post}/holder/{holder[len(self.base):]}")

    def event(self, event_id: str) -> URIRef:
        return self._iri("event", self.article_id, event_id)

    def role(self, event: URIRef, role: str, actor_id: str) -> URIRef:
        return URIRef(f"{event}/role/{role}/{actor_id}")

    def time(self, owner: URIRef, name: str) -> URIRef:
        return URIRef(f"{owner}/time/{name}")

    def statement(self, statement_id: str) -> URIRef:
        return self._iri("statement", self.article_id, statement_id)

    def quotation(self, statement: URIRef, number: int) -> URIRef:
        return URIRef(f"{statement}/quotation/{number}")

    def charge(self, label: str) -> URIRef:
        return self._iri("charge", slug(label))

    def charges(self) -> URIRef:
        return self._iri("charge", "")

    def penalty(self, name: str) -> URIRef:
        return self._iri("penalty", slug(name))


class DatasetIris:
    """The IRIs of the dataset as a whole."""

    def __init__(self, base: str) -> None:
        self.base = check_base(base)

    def dataset(self) -> URIRef:
        return URIRef(self.base + "dataset")

    def metadata_graph(self) -> URIRef:
        return URIRef(self.base + "graph/metadata")

    def distribution(self, file_name: str) -> URIRef:
        """A file of dist/ by its path there (graphs/ID.ttl), each segment of it escaped."""
        return URIRef(self.base + "dataset/distribution/" + "/".join(map(_segment, file_name.split("/"))))

    def build(self) -> URIRef:
        return URIRef(self.base + "dataset/build")

    def shapes(self) -> URIRef:
        return URIRef(self.base + "dataset/shapes")
