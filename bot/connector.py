"""Outbound calls to the channel's connector service over one pooled aiohttp session.

The SDK builds a new msrest ``ConnectorClient`` (and a ``requests`` session run in a thread
pool) for every incoming activity. Here one ``ClientSession`` with keep-alive serves every
conversation, and bearer tokens are cached per app id and audience.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from botframework.connector.auth import ServiceClientCredentialsFactory

log = logging.getLogger(__name__)

# Refresh a cached token this long before it expires.
_TOKEN_MARGIN_SECONDS = 300.0
# Tokens from Microsoft Entra ID last an hour; the SDK does not tell us the exact expiry.
_TOKEN_LIFETIME_SECONDS = 3600.0


class ConnectorError(Exception):
    """The connector service refused or failed a call. ``status`` is the HTTP status (0 when
    no answer came back)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"connector answered {status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class _CachedToken:
    value: str
    expires_at: float


class OutboundTokens:
    """Bearer tokens for calls to the connector, cached per (app id, audience).

    Acquisition (MSAL, blocking HTTP) runs in a worker thread, once per key at a time.
    """

    def __init__(
        self,
        credentials_factory: ServiceClientCredentialsFactory,
        login_endpoint: str,
        validate_authority: bool,
    ) -> None:
        self._factory = credentials_factory
        self._login_endpoint = login_endpoint
        self._validate_authority = validate_authority
        self._cache: dict[tuple[str, str], _CachedToken] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def authorization(self, app_id: str | None, audience: str) -> str | None:
        """The ``Authorization`` header value, or None when authentication is off."""
        if not app_id:
            return None
        key = (app_id, audience)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached and cached.expires_at - _TOKEN_MARGIN_SECONDS > now:
            return cached.value
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._cache.get(key)
            if cached and cached.expires_at - _TOKEN_MARGIN_SECONDS > time.monotonic():
                return cached.value
            credentials = await self._factory.create_credentials(
                app_id, audience, self._login_endpoint, self._validate_authority
            )
            token = await asyncio.to_thread(credentials.get_access_token)
            if not token:
                return None
            value = f"Bearer {token}"
            self._cache[key] = _CachedToken(value, time.monotonic() + _TOKEN_LIFETIME_SECONDS)
            return value


def activities_url(service_url: str, conversation_id: str, activity_id: str | None = None) -> str:
    base = f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}"
    if activity_id:
        return f"{base}/activities/{quote(activity_id, safe='')}"
    return f"{base}/activities"


class ConnectorSender:
    """Sends, updates and deletes activities through the connector's REST API."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        tokens: OutboundTokens,
        timeout: float = 10.0,
    ) -> None:
        self._session = session
        self._tokens = tokens
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _call(
        self,
        method: str,
        url: str,
        app_id: str | None,
        audience: str,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        headers = {}
        authorization = await self._tokens.authorization(app_id, audience)
        if authorization:
            headers["Authorization"] = authorization
        try:
            async with self._session.request(
                method, url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise ConnectorError(response.status, response.reason or "error")
                if response.content_type == "application/json":
                    data = await response.json()
                    return data if isinstance(data, dict) else {}
                await response.read()
                return {}
        except asyncio.TimeoutError:
            raise ConnectorError(0, "timed out") from None
        except aiohttp.ClientError as error:
            raise ConnectorError(0, type(error).__name__) from None

    async def send(
        self,
        service_url: str,
        conversation_id: str,
        activity: dict[str, Any],
        *,
        reply_to_id: str | None,
        app_id: str | None,
        audience: str,
    ) -> str:
        """Post an activity (as a reply when ``reply_to_id``); returns the new activity id."""
        url = activities_url(service_url, conversation_id, reply_to_id)
        data = await self._call("POST", url, app_id, audience, activity)
        return str(data.get("id") or "")

    async def update(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        activity: dict[str, Any],
        *,
        app_id: str | None,
        audience: str,
    ) -> str:
        url = activities_url(service_url, conversation_id, activity_id)
        data = await self._call("PUT", url, app_id, audience, activity)
        return str(data.get("id") or activity_id)

    async def delete(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        *,
        app_id: str | None,
        audience: str,
    ) -> None:
        url = activities_url(service_url, conversation_id, activity_id)
        await self._call("DELETE", url, app_id, audience)
