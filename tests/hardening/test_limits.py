"""Per-conversation rate limit (a kind reply, once) and the global concurrency cap
(503 + Retry-After), through the real app; and the limiter on its own."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from bot.storage.ratelimit import Decision, MemoryRateLimits as RateLimiter
from bot.web.limits import TurnGate
from config.settings import Settings, SettingsError
from tests.support import activities as act
from tests.support.connector import ConnectorCall, ConnectorStandIn

from .conftest import CapturedLogs, MakeClient

HELPLINE_PHONE = "094 906 4660"
HOUR = 3600.0  # a window no test run outlasts: the limit, not the clock, decides


async def test_conversation_over_the_limit_gets_one_kind_reply(
    make_client: MakeClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    client = await make_client(rate_limit_messages=3, rate_limit_window=HOUR)
    for _ in range(3):
        response = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
        assert response.status == 200
    replies = await connector.wait_for(3)
    assert all("112" not in r["text"] for r in replies)
    # The fourth: a kind "slow down" reply with the helpline number.
    response = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert response.status == 200
    slow_down = (await connector.wait_for(4))[-1]
    assert "wait a few seconds" in slow_down["text"] and HELPLINE_PHONE in slow_down["text"]
    assert slow_down["replyToId"], "threaded to the citizen's message"
    # The fifth and sixth: not answered again (no reply storm), but logged and counted.
    for _ in range(2):
        assert (await client.post("/api/messages", json=act.message(connector.url, "x"))).status == 200
    assert [t["outcome"] for t in logs.turns()][-3:] == ["rate_limited"] * 3
    # Another conversation is not affected.
    await client.post("/api/messages", json=act.message(connector.url, "pharmacy", conversation_id="other"))
    replies = await connector.wait_for(5)
    assert len(replies) == 5 and "wait a few seconds" not in replies[-1]["text"]
    metrics = await (await client.get("/metrics")).text()
    assert "helpline_rate_limited_total 3.0" in metrics


async def test_rate_limit_does_not_apply_to_non_messages(
    make_client: MakeClient, connector: ConnectorStandIn
) -> None:
    client = await make_client(rate_limit_messages=1, rate_limit_window=HOUR)
    for _ in range(3):
        await client.post("/api/messages", json=act.activity(connector.url, type="typing"))
    await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    replies = await connector.wait_for(1)
    assert "wait a few seconds" not in replies[0]["text"]


async def test_over_the_concurrency_cap_is_503_with_retry_after(
    make_client: MakeClient, connector: ConnectorStandIn
) -> None:
    client = await make_client(max_concurrent_turns=2)
    release = asyncio.Event()
    held = 0
    both_held = asyncio.Event()

    async def hold(call: ConnectorCall) -> web.Response | None:
        nonlocal held
        held += 1
        if held == 2:
            both_held.set()
        await release.wait()
        return None

    connector.behaviour = hold
    in_flight = [
        asyncio.create_task(
            client.post("/api/messages", json=act.message(connector.url, "pharmacy", conversation_id=f"c{n}"))
        )
        for n in range(2)
    ]
    await asyncio.wait_for(both_held.wait(), 5)
    refused = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert refused.status == 503
    assert refused.headers["Retry-After"] == "1"
    assert "busy" in (await refused.json())["error"]
    # Probes are not turns: health and metrics still answer at the cap.
    assert (await client.get("/healthz")).status == 200
    release.set()
    assert [r.status for r in await asyncio.gather(*in_flight)] == [200, 200]
    connector.behaviour = None
    again = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert again.status == 200
    assert 'helpline_requests_refused_total{status="503"} 1.0' in await (await client.get("/metrics")).text()


def test_limits_are_configurable_from_the_environment() -> None:
    settings = Settings.from_env(
        {"RATE_LIMIT_MESSAGES": "5", "RATE_LIMIT_WINDOW_SECONDS": "2.5", "MAX_CONCURRENT_TURNS": "7"}
    )
    assert (settings.rate_limit_messages, settings.rate_limit_window) == (5, 2.5)
    assert settings.max_concurrent_turns == 7
    defaults = Settings.from_env({})
    assert (defaults.rate_limit_messages, defaults.rate_limit_window) == (20, 10.0)


@pytest.mark.parametrize(
    "env",
    [
        {"RATE_LIMIT_MESSAGES": "0"},
        {"RATE_LIMIT_MESSAGES": "many"},
        {"RATE_LIMIT_WINDOW_SECONDS": "0"},
        {"MAX_CONCURRENT_TURNS": "-1"},
        {"CONNECTOR_ATTEMPTS": "0"},
        {"LOG_FORMAT": "xml"},
        {"ALLOWED_SERVICE_URLS": "smba.example.org"},
        {"ToBotFromChannelOpenIdMetadataUrl": "not a url"},
        {"ValidateAuthority": "perhaps"},
        {"ChannelService": "https://botframework.example.cn"},
    ],
    ids=["zero-messages", "words", "zero-window", "negative-cap", "zero-attempts", "log-format",
         "service-urls", "openid-url", "validate-authority", "channel-service"],
)
def test_bad_limit_settings_are_refused_by_name(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match=next(iter(env))):
        Settings.from_env(env)


# ---- the limiter and the gate alone -----------------------------------------------------


def test_sliding_window() -> None:
    limiter = RateLimiter(limit=3, window=10.0)
    assert [limiter.check("a", t) for t in (0.0, 1.0, 2.0)] == [Decision.ALLOW] * 3
    assert limiter.check("a", 3.0) is Decision.LIMITED_NOTIFY
    assert limiter.check("a", 4.0) is Decision.LIMITED_SILENT
    assert limiter.check("b", 4.0) is Decision.ALLOW, "keys are independent"
    assert limiter.check("a", 10.0) is Decision.ALLOW, "the first message left the window"
    assert limiter.check("a", 10.5) is Decision.LIMITED_SILENT, "told less than a window ago"
    assert [limiter.check("a", t) for t in (30.0, 30.1, 30.2)] == [Decision.ALLOW] * 3
    assert limiter.check("a", 30.3) is Decision.LIMITED_NOTIFY, "told again a window later"


def test_idle_conversations_are_forgotten() -> None:
    limiter = RateLimiter(limit=2, window=10.0)
    for n in range(1000):
        limiter.check(f"conv-{n}", 0.0)
    assert len(limiter) == 1000
    limiter.check("late", 25.0)
    assert len(limiter) == 1, "memory is bounded by the conversations active in one window"


async def test_gate_refuses_past_its_limit_and_while_draining() -> None:
    gate = TurnGate(2)
    assert gate.try_enter() and gate.try_enter()
    assert not gate.try_enter()
    gate.leave()
    drained = asyncio.create_task(gate.drain(5.0))
    await asyncio.sleep(0)
    assert not gate.try_enter(), "no new turns once draining"
    assert not drained.done()
    gate.leave()
    assert await drained is True


async def test_gate_drain_gives_up_after_the_grace_period() -> None:
    gate = TurnGate(1)
    assert gate.try_enter()
    assert await gate.drain(0.05) is False
