"""Conversation state: one small JSON object per key, with eTags.

The Bot Framework ``Storage`` contract, per key: a read gives the item and its eTag; a
write names the eTag it read and is refused (:class:`EtagConflict`) when someone else wrote
in between, so two turns of one conversation on two instances cannot silently overwrite
each other. ``etag=None`` on a write means "this key did not exist when I read it"; ``"*"``
means "whatever is there". Every write gets a new eTag.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .db import Connection, Database, EtagConflict, like_prefix

ANY = "*"
_EMPTY = "{}"


def snapshot(data: dict[str, Any]) -> str:
    """A canonical JSON text of ``data`` (what is stored, and how a change is noticed)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(slots=True)
class StateItem:
    """A key's state as read, for the duration of one turn."""

    key: str
    data: dict[str, Any]
    etag: str | None  # None: the key did not exist
    stored: str = field(default=_EMPTY)  # the snapshot as read: unchanged data is not written

    @property
    def changed(self) -> bool:
        return self.pending() is not None

    def pending(self) -> str | None:
        """The snapshot to store when the data changed since it was read, else None."""
        if not self.data and self.stored == _EMPTY:
            return None
        text = snapshot(self.data)
        return None if text == self.stored else text


def _read(conn: Connection, key: str) -> StateItem:
    row = conn.one("SELECT etag, data FROM bot_state WHERE key = ?", (key,))
    if row is None:
        return StateItem(key, {}, None)
    text = row["data"]
    data = json.loads(text)
    if not isinstance(data, dict):
        return StateItem(key, {}, row["etag"], "")
    # Stored as a snapshot: the text read is the snapshot of what it holds (a row written
    # some other way is merely written again, as a snapshot, the first time it is read).
    return StateItem(key, data, row["etag"], text)


def _write(conn: Connection, key: str, text: str, expected: str | None) -> str:
    etag = uuid.uuid4().hex
    now = time.time()
    if expected == ANY:
        conn.execute(
            "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (key, etag, text, now),
        )
        return etag
    if expected is None:
        changed = conn.execute(
            "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (key, etag, text, now),
        )
    else:
        changed = conn.execute(
            "UPDATE bot_state SET etag = ?, data = ?, updated_at = ? WHERE key = ? AND etag = ?",
            (etag, text, now, key, expected),
        )
    if changed != 1:
        raise EtagConflict(f"state of {key!r} changed since it was read")
    return etag


def delete_conversation(conn: Connection, key: str) -> int:
    """Inside a transaction: delete ``key`` and every key under it (``key/...``)."""
    return conn.execute(
        "DELETE FROM bot_state WHERE key = ? OR key LIKE ? ESCAPE '\\'", (key, like_prefix(key))
    )


class StateStore:
    """Conversation state over a :class:`~bot.storage.db.Database`.

    Keys read and found missing are remembered (bounded), so the first message of each new
    conversation (most of a surge) reads no row it knows is not there. Only this process's
    writes create rows on a one-instance backend; with several instances (PostgreSQL) the
    memory is off, since another instance may create the row."""

    _ABSENT_MAX = 100_000

    def __init__(self, db: Database, *, remember_absent: bool | None = None) -> None:
        self.db = db
        self._remember_absent = db.dialect == "sqlite" if remember_absent is None else remember_absent
        self._absent: set[str] = set()

    async def read(self, key: str) -> StateItem:
        if key in self._absent:
            return StateItem(key, {}, None)
        item = self.db.read_now(lambda c: _read(c, key))
        if item is None:
            item = await self.db.call(lambda c: _read(c, key))
        if item.etag is None and self._remember_absent:
            if len(self._absent) >= self._ABSENT_MAX:
                self._absent.clear()
            self._absent.add(key)
        return item

    async def write(self, item: StateItem) -> bool:
        """Store ``item`` if the turn changed it; True when written. Raises
        :class:`EtagConflict` when someone else wrote it since it was read."""
        text = item.pending()
        if text is None:
            return False
        item.etag = await self._store(item.key, text, item.etag)
        item.stored = text
        return True

    async def _store(self, key: str, text: str, expected: str | None) -> str:
        """Write ``text`` under ``key`` expecting ``expected``; returns the new eTag. One
        statement, so it needs no transaction of its own: on the event loop where the
        backend can (SQLite), else in a non-durable transaction in the worker thread."""

        def store(conn: Connection) -> str:
            with conn.transaction(durable=False):
                return _write(conn, key, text, expected)

        # Forgotten as missing before the write, and again once it is committed: a read
        # meanwhile may have found the row not there yet.
        self._absent.discard(key)
        try:
            # On the loop at once; when another writer has the lock, waiting for it here, not
            # in the worker thread's queue (issue 12.3). None: this backend cannot.
            etag = await self.db.write_soon(lambda c: _write(c, key, text, expected))
            if etag is None:
                etag = await self.db.call(store)
        finally:
            self._absent.discard(key)
        return etag

    async def put(self, key: str, data: dict[str, Any], etag: str | None = ANY) -> str:
        """Write ``data`` under ``key`` with the given eTag expectation; returns the new eTag."""
        return await self._store(key, snapshot(data), etag)

    async def delete(self, key: str) -> None:
        """Delete ``key`` and everything stored under it."""

        def remove(conn: Connection) -> int:
            with conn.transaction():
                return delete_conversation(conn, key)

        await self.db.call(remove)

    def forget(self, key: str) -> None:
        """Another operation deleted ``key`` (e.g. an erasure in a shared transaction)."""
        self._absent.discard(key)
