"""An article's page, made from its own graph (dist/graphs/NAME.ttl): the text with every mention
marked and linked, or, when no graph of the dataset holds the text, the mentions' words in text
order; what the article states in its own voice and what it attributes to others; its events,
planned apart from happened; its publication window.

Mentions may nest ("Hun Sen" inside "Cambodian Prime Minister Hun Sen") and even cross; the text
is cut at every mention's beginning and end, each mention is one element (or, where it crosses
another, several with the same `data-char`), and each run of text links to the resource of the
innermost mention around it. Every mention keeps its offsets (`data-char="BEGIN,END"`, in Unicode
characters, as nif:beginIndex and nif:endIndex count them), and its first element the id
`char=BEGIN,END`, the fragment of its IRI, so `<article>#char=40,47` opens the page at its words.
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.site.data import GraphIndex, Lit, StoreSource, T, Term
from kg.site.pages import Evidence, Link, Linker, Page, _text
from kg.site.paths import SitePaths
from kg.site.terms import compact, kind_of, readable, status_group
from kg.errors import InputError

__all__ = ["article_page", "Mention", "text_tokens"]

# Which resource a run of text links to when its mention grounds several: the most specific first.
_LINK_ORDER = ("actor", "post", "charge", "time", "event", "role", "membership", "statement", "quotation",
               "resource", "article")
_LEGEND = (("actor", "Actors and places"), ("post", "Posts"), ("event", "Events"), ("statement", "Statements"),
           ("quotation", "Quotations"), ("time", "Times"), ("role", "Roles"), ("membership", "Memberships"),
           ("charge", "Charges"), ("resource", "Other resources"))
# Characters that HTML cannot hold as they are, shown as a picture of the same length: C0 controls
# (as U+2400 + code: ␍ for a carriage return), DEL, and noncharacters (as U+FFFD).
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff"
                      + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(1, 17)) + "]")


@dataclass
class Mention:
    """A place in the text: its IRI, offsets, words, and what it grounds (resource ids of this page)."""

    iri: str
    begin: int
    end: int
    anchor: str
    resources: list[str] = field(default_factory=list)  # r-N ids
    classes: list[str] = field(default_factory=list)
    title: str = ""
    href: str | None = None

    @property
    def fragment(self) -> str:
        """The fragment of its IRI (`char=40,47`), the id of its element in the page."""
        return unquote(self.iri.split("#", 1)[1]) if "#" in self.iri else f"char={self.begin},{self.end}"


def article_page(graph_file: Path, source: StoreSource, paths: SitePaths) -> Page | None:
    """The page of the article whose graph is in `graph_file`; None for a graph that holds no article
    (such as a graph of texts alone)."""
    graph = GraphIndex.parse(graph_file)
    articles = [s for s in graph.subjects() if T.NewsArticle in graph.types(s)]
    if not articles:
        return None
    if len(articles) > 1:
        raise InputError(f"the graph holds {len(articles)} articles, not one; run `kg build` again", path=graph_file)
    article = articles[0]
    folder = paths.folder(article)
    if folder is None:
        raise InputError(f"the article {article} is not under the base IRI {paths.base}", path=graph_file)
    linker = _ArticleLinker(paths, folder, source, graph)
    context = _context(graph, article)
    text = None
    if context is not None:
        stated = graph.value(context, T.isString)
        text = stated.value if isinstance(stated, Lit) else source.text_of(context)
    mentions = _mentions(graph, context, text)
    resources = _resources(graph, linker, mentions)
    data = {
        "iri": article,
        "label": _title(graph, linker, article),
        "kind": "article",
        "kind_name": "news article",
        "publisher": _links(linker, graph.objects(article, T.publisher)),
        "language": _text(graph.value(article, T.inLanguage)),
        "copyright": _text(graph.value(article, T.copyrightNotice)),
        "copyright_holder": _links(linker, graph.objects(article, T.copyrightHolder)),
        "published": _published(graph, article),
        "has_text": text is not None,
        "context_fragment": _fragment(context),
        "tokens": text_tokens(text, mentions) if text is not None else [],
        "mentions": mentions,
        "legend": _legend(resources),
        "statements": _statements(graph, linker, resources),
        "events": _events(graph, linker, resources),
        "description": _description(graph, linker, article),
        "referenced_by": {"rows": [], "more": 0},
        "evidence": {"groups": [], "count": 0, "more": 0},
    }
    data["mention_count"] = len(mentions)
    return Page(article, "article", "article.html", data, _document_triples(graph, source, article, context, text))


class _ArticleLinker(Linker):
    """Links whose labels come from the article's graph first (it holds the labels of all it names)."""

    def __init__(self, paths: SitePaths, folder: str, source: StoreSource, graph: GraphIndex) -> None:
        super().__init__(paths, folder, source)
        self.graph = graph

    def link(self, iri: str, label: str | None = None) -> Link:
        return super().link(iri, label or self.graph.label(iri))


