"""Resolve stage: every time expression of a record normalised against the publication window."""

from __future__ import annotations

from kg.model import Status, TimeExpression
from kg.read import Article, FieldPath
from kg.timex import TimeExpressionError, TimeValue, normalise

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
    busy: set[str] = set()

    def event_time(event_id: str, asked_from: FieldPath) -> TimeValue:
        index, event = events[event_id]
        if not event.when:
            raise article.error(asked_from, f"the event {event_id!r} has no time to come after")
        resolve_event(index)
        return event.when[0].value

    def one(expression: TimeExpression, path: FieldPath, default_direction: str | None) -> None:
        if expression._value is not None:
            return
        after = event_time(expression.after, path + ("after",)) if expression.after else None
        direction = expression.direction.value if expression.direction else default_direction
        try:
            expression._value = normalise(expression.quote.text, window, direction=direction, after=after)
        except TimeExpressionError as error:
            raise article.error(path + ("quote",), str(error)) from None

    def resolve_event(index: int) -> None:
        event = record.events[index]
        if event.id in busy:
            raise article.error(("events", index, "when"), f"the times of {event.id!r} come after each other in a circle")
        busy.add(event.id)
        for j, expression in enumerate(event.when):
            one(expression, ("events", index, "when", j), _DIRECTION.get(event.status))
        busy.discard(event.id)

    for index in range(len(record.events)):
        resolve_event(index)
    for i, post in enumerate(record.posts):
        for j, holding in enumerate(post.holders):
            here = ("posts", i, "holders", j)
            for side in ("since", "until"):
                expression = getattr(holding, side)
                if expression is not None:
                    one(expression, here + (side,), "past")
            if holding.since and holding.until and holding.until.value.end < holding.since.value.begin:
                raise article.error(
                    here + ("until",),
                    f"the holding ends ({holding.until.value.label}) before it begins ({holding.since.value.label})",
                )
