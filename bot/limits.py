"""Limits that keep one conversation, or a burst of traffic, from starving everyone else:
a per-conversation message rate limit and a global cap on turns in flight."""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from dataclasses import dataclass, field

class Decision(enum.Enum):
    ALLOW = "allow"
    LIMITED_NOTIFY = "limited_notify"  # over the limit: tell the citizen (once per window)
    LIMITED_SILENT = "limited_silent"  # over the limit and already told


@dataclass(slots=True)
class _Window:
    times: deque[float]
    notified_at: float = float("-inf")


@dataclass
class RateLimiter:
    """At most ``limit`` messages per ``window`` seconds per key (a sliding window).

    Memory is bounded by the conversations active in the last window: idle keys are
    dropped at most once per window, so the cost is spread over many calls."""

    limit: int = 20
    window: float = 10.0
    _keys: dict[str, _Window] = field(default_factory=dict)
    _pruned_at: float = 0.0

    def check(self, key: str, now: float) -> Decision:
        if now - self._pruned_at >= self.window:
            self._prune(now)
        entry = self._keys.get(key)
        if entry is None:
            entry = self._keys[key] = _Window(deque(maxlen=self.limit))
        times = entry.times
        if len(times) < self.limit or now - times[0] >= self.window:
            times.append(now)
            return Decision.ALLOW
        if now - entry.notified_at >= self.window:
            entry.notified_at = now
            return Decision.LIMITED_NOTIFY
        return Decision.LIMITED_SILENT

    def _prune(self, now: float) -> None:
        self._pruned_at = now
        stale = [
            k
            for k, w in self._keys.items()
            if (not w.times or now - w.times[-1] >= self.window)
            and now - w.notified_at >= self.window
        ]
        for key in stale:
            del self._keys[key]

    def __len__(self) -> int:
        return len(self._keys)


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
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True
