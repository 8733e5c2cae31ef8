"""What citizens asked, for the staff page: one row per turn (the Numbers view) and the
messages the bot did not understand (the Not understood view).

Nothing here names a citizen: a conversation is kept as a hash of its key (so "delete my
details" can find its rows), and a message's text is masked before it is stored (phone
numbers, emails, Eircodes and names, as the log redaction does: ``bot/logs.py``). Rows are
kept ``retention`` days (30 by default); older turns are folded into per-day counts
(``insight_daily``) that hold no conversation at all.

The turn handling records through :class:`Insights`, which buffers in memory and writes in
batches (one transaction a second at most), so a turn never waits for this.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..ops.logs import citizen_name, redact
from .db import Connection, Database, Row

log = logging.getLogger(__name__)

DUBLIN = ZoneInfo("Europe/Dublin")  # days are Irish days (tzdata is pinned)

# Reply kinds that count as "not understood" on the page.
NOT_UNDERSTOOD_KINDS = ("fallback", "clarify")
TEXT_MAX = 500  # a longer message is cut: enough to see what was asked
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)  # a conversation is hashed on each of its turns
def conversation_hash(conversation_key: str) -> str:
    """How a conversation is kept here: never the key itself."""
    return hashlib.sha256(conversation_key.encode("utf-8", "replace")).hexdigest()[:32]


def mask(text: str, display_name: str | None = None) -> str:
    """``text`` with personal data replaced as the logs do ([phone], [email], [eircode],
    [name]), the citizen's display name too; whitespace collapsed, cut to TEXT_MAX."""
    with citizen_name(display_name or ""):
        masked = redact(_SPACES.sub(" ", text).strip())
    return masked[:TEXT_MAX]


def day_of(at: dt.datetime) -> str:
    """The Irish calendar day of ``at`` (an aware datetime), as YYYY-MM-DD."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(DUBLIN).date().isoformat()


@dataclass(frozen=True, slots=True)
class TurnRecord:
    at: float
    day: str
    conversation: str  # conversation_hash(key)
    kind: str
    services: str  # service ids joined with ","; "" for none
    district: str  # municipal district (area id); "" when not known
    language: str  # "en" or "ga"
    without_person: bool


@dataclass(frozen=True, slots=True)
class UnclearRecord:
    at: float
    conversation: str
    kind: str
    text: str  # masked
    language: str


@dataclass(frozen=True, slots=True)
class Unclear:
    id: int
    at: float
    kind: str
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class TurnCount:
    """Turns counted by day and what they were about (from the rows, or the daily counts)."""

    day: str
    kind: str
    services: tuple[str, ...]
    district: str
    language: str
    messages: int
    without_person: int


# ---- operations --------------------------------------------------------------------------
def add(conn: Connection, turns: Sequence[TurnRecord], unclear: Sequence[UnclearRecord]) -> None:
    with conn.transaction(durable=False):  # counts, not referrals: a power cut may lose a second
        for t in turns:
            conn.execute(
                "INSERT INTO insight_turns (at, day, conversation, kind, services, district,"
                " language, without_person) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    t.at,
                    t.day,
                    t.conversation,
                    t.kind,
                    t.services,
                    t.district,
                    t.language,
                    int(t.without_person),
                ),
            )
        for u in unclear:
            conn.execute(
                "INSERT INTO insight_unclear (at, conversation, kind, text, language)"
                " VALUES (?, ?, ?, ?, ?)",
                (u.at, u.conversation, u.kind, u.text, u.language),
            )


def unclear_since(conn: Connection, since: float, limit: int = 2000) -> list[Unclear]:
    rows = conn.all(
        "SELECT id, at, kind, text, language FROM insight_unclear WHERE at >= ?"
        " ORDER BY at DESC, id DESC LIMIT ?",
        (since, limit),
    )
    return [Unclear(int(r["id"]), float(r["at"]), r["kind"], r["text"], r["language"]) for r in rows]


def _count(row: Row) -> TurnCount:
    services = tuple(s for s in str(row["services"]).split(",") if s)
    return TurnCount(
        day=row["day"],
        kind=row["kind"],
        services=services,
        district=row["district"],
        language=row["language"],
        messages=int(row["messages"]),
        without_person=int(row["without_person"] or 0),
    )


def counts_since(conn: Connection, first_day: str) -> list[TurnCount]:
    """Turns per day, kind, services, district and language from ``first_day`` on (the
    recent rows and the per-day counts of older ones)."""
    rows = conn.all(
        "SELECT day, kind, services, district, language, COUNT(*) AS messages,"
        " SUM(without_person) AS without_person FROM insight_turns WHERE day >= ?"
        " GROUP BY day, kind, services, district, language",
        (first_day,),
    )
    rows += conn.all(
        "SELECT day, kind, services, district, language, messages, without_person"
        " FROM insight_daily WHERE day >= ?",
        (first_day,),
    )
    return [_count(r) for r in rows]


def erase_conversation(conn: Connection, conversation_key: str) -> int:
    """Inside the erasure transaction: delete every turn and message recorded for the
    conversation ``conversation_key``. Returns the rows deleted."""
    h = conversation_hash(conversation_key)
    n = conn.execute("DELETE FROM insight_unclear WHERE conversation = ?", (h,))
    return n + conn.execute("DELETE FROM insight_turns WHERE conversation = ?", (h,))


def purge(conn: Connection, before: float) -> tuple[int, int]:
    """Fold turns recorded before ``before`` into the per-day counts and delete them, and
    delete not-understood messages as old. Returns (turns, messages) deleted."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO insight_daily (day, kind, services, district, language, messages,"
            " without_person) SELECT day, kind, services, district, language, COUNT(*),"
            " SUM(without_person) FROM insight_turns WHERE at < ?"
            " GROUP BY day, kind, services, district, language"
            " ON CONFLICT (day, kind, services, district, language) DO UPDATE SET"
            " messages = insight_daily.messages + excluded.messages,"
            " without_person = insight_daily.without_person + excluded.without_person",
            (before,),
        )
        turns = conn.execute("DELETE FROM insight_turns WHERE at < ?", (before,))
        unclear = conn.execute("DELETE FROM insight_unclear WHERE at < ?", (before,))
    if turns or unclear:
        conn.checkpoint()
    return turns, unclear


