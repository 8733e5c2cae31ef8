"""Live chat through the real app, with Teams-shaped activities on both sides: a citizen in
a personal chat, staff in the team's channel and its threads; the bot's outbound calls go
to the connector stand-in (threads opened with ``POST /v3/conversations``). The shipped
routing file, with its staff channel enabled (which turns live chat on), and a clock the
test moves."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.core.handoff import MARK
from bot.storage.handoff import HandoffStore, LiveChat
from bot.web.app import RUNTIME, STORAGE, create_app
from config.settings import Settings
from tests.referrals.support import eventually
from tests.support.connector import ConnectorStandIn
from tests.teams.factories import BOT, TEAM_ID, mention_entity, teams_activity, teams_message

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config" / "routing.yaml"
DUBLIN = ZoneInfo("Europe/Dublin")
# A Wednesday morning in November: the rota (the county helpline's hours, 9am-5pm) is open.
OPEN = dt.datetime(2026, 11, 25, 11, 0, tzinfo=DUBLIN)
CLOSED = dt.datetime(2026, 11, 25, 21, 30, tzinfo=DUBLIN)
HELPLINE = "094 906 4660"
CITIZEN_CHAT = "a:1citizen-personal-chat"
SIOBHAN = {"id": "29:siobhan", "name": "Siobhan Walsh", "aadObjectId": "00000000-0000-0000-0000-0000000051ab"}
MAIRE = {"id": "29:maire", "name": "Máire Ní Bhriain", "aadObjectId": "00000000-0000-0000-0000-00000000a1be"}
OUTSIDER = {"id": "29:outsider", "name": "Someone Else", "aadObjectId": "00000000-0000-0000-0000-000000000bad"}


def routing_with_live_chat(path: Path, service_url: str, **handoff: Any) -> Path:
    """The shipped file with its staff channel enabled (and reachable at the stand-in)."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    channel = data["referrals"]["destinations"]["staff_channel"]
    channel.update(enabled=True, conversation=TEAM_ID, service_url=service_url)
    data["referrals"]["fallback"] = "staff_page"  # an enabled fallback, as check requires
    data["handoff"].update(handoff)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Clock:
    now: dt.datetime = OPEN

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + dt.timedelta(**delta)


