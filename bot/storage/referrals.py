"""Referrals and the delivery outbox.

A referral and its deliveries are written in one transaction, so a referral is never stored
without the deliveries that carry it to staff. The outbox is shared by every instance: a due
delivery is leased (``lease_until``, ``lease_owner``) by the sender that takes it, with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two instances never send the same delivery at
once. The sender renews its leases while it is still sending (:func:`renew`), so a lease can
be short: one that runs out means its instance died (SIGKILL, a lost machine), and the
delivery is due again for the others within ``LEASE_SECONDS``. Only the lease's owner can
put a delivery back for a retry or give it up, and nothing undoes a delivery once it is
recorded as delivered. Each delivery keeps its idempotency key for the receiver, since
at-least-once delivery allows a repeat (a sender that died after the receiver answered).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from .db import POSTGRESQL, Connection, Database, Row, StorageError
from .records import (
    CITIZEN,
    CLAIMED,
    DELIVERED,
    FAILED,
    PAGE,
    PENDING,
    RECEIVED,
    TEAMS,
    Delivery,
    NewReferral,
    Referral,
    Target,
)

_REFERENCE_TRIES = 20
OUTBOX_CHANNEL = "helpline_outbox"
# How long a leased delivery stays with its sender without a renewal: how long a delivery
# waits, after its instance died, before another instance takes it over. Senders renew
# their leases every third of this while sending (a Teams post may take several tries).
LEASE_SECONDS = 15.0


def _referral(row: Row) -> Referral:
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
        town=row["town"],
        language=row["language"] or "en",
    )


def _delivery(row: Row) -> Delivery:
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


def add_delivery(
    conn: Connection,
    reference: str,
    target: Target,
    now: float,
    escalated_from: int | None = None,
) -> int:
    row = conn.one(
        "INSERT INTO deliveries (reference, kind, destination, idempotency_key, status,"
        " next_attempt_at, escalated_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
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
    return int(row["id"]) if row else 0


# ---- operations (each runs on one connection, off the event loop) -------------------------
def create(
    conn: Connection,
    new: NewReferral,
    targets: Sequence[Target],
    created_at: float,
    new_reference: Callable[[], str],
    notify: Callable[[Connection], None],
) -> tuple[Referral, bool]:
    """Store ``new`` with one pending delivery per target. Returns the referral and whether it
    was created now (False: this submission was committed before, e.g. a repeated turn)."""
    existing = conn.one("SELECT * FROM referrals WHERE submission = ?", (new.submission,))
    if existing is not None:
        return _referral(existing), False
    now = time.time()
    for _ in range(_REFERENCE_TRIES):
        reference = new_reference()
        with conn.transaction():
            taken = conn.one("SELECT 1 AS taken FROM referrals WHERE reference = ?", (reference,))
            if taken is not None:
                continue  # that code is in use: draw another
            inserted = conn.execute(
                "INSERT INTO referrals (reference, submission, conversation, service_id, name,"
                " phone, area, need, citizen_ref, status, created_at, town, language)"
                # Any conflict: this submission (another instance ran the same turn) or this
                # code (another instance drew it at the same moment, not yet committed when
                # we looked). Either way nothing is inserted and we look again below.
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
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
                    new.town,
                    new.language,
                ),
            )
            if inserted:
                for target in targets:
                    add_delivery(conn, reference, target, now)
                notify(conn)
        if not inserted:
            # Committed meanwhile by another instance running the same turn, or the code was
            # taken meanwhile: then draw another.
            row = conn.one("SELECT * FROM referrals WHERE submission = ?", (new.submission,))
            if row is not None:
                return _referral(row), False
            continue
        row = conn.one("SELECT * FROM referrals WHERE reference = ?", (reference,))
        assert row is not None
        return _referral(row), True
    raise StorageError("could not find a free reference code")


def get(conn: Connection, reference: str) -> Referral | None:
    row = conn.one("SELECT * FROM referrals WHERE reference = ?", (reference,))
    return _referral(row) if row else None


def listing(conn: Connection, limit: int = 100) -> list[Referral]:
    rows = conn.all("SELECT * FROM referrals ORDER BY created_at DESC LIMIT ?", (limit,))
    return [_referral(r) for r in rows]


def deliveries_of(conn: Connection, reference: str) -> list[Delivery]:
    rows = conn.all("SELECT * FROM deliveries WHERE reference = ? ORDER BY id", (reference,))
    return [_delivery(r) for r in rows]


def due(
    conn: Connection,
    now: float,
    limit: int = 20,
    *,
    lease: float = LEASE_SECONDS,
    owner: str | None = None,
) -> list[Delivery]:
    """Lease up to ``limit`` deliveries due at ``now`` to ``owner`` (a sender) for ``lease``
    seconds and return them."""
    skip_locked = " FOR UPDATE SKIP LOCKED" if conn.dialect == POSTGRESQL else ""
    with conn.transaction():
        rows = conn.all(
            "SELECT id FROM deliveries WHERE status = ? AND next_attempt_at <= ?"
            " AND (lease_until IS NULL OR lease_until <= ?)"
            f" ORDER BY next_attempt_at, id LIMIT ?{skip_locked}",
            (PENDING, now, now, limit),
        )
        ids = [int(r["id"]) for r in rows]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        conn.execute(
            f"UPDATE deliveries SET lease_until = ?, lease_owner = ? WHERE id IN ({marks})",
            (now + lease, owner, *ids),
        )
        leased = conn.all(
            f"SELECT * FROM deliveries WHERE id IN ({marks}) ORDER BY next_attempt_at, id", ids
        )
    return [_delivery(r) for r in leased]


def renew(conn: Connection, ids: Sequence[int], owner: str, until: float) -> int:
    """Extend ``owner``'s leases of the deliveries ``ids`` (still pending) to ``until``.
    Returns how many it still held."""
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    with conn.transaction(durable=False):
        return conn.execute(
            f"UPDATE deliveries SET lease_until = ? WHERE id IN ({marks})"
            " AND status = ? AND lease_owner = ?",
            (until, *ids, PENDING, owner),
        )


def _lease_held(owner: str | None) -> tuple[str, tuple[str, ...]]:
    """The condition that a pending delivery is still this sender's to change (any sender's,
    for ``owner=None``: one instance, tests and tools)."""
    if owner is None:
        return " AND status = ?", (PENDING,)
    return " AND status = ? AND lease_owner = ?", (PENDING, owner)


def next_due_at(conn: Connection) -> float | None:
    row = conn.one(
        "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_attempt_at"
        " THEN lease_until ELSE next_attempt_at END) AS t FROM deliveries WHERE status = ?",
        (PENDING,),
    )
    return float(row["t"]) if row and row["t"] is not None else None


def recover(conn: Connection, now: float, *, only_instance: bool) -> int:
    """At start-up: deliveries waiting for a retry are due again now (a restart is the
    moment to try). With one instance (SQLite) every lease is this process's predecessor's,
    so they are cleared; with several, leases are left to run out (another instance may be
    sending)."""
    with conn.transaction():
        if only_instance:
            return conn.execute(
                "UPDATE deliveries SET next_attempt_at = ?, lease_until = NULL"
                " WHERE status = ? AND (next_attempt_at > ? OR lease_until IS NOT NULL)",
                (now, PENDING, now),
            )
        return conn.execute(
            "UPDATE deliveries SET next_attempt_at = ? WHERE status = ? AND next_attempt_at > ?"
            " AND lease_until IS NULL",
            (now, PENDING, now),
        )


def mark_delivered(
    conn: Connection,
    delivery_id: int,
    now: float,
    *,
    activity_id: str | None = None,
    conversation_id: str | None = None,
    service_url: str | None = None,
) -> None:
    """Record a delivery as delivered, whoever holds its lease now (it was delivered; a
    sender whose lease ran out may still have been the one to get it through)."""
    with conn.transaction():
        changed = conn.execute(
            "UPDATE deliveries SET status = ?, delivered_at = ?, attempts = attempts + 1,"
            " last_error = NULL, lease_until = NULL, lease_owner = NULL,"
            " activity_id = COALESCE(?, activity_id),"
            " conversation_id = COALESCE(?, conversation_id), service_url = COALESCE(?, service_url)"
            " WHERE id = ? AND status = ?",
            (DELIVERED, now, activity_id, conversation_id, service_url, delivery_id, PENDING),
        )
        if not changed:
            return  # delivered already (another instance took over), or erased
        row = conn.one("SELECT reference FROM deliveries WHERE id = ?", (delivery_id,))
        if row is not None:
            _close_if_done(conn, row["reference"], now)


def _close_if_done(conn: Connection, reference: str, now: float) -> None:
    """A referral nobody can claim (no Teams card, not on the staff page) is closed once
    every delivery is done."""
    row = conn.one(
        "SELECT COUNT(*) AS n FROM deliveries WHERE reference = ? AND kind != ?"
        " AND (status = ? OR kind IN (?, ?))",
        (reference, CITIZEN, PENDING, TEAMS, PAGE),
    )
    if row is not None and row["n"] == 0:
        conn.execute(
            "UPDATE referrals SET closed_at = COALESCE(closed_at, ?) WHERE reference = ?",
            (now, reference),
        )


def mark_retry(
    conn: Connection,
    delivery_id: int,
    next_attempt_at: float,
    error: str,
    owner: str | None = None,
) -> bool:
    """Put a delivery back for another try at ``next_attempt_at``; False when ``owner`` no
    longer holds it (another instance took it over, or delivered it)."""
    held, args = _lease_held(owner)
    with conn.transaction():
        return bool(
            conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?,"
                f" last_error = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?{held}",
                (next_attempt_at, error, delivery_id, *args),
            )
        )


def mark_failed(
    conn: Connection,
    delivery_id: int,
    error: str,
    escalate_to: Target | None,
    now: float,
    notify: Callable[[Connection], None],
    owner: str | None = None,
) -> int | None:
    """Give up on a delivery; with ``escalate_to``, add a delivery to the fallback in the same
    transaction. Returns the new delivery's id. Nothing happens when ``owner`` no longer
    holds the delivery: whoever does decides."""
    held, args = _lease_held(owner)
    with conn.transaction():
        changed = conn.execute(
            "UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?,"
            f" lease_until = NULL, lease_owner = NULL WHERE id = ?{held}",
            (FAILED, error, delivery_id, *args),
        )
        if not changed or escalate_to is None:
            return None
        row = conn.one("SELECT reference FROM deliveries WHERE id = ?", (delivery_id,))
        if row is None:
            return None
        new_id = add_delivery(conn, row["reference"], escalate_to, now, escalated_from=delivery_id)
        notify(conn)
        return new_id


def claim(
    conn: Connection,
    reference: str,
    staff: str,
    now: float,
    notify: Callable[[Connection], None],
) -> tuple[Referral | None, bool]:
    """Mark ``reference`` claimed by ``staff`` unless someone claimed it first. Returns the
    referral as it now stands and whether this call claimed it. Claiming closes the referral
    (it has reached a person) and queues the citizen's notice, in one transaction."""
    with conn.transaction():
        changed = conn.execute(
            "UPDATE referrals SET status = ?, claimed_by = ?, claimed_at = ?, closed_at = ?"
            " WHERE reference = ? AND claimed_by IS NULL",
            (CLAIMED, staff, now, now, reference),
        )
        if changed:
            add_delivery(conn, reference, Target(CITIZEN, "citizen"), time.time())
            notify(conn)
    return get(conn, reference), bool(changed)


