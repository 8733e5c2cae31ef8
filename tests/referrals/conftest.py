from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import STORAGE, create_app
from config.settings import Settings
from tests.support.connector import ConnectorStandIn

from .support import SECRET_ENV, Citizen, routing_with_referrals
from .support import receiver  # noqa: F401  (the shared fixture)

# A Wednesday morning in November: the county helpline is open (9am-5pm).
OPEN_TIME = datetime(2026, 11, 25, 11, 0, tzinfo=ZoneInfo("Europe/Dublin"))


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(SECRET_ENV, "test-shared-secret")
    return "test-shared-secret"


def settings_for(routing: Path, db: Path | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "routing_file": routing,
        "reload_interval": 0.2,
        "database": db,
        "referral_retry_seconds": 0.01,
        "referral_retry_max_seconds": 0.05,
        "referral_max_attempts": 3,
    }
    values.update(overrides)
    return Settings(**values)


AppFactory = Callable[..., Any]


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[AppFactory]:
    """Start the real app on a routing file and database; several may run one after another."""
    clients: list[TestClient] = []

    async def start(routing: Path, db: Path | None = None, **overrides: Any) -> TestClient:
        settings = settings_for(
            routing, db if db is not None else tmp_path / "helpline.db", **overrides
        )
        app = create_app(settings, clock=lambda: OPEN_TIME)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


@pytest.fixture
async def teams_client(
    tmp_path: Path, connector: ConnectorStandIn, make_client: AppFactory
) -> TestClient:
    routing = routing_with_referrals(tmp_path / "routing.yaml", teams_service_url=connector.url)
    return await make_client(routing)


@pytest.fixture
def citizen(teams_client: TestClient, connector: ConnectorStandIn) -> Citizen:
    return Citizen(teams_client, connector)


def referral_store(client: TestClient) -> Any:
    return client.server.app[STORAGE].referrals
