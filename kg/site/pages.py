"""The pages of the resources other than articles, as data for their templates: actors, events,
statements, posts, memberships, roles, times, charges and anything else the dataset describes.

They are made a batch of resources of one kind at a time, from the store: each section of a page
is one of the site's queries (kg/site/queries/) answered for the whole batch at once, with the
resources bound by VALUES; the description of each resource (its triples, what refers to it) is
read from the store's default graph, the merge of the dataset's graphs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from kg.site.data import Lit, SiteQueries, StoreSource, T, Term
from kg.site.paths import SitePaths, safe_href
from kg.site.terms import actor_kind, compact, precision, readable, status_group

__all__ = ["Link", "Value", "Evidence", "Page", "Linker", "entity_pages", "MAX_ROWS"]

MAX_ROWS = 500  # rows a section shows; a resource that many articles share says how many more there are


@dataclass(frozen=True)
class Link:
    """A resource as a link: to its page in the site, out of the site (http only), or none."""

    label: str
    href: str | None
    iri: str
    external: bool = False


@dataclass(frozen=True)
class Value:
    """One value in a description table: a link, or a literal's text with its datatype or language."""

    link: Link | None = None
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Evidence:
    """Words of an article that ground a resource, and the link to their place in its page."""

    anchor: str
    href: str | None
    article: Link | None
    begin: int
    end: int
    cue: bool = False


@dataclass
class Page:
    """One resource's page: its template, the data for it, and the triples of its description."""

    iri: str
    kind: str
    template: str
    data: dict
    triples: list[tuple[str, str, Term]] = field(default_factory=list)


class Linker:
    """Links from one page (in `folder`) to any resource."""

    def __init__(self, paths: SitePaths, folder: str, source: StoreSource) -> None:
        self.paths, self.folder, self.source = paths, folder, source

    def link(self, iri: str, label: str | None = None) -> Link:
        name = label or self.source.label(iri.split("#", 1)[0] if "#" in iri and not label else iri) or compact(iri)
        if self.has_page(iri):
            return Link(name, self.paths.href(self.folder, iri), iri)
        outside = None if iri.startswith(self.paths.base) else safe_href(iri)
        return Link(name, outside, iri, external=outside is not None)

    def has_page(self, iri: str) -> bool:
        folder = self.paths.folder(iri)
        return folder is not None and self.source.is_subject(iri.split("#", 1)[0])

    def value(self, term: Term) -> Value:
        if isinstance(term, Lit):
            note = f"@{term.language}" if term.language else (
                "" if term.datatype.endswith("#string") else compact(term.datatype))
            return Value(text=term.value, note=note)
        return Value(link=self.link(term))

    def evidence(self, row: dict) -> Evidence:
        mention = row["mention"]
        article = row.get("article")
        return Evidence(
            anchor=str(row["anchor"]),
            href=self.paths.href(self.folder, mention) if self.has_page(mention) else None,
            article=self.link(article) if isinstance(article, str) else None,
            begin=_int(row.get("begin")), end=_int(row.get("end")),
            cue=row.get("via") == T.attributionCue,
        )


def description(source: StoreSource, linker: Linker, iri: str) -> tuple[list[dict], list[tuple[str, str, Term]]]:
    """The rows of a resource's description table (predicate, values), and its triples with the
    labels of the resources it links to: its bounded description, as its .ttl and .jsonld give it."""
    grouped: dict[str, list[Term]] = defaultdict(list)
    triples: list[tuple[str, str, Term]] = []
    for predicate, obj in source.out(iri):
        grouped[predicate].append(obj)
        triples.append((iri, predicate, obj))
    labelled = set()
    for predicate, objects in grouped.items():
        for obj in objects:
            if isinstance(obj, str) and obj != iri and obj not in labelled and "#" not in obj:
                labelled.add(obj)
                label = source.value(obj, T.label)
                if label is not None:
                    triples.append((obj, T.label, label))
    rows = []
    for predicate in sorted(grouped, key=lambda p: (p != T.type, p != T.label, compact(p))):
        values = sorted(grouped[predicate], key=lambda v: (isinstance(v, Lit), str(v)))
        shown = [linker.value(v) for v in values[:MAX_ROWS]]
        rows.append({"predicate": compact(predicate), "iri": predicate, "objects": shown,
                     "more": max(0, len(values) - MAX_ROWS)})
    return rows, triples