def for_conversation(conn: Connection, conversation: str) -> list[Referral]:
    rows = conn.all(
        "SELECT * FROM referrals WHERE conversation = ? ORDER BY created_at", (conversation,)
    )
    return [_referral(r) for r in rows]


def erase_conversation(conn: Connection, conversation: str) -> list[str]:
    """Inside a transaction: delete every referral from ``conversation`` (their deliveries
    go with them). Returns the references erased."""
    refs = [
        r["reference"]
        for r in conn.all("SELECT reference FROM referrals WHERE conversation = ?", (conversation,))
    ]
    if refs:
        marks = ",".join("?" * len(refs))
        conn.execute(f"DELETE FROM deliveries WHERE reference IN ({marks})", refs)
        conn.execute("DELETE FROM referrals WHERE conversation = ?", (conversation,))
    return refs


def purge(conn: Connection, closed_before: float, state_before: float) -> tuple[int, int]:
    """Delete referrals closed before ``closed_before`` and conversation state nobody has
    touched since ``state_before``. Returns (referrals, state items) deleted."""
    with conn.transaction():
        old = [
            r["reference"]
            for r in conn.all(
                "SELECT reference FROM referrals WHERE closed_at IS NOT NULL AND closed_at < ?",
                (closed_before,),
            )
        ]
        if old:
            marks = ",".join("?" * len(old))
            conn.execute(f"DELETE FROM deliveries WHERE reference IN ({marks})", old)
            conn.execute(f"DELETE FROM referrals WHERE reference IN ({marks})", old)
        states = conn.execute("DELETE FROM bot_state WHERE updated_at < ?", (state_before,))
    if old or states:
        conn.checkpoint()
    return len(old), states


