"""Helpers for the referral tests: a routing file with referral destinations switched on, a
real local webhook receiver, and a citizen who can talk to the bot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config" / "routing.yaml"
STAFF_CONVERSATION = "19:staff-channel@thread.tacv2"
SECRET_ENV = "TEST_HELPLINE_WEBHOOK_SECRET"


def routing_with_referrals(
    path: Path,
    *,
    teams_service_url: str | None = None,
    webhook_url: str | None = None,
    to: tuple[str, ...] = ("staff_channel",),
    fallback: str | None = None,
) -> Path:
    """The shipped routing file with its placeholder destinations replaced by test ones."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    ref = data["referrals"]
    teams: dict[str, Any] = {
        "type": "teams",
        "name": "Staff channel",
        "enabled": True,
        "conversation": STAFF_CONVERSATION,
    }
    if teams_service_url:
        teams["service_url"] = teams_service_url
    destinations: dict[str, Any] = {"staff_channel": teams}
    if webhook_url:
        destinations["case_system"] = {
            "type": "webhook",
            "name": "Case system",
            "enabled": True,
            "url": webhook_url,
            "secret_env": SECRET_ENV,
            "allow_private_network": True,  # the test receiver is on 127.0.0.1
        }
    ref["destinations"] = destinations
    ref["default"]["to"] = list(to)
    if fallback:
        ref["fallback"] = fallback
    else:
        ref.pop("fallback", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Received:
    key: str
    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """A real HTTP receiver that drops duplicates by idempotency key, as the docs advise.

    ``fail_first``: answer 503 to that many requests; ``status``: answer this to every
    request instead; ``delay``: seconds to wait before answering (the bot may die meanwhile).
    ``acknowledged`` counts, per key, the requests accepted as new (answered 200, not a
    duplicate)."""

    fail_first: int = 0
    status: int = 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    _server: TestServer | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    port: int | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/referrals"))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/referrals", self._handle)
        self._server = TestServer(app, host="127.0.0.1", port=self.port)
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        key = request.headers.get("Idempotency-Key", "")
        self.requests.append(Received(key, json.loads(raw), raw, dict(request.headers)))
        self._arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.json_response({"error": "busy"}, status=503)
        if self.status != 200:
            return web.json_response({"error": "broken"}, status=self.status)
        if key in self.acknowledged:
            self.duplicates += 1
            return web.json_response({"duplicate": True})
        self.acknowledged[key] = 1
        return web.json_response({"ok": True})

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.requests) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} webhook requests, got {len(self.requests)}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.requests


async def eventually(check: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``check()`` (sync or async) until it returns a truthy value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class Citizen:
    """One citizen in one conversation, talking to the bot through the real endpoint."""

    client: TestClient
    connector: ConnectorStandIn
    conversation_id: str = "conv-1"
    user_id: str = "user-1"

    def replies(self) -> list[dict[str, Any]]:
        return self.connector.messages(self.conversation_id)

    async def say(self, text: str | None = None, **kw: Any) -> dict[str, Any]:
        before = len(self.connector.messages())
        body = act.activity(
            self.connector.url,
            text=text,
            conversation_id=self.conversation_id,
            user_id=self.user_id,
            **kw,
        )
        response = await self.client.post("/api/messages", json=body)
        assert response.status == 200, await response.text()
        await self.connector.wait_for(before + 1)
        return self.replies()[-1]


def suggested(reply: dict[str, Any]) -> list[str]:
    return [a["title"] for a in (reply.get("suggestedActions") or {}).get("actions", [])]


HAPPY_ANSWERS = ("Mary Walsh", "087 123 4567", "Castlebar", "I need my weekly shopping done")


async def request_callback(
    citizen: Citizen,
    answers: tuple[str, ...] = HAPPY_ANSWERS,
    consent: str = "Yes, share my details",
) -> dict[str, Any]:
    """Route to groceries, take the offer, answer every question; returns the last reply."""
    routed = await citizen.say("can someone do my grocery shopping")
    assert "Ask them to call me back" in suggested(routed), routed
    await citizen.say("Ask them to call me back")
    for answer in answers:
        await citizen.say(answer)
    return await citizen.say(consent)


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A webhook receiver that answers at once (shared by the referral and multi tests)."""
    webhook = WebhookReceiver()
    await webhook.start()
    yield webhook
    await webhook.close()