def _context(graph: GraphIndex, article: str) -> str | None:
    for subject, predicate in graph.into(article):
        if predicate == T.sourceUrl and T.Context in graph.types(subject):
            return subject
    return None


def _mentions(graph: GraphIndex, context: str | None, text: str | None) -> list[Mention]:
    """The mentions of the article's text, in text order; with the text, only those whose offsets fit it."""
    found = []
    for subject, predicate in graph.into(context) if context else []:
        if predicate != T.referenceContext or T.Phrase not in graph.types(subject):
            continue
        begin, end = _int(graph.value(subject, T.beginIndex)), _int(graph.value(subject, T.endIndex))
        if begin is None or end is None or not 0 <= begin < end or (text is not None and end > len(text)):
            continue
        found.append(Mention(subject, begin, end, _text(graph.value(subject, T.anchorOf))))
    return sorted(found, key=lambda m: (m.begin, -m.end, m.iri))


@dataclass
class _Resource:
    iri: str
    id: str
    kind: str
    link: Link
    mentions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)


def _resources(graph: GraphIndex, linker: Linker, mentions: list[Mention]) -> dict[str, _Resource]:
    """Every resource that a mention grounds (or that a cue attributes), with an id `r-N` for the page."""
    grounding: dict[str, list[tuple[Mention, str]]] = defaultdict(list)
    for mention in mentions:
        for subject, predicate in graph.into(mention.iri):
            if predicate in (T.denotedBy, T.attributionCue):
                grounding[subject].append((mention, predicate))
    resources: dict[str, _Resource] = {}
    for number, iri in enumerate(sorted(grounding), start=1):
        kind = kind_of(graph.types(iri))
        resource = _Resource(iri, f"r-{number}", kind, linker.link(iri))
        for mention, predicate in grounding[iri]:
            (resource.mentions if predicate == T.denotedBy else resource.cues).append(mention)
        resources[iri] = resource
    for resource in resources.values():
        for mention in resource.mentions:
            mention.resources.append(resource.id)
            mention.classes.append(f"k-{resource.kind}")
        for mention in resource.cues:
            mention.resources.append(resource.id)
            mention.classes.append("cue")
    for mention in mentions:
        grounded = [resources[s] for s, p in graph.into(mention.iri) if p in (T.denotedBy, T.attributionCue)]
        statements = [r for r in grounded if r.kind == "statement"]
        for statement in statements:
            voice = graph.value(statement.iri, T.voice)
            mention.classes.append("v-article" if voice == T.ArticleVoice else "v-attributed")
        for event in (r for r in grounded if r.kind == "event"):
            status = graph.value(event.iri, T.eventStatus)
            mention.classes.append("s-" + status_group(status if isinstance(status, str) else None).replace(" ", "-"))
        mention.classes = sorted(set(mention.classes))
        mention.title = "; ".join(f"{r.link.label} ({r.kind})" for r in sorted(grounded, key=_link_rank))
        target = min(grounded, key=_link_rank, default=None)
        mention.href = target.link.href if target is not None else None
    return resources


def _link_rank(resource: _Resource) -> tuple:
    kind = resource.kind if resource.kind in _LINK_ORDER else "resource"
    return (_LINK_ORDER.index(kind), resource.iri)