def delivery_summary(conn: Connection) -> dict[str, int]:
    counts = {PENDING: 0, DELIVERED: 0, FAILED: 0, "escalated": 0}
    for row in conn.all("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status"):
        counts[row["status"]] = int(row["n"])
    escalated = conn.one("SELECT COUNT(*) AS n FROM deliveries WHERE escalated_from IS NOT NULL")
    counts["escalated"] = int(escalated["n"]) if escalated else 0
    return counts


def save_conversation_ref(conn: Connection, conversation_id: str, reference: dict[str, Any]) -> None:
    with conn.transaction():
        conn.execute(
            "INSERT INTO conversation_refs (conversation_id, reference, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (conversation_id) DO UPDATE SET reference = excluded.reference,"
            " updated_at = excluded.updated_at",
            (conversation_id, json.dumps(reference), time.time()),
        )


def conversation_ref(conn: Connection, conversation_id: str) -> dict[str, Any] | None:
    row = conn.one(
        "SELECT reference FROM conversation_refs WHERE conversation_id = ?", (conversation_id,)
    )
    if row is None:
        return None
    value = json.loads(row["reference"])
    return value if isinstance(value, dict) else None


def card_deliveries(conn: Connection, reference: str) -> list[Delivery]:
    rows = conn.all(
        "SELECT * FROM deliveries WHERE reference = ? AND kind = ? AND status = ?",
        (reference, TEAMS, DELIVERED),
    )
    return [_delivery(r) for r in rows]


