"""The routing table as typed, frozen objects: what the loader builds and the router reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from intents.result import Classification
from routing.areas import Area, AreaMatcher
from routing.handoff import HandoffConfig
from routing.hours import Schedule
from routing.localized import Localized
from routing.phones import Phone
from routing.referrals import ReferralConfig


class Classifier(Protocol):
    def classify(self, text: str) -> Classification: ...


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: Localized
    phone: Phone | None = None
    email: str | None = None
    schedule: Schedule | None = None  # None: no hours given (always available)
    note: Localized = Localized("")


@dataclass(frozen=True, slots=True)
class ServiceContact:
    contact: Contact
    area: str | None = None  # None: county-wide (unless ``places`` is set)
    # Towns (folded: "ballinrobe") and Eircode routing keys ("F31") this contact serves;
    # it is given to citizens who named one of them, and never makes the bot ask the area.
    places: tuple[str, ...] = ()

    @property
    def county_wide(self) -> bool:
        return self.area is None and not self.places


@dataclass(frozen=True, slots=True)
class Pause:
    """A service paused for a while: the bot still recognises it and says so."""

    message: Localized  # what citizens are told instead, e.g. where else to turn
    until: dt.date | None = None  # the day it starts again (None: until the pause is removed)
    start: dt.date | None = None  # the first day paused (None: already)

    def active(self, day: dt.date) -> bool:
        started = self.start is None or day >= self.start
        return started and (self.until is None or day < self.until)


@dataclass(frozen=True, slots=True)
class OutOfHoursOption:
    id: str
    text: Localized
    name: Localized = Localized("")
    phone: Phone | None = None
    schedule: Schedule | None = None


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    title: Localized
    contacts: tuple[ServiceContact, ...]
    out_of_hours: tuple[OutOfHoursOption, ...] = ()
    have_ready: tuple[Localized, ...] = ()
    in_menu: bool = True  # shown as a button under the welcome and fallback messages
    paused: Pause | None = None

    @property
    def has_area_contacts(self) -> bool:
        return any(c.area is not None for c in self.contacts)

    def contacts_for(
        self, area: str | None, place: str | None = None
    ) -> tuple[ServiceContact, ...]:
        """The contacts for ``place`` (a town or Eircode key), else for ``area``, else the
        county-wide ones."""
        if place is not None:
            local = tuple(c for c in self.contacts if place in c.places)
            if local:
                return local
        if area is not None:
            local = tuple(c for c in self.contacts if c.area == area)
            if local:
                return local
        return tuple(c for c in self.contacts if c.county_wide)

    def paused_on(self, day: dt.date) -> Pause | None:
        return self.paused if self.paused is not None and self.paused.active(day) else None


@dataclass(frozen=True, slots=True)
class EmergencyCall:
    name: Localized
    phone: Phone


@dataclass(frozen=True, slots=True)
class EmergencyReply:
    text: Localized
    call: tuple[EmergencyCall, ...] = ()


@dataclass(frozen=True, slots=True)
class Labels:
    """The fixed words of contact details, in the text and on the contact card."""

    phone: Localized
    email: Localized
    hours: Localized
    have_ready: Localized
    # On the card; files without them get these defaults.
    have_ready_card: Localized = Localized(
        "Have ready when you call:", "Bíodh seo réidh agat nuair a ghlaonn tú:"
    )
    call_button: Localized = Localized("Call {phone}", "Glaoigh ar {phone}")
    email_button: Localized = Localized("Email", "Ríomhphost")


@dataclass(frozen=True, slots=True)
class Messages:
    """The bot's wording, from the ``messages:`` section: each text in English and (when
    written) Irish; ``Router`` picks the language."""

    welcome: Localized
    can_help_with: Localized
    helpline: Localized
    team_intro: Localized
    routed: Localized
    clarify: Localized
    ask_area: Localized
    area_not_recognised: Localized
    area_noted: Localized
    fallback: Localized
    talk_to_someone: Localized
    talk_to_someone_button: Localized
    rate_limited: Localized
    apology: Localized
    open_now: Localized
    closed_now: Localized
    out_of_hours: Localized
    labels: Labels
    today: Localized
    tomorrow: Localized
    days: tuple[Localized, ...]
    months: tuple[Localized, ...]
    # closed_dates list id -> its name in the hours sentence ("public holidays")
    closed_dates_names: dict[str, Localized] = field(default_factory=dict)


ACTS = (
    "greeting", "thanks", "goodbye", "acknowledgement", "help", "robot", "number", "open_now",
    "anyone_there", "request_status", "talk_to_person", "end_chat",
)
TOPICS = ("council", "covid", "scam", "outside_mayo")


@dataclass(frozen=True, slots=True)
class ConversationTexts:
    """The ``conversation:`` section: short answers to what is not a request for a service
    (small talk, questions about the bot, other matters), and the lines that keep a citizen
    safe around an emergency."""

    acts: dict[str, Localized]  # act name -> answer ({phone}, {hours}, {name}, {status} allowed)
    topics: dict[str, Localized]  # other matter -> where to go instead
    possible_danger: Localized  # leads a reply when the message has a weak danger cue
    after_emergency: Localized  # a follow-up after the emergency reply ("she's breathing now")
    offer_person: Localized  # added when the bot has not understood twice in a row
    no_requests: Localized  # "what's happening with my request" with none in this conversation


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    expect: tuple[str, ...]  # service ids; empty: must not be routed


@dataclass(frozen=True, slots=True)
class RoutingTable:
    source: str
    helpline: Contact
    services: tuple[Service, ...]
    areas: tuple[Area, ...]
    emergency_danger: EmergencyReply
    emergency_self_harm: EmergencyReply
    messages: Messages
    classifier: Classifier
    examples: tuple[Example, ...] = ()
    helpline_out_of_hours: tuple[OutOfHoursOption, ...] = ()
    referrals: ReferralConfig | None = None  # None: no callback referrals offered
    conversation: ConversationTexts | None = None  # None: small talk gets the fallback
    handoff: HandoffConfig | None = None  # None: live chat with staff is off
    area_matcher: AreaMatcher = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "area_matcher", AreaMatcher(self.areas))

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def title_of(self, service_id: str, language: str | None = None) -> str:
        """How staff see what a request is about: the service's title; a call-back asked
        for from "talk to a person" is named by that button's label (English unless
        ``language`` says otherwise)."""
        service = self.service(service_id)
        if service is not None:
            return service.title.in_(language)
        if service_id == "talk_to_person":
            return self.messages.talk_to_someone_button.in_(language)
        return service_id

    def area(self, area_id: str | None) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)
