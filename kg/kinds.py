"""The closed lists of a record: kinds of actors and events, roles, statuses, voices, directions.

Plain enums, apart from the pydantic models of kg.model that use them, so that the mapping can
name them without importing pydantic: a rebuild whose articles all come from the cache loads
neither.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ActorKind", "Direction", "EventKind", "RoleType", "Status", "Voice"]


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
