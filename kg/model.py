"""The record of an article: typed models that parse and check the YAML an editor writes.

The JSON Schema for editors is generated from these models (`kg schema`), so the two cannot drift.
Spans and normalised times found by later stages are kept on the models as private attributes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

__all__ = [
    "Span",
    "Quote",
    "TimeExpression",
    "Actor",
    "Post",
    "Holding",
    "Event",
    "Statement",
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

    model_config = ConfigDict(extra="forbid", frozen=False)


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


class Status(str, Enum):
    """How the article reports an event: done, going on, intended, fixed in a calendar, or possible."""

    happened = "happened"
    ongoing = "ongoing"
    planned = "planned"
    scheduled = "scheduled"
    possible = "possible"


class Voice(str, Enum):
    """Whether the article asserts a statement itself or reports someone else as holding it."""

    article = "article"
    attributed = "attributed"


class ActorKind(str, Enum):
    person = "person"
    country = "country"
    organization = "organization"
    government = "government"
    news_outlet = "news-outlet"
    research_organization = "research-organization"
    group = "group"
    place = "place"


class EventKind(str, Enum):
    visit = "visit"
    meeting = "meeting"
    appointment = "appointment"
    verdict = "verdict"
    sentence = "sentence"
    sentence_reduction = "sentence-reduction"
    coup = "coup"
    armed_conflict = "armed-conflict"
    crisis = "crisis"
    lecture = "lecture"
    summit = "summit"
    chair_rotation = "chair-rotation"
    proposal = "proposal"
    agreement = "agreement"
    sanctions = "sanctions"
    campaign = "campaign"
    detention = "detention"
    prosecution = "prosecution"
    legitimisation = "legitimisation"
    split = "split"


class RoleType(str, Enum):
    visitor = "visitor"
    host = "host"
    participant = "participant"
    perpetrator = "perpetrator"
    target = "target"
    speaker = "speaker"
    organiser = "organiser"
    appointer = "appointer"
    appointee = "appointee"
    predecessor = "predecessor"
    proposer = "proposer"
    rejecter = "rejecter"
    defendant = "defendant"
    attendee = "attendee"
    excluded = "excluded"
    leader = "leader"
    partner = "partner"
    party = "party"
    incoming = "incoming"
    outgoing = "outgoing"
    detainee = "detainee"
    authority = "authority"
    beneficiary = "beneficiary"


class Direction(str, Enum):
    past = "past"
    future = "future"


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


class Actor(Strict):
    """A person, country, organisation, news outlet, unnamed group or place the article speaks of.

    A place (a city, a region) is not an actor: it is only where things happen.
    """

    id: Id
    kind: ActorKind
    name: str = Field(min_length=1, description="The preferred name (rdfs:label).")
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

    @property
    def article_scoped(self) -> bool:
        return self.scope == "article" or (self.scope is None and self.kind is ActorKind.group)


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


class Statement(Strict):
    """Something the article says: in its own voice, or as what someone else holds."""

    id: Id
    voice: Voice
    quotes: Quotes = Field(description="The words that make the statement.")
    holder: Id | None = Field(default=None, description="Who holds an attributed statement.")
    relayed_by: Id | None = Field(
        default=None, description="The outlet the article cites for it ('the Straits Times reported')."
    )
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
        if self.voice is Voice.attributed and self.holder is None:
            raise ValueError("an attributed statement needs a holder")
        if self.voice is Voice.article and (self.holder or self.relayed_by or self.cue):
            raise ValueError("a statement in the article's voice has no holder, relayed_by or cue")
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
