"""Keep token validation off the hot path without weakening it.

- ``ValidatedTokens``: the result of a full validation, remembered per (token, channel,
  serviceUrl) until the token expires. The channel reuses one token for many activities
  (about an hour); PyJWT's per-character base64 check made decoding it five times per
  request (the SDK's way) the largest cost of an authenticated turn. A token that fails is
  never cached, and the entry ends at the token's own ``exp``.
- ``refresh_signing_keys``: the SDK fetches the issuer's OpenID metadata and keys with a
  blocking ``requests.get`` inside the event loop, on the first request and again daily.
  Fetching them in a worker thread at start-up and then every few hours keeps that
  blocking call out of every citizen's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable

from botframework.connector.auth import AuthenticateRequestResult
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

log = logging.getLogger(__name__)

CacheKey = tuple[str, str, str]


class ValidatedTokens:
    """A bounded LRU of successful validations, each valid until its token's expiry."""

    def __init__(self, max_entries: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        self._entries: OrderedDict[CacheKey, tuple[float, AuthenticateRequestResult]] = (
            OrderedDict()
        )
        self._max = max_entries
        self._clock = clock

    def get(self, key: CacheKey) -> AuthenticateRequestResult | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, result = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return result

    def put(self, key: CacheKey, result: AuthenticateRequestResult) -> None:
        claims = result.claims_identity.claims if result.claims_identity else {}
        expires = claims.get("exp")
        if not isinstance(expires, (int, float)) or expires <= self._clock():
            return  # no expiry, no caching
        self._entries[key] = (float(expires), result)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def _refresh_blocking(url: str) -> None:
    metadata = JwtTokenExtractor.get_open_id_metadata(url)
    # The SDK's _refresh is a coroutine that blocks on requests.get; run it on a private
    # loop in this worker thread so the server's loop never waits for the network.
    asyncio.run(metadata._refresh())  # noqa: SLF001 (SDK frozen at 4.17.1)


async def refresh_signing_keys(urls: Iterable[str], every_seconds: float = 6 * 3600) -> None:
    """Fetch the OpenID metadata and signing keys now and then every ``every_seconds``
    (the SDK itself would refetch inside a request once they are a day old)."""
    unique = list(dict.fromkeys(u for u in urls if u))
    while True:
        for url in unique:
            try:
                await asyncio.to_thread(_refresh_blocking, url)
            except Exception as error:  # keep serving with the keys we have
                log.warning("could not refresh token signing keys from %s: %s", url, error)
        await asyncio.sleep(every_seconds)


def signing_keys_ctx(
    urls: Iterable[str], every_seconds: float = 6 * 3600
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
