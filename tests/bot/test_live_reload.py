"""A staff member's edit reaches citizens without a restart; a broken edit never does."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

OLD, NEW = "094 906 4660", "094 906 4661"


async def _ask(client: TestClient, connector: ConnectorStandIn, n: int) -> str:
    before = len(connector.messages())
    body = act.message(connector.url, "can someone collect my prescription", conversation_id=f"c{n}")
    response = await client.post("/api/messages", json=body)
    assert response.status == 200
    return str((await connector.wait_for(before + 1))[-1]["text"])


async def _eventually(check, seconds: float) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        assert loop.time() < deadline, f"not within {seconds} s"
        await asyncio.sleep(0.2)


async def test_edited_contact_is_live_within_5_seconds_and_broken_edit_keeps_it(
    tmp_path: Path, connector: ConnectorStandIn
) -> None:
    routing = tmp_path / "routing.yaml"
    shutil.copy(SHIPPED_ROUTING, routing)
    shutil.copy(SHIPPED_ROUTING.with_name("routing.schema.json"), tmp_path / "routing.schema.json")
    app = create_app(Settings(routing_file=routing, reload_interval=0.5), clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert OLD in await _ask(client, connector, 0)

        text = routing.read_text(encoding="utf-8")
        assert text.count(f'"{OLD}"') >= 1
        routing.write_text(text.replace(f'"{OLD}"', f'"{NEW}"'), encoding="utf-8")
        asked = iter(range(1, 1000))

        async def new_number_served() -> bool:
            return NEW in await _ask(client, connector, next(asked))

        await _eventually(new_number_served, 5.0)

        routing.write_text(
            routing.read_text(encoding="utf-8").replace(f'"{NEW}"', '"0949"', 1), encoding="utf-8"
        )

        async def error_reported() -> bool:
            health = await (await client.get("/healthz")).json()
            return health["config"]["status"] == "error"

        await _eventually(error_reported, 5.0)
        health = await (await client.get("/healthz")).json()
        assert any("0949" in e and "phone" in e for e in health["config"]["errors"])
        assert NEW in await _ask(client, connector, 999), "the last good contact keeps serving"
