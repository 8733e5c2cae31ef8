"""The whole path: an activity POSTed to /api/messages, the reply received by a real local
connector stand-in, as the Emulator and Teams do it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

HELPLINE_PHONE = "094 906 4660"
SERVICES = ("prescriptions", "hot_meals", "groceries", "volunteer_groups")


def card(reply: dict[str, Any]) -> dict[str, Any]:
    attachments = reply.get("attachments") or []
    assert attachments, f"expected an Adaptive Card in {reply}"
    assert attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachments[0]["content"]


def card_actions(content: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(content.get("actions", []))
    for item in content.get("body", []):
        if item.get("type") == "ActionSet":
            found.extend(item["actions"])
    return found


def suggested_titles(reply: dict[str, Any]) -> list[str]:
    return [a["title"] for a in (reply.get("suggestedActions") or {}).get("actions", [])]


SERVICE_WORDS = ("rescription", "meal", "rocer", "olunteer")


def assert_not_routed(reply: dict[str, Any]) -> None:
    """A fallback names no service as the answer: no service contact card."""
    for attachment in reply.get("attachments") or []:
        titles = [
            item.get("text", "")
            for item in attachment["content"].get("body", [])
            if item.get("weight") == "Bolder" and item.get("size") == "Medium"
        ]
        assert not titles, f"fallback must not route to a service, got {titles}"


async def post(client: TestClient, body: dict[str, Any], status: int = 200) -> Any:
    response = await client.post("/api/messages", json=body)
    assert response.status == status, await response.text()
    return response


async def say(client: TestClient, connector: ConnectorStandIn, text: str, **kw: Any) -> dict:
    before = len(connector.messages())
    await post(client, act.message(connector.url, text, **kw))
    replies = await connector.wait_for(before + 1)
    assert len(replies) == before + 1, "exactly one reply per message"
    return replies[-1]


async def test_welcome_once_per_citizen(client: TestClient, connector: ConnectorStandIn) -> None:
    await post(client, act.members_added(connector.url, "bot-1", "user-1"))
    await post(client, act.members_added(connector.url, "user-1"))  # the same citizen again
    replies = await connector.wait_for(1)
    await post(client, act.members_added(connector.url, "user-2"))
    replies = await connector.wait_for(2)
    assert len(replies) == 2
    welcome = replies[0]
    assert HELPLINE_PHONE in welcome["text"]
    titles = suggested_titles(welcome)
    # The citizen's language is not known yet: both language buttons, then the services and a
    # person, each labelled in Irish and English.
    assert titles[:2] == ["Gaeilge", "English"]
    assert len(titles) == 7 and "Labhair le duine / Talk to someone" in titles
    call = connector.calls[0]
    assert call.conversation_id == "conv-1"


@pytest.mark.parametrize(
    "text, service",
    [
        ("could someone collect my prescription from the chemist", "prescriptions"),
        ("I need hot dinners delivered, I can't cook", "hot_meals"),
        ("can someone do my grocery shopping", "groceries"),
        ("I want to volunteer to help older people", "volunteer_groups"),
    ],
    ids=SERVICES,
)
async def test_each_service_is_routed_to_its_contact(
    client: TestClient, connector: ConnectorStandIn, text: str, service: str
) -> None:
    reply = await say(client, connector, text)
    content = card(reply)
    assert content["version"] in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
    urls = [a.get("url", "") for a in card_actions(content)]
    assert any(u.startswith("tel:+353") for u in urls), urls
    assert reply["text"], "plain text for channels without cards"
    assert HELPLINE_PHONE in reply["text"]
    # The reply answers the citizen's message in the same conversation.
    call = connector.calls[-1]
    assert call.activity_id is not None and call.activity_id.startswith("act-")


async def test_reply_is_threaded_to_the_message(client: TestClient, connector: ConnectorStandIn) -> None:
    body = act.message(connector.url, "prescription collection please")
    await post(client, body)
    await connector.wait_for(1)
    call = connector.calls[0]
    assert (call.method, call.conversation_id, call.activity_id) == ("POST", "conv-1", body["id"])
    assert call.body["replyToId"] == body["id"]
    assert call.body["recipient"]["id"] == "user-1"


async def test_two_services_in_one_message_gives_both_contacts(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    reply = await say(client, connector, "my shopping and my prescription please")
    body_text = " ".join(
        item.get("text", "") for item in card(reply)["body"] if item.get("type") == "TextBlock"
    )
    assert "rescription" in body_text and ("rocer" in body_text or "hopping" in body_text)


async def test_out_of_scope_falls_back_kindly(client: TestClient, connector: ConnectorStandIn) -> None:
    for text in ("qwertyuiop asdf", "hello"):
        reply = await say(client, connector, text)
        titles = suggested_titles(reply)
        assert len(titles) >= 4, f"{text!r} should offer the service buttons"
        assert_not_routed(reply)
    for text in ("when is my bin collection day", "renew motor tax"):
        reply = await say(client, connector, text)
        assert "094 902 4444" in reply["text"], "other council business: customer services"
        assert_not_routed(reply)


async def test_emergency_gets_only_emergency_numbers(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    reply = await say(client, connector, "my husband has collapsed and isn't breathing")
    assert "112" in reply["text"] and "999" in reply["text"]
    assert HELPLINE_PHONE not in reply["text"]
    assert not reply.get("suggestedActions")
    self_harm = await say(client, connector, "I want to end my life")
    assert "116 123" in self_harm["text"]
    assert HELPLINE_PHONE not in self_harm["text"]


async def test_ordinary_chest_request_is_not_an_emergency(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    reply = await say(client, connector, "my chest inhaler prescription needs collecting")
    assert "112" not in reply["text"]
    assert HELPLINE_PHONE in reply["text"]


async def test_suggested_action_routes_directly(client: TestClient, connector: ConnectorStandIn) -> None:
    await post(client, act.members_added(connector.url, "user-1"))
    welcome = (await connector.wait_for(1))[0]
    meals_button = next(t for t in suggested_titles(welcome) if "eal" in t)
    reply = await say(client, connector, meals_button)
    assert any(
        u.get("url", "").startswith("tel:") for u in card_actions(card(reply))
    ), "pressing a service button gives that service's contact"


async def test_card_button_routes_directly(client: TestClient, connector: ConnectorStandIn) -> None:
    await post(client, act.button_press(connector.url, "service:groceries"))
    reply = (await connector.wait_for(1))[0]
    text = reply["text"].lower()
    assert "grocer" in text or "shopping" in text


async def test_talk_to_someone(client: TestClient, connector: ConnectorStandIn) -> None:
    await post(client, act.button_press(connector.url, "talk_to_someone"))
    reply = (await connector.wait_for(1))[0]
    assert HELPLINE_PHONE in reply["text"]


async def test_attachment_without_text_gets_a_polite_reply(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    photo = {"contentType": "image/png", "contentUrl": "http://127.0.0.1/x.png"}
    await post(client, act.activity(connector.url, attachments=[photo]))
    reply = (await connector.wait_for(1))[0]
    assert HELPLINE_PHONE in reply["text"]


@pytest.mark.parametrize(
    "body_extra",
    [
        {"type": "typing"},
        {"type": "messageReaction", "reactionsAdded": [{"type": "like"}]},
        {"type": "installationUpdate", "action": "remove"},
        {"type": "endOfConversation"},
        {"type": "event", "name": "something"},
        {"type": "message", "text": ""},
        {"type": "message", "text": "   "},
        {"type": "somethingNew", "unknownField": {"a": 1}},
    ],
    ids=["typing", "reaction", "uninstall", "end", "event", "empty", "blank", "unknown-type"],
)
async def test_non_message_activities_get_no_reply(
    client: TestClient, connector: ConnectorStandIn, body_extra: dict[str, Any]
) -> None:
    body = act.activity(connector.url)
    body.update(body_extra)
    await post(client, body)
    # A later real message is answered first in line: nothing was sent for the first one.
    await post(client, act.message(connector.url, "pharmacy"))
    replies = await connector.wait_for(1)
    assert len(replies) == 1 and "112" not in replies[0]["text"]


async def test_expect_replies_returns_replies_in_the_response(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    body = act.message(connector.url, "can someone collect my prescription", deliveryMode="expectReplies")
    response = await post(client, body)
    data = await response.json()
    assert len(data["activities"]) == 1
    reply = data["activities"][0]
    assert reply["type"] == "message" and HELPLINE_PHONE in reply["text"]
    assert connector.messages() == [], "expectReplies answers in the HTTP response only"


async def test_invoke_with_a_body_is_returned_not_500(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    body = act.activity(
        connector.url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "choose", "data": {"choice": "service:hot_meals"}}},
    )
    response = await post(client, body)
    data = await response.json()
    assert data["statusCode"] == 200
    assert data["type"] == "application/vnd.microsoft.activity.message"
    assert (await connector.wait_for(1))[0]["text"]


async def test_unknown_invoke_is_not_implemented(client: TestClient, connector: ConnectorStandIn) -> None:
    body = act.activity(connector.url, type="invoke", name="composeExtension/query", value={})
    await post(client, body, status=501)


async def test_replies_share_one_pooled_connection_not_a_client_per_activity(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    """botbuilder 4.17.1 builds a new connector client (and HTTP session) for every incoming
    activity. Here every reply, whatever the conversation, goes over the bot's one pooled
    session: the stand-in sees them all arrive on one kept-alive connection."""
    for n in range(5):
        await say(client, connector, "shopping", conversation_id=f"conv-{n}")
    peers = {call.peer for call in connector.calls}
    assert len(connector.calls) == 5 and len(peers) == 1, peers


async def test_healthz(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    data = await response.json()
    assert data["status"] == "ok" and data["config"]["status"] == "ok"


async def test_fallback_and_welcome_still_point_to_emergency_numbers(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    """A safety net for an emergency worded in a way the classifier has never seen: the
    'not understood' reply and the welcome both say to call 112 or 999."""
    await post(client, act.members_added(connector.url, "user-1"))
    welcome = (await connector.wait_for(1))[0]
    fallback = await say(client, connector, "qwertyuiop asdf")
    for reply in (welcome, fallback):
        assert "112" in reply["text"] and "999" in reply["text"]