@dataclass
class Helpline:
    """The running app and everyone who talks to it."""

    client: TestClient
    connector: ConnectorStandIn
    clock: Clock
    invokes: list[dict[str, Any]] = field(default_factory=list)

    # ---- the citizen (personal chat) -------------------------------------------------------
    async def post(self, body: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/api/messages", json=body)
        text = await response.text()
        return response.status, json.loads(text) if text else None

    async def citizen(
        self, text: str | None = None, *, conversation: str = CITIZEN_CHAT, user: str = "29:citizen-1", **extra: Any
    ) -> list[dict[str, Any]]:
        """Send a message in the citizen's personal chat; return what the bot answered in
        that turn (proactive messages come later: :meth:`to_citizen`)."""
        before = len(self.connector.messages(conversation))
        body = (
            teams_message(self.connector.url, text, conversation_id=conversation, user_id=user, **extra)
            if text is not None
            else teams_activity(self.connector.url, conversation_id=conversation, user_id=user, **extra)
        )
        status, _ = await self.post(body)
        assert status == 200
        return self.connector.messages(conversation)[before:]

    async def press_citizen_button(self, value: str, *, conversation: str = CITIZEN_CHAT) -> list[dict[str, Any]]:
        return await self.citizen(None, conversation=conversation, value={"choice": value})

    def to_citizen(self, conversation: str = CITIZEN_CHAT) -> list[str]:
        return [m.get("text", "") for m in self.connector.messages(conversation)]

    async def citizen_gets(self, fragment: str, *, conversation: str = CITIZEN_CHAT, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for a message to the citizen containing ``fragment``."""

        def found() -> dict[str, Any] | None:
            return next(
                (m for m in self.connector.messages(conversation) if fragment in m.get("text", "")), None
            )

        return await eventually(found, timeout, f"{fragment!r} to the citizen")

    # ---- staff (the channel and its threads) ---------------------------------------------
    def thread(self, index: int = -1) -> str:
        created = self.connector.threads()[index]
        return f"{created.conversation_id};messageid={created.activity_id}"

    def card_id(self, index: int = -1) -> str:
        return str(self.connector.threads()[index].activity_id)

    def first_card(self, index: int = -1) -> dict[str, Any]:
        activity = self.connector.threads()[index].body["activity"]
        return dict(activity["attachments"][0]["content"])

    def card_now(self, index: int = -1) -> dict[str, Any]:
        """The request's card as the channel shows it now (the latest update, if any)."""
        root = self.card_id(index)
        updates = [c for c in self.connector.calls if c.method == "PUT" and c.activity_id == root]
        if updates:
            return dict(updates[-1].body["attachments"][0]["content"])
        return self.first_card(index)

    def in_thread(self, thread: str | None = None) -> list[dict[str, Any]]:
        return self.connector.messages(thread or self.thread())

    async def thread_gets(self, count: int, thread: str | None = None, timeout: float = 10.0) -> list[dict[str, Any]]:
        where = thread or self.thread()
        return await eventually(
            lambda: (lambda m: m if len(m) >= count else None)(self.connector.messages(where)),
            timeout,
            f"{count} message(s) in the thread",
        )

    async def thread_opened(self, count: int = 1, timeout: float = 10.0) -> str:
        await eventually(lambda: len(self.connector.threads()) >= count, timeout, "a new thread")
        return self.thread(count - 1)

    async def press(
        self, action: str, chat_id: str, *, staff: dict[str, str] = SIOBHAN, conversation: str | None = None,
        scope: str = "channel", reply_to: str | None = None,
    ) -> tuple[int, Any]:
        """A staff member presses a live-chat card button (Action.Execute: an invoke)."""
        where = conversation if conversation is not None else self.thread()
        body = teams_activity(
            self.connector.url,
            type="invoke",
            scope=scope,
            conversation_id=where,
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": f"handoff_{action}",
                              "data": {"handoff": action, "chat": chat_id}}},
            replyToId=reply_to or (self.card_id() if self.connector.threads() else None),
            **{"from": dict(staff)},
        )
        status, answer = await self.post(body)
        self.invokes.append(answer or {})
        return status, answer

    async def staff_says(
        self, text: str, *, staff: dict[str, str] = SIOBHAN, thread: str | None = None, mentioned: bool = False
    ) -> list[dict[str, Any]]:
        """A message in a chat's thread (without an @mention: the app has
        ChannelMessage.Read.Group). Returns what the bot answered in the thread."""
        where = thread or self.thread()
        before = len(self.connector.messages(where))
        body = teams_message(
            self.connector.url, text, scope="channel", conversation_id=where, mentioned=mentioned,
            **{"from": dict(staff)},
        )
        status, _ = await self.post(body)
        assert status == 200
        return self.connector.messages(where)[before:]

    # ---- what the bot keeps ----------------------------------------------------------------
    @property
    def chats(self) -> HandoffStore:
        return HandoffStore(self.client.server.app[STORAGE].db)

    async def chat(self, conversation: str = CITIZEN_CHAT) -> LiveChat:
        key = f"msteams/conversations/{conversation}"
        state = await self.client.server.app[STORAGE].state.read(key)
        mark = state.data.get(MARK)
        chat_id = mark["chat"] if mark else None
        if chat_id is None:  # ended and forgotten by the conversation: the latest of it
            rows = await self.client.server.app[STORAGE].db.call(
                lambda c: c.all("SELECT id FROM live_chats WHERE conversation = ? ORDER BY requested_at", (key,))
            )
            chat_id = rows[-1]["id"]
        found = await self.chats.get(chat_id)
        assert found is not None
        return found

    async def sent_out(self, timeout: float = 10.0) -> None:
        """Wait until the live chat's outbox has sent everything due."""
        outbox = self.client.server.app[RUNTIME].chat_outbox
        assert outbox is not None

        async def empty() -> bool:
            pending = [op for op in await self.chats.outbox() if op.status == "pending"]
            return not pending

        await eventually(empty, timeout, "the live chat outbox to empty")
        await outbox.idle()


def card_texts(card: dict[str, Any]) -> str:
    """Every text a card shows, joined (TextBlocks and RichTextBlock runs)."""
    parts: list[str] = []
    for item in card.get("body", []):
        if item.get("type") == "TextBlock":
            parts.append(item["text"])
        elif item.get("type") == "RichTextBlock":
            parts.append("".join(run.get("text", "") for run in item.get("inlines", [])))
    return "\n".join(parts)


def card_buttons(card: dict[str, Any]) -> list[str]:
    return [a["title"] for a in card.get("actions", [])]


def buttons(message: dict[str, Any]) -> list[str]:
    return [a["title"] for a in (message.get("suggestedActions") or {}).get("actions", [])]


def settings_for(routing: Path, db: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "routing_file": routing,
        "reload_interval": 60,
        "database": db,
        "handoff_check_seconds": 0.05,
        "referral_retry_seconds": 0.01,
    }
    values.update(overrides)
    return Settings(**values)


AppStarter = Callable[..., Any]


@pytest.fixture
async def start_helpline(tmp_path: Path, connector: ConnectorStandIn) -> AsyncIterator[AppStarter]:
    """Start the real app (several may run one after another on one database: a restart)."""
    clients: list[TestClient] = []
    routing = routing_with_live_chat(tmp_path / "routing.yaml", connector.url)

    async def start(
        clock: Clock | None = None, routing_file: Path = routing, *, own_clock: bool = False, **overrides: Any
    ) -> Helpline:
        """``own_clock``: the app keeps its own clock (``HELPLINE_NOW``, or the real time)."""
        clock = clock or Clock()
        settings = settings_for(routing_file, tmp_path / "helpline.db", **overrides)
        app = create_app(settings, clock=None if own_clock else clock)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return Helpline(client, connector, clock)

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def helpline(start_helpline: AppStarter) -> Helpline:
    return await start_helpline()


__all__ = [
    "BOT", "CLOSED", "HELPLINE", "MAIRE", "OPEN", "OUTSIDER", "SIOBHAN", "TEAM_ID", "Clock", "Helpline",
    "buttons", "card_buttons", "card_texts", "eventually", "mention_entity", "routing_with_live_chat",
]
