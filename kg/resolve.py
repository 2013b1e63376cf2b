"""Resolve stage: every time expression of a record normalised against the publication window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.kinds import Status
from kg.read import Article, FieldPath
from kg.timex import TimeExpressionError, TimeValue, normalise

if TYPE_CHECKING:
    from kg.model import TimeExpression

__all__ = ["resolve_times"]

_DIRECTION = {
    Status.happened: "past",
    Status.ongoing: "past",
    Status.planned: "future",
    Status.scheduled: "future",
}


def resolve_times(article: Article) -> None:
    """Normalise each `when`, `since` and `until` of the record; errors name the field."""
    record = article.record
    published = record.article.published
    window = (published.earliest, published.latest)
    events = {event.id: (index, event) for index, event in enumerate(record.events)}
    done: set[int] = set()

    def came_after(expression: TimeExpression, path: FieldPath) -> int:
        """The index of the event that `expression` comes after, which must have a time."""
        index, event = events[expression.after]
        if not event.when:
            raise article.error(path + ("after",), f"the event {expression.after!r} has no time to come after")
        return index

    def one(expression: TimeExpression, path: FieldPath, default_direction: str | None, after: TimeValue | None) -> None:
        direction = expression.direction.value if expression.direction else default_direction
        try:
            expression._value = normalise(expression.quote.text, window, direction=direction, after=after)
        except TimeExpressionError as error:
            raise article.error(path + ("quote",), str(error)) from None

    def resolve_event(first: int) -> None:
        """Normalise an event's times, each after the times of the event it comes after.

        Depth first, with the chain of events waiting on each other kept in a list rather than on
        Python's stack, so that a record with a long chain of "later" cannot exhaust it.
        """
        chain, waiting = [first], {first}
        while chain:
            index = chain[-1]
            event = record.events[index]
            waits_on = None
            for j, expression in enumerate(event.when):
                if expression._value is not None:
                    continue
                path = ("events", index, "when", j)
                after = None
                if expression.after:
                    earlier = came_after(expression, path)
                    if earlier in waiting:
                        raise article.error(
                            ("events", earlier, "when"),
                            f"the times of {expression.after!r} come after each other in a circle",
                        )
                    if earlier not in done:
                        waits_on = earlier
                        break
                    after = record.events[earlier].when[0].value
                one(expression, path, _DIRECTION.get(event.status), after)
            if waits_on is None:
                done.add(chain.pop())
                waiting.discard(index)
            else:
                chain.append(waits_on)
                waiting.add(waits_on)

    for index in range(len(record.events)):
        if index not in done:
            resolve_event(index)
    for i, post in enumerate(record.posts):
        for j, holding in enumerate(post.holders):
            here = ("posts", i, "holders", j)
            for side in ("since", "until"):
                expression = getattr(holding, side)
                if expression is not None:
                    after = None
                    if expression.after:
                        after = record.events[came_after(expression, here + (side,))].when[0].value
                    one(expression, here + (side,), "past", after)
            if holding.since and holding.until and holding.until.value.end < holding.since.value.begin:
                raise article.error(
                    here + ("until",),
                    f"the holding ends ({holding.until.value.label}) before it begins ({holding.since.value.label})",
                )
