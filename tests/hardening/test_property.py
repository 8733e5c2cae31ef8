"""Random activities and random bytes thrown at the endpoint: every answer is a 2xx or a
4xx with a short JSON reason (501 only for an invoke no handler knows), never a 500, never a
traceback; and the server still answers a normal message afterwards.

Hypothesis drives a synchronous test; the real app, the connector stand-in and the client
run on an event loop in a background thread for the whole module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

T = TypeVar("T")


class _Harness:
    """The app and a connector stand-in served from a private event loop thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.run(self._start())

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        self.connector = ConnectorStandIn()
        await self.connector.start()
        settings = dataclasses.replace(
            Settings(),
            routing_file=SHIPPED_ROUTING,
            reload_interval=5.0,
            connector_attempts=2,
            connector_backoff=0.0,
            connector_timeout=2.0,
            rate_limit_messages=1000,
        )
        self.server = TestServer(create_app(settings, clock=lambda: OPEN_TIME), host="127.0.0.1")
        await self.server.start_server()
        self.session = aiohttp.ClientSession()
        self.url = str(self.server.make_url("/api/messages"))

    async def post(self, data: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
        async with self.session.post(
            self.url, data=data, headers={"Content-Type": content_type}
        ) as response:
            return response.status, await response.read()

    async def _stop(self) -> None:
        await self.session.close()
        await self.server.close()
        await self.connector.close()

    def close(self) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def harness() -> Iterator[_Harness]:
    h = _Harness()
    yield h
    h.close()


def _assert_sane(status: int, body: bytes, activity_type: Any = None) -> None:
    assert status != 500 and b"Traceback" not in body
    if status >= 500:
        assert status == 501 and activity_type == "invoke", (status, body[:200])
    if status >= 400:
        reason = json.loads(body)["error"]
        assert isinstance(reason, str) and 0 < len(reason) <= 100


json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def maybe(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any] = json_value, one_in: int = 12) -> st.SearchStrategy[Any]:
    """Usually ``good``; junk of any JSON shape one time in ``one_in`` (so most examples get
    past validation and reach the bot, and every field is sometimes wrong)."""
    return st.integers(0, one_in - 1).flatmap(lambda n: bad if n == 0 else good)


TYPES = ["message", "conversationUpdate", "invoke", "event", "typing", "installationUpdate",
         "messageReaction", "endOfConversation", "handoff", "trace", "delay", "command"]


@st.composite
def activities(draw: st.DrawFn, service_url: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": draw(maybe(st.sampled_from(TYPES), st.one_of(st.text(max_size=10), json_value))),
        "serviceUrl": draw(
            maybe(
                st.just(service_url),
                st.one_of(
                    st.sampled_from(["ftp://x/", "http://", "javascript:1", "", "http://127.0.0.1:1"]),
                    st.text(max_size=20),
                ),
            )
        ),
        "conversation": draw(
            maybe(
                st.fixed_dictionaries(
                    {"id": st.text(min_size=1, max_size=30)},
                    optional={
                        "conversationType": st.sampled_from(["personal", "channel", "groupChat"]),
                        "tenantId": maybe(st.text(max_size=10)),
                    },
                ),
                json_value,
            )
        ),
        "from": draw(
            maybe(
                st.fixed_dictionaries(
                    {"id": maybe(st.text(max_size=10))},
                    optional={"name": maybe(st.text(max_size=20)), "role": json_value},
                ),
                json_value,
            )
        ),
    }
    optional = {
        "id": maybe(st.text(max_size=10)),
        "text": maybe(
            st.one_of(
                st.text(max_size=300),
                st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
                st.sampled_from(["pharmacy", "my prescription please", "help", "hot meals"]),
            )
        ),
        "channelId": maybe(st.sampled_from(["emulator", "msteams", "webchat"])),
        "recipient": maybe(st.fixed_dictionaries({"id": st.just("bot-1")})),
        "value": maybe(st.fixed_dictionaries({"choice": st.sampled_from(
            ["service:groceries", "talk_to_someone", "area:castlebar", "service:nope", ""])})),
        "name": maybe(st.sampled_from(["adaptiveCard/action", "composeExtension/query"])),
        "attachments": maybe(st.lists(st.fixed_dictionaries({"contentType": st.text(max_size=10)}), max_size=2)),
        "entities": maybe(st.lists(json_value, max_size=2)),
        "membersAdded": maybe(st.lists(st.fixed_dictionaries({"id": maybe(st.text(max_size=5))}), max_size=3)),
        "deliveryMode": maybe(st.sampled_from(["normal", "expectReplies", "notification"])),
        "channelData": maybe(st.dictionaries(st.text(max_size=8), json_value, max_size=3)),
        "timestamp": maybe(st.sampled_from(["2026-11-28T10:00:00Z", "yesterday", ""])),
        "locale": maybe(st.sampled_from(["en-IE", "ga-IE", ""])),
        "replyToId": maybe(st.text(max_size=10)),
        "unknownField": json_value,
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            body[key] = draw(strategy)
    if draw(st.integers(0, 9)) == 0:
        body.pop(draw(st.sampled_from(["type", "serviceUrl", "conversation", "from"])))
    return body


def _service_url(harness: _Harness) -> str:
    return harness.connector.url


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_activities_never_break_the_endpoint(harness: _Harness, data: st.DataObject) -> None:
    body = data.draw(activities(harness.connector.url))
    status, answer = harness.run(harness.post(json.dumps(body).encode()))
    _assert_sane(status, answer, body.get("type"))


@settings(max_examples=100, deadline=None, database=None)
@given(
    raw=st.one_of(
        st.binary(max_size=500),
        st.text(max_size=300).map(str.encode),
        st.recursive(st.just(b"1"), lambda inner: st.builds(lambda x: b"[" + x + b"]", inner)),
    ),
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", ""]),
)
def test_random_bytes_never_break_the_endpoint(harness: _Harness, raw: bytes, content_type: str) -> None:
    status, answer = harness.run(harness.post(raw, content_type))
    _assert_sane(status, answer)
    assert status in (400, 415) or 200 <= status < 300


def test_still_answering_after_the_random_input(harness: _Harness) -> None:
    before = len(harness.connector.messages())
    status, _ = harness.run(harness.post(json.dumps(act.message(harness.connector.url, "pharmacy")).encode()))
    assert status == 200
    replies = harness.run(harness.connector.wait_for(before + 1))
    assert "094 906 4660" in replies[-1]["text"]
