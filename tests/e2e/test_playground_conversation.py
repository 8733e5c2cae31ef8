"""End to end in a real Teams client: Microsoft's Agents Playground (npm, pinned) sends
Teams activities to a real ``app.py`` process and shows its replies; the test talks to the
playground through the same HTTP and websocket API its web page uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.playground import PlaygroundClient, PlaygroundProcess

from .conftest import CLARIFY_TEXT

HELPLINE_PHONE = "094 906 4660"
SERVICE_TITLES = ("Prescription collection", "Hot meals", "Grocery shopping and delivery")


@pytest.fixture
async def teams(playground: PlaygroundProcess) -> AsyncIterator[PlaygroundClient]:
    async with aiohttp.ClientSession() as session:
        async with PlaygroundClient(playground.url, session) as client:
            yield client


def card_texts(card: dict[str, Any]) -> list[str]:
    return [item.get("text", "") for item in card["body"] if item.get("type") == "TextBlock"]


def card_urls(card: dict[str, Any]) -> list[str]:
    actions = list(card.get("actions", []))
    for item in card["body"]:
        if item.get("type") == "ActionSet":
            actions.extend(item["actions"])
    return [a["url"] for a in actions if a["type"] == "Action.OpenUrl"]


def suggested(message: dict[str, Any]) -> list[dict[str, Any]]:
    return list((message.get("suggestedActions") or {}).get("actions", []))


async def test_whole_conversation_in_personal_chat(teams: PlaygroundClient) -> None:
    chat = teams.personal_chat

    # Opening the chat installs the bot: one welcome, in Irish and English until the citizen's
    # language is known, with the language buttons and the services as buttons.
    await teams.install(chat)
    (welcome,) = await teams.wait_for(1)
    assert HELPLINE_PHONE in welcome["text"]
    assert welcome["text"].index("Dia duit!") < welcome["text"].index("Hello!")
    titles = [a["title"] for a in suggested(welcome)]
    assert titles[:2] == ["Gaeilge", "English"]
    assert all(any(t.endswith(f" / {service}") for t in titles) for service in SERVICE_TITLES)

    # A routed request: the contact as an Adaptive Card Teams can render, with a call button.
    routed = await teams.reply_to(chat, "could someone collect my prescription from the chemist")
    card = await teams.card(routed)
    assert float(card["version"]) <= 1.5
    assert "Prescription collection" in card_texts(card)
    assert any(u.startswith("tel:+353") for u in card_urls(card)), card_urls(card)

    # A clarifying question, answered by pressing one of its buttons (imBack: Teams sends
    # the button's value as the citizen's message).
    clarify = await teams.reply_to(chat, CLARIFY_TEXT)
    assert clarify["text"].startswith("Did you mean"), clarify["text"]
    buttons = {a["title"]: a for a in suggested(clarify)}
    assert {"Hot meals", "Grocery shopping and delivery"} <= set(buttons)
    assert buttons["Hot meals"]["type"] == "imBack"
    chosen = await teams.reply_to(chat, buttons["Hot meals"]["value"])
    assert "Hot meals" in card_texts(await teams.card(chosen))

    # Other council business: where to go instead (customer services), no service named.
    council = await teams.reply_to(chat, "when is my bin collected")
    assert "094 902 4444" in council["text"] and not council.get("attachments")

    # Something the bot cannot make out: a kind fallback naming no service, with the menu.
    fallback = await teams.reply_to(chat, "blah blah blah")
    assert HELPLINE_PHONE in fallback["text"]
    assert len(suggested(fallback)) >= 4

    # An emergency: only the emergency numbers.
    emergency = await teams.reply_to(chat, "my husband has collapsed and isn't breathing")
    assert "112" in emergency["text"] and "999" in emergency["text"]
    assert HELPLINE_PHONE not in emergency["text"]

    # Every reply went to this chat, and the welcome came once (installationUpdate and
    # conversationUpdate arrive together; a second welcome would be among these messages).
    # (Checked last: a card part would have arrived before the later replies.)
    assert not fallback.get("attachments"), "the fallback names no service"
    assert not emergency.get("attachments") or "Prescription" not in str(emergency["attachments"])
    assert {m["conversationId"] for m in teams.messages} == {chat}
    assert [m["text"] for m in teams.messages].count(welcome["text"]) == 1


async def test_irish_in_a_teams_chat(teams: PlaygroundClient) -> None:
    """Issue 18 in a real Teams client: Irish in, Irish out, card included; "English" back."""
    chat = teams.personal_chat
    routed = await teams.reply_to(chat, "An féidir le duine m'oideas a bhailiú ón bpoitigéir?")
    assert routed["text"].startswith("Seo cé atá in ann cabhrú:"), routed["text"]
    card = await teams.card(routed)
    assert "Bailiú oideas" in card_texts(card)
    assert "Bíodh seo réidh agat nuair a ghlaonn tú:" in card_texts(card)
    actions = [a["title"] for i in card["body"] for a in i.get("actions", [])] + [
        a["title"] for a in card.get("actions", [])
    ]
    assert f"Glaoigh ar {HELPLINE_PHONE}" in actions and "Iarr orthu glaoch ar ais orm" in actions

    hello = await teams.reply_to(chat, "Dia duit")
    assert hello["text"].startswith("Dia duit! Inis dom i gcúpla focal"), hello["text"]
    assert "Béilí te" in [a["title"] for a in suggested(hello)]

    emergency = await teams.reply_to(chat, "tá tine sa teach")
    assert emergency["text"].startswith("Má tá duine i mbaol"), emergency["text"]

    english = await teams.reply_to(chat, "English")
    assert english["text"].startswith("Hello!"), english["text"]
    assert [a["title"] for a in suggested(english)][-1] == "Gaeilge"


async def test_group_chat_mentions_and_card_buttons(teams: PlaygroundClient) -> None:
    chat = teams.group_chat
    await teams.install(chat)
    (intro,) = await teams.wait_for(1)
    assert "Hello everyone" in intro["text"]

    # Not mentioned: no answer. The next bot message is the answer to the mentioned one.
    await teams.say(chat, "can someone do my grocery shopping")
    fallback = await teams.reply_to(chat, "blah blah blah", mention_bot=True)
    assert len(teams.messages) == 2
    assert HELPLINE_PHONE in fallback["text"]

    # Group chats show no suggested actions, so the choices are Action.Submit card buttons;
    # pressing one goes through the playground's submit path (a message with a value).
    buttons = {a["title"]: a for a in (await teams.card(fallback)).get("actions", [])}
    assert buttons["Hot meals"]["type"] == "Action.Submit"
    await teams.press(fallback, buttons["Hot meals"]["data"])
    pressed = (await teams.wait_for(3))[2]
    assert "Hot meals" in card_texts(await teams.card(pressed))

    # The bot's name inside the question survives the mention removal.
    named = await teams.reply_to(chat, f"what is the {teams.bot['name']} phone number for meals",
                                 mention_bot=True)
    assert "Hot meals" in card_texts(await teams.card(named))
