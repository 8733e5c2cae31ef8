"""Referrals and the delivery outbox in SQLite.

A referral and its deliveries are written in one transaction, so a referral is never stored
without the deliveries that will carry it to staff. ``ReferralStore`` is the small interface
the bot uses (a server database could implement it later); every method runs in the
database thread.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Sequence
from typing import Any

from .codes import new_reference
from .db import Database, transaction
from .model import (
    CITIZEN,
    CLAIMED,
    DELIVERED,
    FAILED,
    PENDING,
    RECEIVED,
    TEAMS,
    Delivery,
    NewReferral,
    Referral,
    Target,
)

_REFERENCE_TRIES = 20


def _referral(row: sqlite3.Row) -> Referral:
    return Referral(
        reference=row["reference"],
        submission=row["submission"],
        conversation=row["conversation"],
        service_id=row["service_id"],
        name=row["name"],
        phone=row["phone"],
        area=row["area"],
        need=row["need"],
        citizen_ref=json.loads(row["citizen_ref"]),
        status=row["status"],
        created_at=row["created_at"],
        claimed_by=row["claimed_by"],
        claimed_at=row["claimed_at"],
        closed_at=row["closed_at"],
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        reference=row["reference"],
        kind=row["kind"],
        destination=row["destination"],
        idempotency_key=row["idempotency_key"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        escalated_from=row["escalated_from"],
        activity_id=row["activity_id"],
        conversation_id=row["conversation_id"],
        service_url=row["service_url"],
        delivered_at=row["delivered_at"],
    )


def _add_delivery(
    conn: sqlite3.Connection,
    reference: str,
    target: Target,
    now: float,
    escalated_from: int | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO deliveries (reference, kind, destination, idempotency_key, status,"
        " next_attempt_at, escalated_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            reference,
            target.kind,
            target.destination,
            uuid.uuid4().hex,
            PENDING,
            now,
            escalated_from,
            now,
        ),
    )
    return int(cursor.lastrowid or 0)


# ---- synchronous operations (one connection) ---------------------------------------------
def create(
    conn: sqlite3.Connection, new: NewReferral, targets: Sequence[Target], created_at: float
) -> tuple[Referral, bool]:
    """Store ``new`` with one pending delivery per target. Returns the referral and whether it
    was created now (False: this submission was committed before, e.g. a repeated turn)."""
    existing = conn.execute(
        "SELECT * FROM referrals WHERE submission = ?", (new.submission,)
    ).fetchone()
    if existing is not None:
        return _referral(existing), False
    now = time.time()
    for _ in range(_REFERENCE_TRIES):
        reference = new_reference()
        try:
            with transaction(conn):
                conn.execute(
                    "INSERT INTO referrals (reference, submission, conversation, service_id, name,"
                    " phone, area, need, citizen_ref, status, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        reference,
                        new.submission,
                        new.conversation,
                        new.service_id,
                        new.name,
                        new.phone,
                        new.area,
                        new.need,
                        json.dumps(new.citizen_ref),
                        RECEIVED,
                        created_at,
                    ),
                )
                for target in targets:
                    _add_delivery(conn, reference, target, now)
        except sqlite3.IntegrityError as error:
            if "referrals.reference" in str(error):
                continue  # that code is taken: draw another
            raise
        row = conn.execute("SELECT * FROM referrals WHERE reference = ?", (reference,)).fetchone()
        return _referral(row), True
    raise RuntimeError("could not find a free reference code")


def get(conn: sqlite3.Connection, reference: str) -> Referral | None:
    row = conn.execute("SELECT * FROM referrals WHERE reference = ?", (reference,)).fetchone()
    return _referral(row) if row else None


def listing(conn: sqlite3.Connection, limit: int = 100) -> list[Referral]:
    rows = conn.execute(
        "SELECT * FROM referrals ORDER BY created_at DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_referral(r) for r in rows]


def deliveries_of(conn: sqlite3.Connection, reference: str) -> list[Delivery]:
    rows = conn.execute(
        "SELECT * FROM deliveries WHERE reference = ? ORDER BY id", (reference,)
    ).fetchall()
    return [_delivery(r) for r in rows]


def due(conn: sqlite3.Connection, now: float, limit: int = 20) -> list[Delivery]:
    rows = conn.execute(
        "SELECT * FROM deliveries WHERE status = ? AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id LIMIT ?",
        (PENDING, now, limit),
    ).fetchall()
    return [_delivery(r) for r in rows]


def next_due_at(conn: sqlite3.Connection) -> float | None:
    row = conn.execute(
        "SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE status = ?", (PENDING,)
    ).fetchone()
    return row["t"] if row else None


def recover(conn: sqlite3.Connection, now: float) -> int:
    """At start-up: deliveries a previous process had in flight are due again now."""
    with transaction(conn):
        return conn.execute(
            "UPDATE deliveries SET next_attempt_at = ? WHERE status = ? AND next_attempt_at > ?",
            (now, PENDING, now),
        ).rowcount


def mark_delivered(
    conn: sqlite3.Connection,
    delivery_id: int,
    now: float,
    *,
    activity_id: str | None = None,
    conversation_id: str | None = None,
    service_url: str | None = None,
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE deliveries SET status = ?, delivered_at = ?, attempts = attempts + 1,"
            " last_error = NULL, activity_id = COALESCE(?, activity_id),"
            " conversation_id = COALESCE(?, conversation_id), service_url = COALESCE(?, service_url)"
            " WHERE id = ?",
            (DELIVERED, now, activity_id, conversation_id, service_url, delivery_id),
        )
        row = conn.execute(
            "SELECT reference FROM deliveries WHERE id = ?", (delivery_id,)
        ).fetchone()
        if row is not None:
            _close_if_done(conn, row["reference"], now)


def _close_if_done(conn: sqlite3.Connection, reference: str, now: float) -> None:
    """A referral nobody can claim (no Teams card) is closed once every delivery is done."""
    open_or_teams = conn.execute(
        "SELECT COUNT(*) FROM deliveries WHERE reference = ? AND kind != ?"
        " AND (status = ? OR kind = ?)",
        (reference, CITIZEN, PENDING, TEAMS),
    ).fetchone()[0]
    if open_or_teams == 0:
        conn.execute(
            "UPDATE referrals SET closed_at = COALESCE(closed_at, ?) WHERE reference = ?",
            (now, reference),
        )


def mark_retry(
    conn: sqlite3.Connection, delivery_id: int, next_attempt_at: float, error: str
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            (next_attempt_at, error, delivery_id),
        )


def mark_failed(
    conn: sqlite3.Connection, delivery_id: int, error: str, escalate_to: Target | None, now: float
) -> int | None:
    """Give up on a delivery; with ``escalate_to``, add a delivery to the fallback in the same
    transaction. Returns the new delivery's id."""
    with transaction(conn):
        conn.execute(
            "UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (FAILED, error, delivery_id),
        )
        if escalate_to is None:
            return None
        row = conn.execute(
            "SELECT reference FROM deliveries WHERE id = ?", (delivery_id,)
        ).fetchone()
        return _add_delivery(conn, row["reference"], escalate_to, now, escalated_from=delivery_id)


