"""The Adaptive Card staff see in their Teams channel for one referral.

Before it is claimed it has an "I'll take it" button (``Action.Execute``, so Teams sends an
``adaptiveCard/action`` invoke and the card can be refreshed for everyone); once claimed the
button is replaced by "Taken by NAME". The wording comes from ``referrals.staff_card``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from routing.hours import DUBLIN
from routing.referrals import ReferralConfig

from ..cards import ADAPTIVE_CARD, CARD_VERSION
from ..storage.records import Referral

CLAIM_VERB = "claimReferral"
CLAIM_KEY = "claim_referral"


def _text(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


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
    service = table.service(referral.service_id)
    area = table.area(referral.area)
    area_name = area.name if area else referral.area
    town = (referral.town or "").strip()
    if town and (area_name is None or town.casefold() != area_name.casefold()):
        area_name = f"{town} ({area_name})" if area_name else town  # "Balla (Castlebar)"
    return staff_card(
        referral,
        config,
        service.title if service else referral.service_id,
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
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": words["name"], "value": referral.name},
                {"title": words["phone"], "value": referral.phone},
                {"title": words["area"], "value": area_name or "-"},
                {"title": words["need"], "value": referral.need},
                {"title": words["reference"], "value": referral.reference},
                {"title": words["received"], "value": received_text(referral.created_at)},
            ],
        }
    )
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if referral.claimed_by:
        body.append(
            _text(
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


def erased_card(reference: str, config: ReferralConfig) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [_text(config.staff["erased"].format(reference=reference), isSubtle=True)],
    }


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
