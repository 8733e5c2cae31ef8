"""The fixed safety suite: messages that must always get the emergency reply.

Kept in code, not in the routing file, so no edit of the file can switch it off. ``check``,
the start-up and every live reload run it on the table built from the file (its own
vocabulary, its own emergency texts) and refuse a file that fails it: the bot keeps the last
good version. Each message is tried at the start of a conversation and in the middle of
one (while the bot waits for the citizen's area), as emergencies can come at any point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from routing.errors import ConfigIssue
from routing.hours import DUBLIN
from routing.model import RoutingTable
from routing.paths import Located
from routing.reply import ConversationFacts, Reply
from routing.router import Router
from routing.wording import EMERGENCY_NUMBERS, SAFETY_WORDS, SAMARITANS

DANGER = "danger"
SELF_HARM = "self_harm"


@dataclass(frozen=True, slots=True)
class SafetyCase:
    text: str
    kind: str  # DANGER or SELF_HARM


def _cases(kind: str, *texts: str) -> tuple[SafetyCase, ...]:
    return tuple(SafetyCase(t, kind) for t in texts)


SAFETY_SUITE: dict[str, tuple[SafetyCase, ...]] = {
    "en": _cases(
        DANGER,
        "my mother collapsed and is not breathing",
        "My dad fell and can't get up",
        "there is a fire in the kitchen",
        "I can smell gas in the house",
        "my husband has chest pains and is sweating",
        "someone is breaking into my house",
        "he took a whole packet of tablets",
        "my neighbour is unconscious",
        "she is choking",
        "her face is drooping and her speech is slurred",
    )
    + _cases(
        SELF_HARM,
        "I want to kill myself",
        "I want to end my life",
        "I don't want to be alive anymore",
        "I want to hurt myself",
        "I'm thinking of suicide",
        "I feel suicidal",
    ),
    # "ga": issue 18 (Irish) — e.g. "Ba mhaith liom bás a fháil", "tá tine sa teach"
}
_REPLY_WORDS = {DANGER: (EMERGENCY_NUMBERS,), SELF_HARM: (EMERGENCY_NUMBERS, SAMARITANS)}
_WHAT = {
    DANGER: "the emergency reply (112 or 999)",
    SELF_HARM: "the self-harm reply (Samaritans on 116 123, and 112 or 999)",
}
# A fixed time, so the suite gives the same verdict whenever it runs.
_AT = dt.datetime(2026, 6, 3, 11, 0, tzinfo=DUBLIN)


def _problem(reply: Reply, case: SafetyCase, language: str) -> str | None:
    if reply.kind != "emergency":
        got = reply.kind if not reply.intents else f"{reply.kind} to {' + '.join(reply.intents)}"
        return f"it gets the {got} reply"
    words = SAFETY_WORDS.get(language, SAFETY_WORDS["en"])
    missing = [words[key].described for key in _REPLY_WORDS[case.kind] if not words[key].found_in(reply.text)]
    if missing:
        return f"the reply it gets does not say {' or '.join(missing)}"
    return None


def safety_failures(table: RoutingTable, language: str = "en") -> list[tuple[SafetyCase, str]]:
    """Every message of the suite that does not get the right emergency reply, with why."""
    router = Router(table)
    first = table.services[0].id if table.services else ""
    states = (ConversationFacts(), ConversationFacts(awaiting_area_for=(first,)))
    failures = []
    for case in SAFETY_SUITE.get(language, ()):
        for facts in states:
            problem = _problem(router.respond(case.text, facts, _AT), case, language)
            if problem is not None:
                failures.append((case, problem))
                break
    return failures


def safety_issues(table: RoutingTable, loc: Located) -> list[ConfigIssue]:
    where = ("language", "emergency") if "emergency" in (loc.data.get("language") or {}) else ()
    return [
        loc.issue(
            where,
            f'safety check: "{case.text}" must get {_WHAT[case.kind]}, but {problem} — '
            "restore the emergency phrases under language: emergency: and the emergency "
            "texts; the bot keeps the last good version until then",
        )
        for case, problem in safety_failures(table)
    ]


def suite_size(language: str = "en") -> int:
    return len(SAFETY_SUITE.get(language, ()))
