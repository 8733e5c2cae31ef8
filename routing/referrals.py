"""Callback referrals in the routing table: where each service's referrals go, how soon the
service rings back, and every word the callback conversation and the staff card use.

The ``referrals:`` section is optional; without it (or with no enabled destination for a
service) the bot does not offer "Ask them to call me back" for that service.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from routing.hours import Schedule, local, open_intervals
from routing.hours_text import HOURS_WORDS, clock
from routing.localized import ENGLISH, Localized, localized, versions
from routing.wording import CITIZEN_RULES, STAFF_RULES, Rule, text_problems

_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

WORD_LISTS = ("cancel", "restart", "delete", "yes", "no")


@dataclass(frozen=True, slots=True)
class Destination:
    id: str
    type: str  # "teams", "webhook" or "page" (the staff page, built in: nothing to set)
    enabled: bool
    name: str  # how staff know it, e.g. "Community support team channel"
    conversation: str | None = None  # teams: the channel or chat conversation id
    service_url: str | None = None  # teams: connector URL, when no reference was captured
    url: str | None = None  # webhook
    secret_env: str | None = None  # webhook: env var holding the HMAC shared secret
    # webhook: may post to a loopback, private or link-local address (a relay on the
    # council's own network); off, such an address is refused at every try.
    allow_private_network: bool = False


@dataclass(frozen=True, slots=True)
class ReferralPlan:
    """Where one service's referrals go and how soon it rings back."""

    destinations: tuple[str, ...]
    response_hours: float  # opening hours within which the service rings
    who: Localized  # "someone from the Community Support Helpline"
    hours: Schedule | None  # the opening hours those response hours count in


@dataclass(frozen=True, slots=True)
class ReferralConfig:
    privacy_link: str
    destinations: dict[str, Destination]
    fallback: str | None
    default: ReferralPlan
    services: dict[str, ReferralPlan]
    words: dict[str, tuple[str, ...]]
    messages: dict[str, Localized]  # what citizens read: in English and Irish
    staff: dict[str, str]  # the staff card's words (staff read English)

    def plan(self, service_id: str) -> ReferralPlan:
        return self.services.get(service_id, self.default)

    def enabled_destinations(self, service_id: str) -> tuple[Destination, ...]:
        plan = self.plan(service_id)
        found = (self.destinations.get(d) for d in plan.destinations)
        return tuple(d for d in found if d is not None and d.enabled)

    def offered_for(self, service_id: str) -> bool:
        return bool(self.enabled_destinations(service_id))

    def fallback_destination(self) -> Destination | None:
        found = self.destinations.get(self.fallback) if self.fallback else None
        return found if found is not None and found.enabled else None


# ---- building ----------------------------------------------------------------------------
def _plan(
    spec: dict[str, Any], base: ReferralPlan | None, schedules: dict[str, Schedule]
) -> ReferralPlan:
    to = spec.get("to")
    hours = spec.get("hours")
    return ReferralPlan(
        destinations=tuple(str(d) for d in to)
        if to is not None
        else base.destinations
        if base
        else (),
        response_hours=float(spec.get("response_hours", base.response_hours if base else 8)),
        who=localized(spec["who"]) if "who" in spec else (base.who if base else Localized("")),
        hours=schedules.get(hours) if hours else (base.hours if base else None),
    )


def build_referrals(
    data: dict[str, Any] | None, schedules: dict[str, Schedule]
) -> ReferralConfig | None:
    if not data:
        return None
    destinations = {
        did: Destination(
            id=did,
            type=str(d["type"]),
            enabled=bool(d.get("enabled", True)),
            name=str(d.get("name", did)),
            conversation=d.get("conversation"),
            service_url=d.get("service_url"),
            url=d.get("url"),
            secret_env=d.get("secret_env"),
            allow_private_network=bool(d.get("allow_private_network", False)),
        )
        for did, d in (data.get("destinations") or {}).items()
    }
    default = _plan(data["default"], None, schedules)
    services = {
        sid: _plan(spec or {}, default, schedules)
        for sid, spec in (data.get("services") or {}).items()
    }
    words = {k: tuple(str(w) for w in (data.get("words") or {}).get(k) or ()) for k in WORD_LISTS}
    return ReferralConfig(
        privacy_link=str(data["privacy_link"]),
        destinations=destinations,
        fallback=data.get("fallback"),
        default=default,
        services=services,
        words=words,
        messages={k: localized(v) for k, v in data["messages"].items()},
        staff={k: str(v) for k, v in data["staff_card"].items()},
    )


# ---- checks a schema cannot express --------------------------------------------------------
def _not_public(host: str | None) -> bool:
    """A loopback, private or link-local address written into the URL (a host name is
    checked when the bot resolves it)."""
    if host is None or host.lower() == "localhost":
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False

Issue = tuple[tuple[Any, ...], str]


def _placeholders(section: str, texts: dict[str, Any], rules: dict[str, Rule]) -> list[Issue]:
    issues: list[Issue] = []
    for key, text in texts.items():
        rule = rules.get(key, Rule())
        localized_text = isinstance(text, dict)
        for language, version in versions(text):
            path = ("referrals", section, key, language) if localized_text else ("referrals", section, key)
            for problem in text_problems(version, rule, language, suggest=False):
                issues.append((path, problem))
    return issues


# Values the shipped file holds until a council fills in its own.
_PLACEHOLDER_WORDS = ("PASTE", "HERE", "EXAMPLE", "CHANGE-ME", "CHANGEME", "TODO", "XXX")
_PLACEHOLDER_HOSTS = (".invalid", "example.com", "example.org", "example.net", ".example")


