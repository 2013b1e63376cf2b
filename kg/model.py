"""The record of an article: typed models that parse and check the YAML an editor writes.

The JSON Schema for editors is generated from these models (`kg schema`), so the two cannot drift.
Spans and normalised times found by later stages are kept on the models as private attributes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kg.kinds import ActorKind, Direction, EventKind, RoleType, Status, Voice

__all__ = [
    "Span",
    "Quote",
    "TimeExpression",
    "Actor",
    "Post",
    "Holding",
    "Event",
    "Statement",
    "Reading",
    "Purpose",
    "BackReference",
    "First",
    "Order",
    "Part",
    "ArticleInfo",
    "Record",
    "ActorKind",
    "EventKind",
    "RoleType",
    "Status",
    "Voice",
    "record_json_schema",
    "PATTERN_MEANINGS",
]

PATTERN_MEANINGS: dict[str, str] = {}
"""What each pattern of a record's text fields means, in words, to explain a value that does not match."""


def _pattern(pattern: str, meaning: str) -> Any:
    """A text field that must match `pattern`; `meaning` describes it in the schema and in errors."""
    PATTERN_MEANINGS[pattern] = meaning
    return Field(pattern=pattern, description=meaning)


Id = Annotated[
    str,
    _pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$", "An identifier: lower-case letters and digits in words joined by hyphens."),
]
WikidataId = Annotated[str, _pattern(r"^Q[1-9][0-9]*$", "A Wikidata item, e.g. Q424.")]
IsoDuration = Annotated[
    str,
    _pattern(
        r"^P(\d+Y(\d+M)?(\d+W)?(\d+D)?|\d+M(\d+W)?(\d+D)?|\d+W(\d+D)?|\d+D)$",
        "An ISO 8601 duration in whole years, months, weeks or days, e.g. P4Y.",
    ),
]
LanguageTag = Annotated[str, _pattern(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$", "A BCP 47 language tag, e.g. en or pt-BR.")]


def _date_as_written(value: Any) -> Any:
    # Only YYYY-MM-DD: pydantic on its own also takes a number (seconds since 1970) or a date and time.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written)]


class Strict(BaseModel):
    """Every record model: unknown fields are errors, whitespace is kept as written."""

    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


class Span(BaseModel):
    """Where a quote stands in the article: character offsets [begin, end) and its words."""

    begin: int
    end: int
    text: str


class Quote(Strict):
    """Words copied exactly from the article; `occurrence` picks one when they appear more than once."""

    text: str = Field(min_length=1, description="The exact words of the article.")
    occurrence: int | None = Field(
        default=None, ge=1, strict=True, description="Which appearance of the words is meant, counting from 1."
    )
    _span: Span | None = PrivateAttr(default=None)

    @property
    def span(self) -> Span:
        if self._span is None:
            raise RuntimeError(f"quote {self.text!r} has not been located in the article")
        return self._span


def _as_quote(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


# One model behind both spellings (not a union), so an error names the quote's field, not a union branch.
QuoteRef = Annotated[
    Quote,
    BeforeValidator(_as_quote, json_schema_input_type=Union[Annotated[str, Field(min_length=1)], Quote]),
    Field(description="Exact words of the article: a string, or {text, occurrence}."),
]
Quotes = Annotated[list[QuoteRef], Field(min_length=1)]


class TimeExpression(Strict):
    """A time as the article writes it ("on Friday", "last month"); kg normalises it.

    The words are found inside the quotes of whatever carries the time, so "on Friday" needs no
    `occurrence` when the event's own quote contains it once.
    """

    quote: QuoteRef = Field(description="The expression as written, e.g. 'last month'.")
    direction: Direction | None = Field(
        default=None,
        description="Past or future, for a weekday or month name; by default from the event's status.",
    )
    after: Id | None = Field(
        default=None, description="For 'later' and the like: the event this one came after."
    )
    _value: Any = PrivateAttr(default=None)

    @property
    def value(self):
        if self._value is None:
            raise RuntimeError(f"time {self.quote.text!r} has not been normalised")
        return self._value


class Relation(Strict):
    """A link from an actor to another actor, with the words that state it."""

    actor: Id
    quotes: Quotes


class Count(Strict):
    """A number the text gives in words or digits ("the 10-nation bloc", "a five-point agreement")."""

    value: int = Field(ge=0, strict=True, description="The number.")
    quote: QuoteRef = Field(description="The words that give it.")


class DecisionRule(Strict):
    """How an organisation takes its decisions, as the text says ("decision making by consensus")."""

    rule: Literal["consensus", "majority", "unanimity"]
    quote: QuoteRef


UNNAMED_KINDS = {ActorKind.person, ActorKind.organization, ActorKind.government, ActorKind.research_organization}
"""The kinds of actor the text may leave unnamed; a group is unnamed by kind."""
ORGANIZATION_KINDS = {ActorKind.organization, ActorKind.government, ActorKind.research_organization, ActorKind.news_outlet}


class Actor(Strict):
    """A person, country, organisation, news outlet, unnamed group or place the article speaks of.

    A place (a city, a region) is not an actor: it is only where things happen. A person or an
    organisation the text does not name has a `label` that describes it instead of a `name`, so
    that no made-up name reaches the graph as if the text had given it.
    """

    id: Id
    kind: ActorKind
    # Either may be left out, but not given as null: `name: null` is reported as not a string.
    name: str = Field(
        default=None, min_length=1, description="The preferred name (rdfs:label, schema:name); omit it if the text gives none."
    )
    label: str = Field(
        default=None,
        min_length=1,
        description="For a person or organisation the text does not name, instead of `name`: a description "
        "('former ASEAN envoy from Brunei, not named'), never a made-up name.",
    )
    comes_from: Relation | None = Field(
        default=None, description="For a person: the country the text says they come from ('from Brunei')."
    )
    forms: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Every form of the name the text uses; each whole-word appearance is a mention.",
    )
    misspellings: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Forms of the name the text misspells."
    )
    quotes: list[QuoteRef] = Field(
        default_factory=list, description="Other words that refer to the actor ('the Cambodian leader')."
    )
    description: str | None = None
    wikidata: WikidataId | None = Field(
        default=None, description="Only an identifier checked against a source."
    )
    scope: Literal["global", "article"] | None = Field(
        default=None,
        description="'article' for an actor that is not the same one in another article "
        "(an unnamed group, an unnamed person); groups default to 'article'.",
    )
    member_of: list[Relation] = Field(default_factory=list)
    based_in: Relation | None = None
    members: Count | None = Field(
        default=None, description="For an organisation: how many members the text says it has ('the 10-nation bloc')."
    )
    decides_by: DecisionRule | None = Field(
        default=None, description="For an organisation: how it decides, where the text says so ('by consensus')."
    )
    _form_spans: list[tuple[str, Span, bool]] = PrivateAttr(default_factory=list)

    @property
    def form_spans(self) -> list[tuple[str, Span, bool]]:
        """Each appearance of a name form: (form, span, misspelt)."""
        return self._form_spans

    @model_validator(mode="after")
    def _has_evidence(self) -> Actor:
        if not (self.forms or self.misspellings or self.quotes):
            raise ValueError("an actor needs evidence: at least one of forms, misspellings, quotes")
        return self

    @model_validator(mode="after")
    def _named_or_described(self) -> Actor:
        if (self.name is None) == (self.label is None):
            raise ValueError("an actor needs a name, or a label that describes it when the text gives no name; not both")
        if self.label is not None and self.kind not in UNNAMED_KINDS:
            raise ValueError(
                f"only a person or an organisation can be unnamed (label instead of name); a {self.kind.value} needs a name"
            )
        if self.label is not None and (self.forms or self.misspellings):
            raise ValueError("an unnamed actor has no name forms; put the words that refer to it in quotes")
        if self.comes_from is not None and self.kind is not ActorKind.person:
            raise ValueError("comes_from is said of a person only")
        if (self.members or self.decides_by) and self.kind not in ORGANIZATION_KINDS:
            raise ValueError("only an organisation has members and a decision rule (members, decides_by)")
        return self

    @property
    def unnamed(self) -> bool:
        """The text does not name this actor: it has a describing label and no name."""
        return self.name is None

    @property
    def title(self) -> str:
        """What the graph calls the actor (rdfs:label): its name, or the label that describes it."""
        return self.name if self.name is not None else self.label

    @property
    def article_scoped(self) -> bool:
        default = self.kind is ActorKind.group or self.unnamed
        return self.scope == "article" or (self.scope is None and default)


class Holding(Strict):
    """That an actor holds (or held) a post."""

    holder: Id
    quotes: Quotes
    status: Literal["current", "former"] | None = Field(
        default=None, description="Only where the article says so ('the previous chair')."
    )
    since: TimeExpression | None = None
    until: TimeExpression | None = None


class Post(Strict):
    """A position in an organisation (org:Post), and who holds it."""

    id: Id
    label: str = Field(min_length=1)
    organization: Id = Field(description="The actor the post is in (org:postIn).")
    quotes: Quotes
    holders: list[Holding] = Field(default_factory=list)


class Role(Strict):
    """The part an actor plays in an event."""

    role: RoleType
    actor: Id
    quotes: list[QuoteRef] = Field(default_factory=list)


class Duration(Strict):
    value: IsoDuration
    quote: QuoteRef


class Charge(Strict):
    label: str = Field(min_length=1)
    quote: QuoteRef


class Order(Strict):
    """That this event came before or after another, as the text says ("earlier", "had suggested")."""

    relation: Literal["before", "after"] = Field(description="This event came before, or after, `event`.")
    event: Id = Field(description="The other event.")
    quote: QuoteRef = Field(description="The words that order them: 'earlier', 'previously', 'after', 'had suggested'.")


class Attendance(Strict):
    """How an event was attended, where the text says so ("a virtual lecture")."""

    mode: Literal["online", "offline", "mixed"]
    quote: QuoteRef = Field(description="The words that say it: 'virtual', 'in person'.")


class Point(Strict):
    """One point an agreement includes, as the text words it ("includes the cessation of violence")."""

    label: str = Field(min_length=1)
    quote: QuoteRef


class EventBase(Strict):
    id: Id
    label: str = Field(min_length=1)
    status: Status
    quotes: Quotes
    when: list[TimeExpression] = Field(default_factory=list)
    duration: Duration | None = None
    places: list[Id] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    part_of: Id | None = Field(default=None, description="A larger event this one is part of.")
    order: list[Order] = Field(
        default_factory=list, description="Other events this one came before or after, in the text's words."
    )
    attendance: Attendance | None = Field(default=None, description="Online or in person, where the text says so.")
    points: list[Point] = Field(default_factory=list, description="For an agreement: the points it includes.")
    point_count: Count | None = Field(
        default=None, description="For an agreement: how many points the text says it has ('five-point')."
    )

    @model_validator(mode="after")
    def _points_of_an_agreement(self) -> EventBase:
        if (self.points or self.point_count) and getattr(self, "kind", None) != "agreement":
            raise ValueError("only an agreement has points (points, point_count)")
        if self.point_count and len(self.points) > self.point_count.value:
            raise ValueError(f"points names {len(self.points)}, more than point_count says ({self.point_count.value})")
        return self


class GeneralEvent(EventBase):
    """An event of a kind with no fields of its own."""

    kind: Literal[
        "visit", "meeting", "coup", "armed-conflict", "crisis", "lecture", "summit",
        "chair-rotation", "proposal", "agreement", "sanctions", "campaign", "detention",
        "prosecution", "legitimisation", "split",
    ]


class AppointmentEvent(EventBase):
    kind: Literal["appointment"]
    post: Id = Field(description="The post the appointee is given.")


class VerdictEvent(EventBase):
    kind: Literal["verdict"]
    charges: list[Charge] = Field(default_factory=list)
    outcome: Literal["guilty", "acquitted"] | None = None
    sentence: Id | None = Field(default=None, description="The sentence event the verdict imposed.")


class SentenceEvent(EventBase):
    kind: Literal["sentence"]
    penalty: Literal["imprisonment", "fine", "death"]
    duration: Duration


class SentenceReductionEvent(EventBase):
    kind: Literal["sentence-reduction"]
    original: Id = Field(description="The sentence before the reduction.")
    result: Id = Field(description="The sentence after it.")


Event = Annotated[
    Union[GeneralEvent, AppointmentEvent, VerdictEvent, SentenceEvent, SentenceReductionEvent],
    Field(discriminator="kind"),
]

EVENT_KINDS_WITH_OWN_MODEL = {"appointment", "verdict", "sentence", "sentence-reduction"}


class Reading(Strict):
    """Another actor the text may mean, where it leaves a holder or a source open."""

    actor: Id
    quotes: list[QuoteRef] = Field(
        default_factory=list, description="The words that make this reading possible ('the Straits Times reported')."
    )


class Purpose(Strict):
    """Why an event happens, or what it is about, in the words of this statement's holder."""

    event: Id = Field(description="The event the purpose is given for.")
    quote: QuoteRef = Field(description="The words that give it: 'to boost ties'.")


class BackReference(Strict):
    """Words of a statement that refer back to events or statements the article told before ("these moves")."""

    to: Annotated[list[Id], Field(min_length=1)] = Field(description="The events or statements referred to.")
    quote: QuoteRef = Field(description="The referring words: 'these moves', 'the reversal in stance'.")


class First(Strict):
    """That the statement calls an event a first ("the first foreign leader to visit ... since ...")."""

    event: Id
    quote: QuoteRef = Field(description="The words that say it is a first.")


class Statement(Strict):
    """Something the article says: in its own voice, or as what someone else holds.

    Where the text leaves the holder or the source open, the record says so: `holder_not_given`
    (quoted words with no speaker), `holder_readings` (the other actors a sentence may mean; with a
    `holder`, that holder is kg's preferred reading), and likewise `source_not_given` and
    `source_readings` for "was cited as saying" or "reported" without saying by whom.
    """

    id: Id
    voice: Voice
    quotes: Quotes = Field(description="The words that make the statement.")
    holder: Id | None = Field(default=None, description="Who holds an attributed statement.")
    holder_not_given: bool = Field(
        default=False, strict=True, description="The text does not say whose words these are."
    )
    holder_readings: list[Reading] = Field(
        default_factory=list,
        description="Other holders the text may mean; with `holder`, that one is kg's preferred reading.",
    )
    relayed_by: Id | None = Field(
        default=None, description="The outlet the article cites for it ('the Straits Times reported')."
    )
    source_not_given: bool = Field(
        default=False, strict=True,
        description="The text relies on a source it does not name ('was cited as saying', 'reportedly').",
    )
    source_readings: list[Reading] = Field(
        default_factory=list,
        description="Sources the text may mean; with `relayed_by`, that one is kg's preferred reading.",
    )
    purposes: list[Purpose] = Field(
        default_factory=list, description="Purposes or topics of events, as this statement's holder gives them."
    )
    refers_to: list[BackReference] = Field(
        default_factory=list, description="Words that refer back to events or statements told before."
    )
    first: First | None = Field(default=None, description="The statement says an event is a first.")
    cue: QuoteRef | None = Field(
        default=None, description="The words that attribute it ('according to', 'was cited as saying')."
    )
    verbatim: list[QuoteRef] = Field(
        default_factory=list, description="The holder's own words, inside the quotation marks."
    )
    about: list[Id] = Field(default_factory=list, description="Events and actors it is about.")
    note: str | None = None

    @model_validator(mode="after")
    def _voice_matches_holder(self) -> Statement:
        if self.voice is Voice.attributed and self.holder is None and not self.holder_not_given:
            raise ValueError("an attributed statement needs a holder, or holder_not_given: true")
        if self.holder is not None and self.holder_not_given:
            raise ValueError("give a holder or holder_not_given: true, not both")
        if self.relayed_by is not None and self.source_not_given:
            raise ValueError("give relayed_by or source_not_given: true, not both")
        if self.voice is Voice.article and (
            self.holder or self.relayed_by or self.cue or self.holder_not_given or self.holder_readings
            or self.source_not_given or self.source_readings
        ):
            raise ValueError("a statement in the article's voice has no holder, source, readings or cue")
        if self.source_readings and self.relayed_by is None and not self.source_not_given:
            raise ValueError("source_readings need relayed_by (the preferred reading) or source_not_given: true")
        return self


class PublicationDate(Strict):
    """The publication date, or the window it is known to lie in."""

    date: IsoDate | None = None
    earliest: IsoDate | None = None
    latest: IsoDate | None = None
    note: str | None = Field(default=None, description="How the date or window is known.")

    @model_validator(mode="after")
    def _date_or_window(self) -> PublicationDate:
        if self.date is not None:
            if self.earliest is not None or self.latest is not None:
                raise ValueError("give either date, or earliest and latest, not both")
            self.earliest = self.latest = self.date
        elif self.earliest is None or self.latest is None:
            raise ValueError("give date, or both earliest and latest")
        elif self.latest < self.earliest:
            raise ValueError(f"latest ({self.latest}) is before earliest ({self.earliest})")
        return self


class Copyright(Strict):
    holder: Id
    year: int = Field(ge=1000, le=9999, strict=True)
    quote: QuoteRef


class Part(Strict):
    """A part of the article's own layout: its headline, or the heading of a section ("Asean Divided")."""

    part: Literal["headline", "heading"]
    quote: QuoteRef = Field(description="The words of the headline or heading, as they stand in the text.")


class ArticleInfo(Strict):
    text: str | None = Field(
        default=None,
        min_length=1,
        description="The article's text file, in the record's folder; by default <stem>.txt.",
    )
    headline: str | None = None
    url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s<>\"{}|\\^`]+$",
        description="The article's address on its publisher's site (schema:url).",
    )
    publisher: Id
    published: PublicationDate
    language: LanguageTag
    copyright: Copyright | None = None
    structure: list[Part] = Field(
        default_factory=list,
        description="The headline and section headings that stand in the text, in the text's order.",
    )

    @field_validator("structure")
    @classmethod
    def _one_headline(cls, parts: list[Part], info: ValidationInfo) -> list[Part]:
        headlines = [p for p in parts if p.part == "headline"]
        if len(headlines) > 1:
            raise ValueError("an article has one headline in its structure")
        headline = info.data.get("headline")
        if headlines and headline is not None and headlines[0].quote.text != headline:
            raise ValueError(f"the headline in structure is not the article's headline {headline!r}")
        return parts


class Record(Strict):
    """Everything one article states, with the words that state it."""

    article: ArticleInfo
    actors: list[Actor] = Field(min_length=1)
    posts: list[Post] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)


def record_json_schema() -> str:
    """The JSON Schema of a record, as shipped in kg/data/record.schema.json."""
    schema = Record.model_json_schema()
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://kg.example.org/schema/record.schema.json",
            "title": "kg article record",
        }
    )
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
