"""Staff press "I'll take it": the referral is claimed, the card changes for everyone, and
the citizen is told who will ring."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.referrals.codes import find_reference
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .conftest import referral_store
from .support import STAFF_CONVERSATION, Citizen, eventually, request_callback
from .test_delivery import delivered


def claim_invoke(service_url: str, reference: str, card_id: str, staff: str) -> dict[str, Any]:
    return act.activity(
        service_url,
        type="invoke",
        name="adaptiveCard/action",
        channel_id="msteams",
        conversation_id=STAFF_CONVERSATION,
        conversation_type="channel",
        replyToId=card_id,
        value={
            "action": {
                "type": "Action.Execute",
                "verb": "claimReferral",
                "data": {"claim_referral": reference},
            },
            "trigger": "manual",
        },
        **{"from": {"id": f"staff-{staff}", "name": staff}},
    )


def card_text(card: dict[str, Any]) -> str:
    """Every text on the card: TextBlocks, and the TextRuns of RichTextBlocks."""
    texts = []
    for block in card["body"]:
        if block.get("type") == "TextBlock":
            texts.append(block.get("text", ""))
        elif block.get("type") == "RichTextBlock":
            texts.append("".join(run.get("text", "") for run in block.get("inlines", [])))
    return " ".join(texts)


async def test_claim_updates_the_card_and_tells_the_citizen(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = find_reference(confirmed["text"])
    status = await citizen.say(f"what happened to {reference}?")
    assert "has been passed to Someone from the Community Support Helpline" in status["text"]
    [delivery] = await delivered(teams_client, reference)

    response = await teams_client.post(
        "/api/messages",
        json=claim_invoke(connector.url, reference, delivery.activity_id, "Siobhán"),
    )
    assert response.status == 200
    answer = await response.json()
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Taken by Siobhán" in card_text(answer["value"])
    assert "actions" not in answer["value"], "no button once taken"

    updates = [c for c in connector.calls if c.method == "PUT"]
    assert [(u.conversation_id, u.activity_id) for u in updates] == [
        (STAFF_CONVERSATION, delivery.activity_id)
    ]
    assert "Taken by Siobhán" in card_text(updates[0].body["attachments"][0]["content"])

    def told() -> list[dict[str, Any]]:
        return [m for m in citizen.replies() if "Good news" in (m.get("text") or "")]

    [notice] = await eventually(told, what="the citizen's claim notice")
    assert "Siobhán" in notice["text"] and reference in notice["text"]

    referral = await referral_store(teams_client).get(reference)
    assert (referral.status, referral.claimed_by) == ("claimed", "Siobhán")
    assert referral.closed_at is not None
    status = await citizen.say(f"what happened to {reference.lower()}")
    assert status["text"].startswith(f"Siobhán has your request {reference}")


async def test_second_claim_keeps_the_first(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = find_reference(confirmed["text"])
    [delivery] = await delivered(teams_client, reference)
    first = await teams_client.post(
        "/api/messages", json=claim_invoke(connector.url, reference, delivery.activity_id, "Aoife")
    )
    second = await teams_client.post(
        "/api/messages", json=claim_invoke(connector.url, reference, delivery.activity_id, "Seán")
    )
    assert "Taken by Aoife" in card_text((await first.json())["value"])
    assert "Taken by Aoife" in card_text((await second.json())["value"])
    store = referral_store(teams_client)
    await eventually(
        lambda: any("Good news" in (m.get("text") or "") for m in citizen.replies()),
        what="the claim notice",
    )
    citizen_notices = [d for d in await store.deliveries_of(reference) if d.kind == "citizen"]
    assert len(citizen_notices) == 1, "the citizen is told once"


async def test_claim_by_action_submit_in_a_channel(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = find_reference(confirmed["text"])
    [delivery] = await delivered(teams_client, reference)
    submit = act.activity(
        connector.url,
        channel_id="msteams",
        conversation_id=STAFF_CONVERSATION,
        conversation_type="channel",
        replyToId=delivery.activity_id,
        value={"claim_referral": reference},
        **{"from": {"id": "staff-1", "name": "Niamh"}},
    )
    assert (await teams_client.post("/api/messages", json=submit)).status == 200
    referral = await referral_store(teams_client).get(reference)
    assert referral.claimed_by == "Niamh"
