"""Conversation state through the running app: a one-off answer leaves nothing to write.
(The state store's own contract, eTags and isolation included, is tests/storage.)"""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.referrals.codes import new_reference
from bot.storage import Storage, open_database
from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn


def _rows(storage: Storage) -> int:
    row = storage.db.call_sync(lambda c: c.one("SELECT COUNT(*) AS n FROM bot_state"))
    return int(row["n"]) if row else 0


async def test_a_one_off_answer_writes_no_state(connector: ConnectorStandIn, tmp_path: Path) -> None:
    """A routed question leaves nothing to remember; a fallback remembers its buttons.
    (With call-backs offered, a routed reply has a button to remember: they are off here.)"""
    shipped = SHIPPED_ROUTING.read_text(encoding="utf-8")
    page_on = "type: page\n      name: Staff page\n      enabled: true"
    assert page_on in shipped
    routing = tmp_path / "routing.yaml"
    routing.write_text(shipped.replace(page_on, page_on.replace("true", "false")), encoding="utf-8")
    storage = Storage.build(open_database(str(tmp_path / "h.db")), new_reference)
    app = create_app(Settings(routing_file=routing), storage=storage, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        await client.post("/api/messages", json=act.message(connector.url, "prescription please"))
        await connector.wait_for(1)
        assert _rows(storage) == 0
        await client.post("/api/messages", json=act.message(connector.url, "hello"))
        await connector.wait_for(2)
        assert _rows(storage) == 1
