"""The rate limit instances share (PostgreSQL) is timed with the clock every instance agrees
on. Instances on two machines agree on the wall clock (NTP); their monotonic clocks count
from each machine's boot, days apart. A window one instance opened on its monotonic clock
would never end for an instance whose clock is behind (the conversation limited for good),
and would always have ended for one ahead (never limited)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Decision, Storage, open_database
from bot.storage.db import Database
from bot.storage.ratelimit import SharedRateLimits
from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn


@pytest.fixture
def database(postgres_url: str) -> Iterator[Database]:
    db = open_database(postgres_url)
    yield db
    db.close()  # (the app closes it too when it stops: closing twice is fine)


async def test_the_app_opens_shared_windows_on_the_wall_clock(
    database: Database, connector: ConnectorStandIn
) -> None:
    storage = Storage.build(database, lambda: "MAY-X", rate_limit=5, rate_window=10.0)
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING)
    app = create_app(settings, clock=lambda: OPEN_TIME, storage=storage)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        before = time.time()
        body = act.message(connector.url, "prescription collection please", conversation_id="c1")
        response = await client.post("/api/messages", json=body)
        assert response.status == 200
        after = time.time()
        [row] = await database.call(lambda c: c.all("SELECT window_start FROM rate_limits"))
    assert before <= row["window_start"] <= after


async def test_two_machines_days_apart_in_uptime_share_one_window(database: Database) -> None:
    wall = [1_800_000_000.0]
    # Each machine's clock as the limiter reads it: the same wall clock on both.
    first = SharedRateLimits(database, limit=2, window=10.0, clock=lambda: wall[0])
    second = SharedRateLimits(database, limit=2, window=10.0, clock=lambda: wall[0])
    assert await first.hit("c") is Decision.ALLOW
    assert await second.hit("c") is Decision.ALLOW
    assert await first.hit("c") is Decision.LIMITED_NOTIFY
    assert await second.hit("c") is Decision.LIMITED_SILENT
    wall[0] += 10.5  # the window ends for both
    assert await second.hit("c") is Decision.ALLOW
    assert await first.hit("c") is Decision.ALLOW
