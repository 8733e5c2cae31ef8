"""Live chat's work over time: check waiting chats (nobody took one in time: the call-back
is offered; the card's waiting minutes) and delete chats past the retention period.
Started and stopped with the app (``bot/web/app.py``)."""

from __future__ import annotations

import asyncio
import logging
import time

from .service import Handoff

log = logging.getLogger(__name__)


async def handoff_loop(
    handoff: Handoff, every: float, retention_days: float, purge_interval: float
) -> None:
    purged_at = float("-inf")
    while True:
        try:
            await handoff.tick()
            if time.monotonic() - purged_at >= purge_interval:
                purged_at = time.monotonic()
                await handoff.purge(retention_days)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live chat: checking waiting chats failed; trying again shortly")
        await asyncio.sleep(every)
