"""What every storage backend provides: a connection that runs one operation at a time.

Each store (conversation state, referrals and their outbox, rate limits ...) is written once,
as plain synchronous functions over a :class:`Connection`. A backend runs those functions off
the event loop (``Database.call``), so one operation is one hop to a worker thread however
many statements it runs, and several stores' operations can share one transaction (the
citizen's "delete my details" erases referrals, state and transcripts together).

SQL is written in the subset SQLite and PostgreSQL share: ``?`` placeholders (the PostgreSQL
backend rewrites them), ``ON CONFLICT ... DO UPDATE``, ``RETURNING``. Where the two differ,
an operation looks at ``conn.dialect``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

Row = Mapping[str, Any]


class StorageError(Exception):
    """A storage operation failed for a reason worth telling apart from a bug."""


class StorageBusy(StorageError):
    """The database did not let us write in time (another writer held it too long). The
    turn answers the citizen politely and the failure is counted; nothing half-done is kept."""


class StorageUnavailable(StorageBusy):
    """The database cannot be reached (it is down, restarting, or the connection dropped in
    the middle of an operation). Handled as :class:`StorageBusy`: a polite answer, counted."""


class StorageUrlError(ValueError):
    """A database URL this bot cannot use; the message says what to write instead (and never
    holds the password)."""


class EtagConflict(StorageError, KeyError):
    """The item changed since it was read (its eTag no longer matches). A ``KeyError`` too, as
    the Bot Framework's ``MemoryStorage`` raises on a conflict."""


class Connection(Protocol):
    """One database connection, used by one operation at a time from one thread."""

    dialect: str

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""

    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        """The first row of a query (a mapping by column name), or None."""

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""

    def transaction(self, *, durable: bool = True) -> AbstractContextManager[None]:
        """One transaction, committed on success and rolled back on any error. ``durable``:
        on disk before it returns (referrals, the outbox); not durable (conversation state,
        written on most turns) may lose the last moments of state in a power cut, never a
        referral. Transactions do not nest: an operation opens at most one."""

    def checkpoint(self) -> None:
        """After an erasure, outside any transaction: make sure the erased bytes are gone
        from the backend's files where it can (SQLite: checkpoint and truncate the WAL)."""


class Database(Protocol):
    """A backend: where the connection lives and how operations reach it."""

    dialect: str
    url: str  # for logs and /readyz (no password)
    applied: list[int]  # schema versions this process applied when it opened the database

    async def call(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` off the event loop and return its result."""

    def call_sync(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` in the calling thread (command-line tools, tests)."""

    def read_now(self, fn: Callable[[Connection], T]) -> T | None:
        """Run the read-only ``fn(conn)`` right here on the event loop when the backend can
        do it in microseconds (SQLite in WAL mode, a page-cache read); None: it cannot, use
        :meth:`call`. For the conversation state read at the start of every turn."""

    def write_now(self, fn: Callable[[Connection], T]) -> T | None:
        """Run ``fn(conn)``, one statement that is its own transaction and need not be
        durable (conversation state), right here on the event loop when the backend can do
        it in microseconds without waiting for anyone (SQLite: an append to the WAL, no
        sync); None: it cannot (or someone else holds the write lock), use :meth:`call`."""

    async def write_soon(self, fn: Callable[[Connection], T]) -> T | None:
        """:meth:`write_now`, tried again on the event loop until the write lock is free or
        the busy timeout has passed (then :class:`StorageBusy`): a turn waits for the lock
        itself, not behind background writes queued for the worker thread. None: the
        backend cannot write on the loop at all, use :meth:`call`."""

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        """Call ``wake()`` (on the event loop) whenever another instance says, with
        :meth:`notify`, that it queued work on ``channel``; runs until cancelled. A hint only:
        whoever waits also looks on a timer. Returns at once where there are no other
        instances (SQLite)."""

    def notify(self, conn: Connection, channel: str) -> None:
        """Inside a transaction: tell other instances' :meth:`listen` to look (no-op where
        there are no other instances)."""

    def close(self) -> None: ...


def like_prefix(key: str) -> str:
    """A LIKE pattern matching keys that start with ``key + "/"`` (``\\`` escapes)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"
