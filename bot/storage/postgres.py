"""The shared backend: PostgreSQL (``DATABASE_URL=postgresql://…``), for several instances.

Why synchronous psycopg 3 behind a thread hop rather than an async driver: every store is
written once as plain functions over a :class:`~bot.storage.db.Connection`, and those same
functions run unchanged on ``sqlite3`` and on psycopg's synchronous connections. asyncpg (or
psycopg's async API) would need a second, async copy of every operation. An operation is one
hop to a worker thread however many statements it runs; ``bench/storage_drivers.py`` measures
what the hop costs against psycopg's async pool and asyncpg.

- A :class:`psycopg_pool.ConnectionPool` of ``pool_size`` connections, and a thread pool of
  the same size that runs the operations (so a worker never waits for a connection).
- Connections are in autocommit mode: a statement outside ``transaction()`` commits alone.
  ``transaction(durable=False)`` (conversation state) commits with ``synchronous_commit=off``:
  a crash of the database server may lose the last moments of state, never a referral.
- A statement waits at most ``lock_timeout`` (2 s) for a lock another instance holds and runs
  at most ``statement_timeout``; either raises :class:`StorageBusy` (the citizen gets a polite
  "try again"), as do deadlocks. A database that cannot be reached raises
  :class:`StorageUnavailable` (a ``StorageBusy`` too).
- A dropped connection (a server restart, a fail-over) is replaced: an operation whose first
  statement found its connection dead, so nothing of it reached the server, is run again on
  a fresh one after the pool has checked its other idle connections.
- ``listen`` holds one more connection of its own for LISTEN; ``notify`` is ``pg_notify``
  inside the writer's transaction, so the wake-up is sent only if the work was committed.
- ``url`` never holds the password (it is for logs and /readyz).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from config.settings import url_without_password as redact

from .db import (
    POSTGRESQL,
    Connection,
    Row,
    StorageBusy,
    StorageError,
    StorageUnavailable,
    StorageUrlError,
)
from .schema import migrate

log = logging.getLogger(__name__)

T = TypeVar("T")

POOL_SIZE = 4
LOCK_TIMEOUT = 2.0  # seconds a statement waits for another instance's lock
STATEMENT_TIMEOUT = 30.0  # seconds any one statement may run
CONNECT_TIMEOUT = 5  # seconds to open a connection (libpq's connect_timeout)
CHECKOUT_TIMEOUT = 5.0  # seconds to wait for a pooled connection (e.g. the server is down)
RECONNECT_TIMEOUT = 10.0  # seconds the pool retries one lost connection before regrowing
IDLE_IN_TRANSACTION_TIMEOUT = 60.0  # a transaction left open this long is ended by the server

# Tries of an operation whose connection turned out dead before anything of it ran (after a
# server restart several threads find dead connections at once while the pool replaces them).
_ATTEMPTS = 3

# Errors that mean "not now" rather than "a bug": a lock or statement timeout, a deadlock.
_BUSY = (
    errors.LockNotAvailable,
    errors.QueryCanceled,
    errors.DeadlockDetected,
    errors.SerializationFailure,
)

# What a SQL text holds besides placeholders: quoted literals and identifiers, dollar quotes,
# comments (all copied as they are), a ``?`` placeholder, or a literal ``%``.
_TOKENS = re.compile(
    r"'(?:[^']|'')*'"
    r'|"(?:[^"]|"")*"'
    r"|\$\$.*?\$\$"
    r"|--[^\n]*"
    r"|/\*.*?\*/"
    r"|\?"
    r"|%",
    re.DOTALL,
)


def _token(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "?":
        return "%s"
    # psycopg reads every % of a query with arguments as a placeholder, quoted or not.
    return text.replace("%", "%%")


@functools.lru_cache(maxsize=1024)
def to_pyformat(query: str) -> str:
    """``?`` placeholders to psycopg's ``%s``; a ``?`` inside a quoted literal, an identifier
    or a comment stays as it is, and every literal ``%`` is doubled."""
    return _TOKENS.sub(_token, query)


class ConnectionLost(StorageUnavailable):
    """The connection died under an operation. ``retry_safe``: it died on the operation's
    first statement, a BEGIN or a read, so nothing of the operation took effect."""

    def __init__(self, message: str, retry_safe: bool) -> None:
        super().__init__(message)
        self.retry_safe = retry_safe


class PostgresConnection:
    """:class:`~bot.storage.db.Connection` over one pooled psycopg connection."""

    dialect = POSTGRESQL

    def __init__(self, raw: psycopg.Connection[DictRow]) -> None:
        self.raw = raw
        self._cursor = raw.cursor()
        self._in_transaction = False
        self._statements = 0  # completed on this checkout (a lost connection: retry safe?)

    def _run(self, query: str, args: Sequence[Any] | None) -> psycopg.Cursor[DictRow]:
        try:
            cursor = self._cursor.execute(query, args)
        except _BUSY as error:
            raise StorageBusy(f"the database is busy ({error.sqlstate})") from error
        except psycopg.OperationalError as error:
            if self.raw.broken or self.raw.closed:
                words = query.split(None, 1)
                first = words[0].rstrip(";").upper() if words else ""
                safe = self._statements == 0 and first in ("BEGIN", "SELECT")
                raise ConnectionLost("lost the connection to the database", safe) from error
            raise
        self._statements += 1
        return cursor

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        return self._run(to_pyformat(sql), args).rowcount

    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self._run(to_pyformat(sql), args).fetchone()
        return row

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        return list(self._run(to_pyformat(sql), args).fetchall())

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[None]:
        if self._in_transaction:
            raise RuntimeError("transactions do not nest")
        # One round trip either way: without arguments psycopg sends both statements at once.
        self._run("BEGIN" if durable else "BEGIN; SET LOCAL synchronous_commit = off", None)
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_transaction = False
        self._run("COMMIT", None)

    def _rollback(self) -> None:
        if self.raw.broken or self.raw.closed:
            return  # the server ends the transaction with the connection
        try:
            self.raw.execute("ROLLBACK")
        except psycopg.Error:
            log.warning("rollback failed; the pool will discard the connection", exc_info=True)

    def checkpoint(self) -> None:
        """Nothing PostgreSQL can do here. Erased rows are gone from every query at once,
        but unlike SQLite's ``secure_delete`` their bytes stay in the table's pages until
        vacuum reuses the space, in the WAL until it is recycled, and in backups for their
        retention: the privacy notice for a PostgreSQL deployment has to say so."""


class PostgresDatabase:
    """A connection pool and the threads that use it; opened (and migrated) on first use."""

    dialect = POSTGRESQL

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = POOL_SIZE,
        lock_timeout: float = LOCK_TIMEOUT,
        statement_timeout: float = STATEMENT_TIMEOUT,
        checkout_timeout: float = CHECKOUT_TIMEOUT,
    ) -> None:
        self.url = redact(url)
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            # libpq's message may quote the URL, password and all: do not chain it.
            raise StorageUrlError(f"{self.url!r} is not a valid PostgreSQL URL") from None
        params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        params.setdefault("application_name", "mayo-helpline")
        self._conninfo = make_conninfo("", **params)
        self._settings = (
            f"SET lock_timeout = {int(lock_timeout * 1000)};"
            f" SET statement_timeout = {int(statement_timeout * 1000)};"
            f" SET idle_in_transaction_session_timeout = {int(IDLE_IN_TRANSACTION_TIMEOUT * 1000)}"
        )
        self.pool_size = pool_size
        self._checkout_timeout = checkout_timeout
        self._pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            self._conninfo,
            connection_class=psycopg.Connection[DictRow],
            kwargs={"autocommit": True, "row_factory": dict_row},
            min_size=pool_size,
            max_size=pool_size,
            open=False,
            configure=self._configure,
            name="helpline-db",
            timeout=checkout_timeout,
            # A slot that cannot reconnect for this long is given up and regrown on demand;
            # the default (300 s) lets the retry delay double past a minute, so the bot would
            # stay down that long after the database came back.
            reconnect_timeout=RECONNECT_TIMEOUT,
        )
        self._executor = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="helpline-pg")
        self._lock = threading.Lock()
        self._opened = False
        self._ready = False
        self._closed = False
        self.applied: list[int] = []

    def __repr__(self) -> str:
        return f"PostgresDatabase({self.url!r})"

    def _configure(self, raw: psycopg.Connection[DictRow]) -> None:
        raw.execute(self._settings)

    def _open(self) -> None:
        """Bring the schema up to date and open the pool, once (the first operation). The
        schema is migrated on a connection of its own, so a database that cannot be reached
        at start-up fails at once with libpq's reason rather than a pool time-out."""
        with self._lock:
            if self._ready:
                return
            if self._closed:
                raise StorageError("the database is closed")
            try:
                with psycopg.connect(self._conninfo, autocommit=True, row_factory=dict_row) as raw:
                    self._configure(raw)
                    self.applied = migrate(PostgresConnection(raw))
            except psycopg.OperationalError as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
                raise StorageUnavailable(f"cannot connect to {self.url}: {reason}") from error
            if not self._opened:
                self._pool.open(wait=False)
                self._opened = True
            self._ready = True

    def _run(self, fn: Callable[[Connection], T]) -> T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                raw = self._pool.getconn(self._checkout_timeout)
            except PoolTimeout as error:
                raise StorageUnavailable("the database cannot be reached") from error
            try:
                return fn(PostgresConnection(raw))
            except ConnectionLost as error:
                if not error.retry_safe or attempt == _ATTEMPTS:
                    raise
                log.warning("a database connection was dropped; checking the pool's others")
            finally:
                self._pool.putconn(raw)  # a broken connection is discarded and replaced
            # After a server restart every idle connection is dead: replace them all at once.
            self._pool.check()
        raise AssertionError("unreachable")

    def call_sync(self, fn: Callable[[Connection], T]) -> T:
        if not self._ready:
            self._open()
        return self._run(fn)

    async def call(self, fn: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.call_sync, fn)

    def read_now(self, fn: Callable[[Connection], T]) -> T | None:
        return None  # every read is a network round trip: never on the event loop

    def write_now(self, fn: Callable[[Connection], T]) -> T | None:
        return None  # as every write

    async def write_soon(self, fn: Callable[[Connection], T]) -> T | None:
        return None  # as every write

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        """LISTEN on a connection of its own and call ``wake()`` for each notification, until
        cancelled. A dropped connection is reopened (waiting up to 10 s between tries) and
        then ``wake()`` is called once, since notifications may have been missed meanwhile."""
        statement = sql.SQL("LISTEN {}").format(sql.Identifier(channel))
        delay = 0.5
        reconnected = False
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            except psycopg.OperationalError as error:
                log.warning("cannot open the LISTEN connection (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                reconnected = True
                continue
            try:
                await conn.execute(statement)
                delay = 0.5
                if reconnected:
                    wake()
                while True:
                    async for _ in conn.notifies(timeout=30.0):
                        wake()
                    # Quiet for a while: make sure the connection is still there.
                    await asyncio.wait_for(conn.execute("SELECT 1"), timeout=10.0)
            except (psycopg.OperationalError, asyncio.TimeoutError) as error:
                log.warning("lost the LISTEN connection (%s); reconnecting", type(error).__name__)
                reconnected = True
            finally:
                await conn.close()

    def notify(self, conn: Connection, channel: str) -> None:
        conn.execute("SELECT pg_notify(?, '')", (channel,))

    def close(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True)
        if self._opened:
            self._pool.close(timeout=5.0)