# ---- what the turn handling calls ----------------------------------------------------------
class Insights:
    """Records turns and not-understood messages for the staff page.

    :meth:`record_turn` and :meth:`record_not_understood` are plain calls that only append
    to a buffer; :meth:`run` (started by the staff page's cleanup context) writes the buffer
    every ``flush_seconds``. Before erasing a conversation, ``await forget(key)`` so nothing
    of it still in the buffer is written afterwards."""

    def __init__(
        self,
        db: Database,
        *,
        flush_seconds: float = 1.0,
        max_buffered: int = 20_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self._flush_seconds = flush_seconds
        self._max = max_buffered
        self._now = clock
        self._turns: list[TurnRecord] = []
        self._unclear: list[UnclearRecord] = []
        self._lock = asyncio.Lock()
        self._dropped = 0
        self._today: tuple[float, float, str] = (0.0, 0.0, "")  # [start, end) of the last day

    def _day(self, at: dt.datetime) -> str:
        """``day_of(at)``, worked out once per Irish day rather than once per turn."""
        stamp = at.timestamp()
        start, end, day = self._today
        if start <= stamp < end:
            return day
        day = day_of(at)
        date = dt.date.fromisoformat(day)
        start = dt.datetime.combine(date, dt.time(), DUBLIN).timestamp()
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), DUBLIN).timestamp()
        self._today = (start, end, day)
        return day

    # -- recording (on the event loop, never waits) --
    def record_turn(
        self,
        conversation_key: str,
        at: dt.datetime,
        kind: str,
        services: Iterable[str] = (),
        district: str | None = None,
        language: str = "en",
        answered_without_person: bool = True,
    ) -> None:
        """One citizen message answered. ``kind``: the reply's kind (routed, fallback,
        clarify, ask_area, emergency, talk_to_someone, callback, referral, ...);
        ``services``: the service ids it was about; ``district``: the area id when known;
        ``answered_without_person``: False when the turn hands the citizen to a person
        (talk to someone, a call-back request, a live chat)."""
        if len(self._turns) >= self._max:
            self._dropped += 1
            return
        self._turns.append(
            TurnRecord(
                at=at.timestamp(),
                day=self._day(at),
                conversation=conversation_hash(conversation_key),
                kind=kind,
                services=",".join(services),
                district=district or "",
                language=language or "en",
                without_person=answered_without_person,
            )
        )

    def record_not_understood(
        self,
        conversation_key: str,
        at: dt.datetime,
        text: str,
        kind: str,
        language: str = "en",
        display_name: str | None = None,
    ) -> None:
        """A message the bot could not route (``kind`` "fallback") or had to clarify
        ("clarify"). ``text`` is the citizen's own text: it is masked here, before anything
        is kept (``display_name``, the citizen's name as the channel gives it, is masked too)."""
        if len(self._unclear) >= self._max or not text.strip():
            self._dropped += 1
            return
        self._unclear.append(
            UnclearRecord(
                at=at.timestamp(),
                conversation=conversation_hash(conversation_key),
                kind=kind,
                text=mask(text, display_name),
                language=language or "en",
            )
        )

    # -- writing --
    async def flush(self) -> int:
        """Write what is buffered; returns how many records."""
        async with self._lock:
            turns, unclear = self._turns, self._unclear
            if not turns and not unclear:
                return 0
            self._turns, self._unclear = [], []
            try:
                await self.db.call(lambda c: add(c, turns, unclear))
            except Exception:
                log.exception("insights: %d record(s) could not be written", len(turns) + len(unclear))
                return 0
            if self._dropped:
                log.warning("insights: %d record(s) dropped (buffer full)", self._dropped)
                self._dropped = 0
            return len(turns) + len(unclear)

    async def forget(self, conversation_key: str) -> None:
        """Drop what is buffered for this conversation (and wait for a write in progress),
        before the erasure transaction runs ``erase_conversation``."""
        h = conversation_hash(conversation_key)
        async with self._lock:
            self._turns = [t for t in self._turns if t.conversation != h]
            self._unclear = [u for u in self._unclear if u.conversation != h]

    async def run(self) -> None:
        """Flush every ``flush_seconds`` until cancelled (then flush once more)."""
        try:
            while True:
                await asyncio.sleep(self._flush_seconds)
                await self.flush()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.flush())

    # -- reading (the page) --
    async def not_understood(self, since: float, limit: int = 2000) -> list[Unclear]:
        return await self.db.call(lambda c: unclear_since(c, since, limit))

    async def counts(self, first_day: str) -> list[TurnCount]:
        return await self.db.call(lambda c: counts_since(c, first_day))

    async def purge(self, retention_days: float) -> tuple[int, int]:
        before = self._now() - retention_days * 86400
        return await self.db.call(lambda c: purge(c, before))
