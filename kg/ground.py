"""Ground stage: every quote of a record found in the article, every reference defined.

A quote is found exactly, character for character. Words that appear more than once need an
`occurrence`, unless they appear once inside the quotes of what they belong to (the time of an
event inside the event's own quote). Name forms are found as whole words, every appearance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from kg.model import ActorKind, EventKind, Quote, Span
from kg.read import Article, FieldPath

__all__ = ["ground"]

_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})


def ground(article: Article) -> None:
    """Check the record's identifiers and references and locate all its quotes in the text."""
    kinds = _check_ids(article)
    _check_references(article, kinds)
    _locate_all(article)


def _check_ids(article: Article) -> dict[str, str]:
    """Map each id to what it names ('actor', 'post', 'event:visit', 'statement'); refuse duplicates."""
    record = article.record
    kinds: dict[str, str] = {}
    first_seen: dict[str, FieldPath] = {}
    groups = [
        ("actors", record.actors, lambda a: "actor"),
        ("posts", record.posts, lambda p: "post"),
        ("events", record.events, lambda e: f"event:{e.kind}"),
        ("statements", record.statements, lambda s: "statement"),
    ]
    for section, items, kind_of in groups:
        for index, item in enumerate(items):
            path = (section, index, "id")
            if item.id in kinds:
                earlier = first_seen[item.id]
                raise article.error(
                    path,
                    f"duplicate id {item.id!r} (already used at {earlier[0]}[{earlier[1]}], "
                    f"line {article.lines.get(earlier, '?')})",
                )
            kinds[item.id] = kind_of(item)
            first_seen[item.id] = path
    return kinds


def _check_references(article: Article, kinds: dict[str, str]) -> None:
    for path, ref, wanted in _references(article):
        kind = kinds.get(ref)
        if kind is None:
            candidates = [i for i, k in kinds.items() if _fits(k, wanted)]
            close = _closest(ref, candidates)
            hint = f"; did you mean {close!r}?" if close else ""
            raise article.error(path, f"{ref!r} is not defined as {_describe(wanted)}{hint}")
        if not _fits(kind, wanted):
            raise article.error(path, f"{ref!r} is {_describe(kind)}, not {_describe(wanted)}")
    places = {a.id for a in article.record.actors if a.kind is ActorKind.place}
    for path, ref, _ in _references(article):
        if ref in places and _agent_field(path):
            raise article.error(path, f"{ref!r} is a place, and a place cannot act; use it in places")
    for index, actor in enumerate(article.record.actors):
        if actor.id in {r.actor for r in actor.member_of}:
            raise article.error(("actors", index, "member_of"), "an actor cannot be a member of itself")


def _references(article: Article) -> Iterator[tuple[FieldPath, str, str]]:
    """Every reference in the record: (where, the id, what it must name)."""
    record = article.record
    info = record.article
    yield ("article", "publisher"), info.publisher, "actor"
    if info.copyright:
        yield ("article", "copyright", "holder"), info.copyright.holder, "actor"
    for i, actor in enumerate(record.actors):
        for j, relation in enumerate(actor.member_of):
            yield ("actors", i, "member_of", j, "actor"), relation.actor, "actor"
        if actor.based_in:
            yield ("actors", i, "based_in", "actor"), actor.based_in.actor, "actor"
    for i, post in enumerate(record.posts):
        yield ("posts", i, "organization"), post.organization, "actor"
        for j, holding in enumerate(post.holders):
            yield ("posts", i, "holders", j, "holder"), holding.holder, "actor"
            for side in ("since", "until"):
                expression = getattr(holding, side)
                if expression is not None and expression.after:
                    yield ("posts", i, "holders", j, side, "after"), expression.after, "event"
    for i, event in enumerate(record.events):
        here = ("events", i)
        for j, place in enumerate(event.places):
            yield here + ("places", j), place, "actor"
        for j, role in enumerate(event.roles):
            yield here + ("roles", j, "actor"), role.actor, "actor"
        for j, expression in enumerate(event.when):
            if expression.after:
                yield here + ("when", j, "after"), expression.after, "event"
        if event.part_of:
            yield here + ("part_of",), event.part_of, "event"
        if event.kind == EventKind.appointment.value:
            yield here + ("post",), event.post, "post"
        if event.kind == EventKind.verdict.value and event.sentence:
            yield here + ("sentence",), event.sentence, "event:sentence"
        if event.kind == EventKind.sentence_reduction.value:
            yield here + ("original",), event.original, "event:sentence"
            yield here + ("result",), event.result, "event:sentence"
    for i, statement in enumerate(record.statements):
        here = ("statements", i)
        if statement.holder:
            yield here + ("holder",), statement.holder, "actor"
        if statement.relayed_by:
            yield here + ("relayed_by",), statement.relayed_by, "actor"
        for j, subject in enumerate(statement.about):
            yield here + ("about", j), subject, "any"


def _agent_field(path: FieldPath) -> bool:
    """Fields that name someone who acts: a role, a holder, a publisher, a member."""
    return path[-1] in ("holder", "publisher", "relayed_by") or (len(path) >= 2 and path[-3:-2] == ("roles",))


def _fits(kind: str, wanted: str) -> bool:
    return wanted == "any" or kind == wanted or kind.split(":")[0] == wanted


