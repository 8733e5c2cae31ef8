"""A global cap on turns in flight, so a burst of traffic cannot starve the process (the
per-conversation message limit is the core's: ``bot/storage/ratelimit.py``)."""

from __future__ import annotations

import asyncio

from ..waiting import wait_for_event


class TurnGate:
    """Counts inbound activities in flight. ``try_enter`` refuses past ``limit`` and once
    draining (shutdown) has begun; ``drained`` waits for the ones in flight to finish."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self.draining = False
        self._idle = asyncio.Event()
        self._idle.set()

    def try_enter(self) -> bool:
        if self.draining or self.active >= self.limit:
            return False
        self.active += 1
        self._idle.clear()
        return True

    def leave(self) -> None:
        self.active -= 1
        if self.active <= 0:
            self.active = 0
            self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Refuse new turns, then wait up to ``timeout`` s for those in flight. True when
        all finished."""
        self.draining = True
        return await wait_for_event(self._idle, timeout)
