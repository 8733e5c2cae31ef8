"""The real app on the shipped routing file (call-backs go to the built-in staff page), a
connector stand-in, a clock the test can move, and a citizen who talks to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import STORAGE, create_app
from config.settings import Settings
from tests.referrals.support import Citizen
from tests.support.connector import ConnectorStandIn

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config" / "routing.yaml"
DUBLIN = ZoneInfo("Europe/Dublin")
# A Wednesday morning in November: the county helpline is open (9am to 5pm).
OPEN = dt.datetime(2026, 11, 25, 11, 0, tzinfo=DUBLIN)
CLOSED = dt.datetime(2026, 11, 25, 21, 30, tzinfo=DUBLIN)


@dataclass
class Clock:
    now: dt.datetime = OPEN

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class World:
    client: TestClient
    connector: ConnectorStandIn
    clock: Clock
    citizens: dict[str, Citizen] = field(default_factory=dict)

    def citizen(self, name: str = "conv-1") -> Citizen:
        if name not in self.citizens:
            self.citizens[name] = Citizen(self.client, self.connector, conversation_id=name)
        return self.citizens[name]

    async def referrals(self, conversation: str = "conv-1") -> list[Any]:
        store = self.client.server.app[STORAGE].referrals
        return await store.for_conversation(f"emulator/conversations/{conversation}")


@pytest.fixture
async def world(tmp_path: Path, connector: ConnectorStandIn) -> AsyncIterator[World]:
    clock = Clock()
    settings = Settings(routing_file=SHIPPED, reload_interval=60, database=tmp_path / "h.db")
    app = create_app(settings, clock=clock)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield World(client, connector, clock)
