"""The embedded SQLite database: one file holding conversation state, referrals and the outbox.

WAL journal with ``synchronous=FULL``: a commit is on disk when ``commit`` returns, so a
referral the citizen was told about survives a crash or power cut. All calls from the event
loop go through one worker thread (SQLite allows one writer at a time anyway), so the loop
never blocks on disk. The file and its folder are created on first use; no set-up step.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
MEMORY = ":memory:"

SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_state (
    key TEXT PRIMARY KEY,
    etag TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS referrals (
    reference TEXT PRIMARY KEY,
    submission TEXT NOT NULL UNIQUE,
    conversation TEXT NOT NULL,
    service_id TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    area TEXT,
    need TEXT NOT NULL,
    citizen_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    claimed_by TEXT,
    claimed_at REAL,
    closed_at REAL
);
CREATE INDEX IF NOT EXISTS referrals_conversation ON referrals (conversation);
CREATE INDEX IF NOT EXISTS referrals_closed ON referrals (closed_at);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL REFERENCES referrals (reference) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    destination TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    escalated_from INTEGER,
    activity_id TEXT,
    conversation_id TEXT,
    service_url TEXT,
    created_at REAL NOT NULL,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_reference ON deliveries (reference);
CREATE TABLE IF NOT EXISTS conversation_refs (
    conversation_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` with the settings above."""
    target = str(path)
    if target != MEMORY:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.row_factory = sqlite3.Row
    if target != MEMORY:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.executescript(SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction, committed on success and rolled back on any error.

    ``durable`` (referrals, the outbox): the commit is synced to disk before it returns.
    Not durable (conversation and dialog state, written on most turns): ``synchronous=NORMAL``
    in WAL mode, so the commit survives the process being killed but not a power cut
    between two checkpoints; the next durable commit syncs it too. That keeps an fsync off
    nearly every citizen's turn.
    """
    if not durable:
        conn.execute("PRAGMA synchronous=NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        if not durable:
            conn.execute("PRAGMA synchronous=FULL")


class Database:
    """One connection, used from one worker thread. Opened lazily on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helpline-db")

    def _connection(self) -> sqlite3.Connection:
        with self._lock:
            if self._conn is None:
                self._conn = connect(self.path)
            return self._conn

    def call_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in the calling thread (command-line tools, tests)."""
        conn = self._connection()
        with self._lock:
            return fn(conn)

    @property
    def can_read_inline(self) -> bool:
        """A file database can be read from the event loop on a connection of its own; an
        in-memory one exists only on its single connection."""
        return self.path != MEMORY

    def read_inline(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run the read-only ``fn(conn)`` in the calling thread, on a read-only connection.

        For the conversation state read at the start of every turn: in WAL mode a reader never
        waits for the writer, and a primary-key lookup served from SQLite's page cache takes a
        few microseconds, against about 0.12 ms of CPU for the hop to the database thread and
        back. Writes always go through :meth:`call`.
        """
        if self._reader is None:
            self._connection()  # creates the file and schema on first use
            reader = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=10.0
            )
            reader.row_factory = sqlite3.Row
            self._reader = reader
        return fn(self._reader)

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.call_sync, fn)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._reader is not None:
                self._reader.close()
                self._reader = None