def referenced_by(source: StoreSource, linker: Linker, iri: str) -> dict:
    """What refers to the resource: subject and predicate, in order, at most MAX_ROWS of them."""
    pairs = sorted(set(source.into(iri)), key=lambda pair: (compact(pair[1]), pair[0]))
    rows = [{"subject": linker.link(s), "predicate": compact(p)} for s, p in pairs[:MAX_ROWS]]
    return {"rows": rows, "more": max(0, len(pairs) - MAX_ROWS)}


# Batches of pages ------------------------------------------------------------------------------


def entity_pages(kind: str, iris: Sequence[str], source: StoreSource, queries: SiteQueries,
                 paths: SitePaths) -> list[Page]:
    """The pages of `iris`, resources of one kind, from the store."""
    sections = _SECTIONS.get(kind, lambda *args: {})(iris, queries)
    evidence = _group(queries.select("evidence", list(iris)))
    extra = sections.pop("_evidence_of", set())
    row_evidence = _group(queries.select("evidence", sorted(extra))) if extra else {}
    pages = []
    for iri in iris:
        folder = paths.folder(iri)
        linker = Linker(paths, folder, source)
        rows, triples = description(source, linker, iri)
        types = source.types(iri)
        data = {
            "iri": iri,
            "label": source.label(iri) or compact(iri),
            "kind": kind,
            "kind_name": _kind_name(kind, types),
            "description": rows,
            "referenced_by": referenced_by(source, linker, iri),
            "evidence": _evidence_list(linker, evidence.get(iri, [])),
        }
        build = _BUILDERS.get(kind)
        if build is not None:
            build(data, iri, source, linker, {name: rows_of.get(iri, []) for name, rows_of in sections.items()},
                  lambda subject: _first_evidence(linker, row_evidence.get(subject, [])))
        pages.append(Page(iri, kind, f"{kind if build else 'resource'}.html", data, triples))
    return pages


