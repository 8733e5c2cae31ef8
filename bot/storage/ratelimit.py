"""Per-conversation message limits.

With one instance (SQLite) the count lives in memory: a sliding window per conversation,
no database work per message, timed with the monotonic clock. With several instances
(PostgreSQL) they must agree, so the count lives in the ``rate_limits`` table: a fixed window
per conversation, one upsert per message, timed with the wall clock. Instances on different
machines agree (within NTP's error) on the wall clock; their monotonic clocks count from each
machine's boot and are days apart, so a window one instance opened would never end, or
always have ended, for another.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .db import Connection, Database


class Decision(enum.Enum):
    ALLOW = "allow"
    LIMITED_NOTIFY = "limited_notify"  # over the limit: tell the citizen (once per window)
    LIMITED_SILENT = "limited_silent"  # over the limit and already told


class RateLimits(Protocol):
    limit: int
    window: float

    async def hit(self, key: str, now: float | None = None) -> Decision:
        """Count one message for ``key`` and say what to do with it. ``now`` (seconds, on
        the limiter's own clock) is for tests; the limiter reads its clock otherwise."""


@dataclass(slots=True)
class _Window:
    times: deque[float]
    notified_at: float = float("-inf")


@dataclass
class MemoryRateLimits:
    """At most ``limit`` messages per ``window`` seconds per key (a sliding window).

    Memory is bounded by the conversations active in the last window: idle keys are
    dropped at most once per window, so the cost is spread over many calls."""

    limit: int = 20
    window: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _keys: dict[str, _Window] = field(default_factory=dict)
    _pruned_at: float = 0.0

    async def hit(self, key: str, now: float | None = None) -> Decision:
        return self.check(key, self.clock() if now is None else now)

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


def _hit(conn: Connection, key: str, now: float, limit: int, window: float) -> Decision:
    with conn.transaction(durable=False):
        row = conn.one(
            "INSERT INTO rate_limits (key, window_start, count, notified_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.count + 1 END,"
            " window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start"
            " ELSE rate_limits.window_start END"
            " RETURNING window_start, count, notified_at",
            (key, now, -1.0, now - window, now - window),
        )
        assert row is not None
        if int(row["count"]) <= limit:
            return Decision.ALLOW
        if float(row["notified_at"]) < float(row["window_start"]):
            conn.execute("UPDATE rate_limits SET notified_at = ? WHERE key = ?", (now, key))
            return Decision.LIMITED_NOTIFY
        return Decision.LIMITED_SILENT


def _prune(conn: Connection, before: float) -> int:
    with conn.transaction(durable=False):
        return conn.execute("DELETE FROM rate_limits WHERE window_start < ?", (before,))


class SharedRateLimits:
    """The limit shared by every instance on one database (a fixed window per key), timed
    with the wall clock every instance agrees on."""

    def __init__(
        self,
        db: Database,
        limit: int = 20,
        window: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.limit = limit
        self.window = window
        self.clock = clock
        self._pruned_at = 0.0

    async def hit(self, key: str, now: float | None = None) -> Decision:
        if now is None:
            now = self.clock()
        if now - self._pruned_at >= 60 * self.window:
            self._pruned_at = now
            await self.db.call(lambda c: _prune(c, now - 2 * self.window))
        return await self.db.call(lambda c: _hit(c, key, now, self.limit, self.window))
