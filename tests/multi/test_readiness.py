"""Two instances on one database answer their health checks independently: each instance's
readiness probe writes and reads back a key of its own (they used to share one, and a probe
that read back the other instance's write said "not ready")."""

from __future__ import annotations

import asyncio
import dataclasses

from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Storage, open_database
from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING


async def test_readiness_probes_of_two_instances_do_not_disturb_each_other(
    postgres_url: str,
) -> None:
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING)
    clients = [
        TestClient(TestServer(
            create_app(settings, clock=lambda: OPEN_TIME,
                       storage=Storage.build(open_database(postgres_url), lambda: "MAY-X")),
            host="127.0.0.1",
        ))
        for _ in range(2)
    ]
    for client in clients:
        await client.start_server()
    try:
        async def probe(client: TestClient) -> tuple[int, object]:
            response = await client.get("/readyz")
            return response.status, (await response.json())["checks"]["storage"]

        answers = await asyncio.gather(*(probe(c) for _ in range(40) for c in clients))
    finally:
        for client in clients:
            await client.close()
    assert [a for a in answers if a != (200, "ok")] == []


async def test_an_instance_that_stops_removes_its_probe_key(postgres_url: str) -> None:
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING)
    db = open_database(postgres_url)
    storage = Storage.build(db, lambda: "MAY-X")
    async with TestClient(TestServer(create_app(settings, storage=storage), host="127.0.0.1")) as c:
        assert (await c.get("/readyz")).status == 200
    check = open_database(postgres_url)
    rows = check.call_sync(lambda conn: conn.all("SELECT key FROM bot_state"))
    check.close()
    assert rows == []