def _describe(kind: str) -> str:
    if kind == "any":
        return "an actor, post, event or statement"
    if kind.startswith("event:"):
        return f"a {kind.split(':')[1]} event"
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _closest(ref: str, candidates: Iterable[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(ref, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def _locate_all(article: Article) -> None:
    record = article.record
    info = record.article
    if info.copyright:
        _locate(article, info.copyright.quote, ("article", "copyright", "quote"))
    _locate_forms(article)
    for i, actor in enumerate(record.actors):
        _locate_list(article, actor.quotes, ("actors", i, "quotes"))
        for j, relation in enumerate(actor.member_of):
            _locate_list(article, relation.quotes, ("actors", i, "member_of", j, "quotes"))
        if actor.based_in:
            _locate_list(article, actor.based_in.quotes, ("actors", i, "based_in", "quotes"))
    for i, post in enumerate(record.posts):
        _locate_list(article, post.quotes, ("posts", i, "quotes"))
        for j, holding in enumerate(post.holders):
            here = ("posts", i, "holders", j)
            spans = _locate_list(article, holding.quotes, here + ("quotes",))
            for side in ("since", "until"):
                expression = getattr(holding, side)
                if expression is not None:
                    _locate(article, expression.quote, here + (side, "quote"), within=spans)
    for i, event in enumerate(record.events):
        here = ("events", i)
        spans = _locate_list(article, event.quotes, here + ("quotes",))
        for j, expression in enumerate(event.when):
            _locate(article, expression.quote, here + ("when", j, "quote"), within=spans)
        if event.duration:
            _locate(article, event.duration.quote, here + ("duration", "quote"), within=spans)
        for j, role in enumerate(event.roles):
            _locate_list(article, role.quotes, here + ("roles", j, "quotes"), within=spans)
        for j, charge in enumerate(getattr(event, "charges", [])):
            _locate(article, charge.quote, here + ("charges", j, "quote"), within=spans)
    for i, statement in enumerate(record.statements):
        here = ("statements", i)
        spans = _locate_list(article, statement.quotes, here + ("quotes",))
        if statement.cue:
            _locate(article, statement.cue, here + ("cue",), within=spans)
        _locate_list(article, statement.verbatim, here + ("verbatim",), within=spans)


def _locate_list(
    article: Article, quotes: list[Quote], path: FieldPath, within: list[Span] | None = None
) -> list[Span]:
    return [_locate(article, q, path + (j,), within) for j, q in enumerate(quotes)]


def _locate(article: Article, quote: Quote, path: FieldPath, within: list[Span] | None = None) -> Span:
    """Find one quote; an error names the field when it is missing or ambiguous."""
    text = article.text
    starts = _occurrences(text, quote.text)
    if not starts:
        raise article.error(path, f"{_short(quote.text)} is not in the article text{_lookalike(text, quote.text)}")
    if quote.occurrence is not None:
        if quote.occurrence > len(starts):
            raise article.error(
                path,
                f"occurrence {quote.occurrence} of {_short(quote.text)} asked for, "
                f"but it appears {_times(len(starts))}",
            )
        start = starts[quote.occurrence - 1]
    else:
        inside = [s for s in starts if within and any(w.begin <= s and s + len(quote.text) <= w.end for w in within)]
        if len(inside) == 1:
            start = inside[0]
        elif len(starts) == 1:
            start = starts[0]
        else:
            candidates = inside if len(inside) > 1 else starts
            places = ", ".join(f"{_line_col(text, s)}" for s in candidates)
            raise article.error(
                path,
                f"{_short(quote.text)} is ambiguous: it appears {_times(len(starts))} in the article "
                f"({places}); add 'occurrence: N' to choose one",
            )
    span = Span(begin=start, end=start + len(quote.text), text=quote.text)
    quote._span = span
    return span


def _locate_forms(article: Article) -> None:
    """Find every whole-word appearance of each actor's name forms.

    An appearance inside a longer form is not a mention of its own: "Bloomberg" inside
    "Bloomberg L.P." is not Bloomberg News, and "Chantra" inside "Lina Chantra" is one mention.
    """
    found: list[tuple[int, str, Span, bool]] = []  # (actor index, form, span, misspelt)
    for i, actor in enumerate(article.record.actors):
        for field, forms in (("forms", actor.forms), ("misspellings", actor.misspellings)):
            for j, form in enumerate(forms):
                spans = [Span(begin=m.start(), end=m.end(), text=form) for m in _word_matches(article.text, form)]
                if not spans:
                    raise article.error(
                        ("actors", i, field, j),
                        f"the name {_short(form)} does not appear in the article as a whole word"
                        f"{_lookalike(article.text, form)}",
                    )
                found.extend((i, form, span, field == "misspellings") for span in spans)
    for i, actor in enumerate(article.record.actors):
        actor._form_spans = [
            (form, span, misspelt)
            for owner, form, span, misspelt in found
            if owner == i
            and not any(_inside(span, longer) for _, _, longer, _ in found)
        ]


def _inside(span: Span, longer: Span) -> bool:
    """Whether `span` lies within `longer` and is shorter than it."""
    return longer.begin <= span.begin and span.end <= longer.end and longer.end - longer.begin > span.end - span.begin


def _occurrences(text: str, words: str) -> list[int]:
    starts, at = [], text.find(words)
    while at != -1:
        starts.append(at)
        at = text.find(words, at + 1)
    return starts


def _word_matches(text: str, form: str) -> Iterator[re.Match]:
    return re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text)


def _lookalike(text: str, words: str) -> str:
    """A hint when the words are there but for curly quotes, no-break spaces, dashes or case."""
    folded_text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES).casefold()
    folded = unicodedata.normalize("NFC", words).translate(_LOOKALIKES).casefold()
    at = folded_text.find(folded)
    if at == -1 or len(folded_text) != len(text):
        return ""
    actual = text[at : at + len(words)]
    odd = sorted({f"U+{ord(c):04X}" for c in actual if ord(c) > 127})
    note = f" (it has {', '.join(odd)})" if odd else ""
    return f"; the text has {actual!r} at {_line_col(text, at)}{note}"


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line} col {column}"


def _short(words: str) -> str:
    return repr(words if len(words) <= 60 else words[:57] + "...")


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")