# ---- the async interface the bot uses ----------------------------------------------------
class ReferralStore:
    """Referrals and the outbox over a :class:`~bot.storage.db.Database`."""

    def __init__(self, db: Database, new_reference: Callable[[], str]) -> None:
        self.db = db
        self._new_reference = new_reference

    def _notify(self, conn: Connection) -> None:
        self.db.notify(conn, OUTBOX_CHANNEL)

    async def create(
        self, new: NewReferral, targets: Sequence[Target], created_at: float
    ) -> tuple[Referral, bool]:
        return await self.db.call(
            lambda c: create(c, new, targets, created_at, self._new_reference, self._notify)
        )

    async def get(self, reference: str) -> Referral | None:
        return await self.db.call(lambda c: get(c, reference))

    async def listing(self, limit: int = 100) -> list[Referral]:
        return await self.db.call(lambda c: listing(c, limit))

    async def deliveries_of(self, reference: str) -> list[Delivery]:
        return await self.db.call(lambda c: deliveries_of(c, reference))

    async def due(
        self, now: float, limit: int = 20, *, lease: float = LEASE_SECONDS, owner: str | None = None
    ) -> list[Delivery]:
        return await self.db.call(lambda c: due(c, now, limit, lease=lease, owner=owner))

    async def renew(self, ids: Sequence[int], owner: str, until: float) -> int:
        return await self.db.call(lambda c: renew(c, ids, owner, until))

    async def next_due_at(self) -> float | None:
        return await self.db.call(next_due_at)

    async def recover(self, now: float) -> int:
        only = self.db.dialect == "sqlite"
        return await self.db.call(lambda c: recover(c, now, only_instance=only))

    async def mark_delivered(self, delivery_id: int, now: float, **where: str | None) -> None:
        await self.db.call(lambda c: mark_delivered(c, delivery_id, now, **where))

    async def mark_retry(
        self, delivery_id: int, next_attempt_at: float, error: str, owner: str | None = None
    ) -> bool:
        return await self.db.call(
            lambda c: mark_retry(c, delivery_id, next_attempt_at, error, owner)
        )

    async def mark_failed(
        self,
        delivery_id: int,
        error: str,
        escalate_to: Target | None,
        now: float,
        owner: str | None = None,
    ) -> int | None:
        return await self.db.call(
            lambda c: mark_failed(c, delivery_id, error, escalate_to, now, self._notify, owner)
        )

    async def claim(self, reference: str, staff: str, now: float) -> tuple[Referral | None, bool]:
        return await self.db.call(lambda c: claim(c, reference, staff, now, self._notify))

    async def for_conversation(self, conversation: str) -> list[Referral]:
        return await self.db.call(lambda c: for_conversation(c, conversation))

    async def purge(self, closed_before: float, state_before: float) -> tuple[int, int]:
        return await self.db.call(lambda c: purge(c, closed_before, state_before))

    async def delivery_summary(self) -> dict[str, int]:
        return await self.db.call(delivery_summary)

    async def save_conversation_ref(self, conversation_id: str, reference: dict[str, Any]) -> None:
        await self.db.call(lambda c: save_conversation_ref(c, conversation_id, reference))

    async def conversation_ref(self, conversation_id: str) -> dict[str, Any] | None:
        return await self.db.call(lambda c: conversation_ref(c, conversation_id))

    async def card_deliveries(self, reference: str) -> list[Delivery]:
        return await self.db.call(lambda c: card_deliveries(c, reference))