def claim(
    conn: sqlite3.Connection, reference: str, staff: str, now: float
) -> tuple[Referral | None, bool]:
    """Mark ``reference`` claimed by ``staff`` unless someone claimed it first. Returns the
    referral as it now stands and whether this call claimed it. Claiming closes the referral
    (it has reached a person) and queues the citizen's notice, in one transaction."""
    with transaction(conn):
        changed = conn.execute(
            "UPDATE referrals SET status = ?, claimed_by = ?, claimed_at = ?, closed_at = ?"
            " WHERE reference = ? AND claimed_by IS NULL",
            (CLAIMED, staff, now, now, reference),
        ).rowcount
        if changed:
            _add_delivery(conn, reference, Target(CITIZEN, "citizen"), time.time())
    return get(conn, reference), bool(changed)


def for_conversation(conn: sqlite3.Connection, conversation: str) -> list[Referral]:
    rows = conn.execute(
        "SELECT * FROM referrals WHERE conversation = ? ORDER BY created_at", (conversation,)
    ).fetchall()
    return [_referral(r) for r in rows]


def erase_conversation(conn: sqlite3.Connection, conversation: str) -> list[str]:
    """Delete every referral from ``conversation`` (deliveries go with them) and the
    conversation's stored state. Returns the references erased."""
    with transaction(conn):
        refs = [
            r["reference"]
            for r in conn.execute(
                "SELECT reference FROM referrals WHERE conversation = ?", (conversation,)
            )
        ]
        conn.execute("DELETE FROM referrals WHERE conversation = ?", (conversation,))
        conn.execute(
            "DELETE FROM bot_state WHERE key = ? OR key LIKE ? ESCAPE '\\'",
            (conversation, _like_prefix(conversation)),
        )
    return refs


