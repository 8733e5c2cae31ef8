"""Keep token validation off the hot path without weakening it.

- ``ValidatedTokens``: the claims of a fully validated token, remembered per (token,
  channel, serviceUrl) until the token expires. The channel reuses one token for many
  activities (about an hour); decoding it on every request (five times, the SDK's way) was
  the largest cost of an authenticated turn. A token that fails is never cached, and the
  entry ends at the token's own ``exp``.
- ``refresh_signing_keys``: the SDK fetches the issuer's OpenID metadata and keys with a
  blocking ``requests.get`` on the event loop, on the first request and again once they are
  a day old. Asking for them from a worker thread at start-up and every minute (a no-op
  until they are due) keeps that blocking call out of every citizen's turn. Only the SDK's
  public API is used (``JwtTokenExtractor.get_open_id_metadata`` and its ``get``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

log = logging.getLogger(__name__)

CacheKey = tuple[str, str, str]
Claims = dict[str, Any]


class ValidatedTokens:
    """A bounded LRU of successful validations, each valid until its token's expiry."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self._entries: OrderedDict[CacheKey, tuple[float, Claims]] = OrderedDict()
        self._max = max_entries
        self._clock = clock

    def get(self, key: CacheKey) -> Claims | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, claims = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return claims

    def put(self, key: CacheKey, claims: Claims) -> None:
        expires = claims.get("exp")
        if not isinstance(expires, (int, float)) or expires <= self._clock():
            return  # no expiry, no caching
        self._entries[key] = (float(expires), claims)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


_NO_SUCH_KEY = "helpline-prefetch"


def _refresh_blocking(url: str) -> None:
    metadata = JwtTokenExtractor.get_open_id_metadata(url)
    try:
        # ``get`` refetches the metadata and keys when they are a day old (our worker thread
        # pays for the network, on a private loop), then looks for a key id nobody uses.
        asyncio.run(metadata.get(_NO_SUCH_KEY))
    except (IndexError, KeyError):
        pass  # the keys are loaded; ours is not among them, as intended


async def refresh_signing_keys(urls: Iterable[str], every_seconds: float = 60.0) -> None:
    """Load the OpenID metadata and signing keys now, then check every ``every_seconds``
    (no network until the SDK considers them due), so requests never fetch them."""
    unique = list(dict.fromkeys(u for u in urls if u))
    while True:
        for url in unique:
            try:
                await asyncio.to_thread(_refresh_blocking, url)
            except Exception as error:  # keep serving with the keys we have
                log.warning("could not refresh token signing keys from %s: %s", url, error)
        await asyncio.sleep(every_seconds)


def signing_keys_ctx(
    urls: Iterable[str], every_seconds: float = 60.0
) -> Callable[[object], AsyncIterator[None]]:
    """An aiohttp ``cleanup_ctx`` entry running :func:`refresh_signing_keys` for the app's life."""

    async def ctx(app: object) -> AsyncIterator[None]:
        task = asyncio.create_task(refresh_signing_keys(urls, every_seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return ctx
