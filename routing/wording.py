"""What each citizen-facing text must keep: its placeholders and its safety words.

Declared once here, per message, and checked for every text in the routing file. The rules
are per language where words differ: ``SAFETY_WORDS`` has a table per language (English and
Irish), and each language version of a message is checked against the same placeholder rule
and its own language's safety words.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class SafetyWords:
    """Words a text must contain. ``numbers`` match with or without spaces ("116 123")."""

    described: str  # how staff are told what is missing: "112 or 999"
    numbers: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    any_number: bool = False  # one of ``numbers`` is enough (112 or 999)

    def found_in(self, text: str) -> bool:
        joined = re.sub(r"(?<=\d)[\s\u00a0.-](?=\d)", "", text)
        hits = [re.search(rf"(?<!\d){n}(?!\d)", joined) is not None for n in self.numbers]
        numbers_ok = (any(hits) if self.any_number else all(hits)) if hits else True
        folded = text.casefold()
        return numbers_ok and all(w.casefold() in folded for w in self.words)


EMERGENCY_NUMBERS = "emergency_numbers"
SAMARITANS = "samaritans"

SAFETY_WORDS: dict[str, dict[str, SafetyWords]] = {
    "en": {
        EMERGENCY_NUMBERS: SafetyWords("112 or 999", numbers=("112", "999"), any_number=True),
        SAMARITANS: SafetyWords("Samaritans on 116 123", numbers=("116123",), words=("Samaritans",)),
    },
    # The same numbers; the Samaritans keep their name in Irish texts ("glaoigh ar na
    # Samaritans ar 116 123"), as the other services' names do (ALONE, HSELive).
    "ga": {
        EMERGENCY_NUMBERS: SafetyWords("112 nó 999", numbers=("112", "999"), any_number=True),
        SAMARITANS: SafetyWords(
            "Samaritans ar 116 123", numbers=("116123",), words=("Samaritans",)
        ),
    },
}


@dataclass(frozen=True, slots=True)
class Rule:
    """What one message may and must contain."""

    allowed: frozenset[str] = frozenset()  # placeholders it may use
    required: frozenset[str] = frozenset()  # placeholders it must keep
    safety: tuple[str, ...] = ()  # keys of SAFETY_WORDS it must contain

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", self.allowed | self.required)


def _r(allowed: str = "", required: str = "", safety: tuple[str, ...] = ()) -> Rule:
    return Rule(frozenset(allowed.split()), frozenset(required.split()), safety)


# messages: (the bot's own wording)
MESSAGE_RULES: dict[str, Rule] = {
    "welcome": _r(safety=(EMERGENCY_NUMBERS,)),
    "fallback": _r(safety=(EMERGENCY_NUMBERS,)),
    "helpline": _r("name hours", "phone"),
    "clarify": _r(required="first second"),
    "area_noted": _r("area"),
    "talk_to_someone": _r("name hours", "phone"),
    "rate_limited": _r(required="phone"),
    "apology": _r(required="phone"),
    "open_now": _r(required="time"),
    "closed_now": _r(required="day time"),
}
# messages: labels: (the fixed words of contact details and cards)
LABEL_RULES: dict[str, Rule] = {
    "call_button": _r(required="phone"),
}
# conversation: (small talk, other matters, around an emergency)
CONVERSATION_RULES: dict[str, Rule] = {
    "possible_danger": _r(safety=(EMERGENCY_NUMBERS,)),
    "after_emergency": _r("name hours phone", safety=(EMERGENCY_NUMBERS,)),
    "offer_person": _r("name hours", "phone"),
    "no_requests": _r("name hours phone"),
}
# conversation: acts: <act> (each may name the helpline and whether it is open now)
ACT_RULES: dict[str, Rule] = {
    "robot": _r("name hours status", "phone"),
    "number": _r("name hours status", "phone"),
    "open_now": _r("name hours phone", "status"),
}
ACT_DEFAULT = _r("name hours phone status")
# emergency: <kind>: text
EMERGENCY_RULES: dict[str, Rule] = {
    "danger": _r(safety=(EMERGENCY_NUMBERS,)),
    "self_harm": _r(safety=(EMERGENCY_NUMBERS, SAMARITANS)),
}
# referrals: messages: (the call-back conversation)
CITIZEN_RULES: dict[str, Rule] = {
    "offer_button": _r(),
    "ask_name": _r(),
    "name_invalid": _r(),
    "ask_phone": _r("name"),
    "phone_invalid": _r(),
    "ask_area": _r(),
    "ask_need": _r(),
    "need_invalid": _r(),
    "ask_consent": _r(required="service"),
    "privacy_notice": _r(required="link"),
    "consent_yes": _r(),
    "consent_no": _r(),
    "consent_unclear": _r(),
    "no_consent": _r(),
    "confirmed": _r("name who phone when", "reference"),
    "when_by": _r(required="day time"),
    "when_soon": _r(),
    "cancelled": _r(),
    "status_received": _r("who", "reference"),
    "status_claimed": _r("staff", "reference"),
    "status_unknown": _r(required="reference"),
    "claimed": _r("staff who", "reference"),
    "deleted": _r(),
    "failed": _r(),
    "cancel_hint": _r(),
    "left_form": _r(),
}
# referrals: staff_card: (the card posted to staff)
STAFF_RULES: dict[str, Rule] = {
    "title": _r(required="service"),
    "name": _r(),
    "phone": _r(),
    "area": _r(),
    "need": _r(),
    "reference": _r(),
    "received": _r(),
    "claim_button": _r(),
    "claimed_by": _r(required="staff"),
    "escalated": _r(required="destination"),
    "erased": _r(required="reference"),
    "language": _r(),
    "english": _r(),
    "irish": _r(),
}

# handoff: messages: (live chat with staff; each language version checked)
HANDOFF_RULES: dict[str, Rule] = {
    "asked": _r(required="ahead minutes"),
    "joined": _r(required="staff"),
    "staff_says": _r(required="staff text"),
    "ended_by_staff": _r("staff"),
    "ended_by_you": _r(),
    "cancelled": _r(),
    "released": _r("staff", "ahead"),
    "feedback": _r(),
    "feedback_yes": _r(),
    "feedback_no": _r(),
    "feedback_thanks": _r(),
    "nobody_free": _r("name hours", "phone"),
    "closed": _r("name hours chat_hours", "phone"),
    "offer": _r("name phone hours"),
}
# handoff: staff_card: (the staff channel's card and notes; English)
HANDOFF_STAFF_RULES: dict[str, Rule] = {
    "title": _r(),
    "asked": _r(),
    "service": _r(),
    "town": _r(),
    "in_irish": _r(),
    "so_far": _r(),
    "citizen": _r(),
    "assistant": _r(),
    "waiting": _r("minutes", "time"),
    "take_button": _r(),
    "end_button": _r(),
    "hand_button": _r(),
    "release_button": _r(),
    "taken_by": _r(required="staff"),
    "handing": _r(required="staff"),
    "ended_by_citizen": _r("time"),
    "ended_by_staff": _r("time", "staff"),
    "timed_out": _r("minutes"),
    "erased": _r(),
    "purged": _r(),
    "emergency": _r(),
    "note_taken": _r(required="staff"),
    "note_not_yours": _r(required="staff"),
    "note_take_first": _r(),
    "note_released": _r(required="staff"),
    "note_helped": _r(),
    "note_not_helped": _r(),
}

_UNPAIRED = "has a { or } without its partner — write {name} placeholders in pairs"


def placeholders(text: str) -> list[str] | None:
    """The {names} in ``text``; None when a brace is unpaired."""
    try:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return None


def text_problems(
    text: str, rule: Rule, language: str = DEFAULT_LANGUAGE, suggest: bool = True
) -> list[str]:
    """Everything wrong with one text under ``rule``, as messages staff can act on."""
    names = placeholders(text)
    if names is None:
        return [_UNPAIRED]
    problems: list[str] = []
    allowed = sorted(rule.allowed)
    guessed: set[str] = set()
    for name in names:
        if name in rule.allowed:
            continue
        if not allowed:
            problems.append(f"{{{name}}} cannot be used in this message — remove it")
            continue
        guess = _close(name, allowed) if suggest else None
        if guess:
            guessed.add(guess)
        listed = ", ".join(f"{{{a}}}" for a in allowed)
        hint = f"did you mean {{{guess}}}?" if guess else f"allowed: {listed}"
        problems.append(f"unknown placeholder {{{name}}} — {hint}")
    for name in sorted(rule.required - set(names) - guessed):
        problems.append(
            f"must keep {{{name}}} — the bot puts {_FILLS.get(name, 'a value')} there; "
            f"add {{{name}}} back into the text"
        )
    table = SAFETY_WORDS.get(language, SAFETY_WORDS[DEFAULT_LANGUAGE])
    for key in rule.safety:
        words = table[key]
        if not words.found_in(text):
            problems.append(
                f'must say "{words.described}" — citizens in danger rely on this text; '
                "put it back in"
            )
    return problems


_FILLS = {
    "phone": "the phone number",
    "reference": "the citizen's reference (MAY-...)",
    "first": "the first service's name",
    "second": "the second service's name",
    "time": "the time",
    "day": "the day",
    "service": "the service's name",
    "link": "the privacy notice's address",
    "staff": "the staff member's name",
    "destination": "the destination's name",
    "ahead": "how many people are waiting ahead of them",
    "minutes": "a number of minutes",
    "text": "what the staff member wrote",
}


def _close(word: str, choices: list[str]) -> str | None:
    from rapidfuzz import fuzz, process

    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=60)
    return hit[0] if hit else None
