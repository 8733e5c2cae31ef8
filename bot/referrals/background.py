"""The referral feature's background work: the outbox sender and the retention purge, and
staff-card updates that must not delay a citizen's answer. Started and stopped with the app
(``bot/web/app.py``), before the outbound session closes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable

from ..conversation import CardUpdate
from ..storage import ReferralStore
from .delivery import OutboxSender

log = logging.getLogger(__name__)


async def purge_once(
    store: ReferralStore, now: dt.datetime, retention_days: float
) -> tuple[int, int]:
    """Delete referrals closed more than ``retention_days`` before ``now``, and conversation
    state nobody has touched for as long."""
    cutoff = now.timestamp() - retention_days * 86400
    deleted = await store.purge(cutoff, time.time() - retention_days * 86400)
    if any(deleted):
        log.info("retention purge: %d referral(s), %d conversation state(s) deleted", *deleted)
    return deleted


async def purge_loop(
    store: ReferralStore, retention_days: float, interval: float, now: Callable[[], dt.datetime]
) -> None:
    while True:
        try:
            await purge_once(store, now(), retention_days)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("retention purge failed; trying again later")
        await asyncio.sleep(interval)


class Background:
    """Work a turn hands off: wake the outbox, update staff cards (best effort)."""

    def __init__(self, outbox: OutboxSender) -> None:
        self.outbox = outbox
        self._tasks: set[asyncio.Task[None]] = set()

    def wake_outbox(self) -> None:
        self.outbox.wake()

    async def update_cards(self, updates: list[CardUpdate]) -> None:
        """Replace staff cards now (a staff member pressed a button and everyone in the
        channel should see the result at once); failures are logged, not raised."""
        await self.outbox.update_cards(updates)

    async def close(self) -> None:
        """Let card updates in flight finish briefly, then stop them."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2.0)
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
