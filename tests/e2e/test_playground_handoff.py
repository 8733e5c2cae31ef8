"""Issue 15 end to end in Microsoft's Agents Playground: a citizen in the personal chat asks
for a person; the request opens a thread in the "My Team" team's General channel (the
staff channel); a staff member takes it, they write to each other, and the chat ends with
"Did this help?".

What the playground (0.2.28) cannot do, and what stands in for it here:
- It has one signed-in user (Alex Wilber): the citizen and the staff member are the same
  person, in different conversations. A second staff member's press or message is sent
  with its "Mock an Activity" (``/_internal/v1/customActivities``), which passes an
  activity to the bot as written.
- It delivers a channel message to the bot only when it @mentions the bot (it has no
  resource-specific consent, so ``ChannelMessage.Read.Group`` cannot be tried): staff
  here @mention the bot in the thread; a thread reply without a mention, as Teams delivers
  it with the permission, is mocked.
- It does not implement deleting a message (``DELETE .../activities/{id}`` answers an error),
  so "delete my details" cannot take relayed messages out of its channel.
"""

from __future__ import annotations

import contextlib
import shutil
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from tests.support.playground import ROOT, BotProcess, PlaygroundClient, PlaygroundProcess, free_port

SHIPPED_ROUTING = ROOT / "config" / "routing.yaml"


def routing_for_the_playground(directory: Path, playground_port: int, channel: str = "team-id") -> Path:
    """The shipped file with the staff channel enabled: the playground team's General
    channel, reached at the playground's connector (the bot learns no address in local
    mode, where nothing vouches for the channel)."""
    data = yaml.safe_load(SHIPPED_ROUTING.read_text(encoding="utf-8"))
    staff = data["referrals"]["destinations"]["staff_channel"]
    staff.update(enabled=True, conversation=channel, service_url=f"http://localhost:{playground_port}/_connector")
    data["referrals"]["fallback"] = "staff_page"
    path = directory / "routing.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.contextmanager
def bot_and_playground(workdir: Path) -> Iterator[tuple[BotProcess, PlaygroundProcess]]:
    """The playground first (the bot's routing file needs its port), then the bot, at a
    time the rota is open (HELPLINE_NOW: a Tuesday morning)."""
    bot = BotProcess(workdir / "bot.log", port=free_port())
    playground = PlaygroundProcess(f"http://127.0.0.1:{bot.port}/api/messages", workdir).start()
    try:
        bot.env = {
            "ROUTING_FILE": str(routing_for_the_playground(workdir, playground.port)),
            "HELPLINE_NOW": "2026-12-01T10:00",
            "HELPLINE_DB": str(workdir / "helpline.db"),
        }
        bot.start()
        yield bot, playground
    finally:
        bot.stop()
        playground.stop()


@pytest.fixture(scope="module")
def live_chat_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcess, PlaygroundProcess]]:
    with bot_and_playground(tmp_path_factory.mktemp("handoff")) as pair:
        yield pair


@pytest.fixture
async def teams(live_chat_bot: tuple[BotProcess, PlaygroundProcess]) -> AsyncIterator[PlaygroundClient]:
    _, playground = live_chat_bot
    async with aiohttp.ClientSession() as session:
        async with PlaygroundClient(playground.url, session) as client:
            yield client


def card_text(card: dict[str, Any]) -> str:
    parts = []
    for item in card.get("body", []):
        if item.get("type") == "TextBlock":
            parts.append(item["text"])
        elif item.get("type") == "RichTextBlock":
            parts.append("".join(r.get("text", "") for r in item.get("inlines", [])))
    return "\n".join(parts)


def _request_card(teams: PlaygroundClient, channel: str) -> dict[str, Any] | None:
    """The new thread's first message as the playground streamed it (a card alone)."""
    for event in teams.events:
        message = event.get("message") or {}
        if event.get("action") == "createMessage" and event.get("actionConversationId") == channel:
            if "Live chat request" in str(message.get("attachments")):
                return dict(message)
    return None


def _texts(client: PlaygroundClient, conversation: str) -> list[str]:
    return [str(m.get("text", "")) for m in client.in_conversation(conversation)]