def text_tokens(text: str, mentions: list[Mention]) -> list[tuple]:
    """The text cut at every mention's ends, as ("open", mention, first), ("close",), ("text", words,
    href) and ("char", picture, code) tokens: each mention one element, or several where it crosses
    another, nested so that the tokens make well-formed HTML.

    >>> m = [Mention("a#char=0,5", 0, 5, "Hun S"), Mention("a#char=4,7", 4, 7, "Sen")]
    >>> [t[0] + (":" + t[1] if t[0] == "text" else "") for t in text_tokens("Hun Sen", m)]
    ['open', 'text:Hun ', 'open', 'text:S', 'close', 'close', 'open', 'text:en', 'close']
    """
    starts: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        starts[mention.begin].append(mention)
    boundaries = sorted({0, len(text)} | {m.begin for m in mentions} | {m.end for m in mentions})
    stack: list[Mention] = []
    tokens: list[tuple] = []
    for index, position in enumerate(boundaries):
        if any(m.end == position for m in stack):
            reopen = []
            while any(m.end == position for m in stack):
                closed = stack.pop()
                tokens.append(("close",))
                if closed.end != position:
                    reopen.append(closed)
            for mention in reversed(reopen):
                tokens.append(("open", mention, False))
                stack.append(mention)
        for mention in sorted(starts.get(position, ()), key=lambda m: (-m.end, m.iri)):
            tokens.append(("open", mention, True))
            stack.append(mention)
        if index + 1 < len(boundaries):
            words = text[position:boundaries[index + 1]]
            href = stack[-1].href if stack else None
            last = 0
            for special in _SPECIAL.finditer(words):
                if special.start() > last:
                    tokens.append(("text", words[last:special.start()], href))
                tokens.append(("char", _picture(special.group()), f"U+{ord(special.group()):04X}"))
                last = special.end()
            if last < len(words):
                tokens.append(("text", words[last:], href))
    return tokens


def _picture(character: str) -> str:
    code = ord(character)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def _legend(resources: dict[str, _Resource]) -> list[dict]:
    groups = []
    for kind, title in _LEGEND:
        members = [r for r in resources.values() if (r.kind if any(r.kind == k for k, _ in _LEGEND) else "resource")
                   == kind]
        if members:
            members.sort(key=lambda r: (r.link.label.casefold(), r.iri))
            groups.append({"kind": kind, "title": title, "items": [
                {"id": r.id, "link": r.link, "mentions": len(r.mentions), "cues": len(r.cues)} for r in members]})
    return groups


def _first(resource: _Resource | None, linker: Linker) -> Evidence | None:
    if resource is None or not resource.mentions:
        return None
    first = min(resource.mentions, key=lambda m: (m.begin, -m.end))
    return Evidence(first.anchor, linker.paths.href(linker.folder, first.iri), None, first.begin, first.end)


def _statements(graph: GraphIndex, linker: Linker, resources: dict[str, _Resource]) -> dict:
    own, attributed = [], []
    for subject in graph.subjects():
        if T.Claim not in graph.types(subject):
            continue
        resource = resources.get(subject)
        cue = resource.cues[0].anchor if resource and resource.cues else ""
        link = linker.link(subject)
        item = {
            "id": resource.id if resource else "",
            "link": link,
            "page": replace(link, label="the statement"),
            "text": _text(graph.value(subject, T.text)),
            "holders": _links(linker, graph.objects(subject, T.attributedTo)),
            "relayed_by": _links(linker, graph.objects(subject, T.relayedBy)),
            "cue": cue,
            "quotations": sorted(_text(graph.value(q, T.text)) for q in graph.objects(subject, T.hasPart)
                                 if isinstance(q, str)),
            "about": _links(linker, graph.objects(subject, T.about)),
            "evidence": _first(resource, linker),
        }
        voice = graph.value(subject, T.voice)
        (own if voice == T.ArticleVoice else attributed).append(item)
    order = lambda item: (item["evidence"].begin if item["evidence"] else -1, item["link"].iri)
    return {"own": sorted(own, key=order), "attributed": sorted(attributed, key=order)}


