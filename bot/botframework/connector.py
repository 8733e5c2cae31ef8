"""Outbound calls to the channel's connector service over one pooled aiohttp session.

The SDK builds a new msrest ``ConnectorClient`` (and a ``requests`` session run in a thread
pool) for every incoming activity. Here one ``ClientSession`` with keep-alive serves every
conversation, and bearer tokens are cached per app id and audience.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import re
import time
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

from .credentials import OutboundTokens

log = logging.getLogger(__name__)

# Answers worth another try: the connector is overloaded or briefly broken.
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class ConnectorError(Exception):
    """The connector service refused or failed a call. ``status`` is the HTTP status (0 when
    no answer came back); ``kind`` is a short word for logs and metrics; ``retry_after`` is
    the connector's Retry-After in seconds, when it sent one."""

    def __init__(
        self, status: int, reason: str, *, kind: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(f"connector answered {status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason
        self.kind = kind or (f"http_{status}" if status else "connection")
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        if self.status == 0:
            return self.kind in ("timeout", "connection")
        return self.status in _RETRY_STATUSES


class OutboundObserver(Protocol):
    """Told about failed calls only (nothing is called on the success path)."""

    def outbound_retry(self, kind: str) -> None: ...

    def outbound_failure(self, kind: str) -> None: ...


class _NoObserver:
    def outbound_retry(self, kind: str) -> None:
        pass

    def outbound_failure(self, kind: str) -> None:
        pass


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) in seconds from now; None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _kind(status: int) -> str:
    if status == 429:
        return "http_429"
    if status >= 500:
        return "http_5xx"
    return "http_4xx"


# Characters ``quote(..., safe="")`` leaves as they are: most ids need no quoting at all.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _segment(value: str) -> str:
    return value if _UNRESERVED.fullmatch(value) else quote(value, safe="")


def activities_url(service_url: str, conversation_id: str, activity_id: str | None = None) -> str:
    base = f"{service_url.rstrip('/')}/v3/conversations/{_segment(conversation_id)}"
    if activity_id:
        return f"{base}/activities/{_segment(activity_id)}"
    return f"{base}/activities"


class ConnectorSender:
    """Sends, updates and deletes activities through the connector's REST API.

    Each try has its own timeout. A try that times out, cannot connect, or gets 408, 429 or
    5xx is retried, up to ``attempts`` tries in all, after a random wait ("full jitter")
    of up to ``backoff * 2**(try - 1)`` seconds, or the connector's Retry-After, never
    more than ``backoff_max``. Other 4xx answers are not retried. A call that fails for good
    raises ConnectorError, logged and reported to ``observer``.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        tokens: OutboundTokens,
        timeout: float = 10.0,
        *,
        attempts: int = 3,
        backoff: float = 0.25,
        backoff_max: float = 4.0,
        observer: OutboundObserver | None = None,
    ) -> None:
        self._session = session
        self._tokens = tokens
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._backoff_max = backoff_max
        self._observer: OutboundObserver = observer or _NoObserver()

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._backoff_max)
        return random.uniform(0.0, min(self._backoff_max, self._backoff * 2 ** (attempt - 1)))

    async def _call(self, method: str, url: str, body: bytes | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        authorization = await self._tokens.authorization()
        if authorization:
            headers["Authorization"] = authorization
        attempt = 1
        while True:
            try:
                return await self._try(method, url, headers, body)
            except ConnectorError as error:
                if not error.retryable or attempt >= self._attempts:
                    self._observer.outbound_failure(error.kind)
                    log.warning(
                        "connector %s failed after %d tr%s: %s",
                        method,
                        attempt,
                        "y" if attempt == 1 else "ies",
                        error.kind,
                    )
                    raise
                self._observer.outbound_retry(error.kind)
                delay = self._delay(attempt, error.retry_after)
                log.info(
                    "connector %s failed (%s); try %d of %d in %.2f s",
                    method,
                    error.kind,
                    attempt + 1,
                    self._attempts,
                    delay,
                )
                await asyncio.sleep(delay)
                attempt += 1

    async def _try(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> dict[str, Any]:
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    await response.read()  # free the connection for reuse
                    raise ConnectorError(
                        response.status,
                        response.reason or "error",
                        kind=_kind(response.status),
                        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
                    )
                # The body is the new activity's id ({"id": ...}) or nothing; parsed directly,
                # without aiohttp's content-type and charset negotiation.
                raw = await response.read()
                data = json.loads(raw) if raw[:1] == b"{" else None
                return data if isinstance(data, dict) else {}
        except asyncio.TimeoutError:
            raise ConnectorError(0, "timed out", kind="timeout") from None
        except aiohttp.ClientConnectionError as error:
            raise ConnectorError(0, type(error).__name__, kind="connection") from None
        except aiohttp.ClientError as error:
            raise ConnectorError(0, type(error).__name__, kind="client_error") from None
        except ValueError:  # a 2xx whose JSON body is broken: the call itself went through
            return {}

    async def send(
        self,
        service_url: str,
        conversation_id: str,
        activity: bytes,
        *,
        reply_to_id: str | None = None,
    ) -> str:
        """Post an activity (as a reply when ``reply_to_id``); returns the new activity id."""
        url = activities_url(service_url, conversation_id, reply_to_id)
        data = await self._call("POST", url, activity)
        return str(data.get("id") or "")

    async def create_conversation(self, service_url: str, body: bytes) -> dict[str, Any]:
        """``POST {serviceUrl}/v3/conversations``: a new conversation, or in Teams a new
        thread in a channel (``isGroup`` with ``channelData.channel.id``). Returns the
        answer: ``id`` (the new conversation's id) and ``activityId`` (its first message)."""
        url = f"{service_url.rstrip('/')}/v3/conversations"
        return await self._call("POST", url, body)

    async def update(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        activity: bytes,
    ) -> str:
        url = activities_url(service_url, conversation_id, activity_id)
        data = await self._call("PUT", url, activity)
        return str(data.get("id") or activity_id)

    async def delete(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
    ) -> None:
        url = activities_url(service_url, conversation_id, activity_id)
        await self._call("DELETE", url)
