"""The embedded backend: one SQLite file (``HELPLINE_DB``, default ``var/helpline.db``).

WAL journal; durable commits (referrals, the outbox) are ``synchronous=FULL``, state commits
``NORMAL``. Operations run on one worker thread (SQLite has one writer at a time anyway), so
the event loop never waits for a sync to disk. The conversation state read at the start of a
turn, and its write at the end, are served on the loop by a connection of its own (a few
microseconds from the page cache, against ~0.1 ms of CPU for the hop to the worker thread
and back): the write is one statement committed with ``synchronous=NORMAL``, an append to
the WAL in the operating system's cache, never a sync; that connection never checkpoints
(the worker's connection does, and is asked to every ``CHECKPOINT_EVERY`` writes on the
loop), is read-only except for the writes it is given, and never waits for a lock: when
the worker holds the write lock, the operation goes to the worker thread instead.

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
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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
# Writes on the event loop's connection between two checkpoints asked of the worker.
CHECKPOINT_EVERY = 1000


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


def _use_wal(raw: sqlite3.Connection, *, patience_s: float = 10.0) -> None:
    """Put the database file in WAL mode, waiting out another connection doing the same.

    Switching a new file to WAL needs it to itself. Two connections opening a new file at once
    (the bot starting while staff run "python -m bot.staff link") can each hold a shared lock
    while asking for the exclusive one; SQLite then fails one of them with "database is
    locked" at once, without its busy timeout. That one looks again: usually the other has
    switched the file by then. Asking again for the mode the file already has can fail the
    same way, so the mode is read first."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            if raw.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                raw.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


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
        _use_wal(raw)
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
        self._loop_conn: SqliteConnection | None = None
        self._lock = threading.Lock()
        self.applied: list[int] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="helpline-db")
        self._loop_writes = 0
        self._checkpointing = False  # writes wait in the worker's queue behind a checkpoint

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

    def _on_loop(self) -> SqliteConnection | None:
        """The event loop's connection: read-only (``query_only``) but for :meth:`write_now`,
        never waiting for a lock, never checkpointing. None for an in-memory database, which
        exists only on its one connection."""
        if self.path == MEMORY:
            return None
        if self._loop_conn is None:
            self._connection()  # creates the file and schema on first use
            raw = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
            raw.row_factory = sqlite3.Row
            for pragma in (
                "busy_timeout=0",  # never wait on the event loop
                "synchronous=NORMAL",  # state only: never a sync on the loop
                "wal_autocheckpoint=0",  # checkpoints (and their syncs) are the worker's
                "foreign_keys=ON",
                "secure_delete=ON",
                "query_only=ON",
            ):
                raw.execute(f"PRAGMA {pragma}")
            self._loop_conn = SqliteConnection(raw)
        return self._loop_conn

    def read_now(self, fn: Callable[[Connection], T]) -> T | None:
        conn = self._on_loop()
        if conn is None:
            return None
        try:
            return fn(conn)
        except (StorageBusy, sqlite3.OperationalError):
            return None  # let the worker thread wait for it, with the bounded timeout

    def write_now(self, fn: Callable[[Connection], T]) -> T | None:
        conn = self._on_loop()
        if conn is None or self._checkpointing:
            return None
        raw = conn.raw
        raw.execute("PRAGMA query_only=OFF")
        try:
            result = fn(conn)
        except StorageBusy:
            return None  # the worker holds the write lock: it waits there instead
        finally:
            raw.execute("PRAGMA query_only=ON")
        self._loop_writes += 1
        if self._loop_writes % CHECKPOINT_EVERY == 0:
            self._checkpoint_soon()
        return result

    async def write_soon(self, fn: Callable[[Connection], T]) -> T | None:
        if self.path == MEMORY:
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
        pause = 0.005
        while True:
            result = self.write_now(fn)
            if result is not None:
                return result
            if loop.time() >= deadline:
                raise StorageBusy("the database is busy")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    def _checkpoint_soon(self) -> None:
        """Ask the worker to move the WAL's pages into the database file (the loop's
        connection never does), without waiting for it. Writes go to the worker thread
        until it is done, queued behind it: the WAL can only start again from its beginning
        (rather than grow) when a write begins after a checkpoint that caught up with it."""

        def checkpoint(conn: Connection) -> None:
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                self._checkpointing = False

        def done(future: Future[None]) -> None:
            error = None if future.cancelled() else future.exception()
            if error is not None:
                log.warning("WAL checkpoint failed: %s", type(error).__name__)

        self._checkpointing = True
        try:
            self._executor.submit(self.call_sync, checkpoint).add_done_callback(done)
        except RuntimeError:  # closing: the worker's connection checkpoints on close
            self._checkpointing = False

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        return None  # one instance: nobody else queues work

    def notify(self, conn: Connection, channel: str) -> None:
        return None

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in (self._loop_conn, self._conn):
                if conn is not None:
                    conn.raw.close()
            self._conn = None
            self._loop_conn = None