async def test_a_citizen_reaches_staff_in_the_team_channel_and_comes_back(
    teams: PlaygroundClient, live_chat_bot: tuple[BotProcess, PlaygroundProcess]
) -> None:
    bot, playground = live_chat_bot
    chat = teams.personal_chat
    channel = teams.team_channel
    await teams.install(chat)
    await teams.wait_for(1)

    # The citizen asks; the bot answers in the personal chat and a thread opens in the
    # team's General channel with the request's card.
    await teams.reply_to(chat, "could someone collect my prescription from the chemist")
    asked = await teams.reply_to(chat, "can I talk to a real person please")
    assert "I've asked the Community Support team to join this chat" in asked["text"]
    # The thread's first message is a post in the channel (the card alone); its replies are
    # the thread's own conversation, "<channel>;messageid=<first message>".
    root = await teams.wait_until(lambda: _request_card(teams, channel), what="the request's card in the channel")
    thread = f"{channel};messageid={root['messageId']}"
    card = root["attachments"][0]["content"]
    assert "Asked: could someone collect my prescription from the chemist" in card_text(card)
    take = next(a for a in card["actions"] if a["title"] == "Take this chat")
    assert take["type"] == "Action.Execute"

    # Staff take it (Action.Execute): the card they see says who has it; the citizen is told.
    pressed_card = {**root, "conversationId": thread}  # the playground keeps it in the thread
    answer = await teams.execute(pressed_card, take["verb"], take["data"])
    staff_name = teams.config["currentUser"]["name"]
    first = staff_name.split()[0]
    joined = await teams.wait_until(
        lambda: next((t for t in _texts(teams, chat) if "is with you now" in t), None), what="the join message"
    )
    assert joined == f"{first} from the Community Support team is with you now."
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert f"{staff_name} has this chat" in card_text(answer["value"])
    assert [a["title"] for a in answer["value"]["actions"]] == [
        "End chat", "Hand to a colleague", "Release to the queue"
    ]

    # A second staff member (mocked: the playground has one user) presses Take too: the
    # chat stays with the first, and the citizen is not told twice.
    mocked_from = teams.config["users"][0]
    await teams.mock_activity(_invoke(teams, playground, thread, root, take["data"], mocked_from))

    # A colleague writing in the thread (mocked, no mention) reaches nobody.
    await teams.mock_activity(_message(teams, playground, thread, "I can take the next one", mocked_from))

    # The citizen writes: it appears in the thread; the bot adds nothing of its own.
    before = len(teams.in_conversation(chat))
    await teams.say(chat, "my heating is broken and I'm on my own")
    relayed = await teams.wait_until(
        lambda: next((m for m in teams.in_conversation(thread) if m.get("text") == "Citizen"), None),
        what="the citizen's message in the thread",
    )
    assert "my heating is broken" in card_text(await teams.card(relayed))
    assert len(teams.in_conversation(chat)) == before

    # Staff reply in the thread (@mentioning the bot: the playground forwards nothing else).
    await teams.say(thread, "I'll ring the fuel people for you now", mention_bot=True)
    await teams.wait_until(
        lambda: f"{first}: I'll ring the fuel people for you now" in _texts(teams, chat), what="staff's reply"
    )
    # As Teams delivers a thread reply with ChannelMessage.Read.Group: no mention.
    await teams.mock_activity(_message(teams, playground, thread, "They'll deliver tomorrow", teams.config["currentUser"]))
    await teams.wait_until(lambda: f"{first}: They'll deliver tomorrow" in _texts(teams, chat), what="an unmentioned reply")

    # Staff type "end chat" in the thread: the citizen is back with the assistant and asked.
    await teams.say(thread, "end chat", mention_bot=True)
    question = await teams.wait_until(
        lambda: next((m for m in teams.in_conversation(chat) if m.get("text") == "Did this help?"), None),
        what="Did this help?",
    )
    assert [a["title"] for a in question["suggestedActions"]["actions"]] == ["Yes", "No"]
    # The citizen's next message in the chat (staff's thread may still be getting the bot's
    # own end-of-chat notes, which a reply counted across all conversations could pick up).
    seen = len(teams.in_conversation(chat))
    await teams.say(chat, "Yes")
    thanks = await teams.wait_until(
        lambda: next(iter(teams.in_conversation(chat)[seen:]), None), what="the answer to Yes"
    )
    assert thanks["text"] == "Thank you for telling us."
    await teams.wait_until(
        lambda: "The citizen said the chat helped." in _texts(teams, thread), what="the feedback note"
    )
    assert [t for t in _texts(teams, chat) if "is with you now" in t] == [joined]
    assert not any("take the next one" in t for t in _texts(teams, chat))
    assert "live chat" in bot.log() and "taken" in bot.log()


def _base(teams: PlaygroundClient, playground: PlaygroundProcess, conversation: str, user: dict[str, Any]) -> dict[str, Any]:
    tenant = teams.config["tenantId"]
    return {
        "channelId": "msteams",
        "serviceUrl": f"http://localhost:{playground.port}/_connector",
        "from": {"id": user["id"], "name": user["name"], "aadObjectId": user["aadObjectId"]},
        "recipient": dict(teams.bot),
        "conversation": {"id": conversation, "conversationType": "channel", "isGroup": True, "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}, "team": {"id": teams.team_channel},
                        "channel": {"id": teams.team_channel}},
        "id": f"mock-{abs(hash((conversation, user['id'])))}",
    }


