"""Fixtures for the hardening tests: the real app (with settings overrides) behind aiohttp's
TestServer, a real local connector stand-in, and the process's log output as written."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.ops.logs import JsonFormatter, RedactingFilter
from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING

# Outbound retries fast enough for tests; each test that needs other values says so.
FAST = {"connector_backoff": 0.01, "connector_backoff_max": 0.05, "connector_timeout": 2.0}

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client() -> AsyncIterator[MakeClient]:
    """``await make_client(**settings_overrides)``: a client for a freshly built real app."""
    clients: list[TestClient] = []

    async def make(**overrides: Any) -> TestClient:
        values = {"routing_file": SHIPPED_ROUTING, "reload_interval": 0.2, **FAST, **overrides}
        storage = values.pop("storage", None)
        settings = dataclasses.replace(Settings(), **values)
        app = create_app(settings, clock=lambda: OPEN_TIME, storage=storage)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient:
    return await make_client()


class CapturedLogs:
    """Everything logged while the fixture is active, as the production handler writes it:
    JSON lines through a handler on the root logger carrying the redaction filter."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def turns(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == "bot.turn"]


@pytest.fixture
def logs() -> Iterator[CapturedLogs]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