def _placeholder(d: dict[str, Any]) -> tuple[str, str] | None:
    """(setting, value) when an enabled destination still holds a placeholder."""
    conversation = str(d.get("conversation") or "")
    if d["type"] == "teams" and (
        any(w in conversation.upper() for w in _PLACEHOLDER_WORDS) or " " in conversation.strip()
    ):
        return "conversation", conversation
    url = str(d.get("url") or "")
    host = (urlsplit(url).hostname or "") if url else ""
    if d["type"] == "webhook" and url and (
        host.endswith(_PLACEHOLDER_HOSTS) or host in ("example.com", "example.org", "example.net")
    ):
        return "url", url
    return None


def referral_issues(data: dict[str, Any], services: list[str], schedules: list[str]) -> list[Issue]:
    """Problems in the ``referrals:`` section, as (key path, message) pairs."""
    issues: list[Issue] = []
    destinations: dict[str, Any] = data.get("destinations") or {}
    for did, d in destinations.items():
        path = ("referrals", "destinations", did)
        if d["type"] == "teams" and not d.get("conversation"):
            issues.append(
                (path, 'a teams destination needs "conversation:" (the channel or chat id)')
            )
        if d["type"] == "webhook":
            url = d.get("url")
            if not url:
                issues.append((path, 'a webhook destination needs "url:"'))
            else:
                parts = urlsplit(str(url))
                local = parts.hostname in _LOCAL_HOSTS
                if parts.scheme != "https" and not (parts.scheme == "http" and local):
                    issues.append(((*path, "url"), f'"{url}" must start with https://'))
                elif _not_public(parts.hostname) and d.get("allow_private_network") is not True:
                    issues.append(
                        (
                            (*path, "url"),
                            f'"{url}" is a local or private address, which the bot refuses — '
                            "add allow_private_network: true if it is meant to be",
                        )
                    )
            env = d.get("secret_env")
            if env is not None and not _ENV_NAME.match(str(env)):
                issues.append(
                    (
                        (*path, "secret_env"),
                        f'"{env}" is not an environment variable name — write it like HELPLINE_WEBHOOK_SECRET',
                    )
                )
    ids = list(destinations)

    def refs(path: tuple[Any, ...], spec: dict[str, Any]) -> None:
        for i, did in enumerate(spec.get("to") or []):
            if did not in ids:
                issues.append(
                    ((*path, "to", i), f'"{did}" is not defined under referrals.destinations')
                )
        if spec.get("hours") and spec["hours"] not in schedules:
            issues.append(
                ((*path, "hours"), f'"{spec["hours"]}" is not defined under opening_hours')
            )

    refs(("referrals", "default"), data["default"])
    for sid, spec in (data.get("services") or {}).items():
        if sid not in services:
            issues.append((("referrals", "services", sid), f'"{sid}" is not a service id'))
        refs(("referrals", "services", sid), spec or {})
    fallback = data.get("fallback")
    if fallback is not None and fallback not in ids:
        issues.append(
            (("referrals", "fallback"), f'"{fallback}" is not defined under referrals.destinations')
        )
    for did, d in destinations.items():
        if not d.get("enabled", True):
            continue
        held = _placeholder(d)
        if held is not None:
            setting, value = held
            issues.append(
                (
                    ("referrals", "destinations", did, setting),
                    f'is enabled but still holds the placeholder "{value}" — put the real '
                    f"{'channel or chat id' if setting == 'conversation' else 'address'} here, "
                    "or set enabled: false",
                )
            )
    # Only a destination that can fail needs a fallback (the staff page cannot: nothing is sent).
    any_enabled = any(
        d.get("enabled", True) and d.get("type") != "page" for d in destinations.values()
    )
    if any_enabled and fallback in destinations and not destinations[fallback].get("enabled", True):
        issues.append(
            (
                ("referrals", "fallback"),
                f'"{fallback}" is disabled, so requests whose destination keeps failing would be '
                f"lost — enable {fallback}, or name an enabled destination here",
            )
        )
    issues += _placeholders("messages", data["messages"], CITIZEN_RULES)
    issues += _placeholders("staff_card", data["staff_card"], STAFF_RULES)
    return issues


# ---- "roughly when" ------------------------------------------------------------------------
def ring_back_by(schedule: Schedule | None, now: dt.datetime, hours: float) -> dt.datetime | None:
    """When ``hours`` of the schedule's opening time have passed after ``now`` (None: no
    schedule, or not within 60 days)."""
    if schedule is None:
        return None
    here = local(now)
    left = dt.timedelta(hours=hours)
    for start, end in open_intervals(schedule, here.date(), 61):
        start = max(start, here)
        if end <= start:
            continue
        if end - start >= left:
            return start + left
        left -= end - start
    return None


def day_word(
    when: dt.datetime,
    now: dt.datetime,
    today: str,
    tomorrow: str,
    days: tuple[str, ...],
    months: tuple[str, ...],
) -> str:
    gap = (when.date() - local(now).date()).days
    if gap == 0:
        return today
    if gap == 1:
        return tomorrow
    if gap < 7:
        return days[when.weekday()]
    return f"{days[when.weekday()]} {when.day} {months[when.month - 1]}"


def time_word(when: dt.datetime, language: str = ENGLISH) -> str:
    return clock(when, HOURS_WORDS.get(language, HOURS_WORDS[ENGLISH]))
