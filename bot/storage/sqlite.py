"""The embedded backend: one SQLite file (``HELPLINE_DB``, default ``var/helpline.db``).

WAL journal; durable commits (referrals, the outbox) are ``synchronous=FULL``, state commits
``NORMAL``. Every operation runs on one worker thread (SQLite has one writer at a time
anyway), so the event loop never waits for the disk; the conversation state read at the
start of a turn is served on the loop from a read-only connection (a few microseconds from
the page cache, against ~0.12 ms for the hop to the worker thread).

A write waits at most ``BUSY_TIMEOUT_MS`` for another writer (a backup tool, a second
process) and then fails with :class:`StorageBusy`: the citizen gets a polite "try again"
rather than a turn that hangs. Deleted rows are overwritten (``secure_delete``) and the WAL
is checkpointed after an erasure, so a citizen's erased details do not linger in the files.
The file is created 0600 in a folder created 0700.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from .db import SQLITE, Connection, Row, StorageBusy
from .schema import migrate

log = logging.getLogger(__name__)

T = TypeVar("T")
MEMORY = ":memory:"
# How long a write waits for another writer before giving up (the citizen is waiting).
BUSY_TIMEOUT_MS = 2000


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class SqliteConnection:
    """:class:`~bot.storage.db.Connection` over one ``sqlite3`` connection."""

    dialect = SQLITE

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self._in_transaction = False

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        try:
            return self.raw.execute(sql, args).rowcount
        except sqlite3.OperationalError as error:
            if _busy(error):
                raise StorageBusy("the database is busy") from error
            raise

    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        try:
            row: Row | None = self.raw.execute(sql, args).fetchone()
        except sqlite3.OperationalError as error:
            if _busy(error):
                raise StorageBusy("the database is busy") from error
            raise
        return row

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        try:
            return list(self.raw.execute(sql, args).fetchall())
        except sqlite3.OperationalError as error:
            if _busy(error):
                raise StorageBusy("the database is busy") from error
            raise

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[None]:
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        raw = self.raw
        if not durable:
            raw.execute("PRAGMA synchronous=NORMAL")
        try:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if _busy(error):
                    raise StorageBusy("the database is busy") from error
                raise
            self._in_transaction = True
            try:
                yield
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            finally:
                self._in_transaction = False
            try:
                raw.execute("COMMIT")
            except sqlite3.OperationalError as error:
                raw.execute("ROLLBACK")
                if _busy(error):
                    raise StorageBusy("the database is busy") from error
                raise
        finally:
            if not durable:
                raw.execute("PRAGMA synchronous=FULL")

    def checkpoint(self) -> None:
        """Move committed pages from the WAL into the main file and truncate the WAL (after
        an erasure: the erased rows' old pages must not stay readable in ``-wal``)."""
        self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _private_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite opens it; tighten an
    existing file's mode. SQLite gives its -wal and -shm files the database file's mode."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
    elif folder.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "the database folder %s can be read by other users; make it 0700", folder
        )
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            os.chmod(candidate, 0o600)


def connect(path: str | Path) -> tuple[sqlite3.Connection, list[int]]:
    """Open (creating and migrating if needed) the database at ``path``; returns the
    connection and the schema versions applied now."""
    target = str(path)
    if target != MEMORY:
        _private_file(Path(target))
    raw = sqlite3.connect(
        target, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    raw.row_factory = sqlite3.Row
    if target != MEMORY:
        raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    raw.execute("PRAGMA secure_delete=ON")
    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return raw, migrate(SqliteConnection(raw))


class SqliteDatabase:
    """One connection, used from one worker thread; opened (and migrated) on first use."""

    dialect = SQLITE

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        self._conn: SqliteConnection | None = None
        self._reader: SqliteConnection | None = None
        self._lock = threading.Lock()
        self.applied: list[int] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helpline-db")

    def _connection(self) -> SqliteConnection:
        with self._lock:
            if self._conn is None:
                raw, self.applied = connect(self.path)
                self._conn = SqliteConnection(raw)
            return self._conn

    def call_sync(self, fn: Callable[[Connection], T]) -> T:
        conn = self._connection()
        with self._lock:
            return fn(conn)

    async def call(self, fn: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.call_sync, fn)

    def read_now(self, fn: Callable[[Connection], T]) -> T | None:
        if self.path == MEMORY:
            return None  # an in-memory database exists only on its one connection
        if self._reader is None:
            self._connection()  # creates the file and schema on first use
            raw = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=0
            )
            raw.row_factory = sqlite3.Row
            raw.execute("PRAGMA busy_timeout=0")  # never wait on the event loop
            self._reader = SqliteConnection(raw)
        try:
            return fn(self._reader)
        except (StorageBusy, sqlite3.OperationalError):
            return None  # let the worker thread wait for it, with the bounded timeout

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        return None  # one instance: nobody else queues work

    def notify(self, conn: Connection, channel: str) -> None:
        return None

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in (self._conn, self._reader):
                if conn is not None:
                    conn.raw.close()
            self._conn = None
            self._reader = None
