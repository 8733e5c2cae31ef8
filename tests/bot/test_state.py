"""Conversation state is written only when it changed, and isolated from the storage's copy."""

from __future__ import annotations

from typing import Any

from botbuilder.core import MemoryStorage, TurnContext
from botbuilder.core.adapters import TestAdapter

from bot.state import ConversationStore
from bot.wire import activity_from_json


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    async def write(self, changes: dict[str, Any]) -> None:
        self.writes += 1
        await super().write(changes)


def _context(conversation: str = "c1") -> TurnContext:
    activity = activity_from_json(
        {
            "type": "message", "id": "1", "channelId": "test", "serviceUrl": "http://x",
            "from": {"id": "u"}, "conversation": {"id": conversation}, "text": "hi",
        }
    )
    return TurnContext(TestAdapter(), activity)


async def test_state_round_trip_and_write_only_when_changed() -> None:
    storage = CountingStorage()
    store = ConversationStore(storage)
    first = _context()
    data = (await store.load(first)).data
    data["facts"] = {"area": "castlebar"}
    await store.save(first)
    assert storage.writes == 1

    second = _context()
    loaded = await store.load(second)
    assert loaded.data == {"facts": {"area": "castlebar"}}
    await store.save(second)
    assert storage.writes == 1, "an unchanged conversation is not written again"

    loaded.data["facts"]["area"] = "ballina"  # a nested change is seen too
    await store.save(second)
    assert storage.writes == 2


async def test_loaded_state_is_a_copy_not_the_storage_object() -> None:
    storage = MemoryStorage()
    store = ConversationStore(storage)
    context = _context()
    (await store.load(context)).data["welcomed"] = ["u"]
    await store.save(context)
    other = _context()
    (await store.load(other)).data["welcomed"].append("v")  # not saved
    assert (await store.load(_context())).data["welcomed"] == ["u"]


async def test_conversations_are_separate() -> None:
    store = ConversationStore(MemoryStorage())
    a = _context("a")
    (await store.load(a)).data["x"] = 1
    await store.save(a)
    assert (await store.load(_context("b"))).data == {}


async def test_a_one_off_answer_writes_no_state(connector, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A routed question leaves nothing to remember; a fallback remembers its buttons.
    (With call-backs offered, a routed reply has a button to remember: they are off here.)"""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.server import create_app
    from config.settings import Settings
    from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
    from tests.support import activities as act

    shipped = SHIPPED_ROUTING.read_text(encoding="utf-8")
    page_on = "type: page\n      name: Staff page\n      enabled: true"
    assert page_on in shipped
    routing = tmp_path / "routing.yaml"
    routing.write_text(shipped.replace(page_on, page_on.replace("true", "false")), encoding="utf-8")
    storage = CountingStorage()
    app = create_app(Settings(routing_file=routing), storage=storage, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        await client.post("/api/messages", json=act.message(connector.url, "prescription please"))
        await connector.wait_for(1)
        assert storage.writes == 0
        await client.post("/api/messages", json=act.message(connector.url, "hello"))
        await connector.wait_for(2)
        assert storage.writes == 1
