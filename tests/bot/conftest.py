from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ROUTING = ROOT / "config" / "routing.yaml"
# A Wednesday morning in November: the county helpline is open.
OPEN_TIME = datetime(2026, 11, 25, 11, 0, tzinfo=ZoneInfo("Europe/Dublin"))


@pytest.fixture
def routing_file() -> Path:
    return SHIPPED_ROUTING


@pytest.fixture
async def client(routing_file: Path) -> AsyncIterator[TestClient]:
    settings = Settings(routing_file=routing_file, reload_interval=0.2)
    app = create_app(settings, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client
