"""A validated token is remembered until it expires, never beyond, and only for the same
channel and serviceUrl; a token that failed is never remembered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from bot.botframework.auth_cache import ValidatedTokens
from bot.web.app import AUTH, create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.support.token_issuer import TokenIssuer

APP_ID = "5b1c3c7e-0000-4000-8000-00000000cac4"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def _result(exp: float) -> dict[str, Any]:
    return {"exp": exp, "aud": APP_ID}


def test_entry_ends_at_the_tokens_expiry() -> None:
    now = [1000.0]
    cache = ValidatedTokens(clock=lambda: now[0])
    cache.put(("t", "msteams", "u"), _result(exp=1060))
    assert cache.get(("t", "msteams", "u")) is not None
    now[0] = 1060.0
    assert cache.get(("t", "msteams", "u")) is None


def test_expired_or_expiry_less_results_are_not_kept() -> None:
    cache = ValidatedTokens(clock=lambda: 1000.0)
    cache.put(("a", "", ""), _result(exp=999))
    cache.put(("b", "", ""), {"aud": APP_ID})
    assert len(cache) == 0


def test_bounded() -> None:
    cache = ValidatedTokens(max_entries=2, clock=lambda: 0.0)
    for n in range(3):
        cache.put((str(n), "", ""), _result(exp=10))
    assert len(cache) == 2 and cache.get(("0", "", "")) is None


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with TokenIssuer() as running:
        yield running


def _question(service_url: str = SERVICE_URL) -> dict[str, Any]:
    return act.message(
        service_url, "prescription", channel_id="msteams", deliveryMode="expectReplies"
    )


async def test_cached_validation_through_the_real_app(issuer: TokenIssuer) -> None:
    settings = Settings(
        routing_file=SHIPPED_ROUTING, app_id=APP_ID, app_password="x", channel=issuer.endpoints()
    )
    app = create_app(settings, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        good = issuer.header(APP_ID, SERVICE_URL)
        for _ in range(3):
            response = await client.post("/api/messages", json=_question(), headers={"Authorization": good})
            assert response.status == 200
        cache = app[AUTH].validated
        assert len(cache) == 1, "three requests with one token: one validation kept"

        # The same token for another serviceUrl is validated afresh, and refused.
        response = await client.post(
            "/api/messages", json=_question("https://evil.example/"), headers={"Authorization": good}
        )
        assert response.status == 401

        # A token that is already expired is refused and not remembered.
        expired = issuer.header(APP_ID, SERVICE_URL, exp=int(time.time()) - 600)
        response = await client.post("/api/messages", json=_question(), headers={"Authorization": expired})
        assert response.status == 401
        assert len(cache) == 1


async def test_missing_header_is_refused_every_time_when_auth_is_on(issuer: TokenIssuer) -> None:
    settings = Settings(
        routing_file=SHIPPED_ROUTING, app_id=APP_ID, app_password="x", channel=issuer.endpoints()
    )
    app = create_app(settings, clock=lambda: OPEN_TIME)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for _ in range(3):
            response = await client.post("/api/messages", json=_question())
            assert response.status == 401
        assert len(app[AUTH].validated) == 0
