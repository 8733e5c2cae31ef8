"""Outbound tokens: fetched once, refreshed in the background before they expire, and a
citizen's turn never waits for a refresh. The token source is an edge fake (no Entra ID
here; tests/e2e/test_auth_end_to_end.py gets real tokens from a local token endpoint)."""

from __future__ import annotations

import asyncio

from bot.botframework.credentials import OutboundTokens


class _Source:
    def __init__(self) -> None:
        self.fetches = 0
        self.fail = False

    def acquire(self) -> tuple[str, float]:
        self.fetches += 1
        if self.fail:
            raise RuntimeError("token endpoint down")
        return f"token-{self.fetches}", 3600.0


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_token_is_cached_then_refreshed_ahead_in_the_background() -> None:
    now = [0.0]
    source = _Source()
    tokens = OutboundTokens(source, clock=lambda: now[0])
    assert await tokens.authorization() == "Bearer token-1"
    assert await tokens.authorization() == "Bearer token-1"
    assert source.fetches == 1

    now[0] = 3600 - 600  # ten minutes before expiry: still served, refreshed behind the scenes
    assert await tokens.authorization() == "Bearer token-1"
    await _settle()
    assert source.fetches == 2
    assert await tokens.authorization() == "Bearer token-2"


async def test_failed_background_refresh_keeps_the_valid_token() -> None:
    now = [0.0]
    source = _Source()
    tokens = OutboundTokens(source, clock=lambda: now[0])
    await tokens.authorization()
    source.fail = True
    now[0] = 3600 - 600
    assert await tokens.authorization() == "Bearer token-1"
    await _settle()
    assert await tokens.authorization() == "Bearer token-1"


async def test_no_token_in_local_mode() -> None:
    tokens = OutboundTokens(None)
    assert await tokens.authorization() is None
