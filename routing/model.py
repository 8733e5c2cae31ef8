"""The routing table as typed, frozen objects: what the loader builds and the router reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from intents.result import Classification
from routing.areas import Area, AreaMatcher
from routing.hours import Schedule
from routing.phones import Phone
from routing.referrals import ReferralConfig


class Classifier(Protocol):
    def classify(self, text: str) -> Classification: ...


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    phone: Phone | None = None
    email: str | None = None
    schedule: Schedule | None = None  # None: no hours given (always available)
    note: str = ""


@dataclass(frozen=True, slots=True)
class ServiceContact:
    contact: Contact
    area: str | None = None  # None: county-wide


@dataclass(frozen=True, slots=True)
class OutOfHoursOption:
    id: str
    text: str
    name: str = ""
    phone: Phone | None = None
    schedule: Schedule | None = None


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    title: str
    contacts: tuple[ServiceContact, ...]
    out_of_hours: tuple[OutOfHoursOption, ...] = ()
    have_ready: tuple[str, ...] = ()
    in_menu: bool = True  # shown as a button under the welcome and fallback messages

    @property
    def has_area_contacts(self) -> bool:
        return any(c.area is not None for c in self.contacts)

    def contacts_for(self, area: str | None) -> tuple[ServiceContact, ...]:
        """The contacts for ``area``: its own, else the county-wide ones."""
        if area is not None:
            local = tuple(c for c in self.contacts if c.area == area)
            if local:
                return local
        return tuple(c for c in self.contacts if c.area is None)


@dataclass(frozen=True, slots=True)
class EmergencyCall:
    name: str
    phone: Phone


@dataclass(frozen=True, slots=True)
class EmergencyReply:
    text: str
    call: tuple[EmergencyCall, ...] = ()


@dataclass(frozen=True, slots=True)
class Labels:
    phone: str
    email: str
    hours: str
    have_ready: str


@dataclass(frozen=True, slots=True)
class Messages:
    """The bot's wording, from the ``messages:`` section."""

    welcome: str
    can_help_with: str
    helpline: str
    team_intro: str
    routed: str
    clarify: str
    ask_area: str
    area_not_recognised: str
    area_noted: str
    fallback: str
    talk_to_someone: str
    talk_to_someone_button: str
    rate_limited: str
    apology: str
    open_now: str
    closed_now: str
    out_of_hours: str
    labels: Labels
    today: str
    tomorrow: str
    days: tuple[str, ...]
    months: tuple[str, ...]


# Placeholders each message may use; the validator rejects any other {name}.
MESSAGE_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "helpline": frozenset({"name", "phone", "hours"}),
    "clarify": frozenset({"first", "second"}),
    "area_noted": frozenset({"area"}),
    "talk_to_someone": frozenset({"name", "phone", "hours"}),
    "rate_limited": frozenset({"phone"}),
    "apology": frozenset({"phone"}),
    "open_now": frozenset({"time"}),
    "closed_now": frozenset({"day", "time"}),
}


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
    area_matcher: AreaMatcher = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "area_matcher", AreaMatcher(self.areas))

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def area(self, area_id: str | None) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)