def _events(graph: GraphIndex, linker: Linker, resources: dict[str, _Resource]) -> list[dict]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for subject in graph.subjects():
        types = graph.types(subject)
        if T.Event not in types:
            continue
        status = graph.value(subject, T.eventStatus)
        times = []
        for time in graph.objects(subject, T.hasTime):
            if isinstance(time, str):
                times.append({"when": _text(graph.value(time, T.timeExpression)) or _text(graph.label(time)),
                              "value": _text(graph.value(time, T.normalisedValue)),
                              "order": _text(graph.value(time, T.notBefore))})
        roles = []
        for role in graph.objects(subject, T.hasActor):
            if isinstance(role, str) and T.Role in graph.types(role):
                actor = graph.value(role, T.value)
                role_type = graph.value(role, T.roleType)
                if isinstance(actor, str):
                    roles.append({"role": readable(role_type) if isinstance(role_type, str) else "",
                                  "actor": linker.link(actor)})
        group = status_group(status if isinstance(status, str) else None)
        grouped[group].append({
            "id": resources[subject].id if subject in resources else "",
            "link": linker.link(subject),
            "kinds": sorted(readable(t) for t in types if t.startswith("https://kg.example.org/ontology#")),
            "status": readable(status) if isinstance(status, str) else "",
            "times": sorted(times, key=lambda t: t["order"] or "~"),
            "roles": sorted(roles, key=lambda r: (r["role"], r["actor"].label)),
            "evidence": _first(resources.get(subject), linker),
        })
    titles = {"happened": "What happened", "ongoing": "What is ongoing", "to come": "What is planned or scheduled",
              "possible": "What is possible", "other": "Other events"}
    return [{"group": group, "title": titles[group],
             "items": sorted(grouped[group], key=lambda e: (e["evidence"].begin if e["evidence"] else -1,
                                                            e["link"].iri))}
            for group in titles if grouped.get(group)]


def _published(graph: GraphIndex, article: str) -> dict:
    date = graph.value(article, T.datePublished)
    window = graph.value(article, T.publishedDuring)
    published = {"date": _text(date), "not_before": "", "not_after": "", "note": ""}
    if isinstance(window, str):
        published.update(not_before=_text(graph.value(window, T.notBefore)),
                         not_after=_text(graph.value(window, T.notAfter)),
                         note=_text(graph.value(window, T.comment)))
    return published


def _title(graph: GraphIndex, linker: Linker, article: str) -> str:
    identifier = _text(graph.value(article, T.identifier)) or article.rsplit("/", 1)[-1]
    publisher = graph.value(article, T.publisher)
    by = graph.label(publisher) if isinstance(publisher, str) else None
    return f"{by} article {identifier}" if by else f"Article {identifier}"


def _links(linker: Linker, values: list[Term]) -> list[Link]:
    return [linker.link(v) for v in sorted(values, key=str) if isinstance(v, str)]


def _description(graph: GraphIndex, linker: Linker, iri: str) -> list[dict]:
    grouped: dict[str, list[Term]] = defaultdict(list)
    for predicate, obj in graph.out(iri):
        grouped[predicate].append(obj)
    return [{"predicate": compact(p), "iri": p, "objects": [linker.value(v) for v in sorted(grouped[p], key=str)],
             "more": 0} for p in sorted(grouped, key=lambda p: (p != T.type, p != T.label, compact(p)))]


def _document_triples(graph: GraphIndex, source: StoreSource, article: str, context: str | None,
                      text: str | None) -> list[tuple[str, str, Term]]:
    """The article's description: its triples, those of the places in its text (its hash IRIs:
    the context and the mentions), the text where another graph holds it, and the labels of what it names."""
    document = [t for t in graph.triples if t[0] == article or t[0].startswith(article + "#")]
    if context is not None and text is not None and graph.value(context, T.isString) is None:
        document.append((context, T.isString, Lit(text)))
    named = {o for _, _, o in document if isinstance(o, str) and "#" not in o and o != article}
    for iri in sorted(named):
        label = graph.value(iri, T.label)
        if label is not None:
            document.append((iri, T.label, label))
    return document


def _fragment(iri: str | None) -> str:
    """The fragment of a hash IRI (the context's `char=0,2852`): the id of its element in the page."""
    return unquote(iri.split("#", 1)[1]) if iri and "#" in iri else "the-text"


def _int(value: Term | None) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
