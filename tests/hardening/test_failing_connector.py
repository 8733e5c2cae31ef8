"""The connector service slow or failing: bounded retries with backoff, a per-call timeout,
failures logged and counted, no conversation stalling another, no turn silently dropped."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.botframework.connector import ConnectorError, ConnectorSender, retry_after_seconds
from bot.botframework.credentials import OutboundTokens
from bot.web.app import METRICS
from tests.support import activities as act
from tests.support.connector import ConnectorCall, ConnectorStandIn

from .conftest import CapturedLogs, MakeClient


class _Counts:
    def __init__(self) -> None:
        self.retries: list[str] = []
        self.failures: list[str] = []

    def outbound_retry(self, kind: str) -> None:
        self.retries.append(kind)

    def outbound_failure(self, kind: str) -> None:
        self.failures.append(kind)


def _failing(*responses: web.Response | float) -> Any:
    """A behaviour answering the first calls with ``responses`` in order (a float: sleep that
    long first, then answer normally), then normally."""
    queue = list(responses)

    async def behaviour(call: ConnectorCall) -> web.Response | None:
        if not queue:
            return None
        step = queue.pop(0)
        if isinstance(step, (int, float)):
            await asyncio.sleep(step)
            return None
        return step

    return behaviour


@pytest.fixture
async def sender() -> AsyncIterator[tuple[ConnectorSender, _Counts]]:
    counts = _Counts()
    async with aiohttp.ClientSession() as session:
        yield (
            ConnectorSender(
                session, OutboundTokens(None), timeout=0.5, attempts=3, backoff=0.01,
                backoff_max=0.2, observer=counts,
            ),
            counts,
        )


async def _send(sender: ConnectorSender, url: str) -> str:
    return await sender.send(
        url, "conv-1", b'{"type": "message", "text": "hi"}', reply_to_id=None
    )


def _status(code: int, **headers: str) -> web.Response:
    return web.Response(status=code, headers=headers)


@pytest.mark.parametrize(
    "responses, retry_kinds",
    [
        ((_status(503),), ["http_5xx"]),
        ((_status(500), _status(502)), ["http_5xx", "http_5xx"]),
        ((_status(429, **{"Retry-After": "0"}),), ["http_429"]),
        ((_status(429), _status(504)), ["http_429", "http_5xx"]),
        ((5.0,), ["timeout"]),
    ],
    ids=["one-503", "500-then-502", "429-retry-after", "429-then-504", "one-timeout"],
)
async def test_transient_failures_are_retried_until_delivered(
    sender: tuple[ConnectorSender, _Counts],
    connector: ConnectorStandIn,
    responses: tuple[Any, ...],
    retry_kinds: list[str],
) -> None:
    connector.behaviour = _failing(*responses)
    sending, counts = sender
    assert (await _send(sending, connector.url)).startswith("reply-")
    assert len(connector.messages()) >= 1
    assert counts.retries == retry_kinds and counts.failures == []


async def test_retries_are_bounded_and_the_failure_reported(
    sender: tuple[ConnectorSender, _Counts], connector: ConnectorStandIn
) -> None:
    attempts = 0

    async def always_503(call: ConnectorCall) -> web.Response:
        nonlocal attempts
        attempts += 1
        return _status(503)

    connector.behaviour = always_503
    sending, counts = sender
    with pytest.raises(ConnectorError) as raised:
        await _send(sending, connector.url)
    assert raised.value.status == 503
    assert attempts == 3, "three tries in all, no more"
    assert counts.retries == ["http_5xx", "http_5xx"] and counts.failures == ["http_5xx"]


@pytest.mark.parametrize("code", [400, 401, 403, 404], ids=str)
async def test_client_errors_are_not_retried(
    sender: tuple[ConnectorSender, _Counts], connector: ConnectorStandIn, code: int
) -> None:
    connector.behaviour = _failing(_status(code))
    sending, counts = sender
    with pytest.raises(ConnectorError):
        await _send(sending, connector.url)
    assert counts.retries == [] and counts.failures == ["http_4xx"]


async def test_retry_after_is_honoured_but_capped(
    sender: tuple[ConnectorSender, _Counts], connector: ConnectorStandIn
) -> None:
    # A connector asking for an hour's pause must not hold the turn for an hour: the wait
    # is capped at backoff_max (0.2 s here); the pytest timeout bounds this test.
    connector.behaviour = _failing(_status(429, **{"Retry-After": "3600"}))
    sending, counts = sender
    assert (await _send(sending, connector.url)).startswith("reply-")
    assert counts.retries == ["http_429"]


@pytest.mark.parametrize(
    "header, expected",
    [("0", 0.0), ("2", 2.0), ("1.5", 1.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)],
    ids=["zero", "two", "fraction", "negative", "word", "empty", "absent"],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_retry_after_http_date_in_the_past_is_zero() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def _refused_url() -> str:
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_connection_refused_is_retried_then_reported(
    sender: tuple[ConnectorSender, _Counts],
) -> None:
    sending, counts = sender
    with pytest.raises(ConnectorError) as raised:
        await _send(sending, _refused_url())
    assert raised.value.kind == "connection"
    assert counts.retries == ["connection", "connection"] and counts.failures == ["connection"]


# ---- through the whole app -------------------------------------------------------------


async def test_failed_reply_is_logged_and_counted_not_dropped_silently(
    make_client: MakeClient, connector: ConnectorStandIn, logs: CapturedLogs
) -> None:
    client = await make_client(connector_attempts=2)

    async def always_500(call: ConnectorCall) -> web.Response:
        return _status(500)

    connector.behaviour = always_500
    response = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert response.status == 200, "the activity was received; the failure is ours to report"
    turn = logs.turns()[-1]
    assert turn["outcome"] == "reply_failed" and turn["level"] == "WARNING"
    assert turn["route"] and turn["error"] == "http_5xx"
    assert any("could not be delivered" in line["msg"] for line in logs.lines())
    metrics = (await (await client.get("/metrics")).text()).splitlines()
    assert 'helpline_outbound_errors_total{kind="http_5xx"} 1.0' in metrics
    assert 'helpline_outbound_retries_total{kind="http_5xx"} 1.0' in metrics
    assert any(
        line.startswith("helpline_messages_total{") and 'outcome="reply_failed"' in line
        for line in metrics
    )
    assert 'helpline_turns_failed_total{error="http_5xx"} 1.0' in metrics
    # The connector is back: the next message is answered.
    connector.behaviour = None
    await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert len(await connector.wait_for(1)) == 1


async def test_connector_down_entirely_is_a_logged_failure_not_a_500(
    make_client: MakeClient, logs: CapturedLogs
) -> None:
    client = await make_client()
    response = await client.post("/api/messages", json=act.message(_refused_url(), "pharmacy"))
    assert response.status == 200
    assert logs.turns()[-1]["outcome"] == "reply_failed"
    assert logs.turns()[-1]["error"] == "connection"


async def test_one_slow_conversation_does_not_stall_the_others(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    release = asyncio.Event()
    held = asyncio.Event()

    async def hold_slow(call: ConnectorCall) -> web.Response | None:
        if call.conversation_id == "slow":
            held.set()
            await release.wait()
        return None

    connector.behaviour = hold_slow
    slow = asyncio.create_task(
        client.post("/api/messages", json=act.message(connector.url, "pharmacy", conversation_id="slow"))
    )
    await asyncio.wait_for(held.wait(), 5)
    for n in range(5):
        response = await client.post(
            "/api/messages", json=act.message(connector.url, "groceries", conversation_id=f"quick-{n}")
        )
        assert response.status == 200
    assert len(connector.messages()) == 5, "five quick conversations answered"
    assert not slow.done(), "while the slow one is still waiting for its connector"
    release.set()
    assert (await asyncio.wait_for(slow, 5)).status == 200
    assert len(await connector.wait_for(6)) == 6


async def test_turn_that_raises_apologises_and_is_counted(
    client: TestClient, connector: ConnectorStandIn, logs: CapturedLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routing.router import Router

    def broken(self: Router, *args: Any, **kw: Any) -> Any:
        raise KeyError("Mary Murphy 087 123 4567")

    monkeypatch.setattr(Router, "respond", broken)
    body = act.message(connector.url, "pharmacy", **{"from": {"id": "u-9", "name": "Mary Murphy"}})
    response = await client.post("/api/messages", json=body)
    assert response.status == 200
    reply = (await connector.wait_for(1))[0]
    assert reply["text"].startswith("Sorry, something went wrong")
    assert "KeyError" in logs.text, "staff see what failed"
    assert logs.turns()[-1]["outcome"] == "error"
    assert "087 123 4567" not in logs.text and "Mary Murphy" not in logs.text
    failed = client.server.app[METRICS].turns_failed.labels(error="bug")._value.get()
    assert failed == 1


async def test_while_draining_new_turns_get_503_with_retry_after(
    client: TestClient, connector: ConnectorStandIn
) -> None:
    from bot.web.app import GATE

    client.server.app[GATE].draining = True
    response = await client.post("/api/messages", json=act.message(connector.url, "pharmacy"))
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    assert "restarting" in (await response.json())["error"]
    assert connector.messages() == []
