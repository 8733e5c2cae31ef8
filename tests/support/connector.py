"""A real local HTTP stand-in for the channel's connector service.

It records every call the bot makes (``POST /v3/conversations/{id}/activities[/{replyToId}]``,
``PUT``/``DELETE`` on an activity, and ``POST /v3/conversations``, which in Teams opens a new
thread in a channel: recorded as method ``CREATE``) so tests can assert on what a citizen
would receive, and when (``at``, the monotonic clock).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class ConnectorCall:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    headers: dict[str, str]
    peer: tuple[Any, ...] | None = None  # the bot's end of the TCP connection
    at: float = field(default_factory=time.monotonic)


# A behaviour decides the response for one call; None means "answer normally".
Behaviour = Callable[[ConnectorCall], Awaitable[web.Response | None]]


@dataclass
class ConnectorStandIn:
    calls: list[ConnectorCall] = field(default_factory=list)
    behaviour: Behaviour | None = None
    _server: TestServer | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_route("*", "/v3/conversations/{cid}/activities", self._handle)
        app.router.add_route("*", "/v3/conversations/{cid}/activities/{aid}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        call = ConnectorCall(
            method=request.method,
            conversation_id=request.match_info["cid"],
            activity_id=request.match_info.get("aid"),
            body=body,
            headers=dict(request.headers),
            peer=request.transport.get_extra_info("peername") if request.transport else None,
        )
        if self.behaviour is not None:
            response = await self.behaviour(call)
            if response is not None:
                return response
        self.calls.append(call)
        self._arrived.set()
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    async def _create(self, request: web.Request) -> web.Response:
        """A new conversation; in Teams, with ``isGroup`` and ``channelData.channel.id``, a
        new thread in that channel: ``{channel};messageid={root}``."""
        body = await request.json()
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id", "")
        call = ConnectorCall(
            method="CREATE",
            conversation_id=channel,
            activity_id=None,
            body=body,
            headers=dict(request.headers),
        )
        if self.behaviour is not None:
            response = await self.behaviour(call)
            if response is not None:
                return response
        root = str(next(self._ids) + 1_800_000_000_000)
        call.activity_id = root
        self.calls.append(call)
        self._arrived.set()
        return web.json_response({"id": f"{channel};messageid={root}", "activityId": root}, status=201)

    def threads(self) -> list[ConnectorCall]:
        """The threads opened in channels (``POST /v3/conversations``), in order; each call's
        ``activity_id`` is the thread's first message, ``body["activity"]`` that message."""
        return [c for c in self.calls if c.method == "CREATE"]

    def messages(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        """Bodies of the activities posted (optionally to one conversation), in order."""
        return [
            c.body
            for c in self.calls
            if c.method == "POST" and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until at least ``count`` activities were posted; return all posted bodies."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.messages()) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"expected {count} activities at the connector, got {len(self.messages())}"
                )
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.messages()
