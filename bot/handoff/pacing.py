"""Teams' limits per bot per conversation, kept before each send.

Microsoft documents, per bot and conversation (a personal chat, a group chat or a channel
thread): 7 messages a second, 8 in 2 seconds, 60 in 30 seconds and 1,800 an hour. A burst
past them gets 429 answers; here a send simply waits for its turn. The outbox asks
:meth:`Pacer.wait` before every send to a conversation and calls :meth:`Pacer.pause` when
Teams answered 429 with Retry-After anyway (another bot in the same conversation, or
another instance's sends before a hand-over of the target).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

# (seconds, messages): at most that many sends in any window that long.
TEAMS_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
# Teams counts when a message arrives, not when it left: each window is kept this much
# longer, so network jitter cannot squeeze one send too many into it.
MARGIN = 0.1


class Pacer:
    """Sliding windows of send times per key (a conversation id)."""

    def __init__(
        self,
        limits: Sequence[tuple[float, int]] = TEAMS_LIMITS,
        *,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = tuple(sorted((w + margin, n) for w, n in limits))
        self._longest = max((w for w, _ in self.limits), default=0.0)
        self._most = max((n for _, n in self.limits), default=0)
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._paused: dict[str, float] = {}

    def delay(self, key: str) -> float:
        """Seconds until one more send to ``key`` keeps every limit (0: now)."""
        now = self._clock()
        wait = max(0.0, self._paused.get(key, 0.0) - now)
        times = self._sent.get(key)
        if times:
            while times and now - times[0] >= self._longest:
                times.popleft()
            for window, count in self.limits:
                recent = [t for t in times if now - t < window]
                if len(recent) >= count:
                    # The oldest of the last ``count`` sends must leave the window first.
                    wait = max(wait, recent[-count] + window - now)
        return wait

    async def wait(self, *keys: str) -> None:
        """Wait until a send to every one of ``keys`` keeps the limits, then count it."""
        while True:
            delay = max((self.delay(k) for k in keys), default=0.0)
            if delay <= 0:
                now = self._clock()
                for key in keys:
                    self._sent.setdefault(key, deque(maxlen=self._most)).append(now)
                return
            await self._sleep(delay)

    def pause(self, key: str, seconds: float) -> None:
        """Teams said to wait (429 Retry-After): no send to ``key`` before then."""
        until = self._clock() + max(0.0, seconds)
        self._paused[key] = max(self._paused.get(key, 0.0), until)

    def forget_idle(self) -> None:
        """Drop keys with no send in the longest window (bounded memory)."""
        now = self._clock()
        for key in [k for k, t in self._sent.items() if not t or now - t[-1] >= self._longest]:
            del self._sent[key]
        for key in [k for k, until in self._paused.items() if until <= now]:
            del self._paused[key]

    def __len__(self) -> int:
        return len(self._sent)
