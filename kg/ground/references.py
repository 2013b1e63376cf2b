"""Every id of a record defined once, and every reference naming what it must: an actor, a post, an
event of a kind, a statement; a place never acts, an actor is no member of itself, no event is
ordered both before and after another. An error names the field, with a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.kinds import ActorKind, EventKind
from kg.read import Article, FieldPath, field_name, line_of

__all__ = ["check_ids", "check_open_readings", "check_order", "check_references"]


def check_ids(article: Article) -> dict[str, str]:
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


def check_references(article: Article, kinds: dict[str, str]) -> None:
    for path, ref, wanted in _references(article):
        kind = kinds.get(ref)
        if kind is None:
            candidates = [i for i, k in kinds.items() if _fits(k, wanted)]
            close = _closest(ref, candidates)
            hint = f"; did you mean {close!r}?" if close else ""
            raise article.error(path, f"{ref!r} is not defined as {_describe(wanted)}{hint}")
        if not _fits(kind, wanted):
            raise article.error(path, f"{ref!r} is {_describe(kind)}, not {_describe(wanted)}")
    kinds_of_actors = {a.id: a.kind for a in article.record.actors}
    places = {a.id for a in article.record.actors if a.kind is ActorKind.place}
    for path, ref, _ in _references(article):
        if ref in places and _agent_field(path):
            raise article.error(path, f"{ref!r} is a place, and a place cannot act; use it in places")
    for index, actor in enumerate(article.record.actors):
        if actor.id in {r.actor for r in actor.member_of}:
            raise article.error(("actors", index, "member_of"), "an actor cannot be a member of itself")
        if actor.comes_from and kinds_of_actors.get(actor.comes_from.actor) is not ActorKind.country:
            raise article.error(("actors", index, "comes_from", "actor"),
                                f"{actor.comes_from.actor!r} is not a country; comes_from names the country a person is from")


def check_open_readings(article: Article) -> None:
    """A reading is another actor than the one preferred, and each is given once."""
    for i, statement in enumerate(article.record.statements):
        for field, preferred in (("holder_readings", statement.holder), ("source_readings", statement.relayed_by)):
            seen: set[str] = set()
            for j, reading in enumerate(getattr(statement, field)):
                if reading.actor == preferred or reading.actor in seen:
                    raise article.error(("statements", i, field, j, "actor"),
                                        f"{reading.actor!r} is already given as a reading of this statement")
                seen.add(reading.actor)


def check_order(article: Article) -> None:
    """An event is not ordered against itself, nor said to be both before and after another."""
    said: dict[tuple[str, str], tuple[str, FieldPath]] = {}
    for i, event in enumerate(article.record.events):
        for j, order in enumerate(event.order):
            path = ("events", i, "order", j, "event")
            if order.event == event.id:
                raise article.error(path, "an event cannot come before or after itself")
            first, second = (event.id, order.event) if order.relation == "before" else (order.event, event.id)
            if (second, first) in said:
                earlier = said[(second, first)][1]
                raise article.error(path, f"{first!r} and {second!r} are put in the other order at "
                                          f"{field_name(earlier)} (line {line_of(article.lines, earlier)})")
            said[(first, second)] = (order.relation, path)


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
        if actor.comes_from:
            yield ("actors", i, "comes_from", "actor"), actor.comes_from.actor, "actor"
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
        for j, order in enumerate(event.order):
            yield here + ("order", j, "event"), order.event, "event"
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
        for field in ("holder_readings", "source_readings"):
            for j, reading in enumerate(getattr(statement, field)):
                yield here + (field, j, "actor"), reading.actor, "actor"
        for j, purpose in enumerate(statement.purposes):
            yield here + ("purposes", j, "event"), purpose.event, "event"
        for j, reference in enumerate(statement.refers_to):
            for k, target in enumerate(reference.to):
                yield here + ("refers_to", j, "to", k), target, "told"
        if statement.first:
            yield here + ("first", "event"), statement.first.event, "event"


def _agent_field(path: FieldPath) -> bool:
    """Fields that name someone who acts: a role, a holder, a publisher, a member."""
    return path[-1] in ("holder", "publisher", "relayed_by") or (
        len(path) >= 3 and path[-3] in ("roles", "holder_readings", "source_readings"))


def _fits(kind: str, wanted: str) -> bool:
    if wanted == "told":
        return kind.split(":")[0] in ("event", "statement")
    return wanted == "any" or kind == wanted or kind.split(":")[0] == wanted


def _describe(kind: str) -> str:
    if kind == "any":
        return "an actor, post, event or statement"
    if kind == "told":
        return "an event or statement"
    if kind.startswith("event:"):
        return f"a {kind.split(':')[1]} event"
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _closest(ref: str, candidates: Iterable[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(ref, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None
