"""Reading an inbound activity from an HTTP request: every way it can be wrong gets a
specific 4xx status and a short reason, and nothing is read that is not needed.

The whole body must arrive within a deadline (``BODY_READ_TIMEOUT_SECONDS``, 408 after it),
and it is read before the request takes a turn slot: a caller who trickles a body holds
nothing but its own connection (issue 12, point 3)."""

from __future__ import annotations

import asyncio
import functools
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

# The Bot Connector's own limit for one activity.
MAX_BODY_BYTES = 256 * 1024
# Deepest nesting of objects and arrays accepted. Real activities (Adaptive Cards
# included) stay far below this; much deeper input only costs recursion further on.
MAX_DEPTH = 64
_TOO_LARGE = f"body is larger than {MAX_BODY_BYTES // 1024} KB"


class BadRequest(Exception):
    """The request cannot be processed; ``status`` and ``reason`` go back to the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Request:
    """An activity's JSON object (checked by :func:`parse_activity_json`) and its
    Authorization header."""

    body: dict[str, Any]
    auth_header: str | None


def _require(body: dict[str, Any], path: str) -> Any:
    value: Any = body
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if value in (None, "", {}):
        raise BadRequest(400, f"activity is missing {path}")
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests objects/arrays more than ``limit`` deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False


def parse_activity_json(raw: bytes) -> dict[str, Any]:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, "body is not valid UTF-8") from None
    try:
        body = json.loads(decoded)
    except RecursionError:
        raise BadRequest(400, "body is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise BadRequest(400, f"body is not valid JSON (line {error.lineno})") from None
    except ValueError:  # e.g. an integer with more digits than Python converts
        raise BadRequest(400, "body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest(400, "body must be a JSON object (an activity)")
    # Counting brackets runs at C speed; walk the tree only when there are many of them.
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and _depth_exceeds(body, MAX_DEPTH):
        raise BadRequest(400, "body is nested too deeply")
    activity_type = _require(body, "type")
    if not isinstance(activity_type, str):
        raise BadRequest(400, "activity type must be a string")
    conversation_id = _require(body, "conversation.id")
    if not isinstance(conversation_id, str):
        raise BadRequest(400, "conversation.id must be a string")
    service_url = _require(body, "serviceUrl")
    if not isinstance(service_url, str) or not _is_http_url(service_url):
        raise BadRequest(400, "serviceUrl must be an http or https URL")
    sender = _require(body, "from")
    if not isinstance(sender, dict):
        raise BadRequest(400, "from must be an object")
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise BadRequest(400, "text must be a string")
    return body


@functools.lru_cache(maxsize=256)  # a channel has a handful of service URLs
def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused with 413 as soon as it is known to be over ``limit``:
    from Content-Length before reading anything, or while reading a chunked body."""
    if request.content_length is not None and request.content_length > limit:
        raise BadRequest(413, _TOO_LARGE)
    if request.content_length == 0:
        return b""
    if request.content_length is not None:
        try:
            return await request.content.readexactly(request.content_length)
        except asyncio.IncompleteReadError:
            raise BadRequest(400, "body is shorter than its Content-Length") from None
    chunks = bytearray()
    async for chunk in request.content.iter_any():
        chunks += chunk
        if len(chunks) > limit:
            raise BadRequest(413, _TOO_LARGE)
    return bytes(chunks)


async def read_body_within(
    request: web.Request, deadline: float | None, limit: int = MAX_BODY_BYTES
) -> bytes:
    """:func:`read_body`, refused with 408 when the body has not all arrived within
    ``deadline`` seconds (None: no deadline). The caller's connection is closed after the
    answer (aiohttp stops reading an unread body after its lingering time and closes)."""
    if deadline is None or request.content.is_eof():
        # No deadline, or the whole body has arrived already (most activities come in the
        # packets that carry their headers): nothing to wait for, nothing to time.
        return await read_body(request, limit)
    try:
        async with asyncio.timeout(deadline):
            return await read_body(request, limit)
    except TimeoutError:
        raise BadRequest(408, f"body not received within {deadline:g} s") from None


async def read_request(request: web.Request, deadline: float | None) -> Request:
    """The activity and its Authorization header. The whole body must arrive within
    ``deadline`` seconds (408 otherwise), so a connection trickling a large body holds
    nothing for long; this runs before the request takes a turn slot."""
    if request.content_type != "application/json":
        raise BadRequest(415, "Content-Type must be application/json")
    raw = await read_body_within(request, deadline)
    body = parse_activity_json(raw)
    return Request(body, request.headers.get("Authorization") or None)
