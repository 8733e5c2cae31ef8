"""The Adaptive Card staff see in their Teams channel for one referral.

Before it is claimed it has an "I'll take it" button (``Action.Execute``, so Teams sends an
``adaptiveCard/action`` invoke and the card can be refreshed for everyone); once claimed the
button is replaced by "Taken by NAME". The wording comes from ``referrals.staff_card``.

What a citizen typed (name, phone, area or town, need) and a staff member's display name are
shown literally: in ``TextRun``s of a ``RichTextBlock`` (Adaptive Cards 1.2+, rendered by
Teams), which are never parsed as markdown, unlike ``TextBlock`` text and ``FactSet``
values. ``[verify here](https://evil.example/login)`` in a need stays those characters, not
a link (issue 12, point 5); ``tests/referrals/test_staff_card.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from routing.hours import DUBLIN
from routing.referrals import ReferralConfig

from ..cards import ADAPTIVE_CARD, CARD_VERSION
from ..storage.records import Referral

# The language line's words when an older routing file has none (staff_card: language,
# english, irish).
STAFF_LANGUAGE_DEFAULTS = {
    "language": "Language",
    "english": "English",
    "irish": "Irish (Gaeilge): ring them in Irish if you can",
}
CLAIM_VERB = "claimReferral"
CLAIM_KEY = "claim_referral"
_DOUBLE_BRACE = re.compile(r"([{}])(?=\1)")


def _text(text: str, **extra: Any) -> dict[str, Any]:
    """Wording from the routing file (staff-authored; markdown allowed)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def literal(text: str) -> str:
    """``text`` for a ``TextRun``: a word joiner between braces, so ``{{DATE(...)}}`` and
    the like are not taken for a card function either. Looks the same."""
    return _DOUBLE_BRACE.sub("\\1\u2060", text)


def _run(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": literal(text), **extra}


def _literal_block(text: str, **extra: Any) -> dict[str, Any]:
    """A line of text that may hold what a citizen or staff member typed: never markdown."""
    return {"type": "RichTextBlock", "inlines": [_run(text, **extra)]}


def _fact(title: str, value: str) -> dict[str, Any]:
    """``Title: value`` on one line, the value literal."""
    return {
        "type": "RichTextBlock",
        "inlines": [_run(f"{title}: ", weight="Bolder"), _run(value)],
    }


def received_text(created_at: float) -> str:
    when = dt.datetime.fromtimestamp(created_at, DUBLIN)
    return when.strftime("%d/%m/%Y %H:%M")


def staff_card_for(
    referral: Referral,
    config: ReferralConfig,
    table: Any,
    *,
    escalated_from: str | None = None,
) -> dict[str, Any]:
    """The staff card for ``referral``, naming its service and area as ``table`` has them."""
    area = table.area(referral.area)
    area_name = area.name.en if area else referral.area
    town = (referral.town or "").strip()
    if town and (area_name is None or town.casefold() != area_name.casefold()):
        area_name = f"{town} ({area_name})" if area_name else town  # "Balla (Castlebar)"
    return staff_card(
        referral,
        config,
        table.title_of(referral.service_id),
        area_name,
        escalated_from=escalated_from,
    )


def staff_card(
    referral: Referral,
    config: ReferralConfig,
    service_title: str,
    area_name: str | None,
    *,
    escalated_from: str | None = None,
) -> dict[str, Any]:
    words = config.staff
    body: list[dict[str, Any]] = [
        _text(words["title"].format(service=service_title), weight="Bolder", size="Medium")
    ]
    if escalated_from:
        body.append(_text(words["escalated"].format(destination=escalated_from), color="Attention"))
    body += [
        _fact(words["name"], referral.name),
        _fact(words["phone"], referral.phone),
        _fact(words["area"], area_name or "-"),
        _fact(words["need"], referral.need),
        _fact(words["reference"], referral.reference),
        _fact(words["received"], received_text(referral.created_at)),
        _fact(_word(words, "language"), language_name(referral.language, words)),
    ]
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if referral.claimed_by:
        body.append(  # the staff member's display name, as Teams gives it: literal too
            _literal_block(
                words["claimed_by"].format(staff=referral.claimed_by), weight="Bolder", color="Good"
            )
        )
    else:
        card["actions"] = [
            {
                "type": "Action.Execute",
                "title": words["claim_button"],
                "verb": CLAIM_VERB,
                "data": {CLAIM_KEY: referral.reference},
            }
        ]
    return card


def _word(words: dict[str, str], key: str) -> str:
    return words.get(key) or STAFF_LANGUAGE_DEFAULTS[key]


def language_name(language: str, words: dict[str, str]) -> str:
    """How the staff card names the citizen's language."""
    return _word(words, "irish" if language == "ga" else "english")


def erased_card(reference: str, config: ReferralConfig) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [_text(config.staff["erased"].format(reference=reference), isSubtle=True)],
    }


def card_facts(card: dict[str, Any]) -> dict[str, str]:
    """The ``Title: value`` lines of a staff card, as shown (for checks and tools)."""
    found: dict[str, str] = {}
    for item in card.get("body", []):
        inlines = item.get("inlines", []) if item.get("type") == "RichTextBlock" else []
        if len(inlines) == 2 and inlines[0].get("text", "").endswith(": "):
            found[inlines[0]["text"][:-2]] = inlines[1].get("text", "")
    return found


def card_attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": ADAPTIVE_CARD, "content": card}


def claimed_reference(value: Any) -> str | None:
    """The reference an "I'll take it" press carries (Action.Execute or Action.Submit)."""
    if not isinstance(value, dict):
        return None
    data = value.get("action", {}).get("data") if isinstance(value.get("action"), dict) else value
    if isinstance(data, dict):
        reference = data.get(CLAIM_KEY)
        if isinstance(reference, str) and reference:
            return reference
    return None
