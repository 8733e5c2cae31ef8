"""Delivery to staff: Teams channel (connector stand-in), webhook (a real local receiver),
retries with backoff, escalation to the fallback, and /healthz."""

from __future__ import annotations

import asyncio

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.referrals.codes import find_reference
from bot.referrals.staff_card import card_facts
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .conftest import AppFactory, referral_store
from .support import (
    STAFF_CONVERSATION,
    Citizen,
    WebhookReceiver,
    eventually,
    request_callback,
    routing_with_referrals,
)


def staff_cards(connector: ConnectorStandIn) -> list[dict[str, Any]]:
    return [
        m["attachments"][0]["content"]
        for m in connector.messages(STAFF_CONVERSATION)
        if m.get("attachments")
    ]


def facts(card: dict[str, Any]) -> dict[str, str]:
    found = card_facts(card)
    assert found, "no facts on the card"
    return found


async def delivered(client: TestClient, reference: str, count: int = 1) -> list[Any]:
    store = referral_store(client)

    async def check() -> list[Any] | None:
        done = [d for d in await store.deliveries_of(reference) if d.status == "delivered"]
        return done if len(done) >= count else None

    return await eventually(check, what=f"{count} delivered deliveries of {reference}")


async def test_teams_channel_gets_a_card_with_the_details(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = find_reference(confirmed["text"])
    [delivery] = await delivered(teams_client, reference)
    [card] = staff_cards(connector)
    assert facts(card) == {
        "Name": "Mary Walsh",
        "Phone": "087 123 4567",
        "Area": "Castlebar",
        "Need": "I need my weekly shopping done",
        "Reference": reference,
        "Received": "25/11/2026 11:00",
        "Language": "English",
    }
    assert card["actions"][0]["title"] == "I'll take it"
    assert card["actions"][0]["type"] == "Action.Execute"
    assert delivery.activity_id and delivery.conversation_id == STAFF_CONVERSATION


async def test_unauthenticated_traffic_never_sets_where_staff_cards_go(
    tmp_path: Path, connector: ConnectorStandIn, make_client: AppFactory
) -> None:
    """With authentication off, anyone who can reach the bot could pose as the staff
    channel ("bot added to 19:staff...") and have the next referral, with a citizen's name
    and phone, posted to a service URL of their choosing. Such a join is answered but not
    remembered: staff cards go only where the routing file or a channel-authenticated
    activity says (tests/e2e/test_auth_end_to_end.py covers the authenticated capture)."""
    client = await make_client(routing_with_referrals(tmp_path / "routing.yaml"))
    joined = act.members_added(
        connector.url,
        "bot-1",
        channel_id="msteams",
        conversation_id=STAFF_CONVERSATION,
        conversation_type="channel",
    )
    assert (await client.post("/api/messages", json=joined)).status == 200
    await connector.wait_for(1)  # the team intro
    confirmed = await request_callback(Citizen(client, connector))
    reference = find_reference(confirmed["text"])
    store = referral_store(client)

    async def failed() -> bool:
        return any(d.status == "failed" for d in await store.deliveries_of(reference))

    for _ in range(200):
        if await failed():
            break
        await asyncio.sleep(0.02)
    (delivery,) = await store.deliveries_of(reference)
    assert (delivery.status, delivery.last_error) == ("failed", "teams_conversation_not_known")
    assert staff_cards(connector) == []


async def test_webhook_gets_signed_json_with_an_idempotency_key(
    tmp_path: Path,
    connector: ConnectorStandIn,
    receiver: WebhookReceiver,
    make_client: AppFactory,
    secret: str,
) -> None:
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=receiver.url, to=("case_system",)
    )
    client = await make_client(routing)
    confirmed = await request_callback(Citizen(client, connector))
    reference = find_reference(confirmed["text"])
    [delivery] = await delivered(client, reference)
    [request] = receiver.requests
    # Signed over "<timestamp>.<raw body>" (issue 12): a receiver can refuse replays.
    timestamp = request.headers["X-Helpline-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    signed = timestamp.encode() + b"." + request.raw
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert request.headers["X-Helpline-Signature"] == expected
    assert request.key == delivery.idempotency_key == request.body["idempotency_key"]
    body = json.loads(request.raw)
    assert body["reference"] == reference
    assert body["service"] == {"id": "groceries", "title": "Grocery shopping and delivery"}
    assert (body["name"], body["phone"], body["area"]) == (
        "Mary Walsh",
        "087 123 4567",
        "Castlebar",
    )


async def test_webhook_is_retried_until_it_answers(
    tmp_path: Path,
    connector: ConnectorStandIn,
    receiver: WebhookReceiver,
    make_client: AppFactory,
    secret: str,
) -> None:
    receiver.fail_first = 2
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=receiver.url, to=("case_system",)
    )
    client = await make_client(routing, referral_max_attempts=5)
    confirmed = await request_callback(Citizen(client, connector))
    [delivery] = await delivered(client, find_reference(confirmed["text"]))
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert {r.key for r in receiver.requests} == {delivery.idempotency_key}, "one key for every try"
    assert receiver.acknowledged == {delivery.idempotency_key: 1}


async def test_failing_delivery_is_escalated_and_flagged(
    tmp_path: Path,
    connector: ConnectorStandIn,
    receiver: WebhookReceiver,
    make_client: AppFactory,
    secret: str,
) -> None:
    receiver.status = 500
    routing = routing_with_referrals(
        tmp_path / "routing.yaml",
        teams_service_url=connector.url,
        webhook_url=receiver.url,
        to=("case_system",),
        fallback="staff_channel",
    )
    client = await make_client(routing, referral_max_attempts=3)
    confirmed = await request_callback(Citizen(client, connector))
    reference = find_reference(confirmed["text"])
    [escalated] = await delivered(client, reference)
    assert escalated.kind == "teams" and escalated.escalated_from is not None
    deliveries = await referral_store(client).deliveries_of(reference)
    failed = [d for d in deliveries if d.status == "failed"]
    assert [(d.kind, d.attempts, d.last_error) for d in failed] == [("webhook", 3, "http_500")]
    assert len(receiver.requests) == 3
    [card] = staff_cards(connector)
    assert any("Case system could not be reached" in b.get("text", "") for b in card["body"])
    health = await (await client.get("/healthz")).json()
    assert health["status"] == "ok"
    assert health["referrals"] == {
        "status": "attention",
        "pending": 0,
        "delivered": 1,
        "failed": 1,
        "escalated": 1,
    }


async def test_healthz_reports_ok_when_all_delivered(
    citizen: Citizen, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    await delivered(teams_client, find_reference(confirmed["text"]))
    health = await (await teams_client.get("/healthz")).json()
    assert health["referrals"]["status"] == "ok" and health["referrals"]["delivered"] == 1
