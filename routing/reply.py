"""What the bot should say: a channel-neutral reply that bot/ turns into activities and cards.

routing/ decides *what* to answer (from the routing table and the classifier); bot/ decides
*how* it looks on a channel (Adaptive Card, suggested actions, plain text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ReplyKind = Literal[
    "welcome",  # greeting with the service buttons
    "routed",  # one or more service contacts
    "clarify",  # "Did you mean A or B?"
    "ask_area",  # the service has per-area contacts and the area is unknown
    "fallback",  # not understood / out of scope: county helpline + service buttons
    "emergency",  # 112/999 or Samaritans, nothing else
    "talk_to_someone",  # the citizen asked for a person
    "handoff",  # live chat with staff: asked, nobody free, out of hours, ended, did it help
    "team_intro",  # the bot was added to a team or group chat
    "paused",  # the service asked for is paused: what to do instead
    "small_talk",  # greeting, thanks, "are you a robot", "is it open now" ...: a short answer
    "other_matter",  # bins, COVID, a scam, outside Mayo: where to go instead
    "after_emergency",  # a follow-up after the emergency reply: 112/999, HSELive, a person
    "text",  # a plain message (the call-back form's questions, notes)
    "apology",  # the bot failed or was too busy: sorry, and the helpline number
]

# Values carried by buttons. A button press routes directly, never through fuzzy matching.
SERVICE_PREFIX = "service:"
AREA_PREFIX = "area:"
TALK_TO_SOMEONE = "talk_to_someone"
LANGUAGE_PREFIX = "language:"  # "language:ga", "language:en": the welcome's language buttons


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``label`` is shown, ``value`` comes back when pressed (``service:ID``...)."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class ContactView:
    """One council contact as a citizen should see it right now."""

    service_id: str
    service_title: str
    name: str
    phone: str | None = None  # as printed, e.g. "094 906 4660"
    phone_uri: str | None = None  # "tel:+353949064660"
    email: str | None = None
    hours: str = ""  # "Open 9am to 5pm, 7 days a week"
    open_now: bool = True
    status: str = ""  # "Open now until 5pm" / "Closed now. Opens Monday at 9am."
    out_of_hours: str = ""  # what to do while it is closed
    have_ready: tuple[str, ...] = ()  # what to have ready when calling
    area: str | None = None  # the area this contact serves, None for county-wide
    note: str = ""


@dataclass(frozen=True, slots=True)
class CardLabels:
    """The fixed words of a contact card, in the reply's language (``messages.labels``)."""

    phone: str = "Phone"
    email: str = "Email"
    hours: str = "Hours"
    have_ready: str = "Have ready when you call:"
    call: str = "Call {phone}"  # the call button
    email_button: str = "Email"


ENGLISH_LABELS = CardLabels()


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """What routing remembers about one conversation (kept in bot's conversation state)."""

    area: str | None = None  # an area id once known
    awaiting_area_for: tuple[str, ...] = ()  # service ids waiting for the citizen's area
    place: str | None = None  # the town ("ballinrobe") or Eircode key ("F31") named, if any

    def settled(self) -> "ConversationFacts":
        """These facts with no question pending (the same object when none is: most turns)."""
        return ConversationFacts(self.area, place=self.place) if self.awaiting_area_for else self

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "area": self.area,
            "awaiting_area_for": list(self.awaiting_area_for),
        }
        if self.place is not None:
            out["place"] = self.place
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> "ConversationFacts":
        if not data:
            return cls()
        area = data.get("area")
        place = data.get("place")
        waiting = data.get("awaiting_area_for") or ()
        return cls(
            place=place if isinstance(place, str) else None,
            area=area if isinstance(area, str) else None,
            awaiting_area_for=tuple(str(s) for s in waiting if isinstance(s, str))
            if isinstance(waiting, (list, tuple))
            else (),
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything the bot says in answer to one message or button press."""

    kind: ReplyKind
    text: str  # complete plain-text version (shown where cards are not, and in notifications)
    title: str = ""  # heading for a card
    contacts: tuple[ContactView, ...] = ()
    choices: tuple[Choice, ...] = ()
    facts: ConversationFacts = field(default_factory=ConversationFacts)
    intent: str | None = None
    intents: tuple[str, ...] = ()
    score: float = 0.0
    language: str = "en"  # the language the reply is written in: "en" or "ga"
    labels: CardLabels = ENGLISH_LABELS  # the card's fixed words in that language
