"""Teams conversations through the whole app: Teams-shaped activities POSTed to
/api/messages, replies received by a real local connector stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.botframework.mentions import is_bot_mentioned, text_without_own_mention
from bot.web.app import create_app
from config.settings import Settings
from tests.support.connector import ConnectorStandIn

from . import factories as teams
from .factories import BOT, OPEN_TIME, SHIPPED_ROUTING

HELPLINE_PHONE = "094 906 4660"
CARD = "application/vnd.microsoft.card.adaptive"


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    app = create_app(Settings(routing_file=SHIPPED_ROUTING), clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


async def post(client: TestClient, body: dict[str, Any], status: int = 200) -> Any:
    response = await client.post("/api/messages", json=body)
    assert response.status == status, await response.text()
    return response


async def replies_after(
    client: TestClient, connector: ConnectorStandIn, body: dict[str, Any]
) -> list[dict[str, Any]]:
    """POST ``body`` and return what the bot sent for it. The adapter sends replies before
    it answers the POST, so nothing can arrive later."""
    before = len(connector.messages())
    await post(client, body)
    return connector.messages()[before:]


def card_of(reply: dict[str, Any]) -> dict[str, Any]:
    cards = [a["content"] for a in reply.get("attachments") or [] if a["contentType"] == CARD]
    assert cards, f"expected an Adaptive Card in {reply}"
    return cards[0]


def all_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(card.get("actions", []))
    for item in card.get("body", []):
        if item.get("type") == "ActionSet":
            found.extend(item["actions"])
    return found


# ---- mentions ------------------------------------------------------------------------------
def _body(text: str, *entities: dict[str, Any]) -> dict[str, Any]:
    body = teams.teams_message("https://smba.example/", text, scope="groupChat")
    body["entities"] = list(entities)
    return body


def _activity(text: str, *entities: dict[str, Any]) -> Activity:
    return Activity().deserialize(_body(text, *entities))


@pytest.mark.parametrize(
    "text, entities, expected",
    [
        ("<at>Helpline</at> what is the Helpline number?", [teams.mention_entity()],
         "what is the Helpline number?"),
        ("Can <at>Helpline</at> help with shopping?", [teams.mention_entity()],
         "Can help with shopping?"),
        ("<at>Mayo Helpline</at> meals please", [teams.mention_entity("Mayo Helpline")],
         "meals please"),
        ("<at>Helpline</at> ask <at>Mary</at> about meals",
         [teams.mention_entity(), teams.mention_entity("Mary", "29:mary")],
         "ask <at>Mary</at> about meals"),
        ("Helpline (+353) 094 number?", [], "Helpline (+353) 094 number?"),
    ],
    ids=["name-later-in-text", "mention-mid-sentence", "two-word-name", "other-person-kept",
         "no-mention"],
)
def test_only_the_bots_own_mention_markup_is_removed(
    text: str, entities: list[dict[str, Any]], expected: str
) -> None:
    assert text_without_own_mention(_body(text, *entities)) == expected


def test_sdk_remove_recipient_mention_strips_every_occurrence_of_the_name() -> None:
    """Why bot/mentions.py exists: botbuilder 4.17.1 removes the bot's *name* everywhere."""
    activity = _activity("<at>Helpline</at> what is the Helpline number?", teams.mention_entity())
    sdk_text = TurnContext.remove_recipient_mention(activity)
    assert "Helpline number" not in sdk_text  # the SDK damages the citizen's question
    body = _body("<at>Helpline</at> what is the Helpline number?", teams.mention_entity())
    assert text_without_own_mention(body) == "what is the Helpline number?"


@pytest.mark.parametrize(
    "entities, mentioned",
    [
        ([teams.mention_entity()], True),
        ([teams.mention_entity("Mary", "29:mary")], False),
        ([{"type": "clientInfo", "locale": "en-IE"}], False),
        ([{"type": "mention", "text": "<at>Helpline</at>"}], False),
        ([], False),
    ],
    ids=["bot", "someone-else", "other-entity", "mention-without-id", "none"],
)
def test_is_bot_mentioned(entities: list[dict[str, Any]], mentioned: bool) -> None:
    assert is_bot_mentioned(_body("<at>Helpline</at> hi", *entities)) is mentioned


# ---- personal chat -------------------------------------------------------------------------
async def test_personal_chat_install_welcomes_once(client: TestClient, connector: ConnectorStandIn) -> None:
    """Installing in personal scope sends installationUpdate and conversationUpdate (bot and
    user added) at the same moment, as Teams and the Agents Playground do: one welcome."""
    url = connector.url
    await asyncio.gather(
        post(client, teams.installation_added(url)),
        post(client, teams.members_added(url, BOT["id"], "29:citizen-1")),
    )
    sent = connector.messages()
    assert len(sent) == 1
    assert HELPLINE_PHONE in sent[0]["text"]
    assert sent[0]["conversation"]["id"] == "a:1personal-chat"
    # Reinstalling (the same person again) does not welcome again.
    again = teams.members_added(url, BOT["id"], "29:citizen-1")
    assert await replies_after(client, connector, again) == []
    # A different person in their own personal chat is welcomed.
    other = teams.members_added(url, "29:citizen-2", user_id="29:citizen-2", conversation_id="a:2")
    assert len(await replies_after(client, connector, other)) == 1