def _group(rows: Iterable[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["r"]].append(row)
    return grouped


def _evidence_list(linker: Linker, rows: list[dict]) -> dict:
    rows = sorted(_unique(rows, ("mention", "via")), key=lambda r: (str(r.get("article", "")), _int(r.get("begin")),
                                                                    _int(r.get("end"))))
    by_article: dict[str, list[Evidence]] = defaultdict(list)
    for row in rows[:MAX_ROWS]:
        by_article[str(row.get("article", ""))].append(linker.evidence(row))
    groups = [{"article": items[0].article, "items": items} for items in by_article.values()]
    return {"groups": groups, "count": len(rows), "more": max(0, len(rows) - MAX_ROWS)}


def _first_evidence(linker: Linker, rows: list[dict]) -> Evidence | None:
    mentions = [row for row in rows if row.get("via") != T.attributionCue] or rows
    if not mentions:
        return None
    first = min(mentions, key=lambda r: (str(r.get("article", "")), _int(r.get("begin")), -_int(r.get("end"))))
    return linker.evidence(first)


def _unique(rows: Iterable[dict], keys: tuple[str, ...]) -> list[dict]:
    seen, unique = set(), []
    for row in rows:
        key = tuple(str(row.get(k, "")) for k in keys)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def _int(value: Term | None) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


def _text(value: Term | None) -> str:
    return "" if value is None else str(value)


def _kind_name(kind: str, types: set[str]) -> str:
    if kind == "actor":
        return actor_kind(types)
    if kind == "event":
        specific = sorted(readable(t) for t in types if t.startswith("https://kg.example.org/ontology#"))
        return f"event: {', '.join(specific)}" if specific else "event"
    return {"statement": "statement", "quotation": "quotation", "post": "post", "membership": "membership",
            "role": "role in an event", "time": "time", "charge": "charge"}.get(kind, "resource")


def _sections_actor(iris: Sequence[str], queries: SiteQueries) -> dict:
    posts = _group(queries.select("actor-posts", list(iris)))
    roles = _group(queries.select("actor-roles", list(iris)))
    statements = _group(queries.select("statements", list(iris)))
    subjects = {row["membership"] for rows in posts.values() for row in rows}
    subjects |= {row[k] for rows in roles.values() for row in rows for k in ("roleNode", "event")}
    subjects |= {row["statement"] for rows in statements.values() for row in rows}
    return {"posts": posts, "roles": roles, "statements": statements, "_evidence_of": subjects}


def _sections_event(iris: Sequence[str], queries: SiteQueries) -> dict:
    statements = _group(queries.select("statements", list(iris)))
    return {"roles": _group(queries.select("event-roles", list(iris))),
            "times": _group(queries.select("event-times", list(iris))),
            "statements": statements,
            "_evidence_of": {row["statement"] for rows in statements.values() for row in rows}}


def _sections_post(iris: Sequence[str], queries: SiteQueries) -> dict:
    holders = _group(queries.select("post-holders", list(iris)))
    return {"holders": holders, "_evidence_of": {row["membership"] for rows in holders.values() for row in rows}}


_SECTIONS: dict[str, Callable] = {
    "actor": _sections_actor, "event": _sections_event, "post": _sections_post,
}


def _holding(linker: Linker, row: dict, evidence) -> dict:
    return {
        "status": readable(row["status"]) if isinstance(row.get("status"), str) else "",
        "since": _text(row.get("since")), "since_value": _text(row.get("sinceValue")),
        "until": _text(row.get("until")), "until_value": _text(row.get("untilValue")),
        "evidence": evidence(row["membership"]),
        "membership": linker.link(row["membership"]),
    }


def _build_actor(data: dict, iri: str, source: StoreSource, linker: Linker, rows: dict, evidence) -> None:
    data["description_text"] = _text(source.value(iri, T.description))
    names = {str(v) for v in source.objects(iri, T.alternateName)} | {str(v) for v in source.objects(iri, T.name)}
    names.discard(data["label"])
    data["other_names"] = sorted(names)
    data["misspelled"] = sorted(str(v) for v in source.objects(iri, T.misspelledName))
    data["same_as"] = [linker.link(v) for v in sorted(source.objects(iri, T.sameAs), key=str) if isinstance(v, str)]
    posts = []
    for row in _unique(rows["posts"], ("membership",)):
        holding = _holding(linker, row, evidence)
        holding["post"] = linker.link(row["post"], _text(row.get("postLabel")) or None) if "post" in row else None
        holding["organization"] = (linker.link(row["organization"], _text(row.get("organizationLabel")) or None)
                                   if "organization" in row else None)
        posts.append(holding)
    posts.sort(key=lambda h: ((h["post"] or h["organization"]).label if (h["post"] or h["organization"]) else "",
                              h["status"]))
    data["posts"] = posts
    roles = []
    for row in _unique(rows["roles"], ("roleNode", "event")):
        roles.append({
            "role": readable(row["role"]) if isinstance(row.get("role"), str) else "",
            "event": linker.link(row["event"], _text(row.get("eventLabel")) or None),
            "status": readable(row["status"]) if isinstance(row.get("status"), str) else "",
            "group": status_group(row.get("status") if isinstance(row.get("status"), str) else None),
            "when": _text(row.get("when")), "value": _text(row.get("whenValue")),
            "order": _text(row.get("notBefore")) or "~",
            "evidence": evidence(row["roleNode"]) or evidence(row["event"]),
        })
    roles.sort(key=lambda r: (r["order"], r["event"].label, r["role"]))
    data["roles"] = roles[:MAX_ROWS]
    data["roles_more"] = max(0, len(roles) - MAX_ROWS)
    held, about = _statements(linker, rows["statements"], evidence)
    data["statements_held"], data["statements_about"] = held, about


def _statements(linker: Linker, rows: list[dict], evidence) -> tuple[list[dict], list[dict]]:
    held, about = [], []
    for row in _unique(rows, ("statement", "link")):
        statement = linker.link(row["statement"], _text(row.get("text")) or None)
        item = {
            "statement": statement,
            "page": replace(statement, label="the statement"),
            "text": _text(row.get("text")),
            "voice": "article" if row.get("voice") == T.ArticleVoice else "attributed",
            "holder": linker.link(row["holder"], _text(row.get("holderLabel")) or None) if "holder" in row else None,
            "relayed_by": (linker.link(row["relayedBy"], _text(row.get("relayedByLabel")) or None)
                           if "relayedBy" in row else None),
            "evidence": evidence(row["statement"]),
        }
        (held if row["link"] == T.attributedTo else about).append(item)
    order = lambda item: (item["evidence"].article.label if item["evidence"] and item["evidence"].article else "",
                          item["evidence"].begin if item["evidence"] else -1, item["statement"].iri)
    return sorted(held, key=order), sorted(about, key=order)


def _build_event(data: dict, iri: str, source: StoreSource, linker: Linker, rows: dict, evidence) -> None:
    status = source.value(iri, T.eventStatus)
    data["status"] = readable(status) if isinstance(status, str) else ""
    data["status_group"] = status_group(status if isinstance(status, str) else None)
    data["roles"] = sorted(({"role": readable(row["role"]), "actor": linker.link(row["actor"],
                                                                              _text(row.get("actorLabel")) or None),
                             "node": linker.link(row["roleNode"])}
                            for row in _unique(rows["roles"], ("roleNode",))), key=lambda r: (r["role"], r["actor"].label))
    times = []
    for row in _unique(rows["times"], ("time",)):
        times.append({
            "time": linker.link(row["time"]), "when": _text(row.get("when")), "value": _text(row.get("whenValue")),
            "not_before": _text(row.get("notBefore")), "not_after": _text(row.get("notAfter")),
            "precision": precision(row["unit"] if isinstance(row.get("unit"), str) else None),
            "approximate": _text(row.get("approximate")) in ("true", "1"),
            "after": linker.link(row["after"]) if isinstance(row.get("after"), str) else None,
        })
    data["times"] = sorted(times, key=lambda t: (t["not_before"] or "~", t["when"]))
    data["places"] = [linker.link(v) for v in sorted(source.objects(iri, T.hasPlace), key=str) if isinstance(v, str)]
    held, about = _statements(linker, rows["statements"], evidence)
    data["sources"] = about


def _build_post(data: dict, iri: str, source: StoreSource, linker: Linker, rows: dict, evidence) -> None:
    data["organizations"] = [linker.link(v) for v in sorted(source.objects(iri, T.postIn), key=str)
                             if isinstance(v, str)]
    holders = []
    for row in _unique(rows["holders"], ("membership",)):
        holding = _holding(linker, row, evidence)
        holding["holder"] = linker.link(row["holder"], _text(row.get("holderLabel")) or None)
        holders.append(holding)
    data["holders"] = sorted(holders, key=lambda h: (h["status"] == "former holding", h["holder"].label))


def _build_statement(data: dict, iri: str, source: StoreSource, linker: Linker, rows: dict, evidence) -> None:
    voice = source.value(iri, T.voice)
    data["voice"] = "article" if voice == T.ArticleVoice else "attributed"
    data["text"] = _text(source.value(iri, T.text))
    data["holders"] = [linker.link(v) for v in sorted(source.objects(iri, T.attributedTo), key=str)
                       if isinstance(v, str)]
    data["relayed_by"] = [linker.link(v) for v in sorted(source.objects(iri, T.relayedBy), key=str)
                          if isinstance(v, str)]
    data["about"] = [linker.link(v) for v in sorted(source.objects(iri, T.about), key=str) if isinstance(v, str)]
    data["quotations"] = [{"link": linker.link(v), "text": _text(source.value(v, T.text))}
                          for v in sorted(source.objects(iri, T.hasPart), key=str) if isinstance(v, str)]


_BUILDERS: dict[str, Callable] = {
    "actor": _build_actor, "event": _build_event, "post": _build_post, "statement": _build_statement,
}
