"""Live chat with staff (issue 15) in the routing table: which Teams destination receives
chat requests, the rota's hours, how long a citizen waits before the call-back is offered,
and every word the hand-off uses.

The ``handoff:`` section is optional. With it, live chat is on whenever its destination
(``to:``, a Teams destination under ``referrals: destinations:``) is enabled, unless
``enabled: false`` says otherwise; without it (older files) it is off and "talk to a person"
gives the helpline's number as before.

Citizen-facing texts (``messages:``) are in the one shape of :mod:`routing.localized`
(``{en: ..., ga: ...}`` or a plain English string); staff texts (``staff_card:``) are plain
English, as the staff channel is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from routing.hours import Schedule
from routing.localized import Localized, localized, versions
from routing.referrals import Destination, ReferralConfig
from routing.wording import HANDOFF_RULES, HANDOFF_STAFF_RULES, Rule, text_problems

DEFAULT_WAIT_MINUTES = 5
DEFAULT_DESTINATION = "staff_channel"
# The typed words that end a chat, on either side, besides the routing file's own.
DEFAULT_END_WORDS = ("end chat", "end the chat", "end this chat")


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    """Live chat, as the routing table in use has it (only built when it is on)."""

    destination: Destination  # the enabled Teams destination receiving chat requests
    hours: Schedule | None  # the rota: when staff take chats (None: always)
    hours_id: str
    wait_seconds: float  # nobody took it this long after asking: offer the call-back
    end_words: tuple[str, ...]
    messages: dict[str, Localized]
    staff: dict[str, str]

    @property
    def wait_minutes(self) -> int:
        return max(1, int(round(self.wait_seconds / 60)))

    def text(self, key: str, language: str | None = "en", **values: Any) -> str:
        """A citizen-facing text in ``language`` (English where the Irish is missing)."""
        return self.messages[key].format(language, **values)

    def labels(self, key: str) -> tuple[str, ...]:
        """Every language's version of a text (a button label the citizen may type back)."""
        found = self.messages[key]
        return tuple(t for t in (found.en, found.ga) if t)


def _destination_id(data: dict[str, Any]) -> str:
    return str(data.get("to") or DEFAULT_DESTINATION)


def build_handoff(
    data: dict[str, Any] | None,
    schedules: dict[str, Schedule],
    helpline_hours: str | None,
    referrals: ReferralConfig | None,
) -> HandoffConfig | None:
    """The live-chat settings, or None when live chat is off (no section, ``enabled:
    false``, or its destination is missing, not Teams, or disabled)."""
    if not data or referrals is None:
        return None
    destination = referrals.destinations.get(_destination_id(data))
    if destination is None or destination.type != "teams" or not destination.enabled:
        return None
    if data.get("enabled") is False:
        return None
    hours_id = str(data.get("hours") or helpline_hours or "")
    words = data.get("words") or {}
    end_words = tuple(str(w) for w in words.get("end") or ()) or DEFAULT_END_WORDS
    return HandoffConfig(
        destination=destination,
        hours=schedules.get(hours_id) if hours_id else None,
        hours_id=hours_id,
        wait_seconds=float(data.get("wait_minutes", DEFAULT_WAIT_MINUTES)) * 60,
        end_words=end_words,
        messages={str(k): localized(v) for k, v in (data.get("messages") or {}).items()},
        staff={str(k): str(v) for k, v in (data.get("staff_card") or {}).items()},
    )


Issue = tuple[tuple[Any, ...], str]


def _texts(section: str, texts: dict[str, Any], rules: dict[str, Rule]) -> list[Issue]:
    issues: list[Issue] = []
    for key, value in texts.items():
        rule = rules.get(key, Rule())
        for language, text in versions(value):
            where: tuple[Any, ...] = ("handoff", section, key)
            if isinstance(value, dict):
                where = (*where, language)
            for problem in text_problems(text, rule, language, suggest=False):
                issues.append((where, problem))
    return issues


def handoff_issues(
    data: dict[str, Any], destinations: dict[str, Any], schedules: list[str]
) -> list[Issue]:
    """Problems in the ``handoff:`` section a schema cannot see, as (key path, message)."""
    issues: list[Issue] = []
    did = _destination_id(data)
    found = destinations.get(did)
    if found is None:
        listed = ", ".join(d for d, v in destinations.items() if v.get("type") == "teams")
        hint = f" — use one of: {listed}" if listed else " — add a type: teams destination there"
        issues.append(
            (("handoff", "to"), f'"{did}" is not defined under referrals.destinations{hint}')
        )
    elif found.get("type") != "teams":
        issues.append(
            (
                ("handoff", "to"),
                f'"{did}" is a {found.get("type")} destination: live chat needs a Teams '
                "channel (type: teams)",
            )
        )
    hours = data.get("hours")
    if hours and hours not in schedules:
        issues.append((("handoff", "hours"), f'"{hours}" is not defined under opening_hours'))
    issues += _texts("messages", data.get("messages") or {}, HANDOFF_RULES)
    issues += _texts("staff_card", data.get("staff_card") or {}, HANDOFF_STAFF_RULES)
    return issues
