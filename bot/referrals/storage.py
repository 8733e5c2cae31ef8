"""A Bot Framework ``Storage`` over the helpline's SQLite database, with eTag concurrency.

Items are stored as JSON (jsonpickle, as the SDK's own storages do, so dialog state objects
survive a restart). Every write gets a new eTag. A write whose eTag is neither ``"*"`` nor
the stored one is refused with :class:`EtagConflict` (a ``KeyError``, as ``MemoryStorage``
raises), so two turns racing on one conversation cannot silently overwrite each other.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from typing import Any

import jsonpickle
from botbuilder.core import Storage

from .db import Database, transaction

_ETAG = "e_tag"


class EtagConflict(KeyError):
    """The item changed since it was read (its eTag no longer matches)."""


def _etag_of(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get(_ETAG)
    return getattr(value, _ETAG, None)


_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _is_plain_json(value: Any) -> bool:
    """Only dicts with string keys, lists and scalars: JSON as it is."""
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if type(value) is dict:
        return all(type(k) is str and _is_plain_json(v) for k, v in value.items())
    if type(value) is list:
        return all(_is_plain_json(v) for v in value)
    return False


def _encode(value: Any) -> str:
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != _ETAG}
    # Conversation state is plain JSON (most writes); jsonpickle, which the dialog state's
    # objects need, is several times slower for it and writes the same text.
    if _is_plain_json(value):
        return json.dumps(value, separators=(",", ":"))
    return jsonpickle.encode(value, keys=True, warn=True)


def _decode(data: str, etag: str) -> Any:
    value = jsonpickle.decode(data, keys=True) if '"py/' in data else json.loads(data)
    if isinstance(value, dict):
        value[_ETAG] = etag
    else:
        try:
            setattr(value, _ETAG, etag)
        except AttributeError:
            pass
    return value


class SqliteStorage(Storage):
    """Keys read and found missing are remembered (up to ``_ABSENT_MAX``), so the first
    message of each new conversation, most of a surge, reads no row it knows is not there.
    Only this process writes items; other writers (the referral store's purges) only delete,
    which cannot make a missing key exist."""

    _ABSENT_MAX = 100_000

    def __init__(self, db: Database) -> None:
        self.db = db
        self._absent: set[str] = set()

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            raise ValueError("read(): keys are required")
        wanted = list(dict.fromkeys(keys))
        if all(key in self._absent for key in wanted):
            return {}

        def fetch(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
            marks = ",".join("?" * len(wanted))
            rows = conn.execute(
                f"SELECT key, etag, data FROM bot_state WHERE key IN ({marks})", wanted
            ).fetchall()
            return [(r["key"], r["etag"], r["data"]) for r in rows]

        rows = self.db.read_inline(fetch) if self.db.can_read_inline else await self.db.call(fetch)
        found = {key: _decode(data, etag) for key, etag, data in rows}
        if len(self._absent) >= self._ABSENT_MAX:
            self._absent.clear()
        self._absent.update(key for key in wanted if key not in found)
        return found

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("write(): changes are required")
        if not changes:
            return
        encoded = [(key, _etag_of(value), _encode(value)) for key, value in changes.items()]

        def store(conn: sqlite3.Connection) -> None:
            now = time.time()
            with transaction(conn, durable=False):
                for key, expected, data in encoded:
                    if expected == "":
                        raise ValueError("write(): empty eTag")
                    row = conn.execute(
                        "SELECT etag FROM bot_state WHERE key = ?", (key,)
                    ).fetchone()
                    if row is not None and expected not in (None, "*") and expected != row["etag"]:
                        raise EtagConflict(f"eTag conflict on {key}")
                    conn.execute(
                        "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT (key) DO UPDATE SET etag = excluded.etag,"
                        " data = excluded.data, updated_at = excluded.updated_at",
                        (key, uuid.uuid4().hex, data, now),
                    )

        # Forgotten as missing before the write, and again once it is committed: a read
        # meanwhile may have found the row not there yet.
        self._absent.difference_update(changes)
        try:
            await self.db.call(store)
        finally:
            self._absent.difference_update(changes)

    async def delete(self, keys: list[str]) -> None:
        wanted = list(keys)

        def remove(conn: sqlite3.Connection) -> None:
            with transaction(conn):
                conn.executemany("DELETE FROM bot_state WHERE key = ?", [(k,) for k in wanted])

        await self.db.call(remove)