def _like_prefix(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


def purge(conn: sqlite3.Connection, closed_before: float, state_before: float) -> tuple[int, int]:
    """Delete referrals closed before ``closed_before`` and callback conversations abandoned
    (not touched) since ``state_before``. Returns (referrals, state items) deleted."""
    with transaction(conn):
        referrals = conn.execute(
            "DELETE FROM referrals WHERE closed_at IS NOT NULL AND closed_at < ?", (closed_before,)
        ).rowcount
        states = conn.execute(
            "DELETE FROM bot_state WHERE key LIKE '%/callback' AND updated_at < ?", (state_before,)
        ).rowcount
    return referrals, states


def delivery_summary(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {PENDING: 0, DELIVERED: 0, FAILED: 0, "escalated": 0}
    for row in conn.execute("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status"):
        counts[row["status"]] = row["n"]
    counts["escalated"] = conn.execute(
        "SELECT COUNT(*) FROM deliveries WHERE escalated_from IS NOT NULL"
    ).fetchone()[0]
    return counts


def save_conversation_ref(
    conn: sqlite3.Connection, conversation_id: str, reference: dict[str, Any]
) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO conversation_refs (conversation_id, reference, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (conversation_id) DO UPDATE SET reference = excluded.reference,"
            " updated_at = excluded.updated_at",
            (conversation_id, json.dumps(reference), time.time()),
        )


def conversation_ref(conn: sqlite3.Connection, conversation_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT reference FROM conversation_refs WHERE conversation_id = ?", (conversation_id,)
    ).fetchone()
    return json.loads(row["reference"]) if row else None


def card_delivery(conn: sqlite3.Connection, reference: str) -> list[Delivery]:
    rows = conn.execute(
        "SELECT * FROM deliveries WHERE reference = ? AND kind = ? AND status = ?",
        (reference, TEAMS, DELIVERED),
    ).fetchall()
    return [_delivery(r) for r in rows]


# ---- the async interface the bot uses ----------------------------------------------------
class ReferralStore:
    """Referrals and the outbox over a :class:`Database` (each call in the database thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, new: NewReferral, targets: Sequence[Target], created_at: float
    ) -> tuple[Referral, bool]:
        return await self.db.call(lambda c: create(c, new, targets, created_at))

    async def get(self, reference: str) -> Referral | None:
        return await self.db.call(lambda c: get(c, reference))

    async def deliveries_of(self, reference: str) -> list[Delivery]:
        return await self.db.call(lambda c: deliveries_of(c, reference))

    async def due(self, now: float, limit: int = 20) -> list[Delivery]:
        return await self.db.call(lambda c: due(c, now, limit))

    async def next_due_at(self) -> float | None:
        return await self.db.call(next_due_at)

    async def recover(self, now: float) -> int:
        return await self.db.call(lambda c: recover(c, now))

    async def mark_delivered(self, delivery_id: int, now: float, **where: str | None) -> None:
        await self.db.call(lambda c: mark_delivered(c, delivery_id, now, **where))

    async def mark_retry(self, delivery_id: int, next_attempt_at: float, error: str) -> None:
        await self.db.call(lambda c: mark_retry(c, delivery_id, next_attempt_at, error))

    async def mark_failed(
        self, delivery_id: int, error: str, escalate_to: Target | None, now: float
    ) -> int | None:
        return await self.db.call(lambda c: mark_failed(c, delivery_id, error, escalate_to, now))

    async def claim(self, reference: str, staff: str, now: float) -> tuple[Referral | None, bool]:
        return await self.db.call(lambda c: claim(c, reference, staff, now))

    async def for_conversation(self, conversation: str) -> list[Referral]:
        return await self.db.call(lambda c: for_conversation(c, conversation))

    async def erase_conversation(self, conversation: str) -> list[str]:
        return await self.db.call(lambda c: erase_conversation(c, conversation))

    async def purge(self, closed_before: float, state_before: float) -> tuple[int, int]:
        return await self.db.call(lambda c: purge(c, closed_before, state_before))

    async def delivery_summary(self) -> dict[str, int]:
        return await self.db.call(delivery_summary)

    async def save_conversation_ref(self, conversation_id: str, reference: dict[str, Any]) -> None:
        await self.db.call(lambda c: save_conversation_ref(c, conversation_id, reference))

    async def conversation_ref(self, conversation_id: str) -> dict[str, Any] | None:
        return await self.db.call(lambda c: conversation_ref(c, conversation_id))

    async def card_deliveries(self, reference: str) -> list[Delivery]:
        return await self.db.call(lambda c: card_delivery(c, reference))
