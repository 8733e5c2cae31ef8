"""Issue 12, point 5: what a citizen typed reaches staff literally. Adaptive Card TextBlocks
and FactSet values render markdown (a need of ``[verify here](https://evil.example/login)``
arrived as a live link); the staff card shows citizen text only in TextRuns, which are not
parsed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.referrals.codes import find_reference
from bot.storage.records import RECEIVED, Referral
from bot.referrals.staff_card import card_facts, literal, staff_card_for
from routing.store import RoutingStore
from tests.support.connector import ConnectorStandIn

from .support import SHIPPED, STAFF_CONVERSATION, Citizen, request_callback
from .test_claim import claim_invoke
from .test_delivery import delivered

HOSTILE = {
    "link": "[verify here](https://evil.example/login)",
    "bold": "**bold**",
    "mention": "<at>x</at>",
    "image": "![x](https://evil.example/pixel.png)",
    "html": "<a href='https://evil.example'>click</a>",
    "date-function": "{{DATE(2026-11-25T10:00:00Z, SHORT)}}",
}


def _texts_by_type(card: dict[str, Any]) -> dict[str, list[str]]:
    """Every text on the card, by the element that holds it."""
    found: dict[str, list[str]] = {"TextBlock": [], "Fact": [], "TextRun": []}

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            kind = item.get("type")
            if kind in ("TextBlock", "TextRun"):
                found[kind].append(item.get("text", ""))
            for fact in item.get("facts", []) if kind == "FactSet" else []:
                found["Fact"] += [fact.get("title", ""), fact.get("value", "")]
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(card.get("body", []))
    return found


def _referral(text: str, **changes: Any) -> Referral:
    values: dict[str, Any] = dict(
        reference="MAY-7K3Q", submission="s1", conversation="c1", service_id="groceries",
        name=f"Mary {text}", phone="087 123 4567", area=f"Castlebar {text}",
        need=f"please {text} thanks", citizen_ref={}, status=RECEIVED, created_at=1_764_064_800.0,
    )
    values.update(changes)
    return Referral(**values)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("claimed", [False, True], ids=["open", "claimed"])
def test_citizen_and_staff_text_is_only_ever_in_text_runs(text: str, claimed: bool) -> None:
    table = RoutingStore.load(SHIPPED).router.table
    referral = _referral(text, claimed_by=f"Staff {text}" if claimed else None)
    card = staff_card_for(referral, table.referrals, table)
    texts = _texts_by_type(card)
    markdown_parsed = " ".join(texts["TextBlock"] + texts["Fact"])
    assert "evil" not in markdown_parsed and text not in markdown_parsed
    assert "Mary" not in markdown_parsed and "please" not in markdown_parsed
    shown = literal(text)
    runs = texts["TextRun"]
    for expected in (f"Mary {shown}", f"Castlebar {shown}", f"please {shown} thanks"):
        assert expected in runs, runs  # the characters exactly as typed
    if claimed:
        assert f"Taken by Staff {shown}" in runs
    assert card_facts(card)["Need"] == f"please {shown} thanks"
    json.dumps(card)  # plain JSON


def test_literal_text_looks_the_same() -> None:
    assert literal("[verify here](https://evil.example/login)") == (
        "[verify here](https://evil.example/login)"
    )
    assert literal("{{DATE(x)}}").replace("\u2060", "") == "{{DATE(x)}}"
    assert "{{" not in literal("{{{DATE(x)}}}") and "}}" not in literal("{{{DATE(x)}}}")


async def test_a_hostile_need_reaches_the_staff_channel_as_typed(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    need = "I need shopping [verify here](https://evil.example/login) **now** <at>x</at>"
    confirmed = await request_callback(
        citizen, answers=("Mary **Walsh**", "087 123 4567", "Castlebar", need)
    )
    reference = find_reference(confirmed["text"])
    assert reference is not None

    [delivery] = await delivered(teams_client, reference)
    [posted] = [
        m["attachments"][0]["content"]
        for m in connector.messages(STAFF_CONVERSATION)
        if m.get("attachments")
    ]
    texts = _texts_by_type(posted)
    assert "evil" not in " ".join(texts["TextBlock"] + texts["Fact"])
    assert card_facts(posted)["Need"] == need and card_facts(posted)["Name"] == "Mary **Walsh**"
    # The staff member who claims it is shown literally too.
    answer = await teams_client.post(
        "/api/messages",
        json=claim_invoke(connector.url, reference, delivery.activity_id, "[Aoife](https://x.example)"),
    )
    updated = (await answer.json())["value"]
    claimed_texts = _texts_by_type(updated)
    assert "x.example" not in " ".join(claimed_texts["TextBlock"] + claimed_texts["Fact"])
    assert "Taken by [Aoife](https://x.example)" in claimed_texts["TextRun"]
