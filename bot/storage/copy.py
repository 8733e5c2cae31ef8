"""Copy everything the bot keeps from one database to another (``python -m bot.storage copy``):
how an existing SQLite deployment moves to PostgreSQL.

Both databases are brought to the latest schema first (as the app would on start). The
source is read in one transaction (a consistent picture: SQLite holds off writers meanwhile,
PostgreSQL reads one snapshot), in batches by primary key; the destination is written in one
transaction, so it ends up with all of it or nothing. Stop the bot while copying: turns
taken during the copy would be missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .db import POSTGRESQL, Connection, Database, Row, StorageError

# (table, primary key columns), parents before children (deliveries refer to referrals).
TABLES: list[tuple[str, tuple[str, ...]]] = [
    ("bot_state", ("key",)),
    ("referrals", ("reference",)),
    ("deliveries", ("id",)),
    ("conversation_refs", ("conversation_id",)),
    ("rate_limits", ("key",)),
    # The staff page's records (bot/storage/staff.py, insights.py).
    ("staff_actions", ("id",)),
    ("staff_audit", ("id",)),
    ("staff_links", ("token_hash",)),
    ("insight_turns", ("id",)),
    ("insight_unclear", ("id",)),
    ("insight_daily", ("day", "kind", "services", "district", "language")),
    # Live chats with staff (bot/storage/handoff.py); leases are not copied (they name the
    # instances sending now).
    ("live_chats", ("id",)),
    ("live_chat_lines", ("id",)),
    ("handoff_outbox", ("id",)),
]
# Tables whose "id" PostgreSQL numbers from a sequence: moved past the copied ids.
SERIAL_TABLES = (
    "deliveries", "staff_actions", "staff_audit", "insight_turns", "insight_unclear",
    "live_chat_lines", "handoff_outbox",
)

BATCH_SIZE = 500


class DestinationNotEmpty(StorageError):
    """The destination holds data already; copying would mix two deployments."""


def counts(conn: Connection) -> dict[str, int]:
    """Rows per copied table."""
    result = {}
    for table, _ in TABLES:
        row = conn.one(f"SELECT COUNT(*) AS n FROM {table}")
        result[table] = int(row["n"]) if row else 0
    return result


def _batches(
    conn: Connection, table: str, key: tuple[str, ...], size: int
) -> Iterator[list[Row]]:
    """The table's rows in primary-key order, ``size`` at a time (keyset pagination: a row
    value comparison, which both backends support, for a key of several columns)."""
    columns = ", ".join(key)
    after = f"({columns}) > ({', '.join('?' * len(key))})" if len(key) > 1 else f"{key[0]} > ?"
    last: tuple[Any, ...] | None = None
    while True:
        if last is None:
            rows = conn.all(f"SELECT * FROM {table} ORDER BY {columns} LIMIT ?", (size,))
        else:
            rows = conn.all(
                f"SELECT * FROM {table} WHERE {after} ORDER BY {columns} LIMIT ?", (*last, size)
            )
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][k] for k in key)


def _insert(conn: Connection, table: str, rows: Sequence[Row]) -> None:
    columns = list(rows[0].keys())
    one = "(" + ", ".join("?" * len(columns)) + ")"
    values = [row[c] for row in rows for c in columns]
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))}",
        values,
    )


def copy_database(
    source: Database,
    destination: Database,
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> dict[str, int]:
    """Copy every table of ``source`` into ``destination``; returns the rows copied per table.
    Raises :class:`DestinationNotEmpty` unless the destination is empty or ``force`` (then
    what it held is replaced)."""
    if source.url == destination.url:
        raise StorageError("the source and the destination are the same database")

    def write(dst: Connection) -> dict[str, int]:
        with dst.transaction():
            held = counts(dst)
            if any(held.values()):
                if not force:
                    found = ", ".join(f"{t} {n}" for t, n in held.items() if n)
                    raise DestinationNotEmpty(
                        f"{destination.url} is not empty ({found}); --force replaces it"
                    )
                for table, _ in reversed(TABLES):
                    dst.execute(f"DELETE FROM {table}")
            copied = source.call_sync(lambda src: _read_into(src, dst, batch_size, progress))
            if dst.dialect == POSTGRESQL:
                # Rows came with their ids: the next new row must not reuse one.
                for table in SERIAL_TABLES:
                    dst.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    )
            if counts(dst) != copied:
                raise StorageError(f"copied {copied} but the destination holds {counts(dst)}")
            return copied

    return destination.call_sync(write)


def _read_into(
    src: Connection, dst: Connection, size: int, progress: Callable[[str, int], None]
) -> dict[str, int]:
    copied: dict[str, int] = {}
    with src.transaction(durable=False):
        if src.dialect == POSTGRESQL:
            src.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table, key in TABLES:
            copied[table] = 0
            for rows in _batches(src, table, key, size):
                _insert(dst, table, rows)
                copied[table] += len(rows)
                progress(table, copied[table])
    return copied
