"""The bot's own token for calls to the channel's connector, as its configured identity.

Replies are sent as the bot's app id (``MicrosoftAppId``) with the scope the channel
expects, whatever the shape of the inbound token: Bot Connector tokens carry the app id
only in ``aud`` (no ``appid``/``azp``), so an identity derived from the inbound claims
would send replies with no ``Authorization`` at all and Teams would refuse them.

- ``SingleTenant``: client credentials against the tenant's authority;
- ``MultiTenant``: client credentials against ``botframework.com``;
- ``UserAssignedMSI``: the managed identity (no secret).

MSAL is used directly so that ``ValidateAuthority=false`` reaches it (with instance
discovery off), which a private cloud or a local test authority needs; the SDK's own
credential classes do not pass it on. Tokens are cached and refreshed in the background
before they expire, so only the very first send waits for one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import msal
import requests

from config.channel import ChannelEndpoints
from config.settings import Settings

log = logging.getLogger(__name__)

# Refresh a cached token this long before it expires.
_TOKEN_MARGIN_SECONDS = 300.0
# From this long before expiry, a background task fetches the next token.
_REFRESH_AHEAD_SECONDS = 900.0


class TokenUnavailable(RuntimeError):
    """The identity provider did not give the bot a token (the reply cannot be sent)."""


class TokenSource(Protocol):
    """Gets a new access token (blocking; called from a worker thread)."""

    def acquire(self) -> tuple[str, float]:
        """``(access_token, seconds_until_expiry)``."""


def _scope(endpoints: ChannelEndpoints) -> str:
    scope = endpoints.oauth_scope.rstrip("/")
    return scope if scope.endswith("/.default") else scope + "/.default"


class ClientSecretSource:
    """Client credentials (app id and secret) with MSAL's confidential client. MSAL looks
    up the authority over the network when the client is built, so that happens on the
    first acquisition (in a worker thread), not at start-up."""

    def __init__(self, app_id: str, secret: str, authority: str, endpoints: ChannelEndpoints) -> None:
        self.app_id = app_id
        self.authority = authority
        self.scope = _scope(endpoints)
        self._secret = secret
        self._validate = endpoints.validate_authority
        self._app: msal.ConfidentialClientApplication | None = None

    def acquire(self) -> tuple[str, float]:
        if self._app is None:
            self._app = msal.ConfidentialClientApplication(
                self.app_id,
                client_credential=self._secret,
                authority=self.authority,
                validate_authority=self._validate,
                instance_discovery=self._validate,
                http_client=requests.Session(),
            )
        return _token(self._app.acquire_token_for_client(scopes=[self.scope]))


class ManagedIdentitySource:
    """A user-assigned managed identity (Azure App Service, Container Apps ...)."""

    def __init__(self, client_id: str, endpoints: ChannelEndpoints) -> None:
        self.client_id = client_id
        self.resource = endpoints.oauth_scope.rstrip("/").removesuffix("/.default")
        self._app: msal.ManagedIdentityClient | None = None

    def acquire(self) -> tuple[str, float]:
        if self._app is None:
            self._app = msal.ManagedIdentityClient(
                msal.UserAssignedManagedIdentity(client_id=self.client_id),
                http_client=requests.Session(),
            )
        return _token(self._app.acquire_token_for_client(resource=self.resource))


def _token(result: dict[str, object]) -> tuple[str, float]:
    token = result.get("access_token")
    if not isinstance(token, str) or not token:
        # MSAL's error fields name the problem (invalid_client, ...); never the secret.
        raise TokenUnavailable(f"{result.get('error', 'no token')}: {result.get('error_description', '')}"[:300])
    expires_in = result.get("expires_in")
    return token, float(expires_in) if isinstance(expires_in, (int, float)) else 3600.0


def token_source(settings: Settings) -> TokenSource | None:
    """The bot's identity from its settings (None: local mode, no authentication)."""
    if not settings.auth_enabled:
        return None
    endpoints = settings.channel
    if settings.app_type == "UserAssignedMSI":
        return ManagedIdentitySource(settings.app_id, endpoints)
    authority = endpoints.login_url
    if settings.app_type == "SingleTenant" and not endpoints.login_url_set:
        authority = endpoints.login_url_prefix + settings.tenant_id
    return ClientSecretSource(settings.app_id, settings.app_password, authority, endpoints)


@dataclass(slots=True)
class _Cached:
    value: str
    expires_at: float


class OutboundTokens:
    """The ``Authorization`` header for outbound calls, cached and refreshed ahead.

    Acquisition (MSAL, blocking HTTP) runs in a worker thread, one at a time. From
    ``_REFRESH_AHEAD_SECONDS`` before expiry the cached token is still returned while a
    background task fetches the next one; a failed refresh keeps the valid token."""

    def __init__(self, source: TokenSource | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._clock = clock
        self._cached: _Cached | None = None
        self._lock = asyncio.Lock()
        self._refreshing: asyncio.Task[str] | None = None

    async def authorization(self) -> str | None:
        if self._source is None:
            return None
        cached = self._cached
        now = self._clock()
        if cached and cached.expires_at - _TOKEN_MARGIN_SECONDS > now:
            if cached.expires_at - _REFRESH_AHEAD_SECONDS <= now and self._refreshing is None:
                self._refreshing = asyncio.create_task(self._fetch(cached))
                self._refreshing.add_done_callback(self._refreshed)
            return cached.value
        return await self._fetch(cached)

    def _refreshed(self, task: asyncio.Task[str]) -> None:
        self._refreshing = None
        if not task.cancelled() and task.exception() is not None:
            log.warning("outbound token refresh failed: %s", type(task.exception()).__name__)

    async def _fetch(self, seen: _Cached | None) -> str:
        assert self._source is not None
        async with self._lock:
            cached = self._cached
            if cached is not None and cached is not seen:
                return cached.value  # fetched meanwhile by another caller
            try:
                token, expires_in = await asyncio.to_thread(self._source.acquire)
            except Exception as error:
                if cached and cached.expires_at - _TOKEN_MARGIN_SECONDS > self._clock():
                    log.warning(
                        "outbound token refresh failed (%s); using the current one",
                        type(error).__name__,
                    )
                    return cached.value
                raise
            value = f"Bearer {token}"
            self._cached = _Cached(value, self._clock() + expires_in)
            return value