async def test_personal_chat_needs_no_mention(client: TestClient, connector: ConnectorStandIn) -> None:
    sent = await replies_after(
        client, connector, teams.teams_message(connector.url, "can someone collect my prescription")
    )
    assert len(sent) == 1
    card = card_of(sent[0])
    assert float(card["version"]) <= 1.5
    urls = [a["url"] for a in all_actions(card) if a["type"] == "Action.OpenUrl"]
    assert any(u.startswith("tel:+353") for u in urls), urls
    assert all(u.startswith(("tel:", "mailto:", "https:")) for u in urls), urls


# ---- group chats and channels --------------------------------------------------------------
@pytest.mark.parametrize("scope", ["groupChat", "channel"])
async def test_group_scopes_answer_only_when_mentioned(
    client: TestClient, connector: ConnectorStandIn, scope: str
) -> None:
    url = connector.url
    text = "can someone do my grocery shopping"
    assert await replies_after(client, connector, teams.teams_message(url, text, scope=scope)) == []
    other = teams.teams_message(url, "<at>Mary</at> " + text, scope=scope,
                                entities=[teams.mention_entity("Mary", "29:mary")])
    assert await replies_after(client, connector, other) == []
    sent = await replies_after(
        client, connector, teams.teams_message(url, text, scope=scope, mentioned=True)
    )
    assert len(sent) == 1 and HELPLINE_PHONE in sent[0]["text"]
    assert "rocer" in " ".join(b.get("text", "") for b in card_of(sent[0])["body"])


@pytest.mark.parametrize("scope", ["groupChat", "channel"])
async def test_bots_name_inside_the_question_is_kept(
    client: TestClient, connector: ConnectorStandIn, scope: str
) -> None:
    """The bot is called "Meals" in this team and the citizen asks for "Meals on wheels":
    only the mention markup goes, so the request is routed. (The SDK's mention removal
    would leave " on wheels please", which is not understood.)"""
    meals_bot = {"id": BOT["id"], "name": "Meals"}
    body = teams.teams_message(
        connector.url, "<at>Meals</at> Meals on wheels please", scope=scope,
        recipient=meals_bot, entities=[teams.mention_entity("Meals")],
    )
    sent = await replies_after(client, connector, body)
    assert len(sent) == 1
    assert "Hot meals" in [b.get("text") for b in card_of(sent[0])["body"]]


@pytest.mark.parametrize("scope", ["groupChat", "channel"])
async def test_choices_are_card_buttons_in_group_scopes_and_pressing_one_works(
    client: TestClient, connector: ConnectorStandIn, scope: str
) -> None:
    """Teams shows no suggested actions in group chats and channels, so choices come as
    Action.Submit buttons; a press arrives as a message with ``value`` and no mention."""
    url = connector.url
    sent = await replies_after(
        client, connector, teams.teams_message(url, "blah blah blah", scope=scope, mentioned=True)
    )
    assert len(sent) == 1
    assert not sent[0].get("suggestedActions")
    buttons = [a for a in card_of(sent[0]).get("actions", []) if a["type"] == "Action.Submit"]
    assert len(buttons) >= 4
    meals = next(b for b in buttons if "eal" in b["title"])
    press = teams.teams_activity(url, scope=scope, value=meals["data"], replyToId="1700000000001")
    sent = await replies_after(client, connector, press)
    assert len(sent) == 1
    assert "Hot meals" in [b.get("text") for b in card_of(sent[0])["body"]]


async def test_message_back_button_routes(client: TestClient, connector: ConnectorStandIn) -> None:
    """A messageBack press: Teams sends the displayText as text and the data as value."""
    press = teams.teams_message(connector.url, "Groceries", value={"choice": "service:groceries"})
    sent = await replies_after(client, connector, press)
    assert len(sent) == 1 and "rocer" in sent[0]["text"].lower()


async def test_added_to_a_team_gives_a_short_intro_once(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    url = connector.url
    added = teams.members_added(url, BOT["id"], scope="channel",
                                channelData={"tenant": {"id": teams.TENANT},
                                             "team": {"id": teams.TEAM_ID}, "eventType": "teamMemberAdded"})
    sent = await replies_after(client, connector, added)
    assert len(sent) == 1
    assert "private message" in sent[0]["text"] or "Hello everyone" in sent[0]["text"]
    assert not sent[0].get("attachments"), "the intro is short: no card"
    # People joining the team later are not greeted in the channel.
    joined = teams.members_added(url, "29:citizen-9", scope="channel")
    assert await replies_after(client, connector, joined) == []
    # Installing into the team (installationUpdate) does not repeat the intro.
    assert await replies_after(client, connector, teams.installation_added(url, scope="channel")) == []


async def test_adaptive_card_action_invoke_returns_its_body(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    """Action.Execute in Teams: an ``adaptiveCard/action`` invoke whose response has a body
    (4.17.1's CloudAdapter answers it with 500)."""
    body = teams.teams_activity(
        connector.url, type="invoke", name="adaptiveCard/action", replyToId="1700000000001",
        value={"action": {"type": "Action.Execute", "verb": "choose",
                          "data": {"choice": "service:prescriptions"}}, "trigger": "manual"},
    )
    response = await post(client, body)
    data = await response.json()
    assert data["statusCode"] == 200 and data["type"] == "application/vnd.microsoft.activity.message"
    assert connector.messages(), "the contact card is sent as a message too"


async def test_invoke_without_a_choice_gets_an_error_card_response(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    body = teams.teams_activity(
        connector.url, type="invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "x", "data": {}}},
    )
    data = await (await post(client, body)).json()
    assert data["statusCode"] == 400 and data["type"] == "application/vnd.microsoft.error"
