"""Outbound tokens: fetched once, refreshed in the background before they expire, and a
citizen's turn never waits for a refresh. The credential is an edge fake (no Entra ID here)."""

from __future__ import annotations

import asyncio
from typing import Any

from botframework.connector.auth import PasswordServiceClientCredentialFactory

from bot.connector import OutboundTokens


class _Credential:
    def __init__(self, factory: "_Factory") -> None:
        self._factory = factory

    def get_access_token(self, force_refresh: bool = False) -> str:
        self._factory.fetches += 1
        if self._factory.fail:
            raise RuntimeError("token endpoint down")
        return f"token-{self._factory.fetches}"


class _Factory(PasswordServiceClientCredentialFactory):
    def __init__(self) -> None:
        super().__init__("app", "secret")
        self.fetches = 0
        self.fail = False

    async def create_credentials(self, *args: Any) -> _Credential:  # type: ignore[override]
        return _Credential(self)


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_token_is_cached_then_refreshed_ahead_in_the_background() -> None:
    now = [0.0]
    factory = _Factory()
    tokens = OutboundTokens(factory, "https://login.example/", True, clock=lambda: now[0])
    assert await tokens.authorization("app", "aud") == "Bearer token-1"
    assert await tokens.authorization("app", "aud") == "Bearer token-1"
    assert factory.fetches == 1

    now[0] = 3600 - 600  # ten minutes before expiry: still served, refreshed behind the scenes
    assert await tokens.authorization("app", "aud") == "Bearer token-1"
    await _settle()
    assert factory.fetches == 2
    assert await tokens.authorization("app", "aud") == "Bearer token-2"


async def test_failed_background_refresh_keeps_the_valid_token() -> None:
    now = [0.0]
    factory = _Factory()
    tokens = OutboundTokens(factory, "https://login.example/", True, clock=lambda: now[0])
    await tokens.authorization("app", "aud")
    factory.fail = True
    now[0] = 3600 - 600
    assert await tokens.authorization("app", "aud") == "Bearer token-1"
    await _settle()
    assert await tokens.authorization("app", "aud") == "Bearer token-1"


async def test_no_token_without_an_app_id() -> None:
    factory = _Factory()
    tokens = OutboundTokens(factory, "https://login.example/", True)
    assert await tokens.authorization(None, "aud") is None
    assert factory.fetches == 0
