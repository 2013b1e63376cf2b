"""Where each resource's page and descriptions live in the site, and relative links between them.

The site's root stands for the base IRI: the resource `<base>person/hun-sen` has its page at
`person/hun-sen/index.html` and its descriptions at `person/hun-sen.ttl` and `person/hun-sen.jsonld`;
a resource whose IRI ends in `/` (`<base>charge/`) has them inside its folder (`charge/index.html`,
`charge/index.ttl`, `charge/index.jsonld`). A hash IRI (`<base>article/A#char=40,47`) is a place in
its document's page (`article/A/index.html#char=40,47`). Files are named by the IRI's path with its
percent-escapes decoded, as a web server maps a request to a file; links are relative and end in
`index.html`, so the site works from a file:// folder and under any path.

>>> paths = SitePaths("https://kg.example.org/")
>>> paths.folder("https://kg.example.org/person/hun-sen")
'person/hun-sen'
>>> paths.files("https://kg.example.org/person/hun-sen")
('person/hun-sen/index.html', 'person/hun-sen.ttl', 'person/hun-sen.jsonld')
>>> paths.href("person/hun-sen", "https://kg.example.org/article/A#char=40,47")
'../../article/A/index.html#char=40,47'
>>> paths.folder("https://elsewhere.example/x") is None
True
"""

from __future__ import annotations

import functools
from urllib.parse import quote, unquote

__all__ = ["SitePaths", "ASSETS", "safe_href"]

# The site's own files (style, script, pictures, server snippets): a folder no IRI kg mints can name,
# since ids and slugs never start with an underscore.
ASSETS = "_kg"

_MAX_SEGMENT = 200  # bytes of a file name, well under the 255 of common file systems
_HREF_SAFE = "-._~!$&'()*+,;=:@"
_PATH_SAFE = "-._~!$&'()*+,;=@"


class SitePaths:
    """The site's layout for the IRIs minted under `base`."""

    def __init__(self, base: str) -> None:
        if not base.endswith("/"):
            raise ValueError(f"the base IRI {base!r} ends in {base[-1]!r}: the site needs one ending in '/', "
                             "whose IRIs are paths under the site's root")
        self.base = base
        self._folders: dict[str, str | None] = {}

    def folder(self, iri: str) -> str | None:
        """The folder of the page of `iri` (its document, for a hash IRI), relative to the root and
        decoded; '' for the root; None when `iri` is not under the base or names no safe file."""
        if iri not in self._folders:
            if len(self._folders) > 200_000:
                self._folders.clear()
            self._folders[iri] = self._folder(iri)
        return self._folders[iri]

    def _folder(self, iri: str) -> str | None:
        """The folder of the page of `iri` (its document, for a hash IRI), relative to the root and
        decoded; '' for the root; None when `iri` is not under the base or names no safe file."""
        if not iri.startswith(self.base):
            return None
        document = iri[len(self.base):].split("#", 1)[0]
        if "?" in document:
            return None
        segments = document.split("/")
        if segments[-1] == "":
            segments.pop()  # an IRI ending in '/' is its folder
        decoded = []
        for segment in segments:
            name = unquote(segment, errors="strict") if "%" in segment else segment
            if (name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name
                    or len(name.encode("utf-8", "surrogatepass")) > _MAX_SEGMENT):
                return None
            decoded.append(name)
        return "/".join(decoded)

    def files(self, iri: str) -> tuple[str, str, str]:
        """The page, Turtle and JSON-LD files of `iri` (which must have a folder), relative to the root."""
        folder = self.folder(iri)
        if folder is None:
            raise ValueError(f"{iri} has no page in the site")
        document = iri[len(self.base):].split("#", 1)[0]
        if folder == "" or document.endswith("/"):
            prefix = f"{folder}/" if folder else ""
            return f"{prefix}index.html", f"{prefix}index.ttl", f"{prefix}index.jsonld"
        return f"{folder}/index.html", f"{folder}.ttl", f"{folder}.jsonld"

    def href(self, from_folder: str, iri: str) -> str:
        """A relative link from a page in `from_folder` to the page of `iri`, with its fragment."""
        page = self.files(iri)[0]
        fragment = iri.split("#", 1)[1] if "#" in iri else None
        link = relative(from_folder, page)
        return link + "#" + quote(unquote(fragment), safe=_HREF_SAFE + "/?") if fragment is not None else link

    def root(self, from_folder: str) -> str:
        """The relative link from a page in `from_folder` to the root folder ('' or '../../')."""
        depth = from_folder.count("/") + 1 if from_folder else 0
        return "../" * depth


@functools.lru_cache(maxsize=100_000)
def relative(from_folder: str, path: str) -> str:
    """`path` (decoded, relative to the root) as a percent-encoded link from a page in `from_folder`.

    >>> relative("person/hun-sen", "_kg/site.css")
    '../../_kg/site.css'
    >>> relative("", "a:b/index.html")
    'a%3Ab/index.html'
    """
    here = from_folder.split("/") if from_folder else []
    there = path.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    link = "/".join([".."] * (len(here) - common) + there[common:])
    # ':' is escaped too, so that no first segment reads as a scheme (a:b/ is not a link to "a:").
    return "/".join(segment if segment in ("..", ".") else quote(segment, safe=_PATH_SAFE)
                    for segment in link.split("/"))


def safe_href(iri: str) -> str | None:
    """`iri` as a link out of the site, only when it is http(s): never javascript:, data: or the like.

    >>> safe_href("http://www.wikidata.org/entity/Q424")
    'http://www.wikidata.org/entity/Q424'
    >>> safe_href("javascript:alert(1)") is None
    True
    """
    lowered = iri.lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")):
        return None
    if any(ord(character) < 0x21 or character in '<>"\\^`{|}' for character in iri):
        return None
    return iri