def _invoke(teams: PlaygroundClient, playground: PlaygroundProcess, thread: str, root: dict[str, Any],
            data: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    return {
        **_base(teams, playground, thread, user),
        "type": "invoke",
        "name": "adaptiveCard/action",
        "replyToId": root["messageId"],
        "value": {"action": {"type": "Action.Execute", "verb": "handoff_take", "data": data}},
    }


def _message(teams: PlaygroundClient, playground: PlaygroundProcess, thread: str, text: str,
             user: dict[str, Any]) -> dict[str, Any]:
    return {**_base(teams, playground, thread, user), "type": "message", "text": text, "textFormat": "plain"}


# ---- the playground's own page, in headless Chromium: the screenshots in docs/ -------------
CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
RENDER_DEADLINE_MS = 60_000
CITIZEN_SHOT = ROOT / "docs" / "live-chat-citizen.png"
STAFF_SHOT = ROOT / "docs" / "live-chat-staff.png"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (`apt-get install -y chromium`)")
def test_a_hand_off_in_the_playground_page(tmp_path: Path) -> None:
    """A citizen types in the personal chat; a staff member presses Take this chat on the
    card in the team's General channel and replies in its thread (@mentioning the bot with
    the page's mention picker); the citizen sees the reply as from them. All on the page."""
    from playwright.sync_api import Route, sync_playwright

    with bot_and_playground(tmp_path) as (bot, playground):

        def loopback_only(route: Route) -> None:
            url = route.request.url
            if url.startswith(("data:", "blob:")) or (urllib.parse.urlparse(url).hostname or "") in LOOPBACK:
                route.continue_()
            else:
                route.abort()  # the page asks a CDN for fonts; nothing leaves the machine

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.route("**/*", loopback_only)
                page.goto(playground.url)
                page.get_by_text("Tell me in a few words").first.wait_for(timeout=RENDER_DEADLINE_MS)
                page.get_by_title("Hide log panel").click()
                box = page.get_by_role("textbox").first
                box.fill("My heating oil ran out and I can't get to the shop")
                box.press("Enter")
                page.get_by_text("Here is who can help").first.wait_for(timeout=RENDER_DEADLINE_MS)
                box.fill("can I talk to a real person please")
                box.press("Enter")
                page.get_by_text("I've asked the Community Support team").first.wait_for(timeout=RENDER_DEADLINE_MS)

                # Staff: the request's card in the team's General channel; Take this chat.
                page.get_by_text("General").first.click()
                take = page.get_by_role("button", name="Take this chat")
                take.wait_for(timeout=RENDER_DEADLINE_MS)
                take.click()
                page.get_by_text("has this chat").first.wait_for(timeout=RENDER_DEADLINE_MS)

                # The citizen is told who is with them, and writes to them.
                page.get_by_text("Personal Chat").first.click()
                page.get_by_text("is with you now").first.wait_for(timeout=RENDER_DEADLINE_MS)
                box = page.get_by_role("textbox").first
                box.fill("Thank you. I'm on my own and the house is freezing")
                box.press("Enter")
                page.get_by_text("the house is freezing").first.wait_for(timeout=RENDER_DEADLINE_MS)

                # Staff reply in the thread, @mentioning the bot with the page's mention picker.
                page.get_by_text("General").first.click()
                page.get_by_text("the house is freezing").first.wait_for(timeout=RENDER_DEADLINE_MS)
                reply = page.get_by_role("textbox").last  # the reply box of the newest post
                reply.click()
                reply.type("@Test")
                page.get_by_role("menuitem", name="Test Bot").click()
                reply.type(" I'm sorry to hear that. I'll ask the fuel delivery volunteers to call out to you today.")
                reply.press("Enter")
                page.get_by_text("fuel delivery volunteers").first.wait_for(timeout=RENDER_DEADLINE_MS)
                page.set_viewport_size({"width": 1280, "height": 1400})
                page.wait_for_timeout(500)
                page.screenshot(path=str(tmp_path / "staff.png"))

                # The citizen sees it as from the staff member.
                page.set_viewport_size({"width": 1280, "height": 1000})
                page.get_by_text("Personal Chat").first.click()
                page.get_by_text("Alex: I'm sorry to hear that").first.wait_for(timeout=RENDER_DEADLINE_MS)
                page.wait_for_timeout(500)
                page.screenshot(path=str(tmp_path / "citizen.png"))
            finally:
                browser.close()
        assert "Traceback" not in bot.log()

    for shot, target in ((tmp_path / "citizen.png", CITIZEN_SHOT), (tmp_path / "staff.png", STAFF_SHOT)):
        assert shot.stat().st_size > 10_000
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)

