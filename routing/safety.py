"""The fixed safety suite: messages that must always get the emergency reply.

Kept in code, not in the routing file, so no edit of the file can switch it off. ``check``,
the start-up and every live reload run it on the table built from the file (its own
vocabulary, its own emergency texts) and refuse a file that fails it: the bot keeps the last
good version. Each message is tried at the start of a conversation and in the middle of
one (while the bot waits for the citizen's area), as emergencies can come at any point.
A file that understands Irish (``language: irish: emergency:``) must also catch the Irish
messages, and answer them in Irish with 112/999 (and Samaritans on 116 123).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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
    "ga": _cases(
        DANGER,
        "tá tine sa teach",
        "thit mo mháthair agus níl sí ag análú",
        "níl sé ag freagairt",
        "tá pian ina chliabh aige",
        "tá boladh gáis sa teach",
        "tá duine ag briseadh isteach sa teach",
    )
    + _cases(
        SELF_HARM,
        "Ba mhaith liom bás a fháil",
        "ba mhaith liom lámh a chur i mo bhás féin",
        "níl mé ag iarraidh a bheith beo níos mó",
    ),
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
    """Every message of the suite in ``language`` that does not get the right emergency
    reply in that language, with why."""
    router = Router(table).in_(language)
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


def languages_checked(table: RoutingTable, data: dict[str, Any]) -> tuple[str, ...]:
    """English always; Irish too when the file has Irish emergency phrases and the
    classifier reads Irish (it tells the language of a message)."""
    language = data.get("language") or {}
    irish = language.get("irish") if isinstance(language, dict) else None
    reads_irish = hasattr(table.classifier, "detect_language")
    if reads_irish and isinstance(irish, dict) and irish.get("emergency"):
        return ("en", "ga")
    return ("en",)


def safety_issues(table: RoutingTable, loc: Located) -> list[ConfigIssue]:
    language_section = loc.data.get("language") or {}
    issues = []
    for language in languages_checked(table, loc.data):
        irish = language == "ga"
        section = language_section.get("irish") or {} if irish else language_section
        where: tuple[str, ...] = ("language", "irish", "emergency") if irish else ("language", "emergency")
        if "emergency" not in section:
            where = ()
        under = "language: irish: emergency:" if irish else "language: emergency:"
        issues += [
            loc.issue(
                where,
                f'safety check: "{case.text}" must get {_WHAT[case.kind]}, but {problem} — '
                f"restore the emergency phrases under {under} and the emergency texts; the "
                "bot keeps the last good version until then",
            )
            for case, problem in safety_failures(table, language)
        ]
    return issues


def suite_size(languages: tuple[str, ...] = ("en",)) -> int:
    return sum(len(SAFETY_SUITE.get(language, ())) for language in languages)
