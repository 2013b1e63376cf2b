"""Every quote and name form of a record found in the article's text, in one pass over it.

A quote is found exactly, character for character. Words that appear more than once need an
`occurrence`, unless they appear once inside the quotes of what they belong to (the time of an
event inside the event's own quote). Name forms are found as whole words, every appearance.

A whole word begins and ends between graphemes, in the text as it is (kg never normalises it, and
offsets count its code points): "Chantre" is not a word of "Chantre\u0301" (an "é" written as "e"
and a combining accent), any more than of "Chantré" written with the one code point "é".
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

import ahocorasick

from kg.read import Article, FieldPath

if TYPE_CHECKING:
    from kg.model import Quote, Record, Span

# The record's models (pydantic) are imported where they are used: see kg.kinds.

__all__ = ["locate_all"]

_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})


def locate_all(article: Article) -> None:
    """Find every quote and name form of the record, all of them in one pass over the text."""
    record = article.record
    info = record.article
    forms = {form for actor in record.actors for form in (*actor.forms, *actor.misspellings)}
    found = _find_all(article.text, forms | {quote.text for quote in _quotes(record)})

    def locate(quote: Quote, path: FieldPath, within: list[Span] | None = None) -> Span:
        return _locate(article, quote, found[quote.text], path, within)

    def locate_list(quotes: list[Quote], path: FieldPath, within: list[Span] | None = None) -> list[Span]:
        return [locate(quote, path + (j,), within) for j, quote in enumerate(quotes)]

    if info.copyright:
        locate(info.copyright.quote, ("article", "copyright", "quote"))
    for i, part in enumerate(info.structure):
        locate(part.quote, ("article", "structure", i, "quote"))
    _locate_forms(article, found)
    for i, actor in enumerate(record.actors):
        spans = locate_list(actor.quotes, ("actors", i, "quotes"))
        for j, relation in enumerate(actor.member_of):
            locate_list(relation.quotes, ("actors", i, "member_of", j, "quotes"))
        for field in ("based_in", "comes_from"):
            if getattr(actor, field):
                locate_list(getattr(actor, field).quotes, ("actors", i, field, "quotes"))
        for field in ("members", "decides_by"):
            if getattr(actor, field):
                locate(getattr(actor, field).quote, ("actors", i, field, "quote"), within=spans)
    for i, post in enumerate(record.posts):
        locate_list(post.quotes, ("posts", i, "quotes"))
        for j, holding in enumerate(post.holders):
            here = ("posts", i, "holders", j)
            spans = locate_list(holding.quotes, here + ("quotes",))
            for side in ("since", "until"):
                expression = getattr(holding, side)
                if expression is not None:
                    locate(expression.quote, here + (side, "quote"), within=spans)
    for i, event in enumerate(record.events):
        here = ("events", i)
        spans = locate_list(event.quotes, here + ("quotes",))
        for j, expression in enumerate(event.when):
            locate(expression.quote, here + ("when", j, "quote"), within=spans)
        if event.duration:
            locate(event.duration.quote, here + ("duration", "quote"), within=spans)
        for j, role in enumerate(event.roles):
            locate_list(role.quotes, here + ("roles", j, "quotes"), within=spans)
        for j, charge in enumerate(getattr(event, "charges", [])):
            locate(charge.quote, here + ("charges", j, "quote"), within=spans)
        for j, order in enumerate(event.order):
            locate(order.quote, here + ("order", j, "quote"), within=spans)
        for j, point in enumerate(event.points):
            locate(point.quote, here + ("points", j, "quote"), within=spans)
        for field in ("attendance", "point_count"):
            if getattr(event, field):
                locate(getattr(event, field).quote, here + (field, "quote"), within=spans)
    for i, statement in enumerate(record.statements):
        here = ("statements", i)
        spans = locate_list(statement.quotes, here + ("quotes",))
        if statement.cue:
            locate(statement.cue, here + ("cue",), within=spans)
        locate_list(statement.verbatim, here + ("verbatim",), within=spans)
        for field in ("holder_readings", "source_readings"):
            for j, reading in enumerate(getattr(statement, field)):
                locate_list(reading.quotes, here + (field, j, "quotes"), within=spans)
        for field, items in (("purposes", statement.purposes), ("refers_to", statement.refers_to)):
            for j, item in enumerate(items):
                locate(item.quote, here + (field, j, "quote"), within=spans)
        if statement.first:
            locate(statement.first.quote, here + ("first", "quote"), within=spans)


def _quotes(record: Record) -> Iterator[Quote]:
    """Every quote in a record, wherever it stands, in no particular order."""
    from pydantic import BaseModel

    from kg.model import Quote

    parts: list[object] = [record]
    while parts:
        part = parts.pop()
        if isinstance(part, Quote):
            yield part
        elif isinstance(part, BaseModel):
            parts.extend(part.__dict__.values())
        elif isinstance(part, list):
            parts.extend(part)


def _find_all(text: str, words: set[str]) -> dict[str, list[int]]:
    """Where each of `words` begins in `text`, every time, overlaps included, in text order.

    One Aho-Corasick automaton over all the words reads the text once: the time grows with the
    text, the words and what is found, where a search for each word in turn would grow with
    their product (a record of thousands of actors).
    """
    found: dict[str, list[int]] = {word: [] for word in words}
    if not words:
        return found
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    for last, word in automaton.iter(text):
        found[word].append(last - len(word) + 1)
    return found


def _locate(article: Article, quote: Quote, starts: list[int], path: FieldPath, within: list[Span] | None) -> Span:
    """Place one quote at one of `starts`; an error names the field when it is missing or ambiguous."""
    from kg.model import Span

    text = article.text
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
        inside = _starts_within(starts, len(quote.text), within or [])
        if len(inside) == 1:
            start = inside[0]
        elif len(starts) == 1:
            start = starts[0]
        else:
            candidates = inside if len(inside) > 1 else starts
            places = ", ".join(_line_col(text, s) for s in candidates[:_PLACES_SHOWN])
            if len(candidates) > _PLACES_SHOWN:
                places += f" and {len(candidates) - _PLACES_SHOWN} more"
            raise article.error(
                path,
                f"{_short(quote.text)} is ambiguous: it appears {_times(len(starts))} in the article "
                f"({places}); add 'occurrence: N' to choose one",
            )
    span = Span(begin=start, end=start + len(quote.text), text=quote.text)
    quote._span = span
    return span


_PLACES_SHOWN = 10  # of an ambiguous quote's appearances, in its error


def _starts_within(starts: list[int], length: int, within: list[Span]) -> list[int]:
    """The starts (sorted) of the appearances of a quote of `length` that lie within one of the spans."""
    inside: set[int] = set()
    for span in within:
        inside.update(starts[bisect.bisect_left(starts, span.begin) : bisect.bisect_right(starts, span.end - length)])
    return sorted(inside)


def _locate_forms(article: Article, found: dict[str, list[int]]) -> None:
    """Find every whole-word appearance of each actor's name forms among the places they are `found`.

    An appearance inside a longer form is not a mention of its own: "Bloomberg" inside
    "Bloomberg L.P." is not Bloomberg News, and "Chantra" inside "Lina Chantra" is one mention.
    """
    from kg.model import Span

    actors = article.record.actors
    words = {form: _whole_words(article.text, form, found[form]) for actor in actors for form in (*actor.forms, *actor.misspellings)}
    for i, actor in enumerate(actors):
        for field, forms in (("forms", actor.forms), ("misspellings", actor.misspellings)):
            for j, form in enumerate(forms):
                if not words[form]:
                    raise article.error(
                        ("actors", i, field, j),
                        f"the name {_short(form)} does not appear in the article as a whole word"
                        f"{_lookalike(article.text, form)}",
                    )
    inside = _nested({(begin, begin + len(form)) for form, starts in words.items() for begin in starts})
    for actor in actors:
        actor._form_spans = [
            (form, Span(begin=begin, end=begin + len(form), text=form), field == "misspellings")
            for field, forms in (("forms", actor.forms), ("misspellings", actor.misspellings))
            for form in forms
            for begin in words[form]
            if (begin, begin + len(form)) not in inside
        ]


def _whole_words(text: str, form: str, starts: list[int]) -> list[int]:
    """Of the starts of `form`, those of a whole word; as `re.finditer` would, none that overlaps the one before."""
    kept: list[int] = []
    for begin in starts:
        end = begin + len(form)
        if (not kept or kept[-1] + len(form) <= begin) and _starts_word(text, begin) and _ends_word(text, end):
            kept.append(begin)
    return kept


_WORD = re.compile(r"\w")


def _starts_word(text: str, at: int) -> bool:
    """Whether a whole word can begin at `at`: between graphemes, and after none that is a word character.

    The grapheme before is read from its base character, so that "Chantre" does not begin a word
    in "e\u0301Chantre", whose "é" is written as "e" and a combining accent.
    """
    if _joins_previous(text[at]):
        return False
    before = at - 1
    while before >= 0 and _joins_previous(text[before]):
        before -= 1
    return before < 0 or not _WORD.match(text[before])


def _ends_word(text: str, at: int) -> bool:
    """Whether a whole word can end at `at`: before no word character, and not inside a grapheme.

    "Chantre" is not a whole word in "Chantre\u0301" ("Chantré" written with a combining accent).
    """
    return at == len(text) or not (_WORD.match(text[at]) or _joins_previous(text[at]))


def _joins_previous(char: str) -> bool:
    """Whether `char` belongs to the grapheme of the character before it (Unicode's Grapheme_Extend
    and ZWJ, near enough): a combining mark, a zero-width joiner or non-joiner, an emoji skin tone."""
    if char < "\u0300":  # the first combining mark
        return False
    return unicodedata.category(char)[0] == "M" or char in "\u200c\u200d" or "\U0001f3fb" <= char <= "\U0001f3ff"


def _nested(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie within a longer one.

    In order of their beginning, the longest first where they begin together, a span lies within
    a longer one exactly when one before it reaches as far.
    """
    inside = set()
    reach = -1
    for begin, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if end <= reach:
            inside.add((begin, end))
        else:
            reach = end
    return inside


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
