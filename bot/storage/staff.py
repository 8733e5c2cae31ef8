"""What staff do with call-back requests on the staff page (and on the Teams card).

- One claim: :func:`claim` is ``referrals.claim`` (the same row the Teams card's "I'll take
  it" sets), followed by an audit entry; whoever claims first wins, on the page or in Teams.
- Outcomes and notes (:func:`record_outcome`) and hand-overs (:func:`hand_over`) are rows of
  ``staff_actions``; they go with their referral (retention purge, "delete my details").
- The audit log (``staff_audit``): every staff action, who, what, when. It names a request by
  its reference only, never a citizen's details, so it outlives the referral.
- One-time sign-in links (``staff_links``): only a hash of the token is stored, so the link
  printed by ``python -m bot.staff link`` works in the server process and cannot be read back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from . import insights, referrals
from .db import Connection, Database, Row
from .records import PAGE, PENDING, Referral

# Outcomes staff record after ringing. FINAL ones finish the request.
RANG_SORTED = "rang_sorted"
NO_ANSWER = "no_answer"
TRY_LATER = "try_later"
VOLUNTEER = "volunteer"
OUTCOMES = (RANG_SORTED, NO_ANSWER, TRY_LATER, VOLUNTEER)
FINAL = frozenset({RANG_SORTED, VOLUNTEER})

# staff_actions.action
OUTCOME = "outcome"
HANDOVER = "handover"

NOTE_MAX = 2000
NAME_MAX = 120


@dataclass(frozen=True, slots=True)
class StaffAction:
    id: int
    reference: str
    at: float
    staff: str
    action: str  # OUTCOME or HANDOVER
    outcome: str | None = None
    note: str | None = None
    handed_to: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: float
    staff: str
    action: str  # e.g. "signed_in", "claimed", "outcome", "handed_over", "exported_csv"
    reference: str | None = None
    detail: str | None = None


class StaffActionRefused(Exception):
    """An action that cannot be done (no such request, unknown outcome); the message is safe
    to show staff."""


def _action(row: Row) -> StaffAction:
    return StaffAction(
        id=int(row["id"]),
        reference=row["reference"],
        at=float(row["at"]),
        staff=row["staff"],
        action=row["action"],
        outcome=row["outcome"],
        note=row["note"],
        handed_to=row["handed_to"],
    )


def _entry(row: Row) -> AuditEntry:
    return AuditEntry(
        id=int(row["id"]),
        at=float(row["at"]),
        staff=row["staff"],
        action=row["action"],
        reference=row["reference"],
        detail=row["detail"],
    )


def _name(text: str) -> str:
    return " ".join(text.split())[:NAME_MAX]


def _note(text: str) -> str:
    return text.strip()[:NOTE_MAX]


# ---- the audit log -------------------------------------------------------------------------
def add_audit(
    conn: Connection,
    at: float,
    staff: str,
    action: str,
    reference: str | None = None,
    detail: str | None = None,
) -> None:
    """Inside a transaction (or on its own): one audit entry. ``detail`` must never carry a
    citizen's details (an outcome code, a service id, a count)."""
    conn.execute(
        "INSERT INTO staff_audit (at, staff, action, reference, detail) VALUES (?, ?, ?, ?, ?)",
        (at, _name(staff), action, reference, detail),
    )


def audit(
    conn: Connection,
    at: float,
    staff: str,
    action: str,
    reference: str | None = None,
    detail: str | None = None,
) -> None:
    """One audit entry in its own transaction."""
    with conn.transaction():
        add_audit(conn, at, staff, action, reference, detail)


def audit_log(conn: Connection, limit: int = 200, reference: str | None = None) -> list[AuditEntry]:
    if reference is None:
        rows = conn.all("SELECT * FROM staff_audit ORDER BY at DESC, id DESC LIMIT ?", (limit,))
    else:
        rows = conn.all(
            "SELECT * FROM staff_audit WHERE reference = ? ORDER BY at DESC, id DESC LIMIT ?",
            (reference, limit),
        )
    return [_entry(r) for r in rows]


# ---- requests and what staff did with them -------------------------------------------------
def requests(conn: Connection, limit: int = 2000) -> list[tuple[Referral, list[StaffAction]]]:
    """The newest ``limit`` referrals, each with its staff actions (oldest first)."""
    found = referrals.listing(conn, limit)
    if not found:
        return []
    actions: dict[str, list[StaffAction]] = {r.reference: [] for r in found}
    marks = ",".join("?" * len(found))
    for row in conn.all(
        f"SELECT * FROM staff_actions WHERE reference IN ({marks}) ORDER BY at, id",
        [r.reference for r in found],
    ):
        actions[row["reference"]].append(_action(row))
    return [(r, actions[r.reference]) for r in found]


def actions_of(conn: Connection, reference: str) -> list[StaffAction]:
    rows = conn.all(
        "SELECT * FROM staff_actions WHERE reference = ? ORDER BY at, id", (reference,)
    )
    return [_action(r) for r in rows]


def claim(
    conn: Connection,
    reference: str,
    staff: str,
    now: float,
    notify: Callable[[Connection], None],
    *,
    via: str = "page",
) -> tuple[Referral | None, bool]:
    """The one claim (``referrals.claim``: the row the Teams card sets too), then an audit
    entry. Returns the referral as it now stands and whether this call claimed it.
    ``via``: where the claim was made ("page" or "teams"), for the audit log."""
    referral, won = referrals.claim(conn, reference, _name(staff), now, notify)
    if referral is not None:
        audit(conn, now, staff, "claimed" if won else "claim_lost", reference, via)
    return referral, won


def record_outcome(
    conn: Connection,
    reference: str,
    staff: str,
    outcome: str,
    note: str,
    now: float,
    notify: Callable[[Connection], None],
) -> StaffAction:
    """Record what happened when ``staff`` rang. An unclaimed request is claimed by them
    first (the same claim as the Teams card's)."""
    if outcome not in OUTCOMES:
        raise StaffActionRefused(f"unknown outcome {outcome!r}")
    current = referrals.get(conn, reference)
    if current is None:
        raise StaffActionRefused(f"no request {reference}")
    if current.claimed_by is None:
        claim(conn, reference, staff, now, notify)
    with conn.transaction():
        row = conn.one(
            "INSERT INTO staff_actions (reference, at, staff, action, outcome, note)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
            (reference, now, _name(staff), OUTCOME, outcome, _note(note) or None),
        )
        add_audit(conn, now, staff, "outcome", reference, outcome)
    assert row is not None
    return _action(row)


def hand_over(
    conn: Connection, reference: str, staff: str, to: str, now: float
) -> StaffAction:
    """Give a claimed request to ``to`` (by ``staff``, who need not hold it: a team lead may
    hand over someone else's). The claim moves; the Teams card and the page both show it."""
    to = _name(to)
    if not to:
        raise StaffActionRefused("say who takes it over")
    with conn.transaction():
        changed = conn.execute(
            "UPDATE referrals SET claimed_by = ? WHERE reference = ? AND claimed_by IS NOT NULL",
            (to, reference),
        )
        if not changed:
            raise StaffActionRefused(f"{reference} is not claimed (or no longer exists)")
        row = conn.one(
            "INSERT INTO staff_actions (reference, at, staff, action, handed_to)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *",
            (reference, now, _name(staff), HANDOVER, to),
        )
        add_audit(conn, now, staff, "handed_over", reference, to)
    assert row is not None
    return _action(row)


def deliver_to_page(conn: Connection, now: float) -> int:
    """Mark every pending delivery to the staff page delivered (there is nothing to send:
    the page reads the referral itself). For the outbox; returns how many."""
    ids = [
        int(r["id"])
        for r in conn.all(
            "SELECT id FROM deliveries WHERE kind = ? AND status = ?", (PAGE, PENDING)
        )
    ]
    for delivery_id in ids:
        referrals.mark_delivered(conn, delivery_id, now)
    return len(ids)


# ---- sign-in links -------------------------------------------------------------------------
def create_link(
    conn: Connection, token_hash: str, name: str, now: float, valid_seconds: float
) -> None:
    with conn.transaction():
        conn.execute("DELETE FROM staff_links WHERE expires_at < ?", (now - 86400,))
        conn.execute(
            "INSERT INTO staff_links (token_hash, name, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, _name(name), now, now + valid_seconds),
        )


def use_link(conn: Connection, token_hash: str, now: float) -> str | None:
    """The name a link was made for, once: None when unknown, used or expired."""
    with conn.transaction():
        row = conn.one(
            "UPDATE staff_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ? RETURNING name",
            (now, token_hash, now),
        )
    return str(row["name"]) if row else None


def usable_link(conn: Connection, token_hash: str, now: float) -> str | None:
    """The name of a link that can still be used (without using it up), else None."""
    row = conn.one(
        "SELECT name FROM staff_links WHERE token_hash = ? AND used_at IS NULL"
        " AND expires_at > ?",
        (token_hash, now),
    )
    return str(row["name"]) if row else None


# ---- erasure and retention -----------------------------------------------------------------
def erase_conversation(conn: Connection, conversation: str) -> int:
    """Inside the erasure transaction, BEFORE ``referrals.erase_conversation``: delete staff
    notes and outcomes of that conversation's referrals (the audit log keeps references
    only). Returns the rows deleted."""
    return conn.execute(
        "DELETE FROM staff_actions WHERE reference IN"
        " (SELECT reference FROM referrals WHERE conversation = ?)",
        (conversation,),
    )


def erase_citizen(conn: Connection, conversation_key: str) -> int:
    """Everything the staff page keeps about one conversation, for the citizen's "delete my
    details": call it inside the erasure transaction, BEFORE ``referrals.erase_conversation``
    (it finds the staff notes through the conversation's referrals). Deletes the staff
    actions (outcomes, notes, hand-overs) of its referrals and the turns and not-understood
    messages recorded for it. Returns the rows deleted."""
    return erase_conversation(conn, conversation_key) + insights.erase_conversation(
        conn, conversation_key
    )


def purge(conn: Connection, audit_before: float, now: float) -> int:
    """Delete audit entries older than ``audit_before`` and sign-in links expired a day ago.
    (Staff actions go with their referrals.) Returns the audit entries deleted."""
    with conn.transaction():
        old = conn.execute("DELETE FROM staff_audit WHERE at < ?", (audit_before,))
        conn.execute("DELETE FROM staff_links WHERE expires_at < ?", (now - 86400,))
    return old


# ---- the async interface the page uses -----------------------------------------------------
class StaffStore:
    """The staff page's operations over a :class:`~bot.storage.db.Database`."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._now = clock

    def _notify(self, conn: Connection) -> None:
        self.db.notify(conn, referrals.OUTBOX_CHANNEL)

    async def requests(self, limit: int = 2000) -> list[tuple[Referral, list[StaffAction]]]:
        return await self.db.call(lambda c: requests(c, limit))

    async def request(self, reference: str) -> tuple[Referral, list[StaffAction]] | None:
        def read(c: Connection) -> tuple[Referral, list[StaffAction]] | None:
            found = referrals.get(c, reference)
            return None if found is None else (found, actions_of(c, reference))

        return await self.db.call(read)

    async def claim(self, reference: str, staff: str, *, via: str = "page") -> tuple[Referral | None, bool]:
        now = self._now()
        return await self.db.call(lambda c: claim(c, reference, staff, now, self._notify, via=via))

    async def record_outcome(
        self, reference: str, staff: str, outcome: str, note: str
    ) -> StaffAction:
        now = self._now()
        return await self.db.call(
            lambda c: record_outcome(c, reference, staff, outcome, note, now, self._notify)
        )

    async def hand_over(self, reference: str, staff: str, to: str) -> StaffAction:
        now = self._now()
        return await self.db.call(lambda c: hand_over(c, reference, staff, to, now))

    async def audit(
        self, staff: str, action: str, reference: str | None = None, detail: str | None = None
    ) -> None:
        now = self._now()
        await self.db.call(lambda c: audit(c, now, staff, action, reference, detail))

    async def audit_log(self, limit: int = 200, reference: str | None = None) -> list[AuditEntry]:
        return await self.db.call(lambda c: audit_log(c, limit, reference))

    async def create_link(self, token_hash: str, name: str, valid_seconds: float) -> None:
        now = self._now()
        await self.db.call(lambda c: create_link(c, token_hash, name, now, valid_seconds))

    async def use_link(self, token_hash: str) -> str | None:
        now = self._now()
        return await self.db.call(lambda c: use_link(c, token_hash, now))

    async def usable_link(self, token_hash: str) -> str | None:
        now = self._now()
        return await self.db.call(lambda c: usable_link(c, token_hash, now))

    async def purge(self, audit_days: float) -> int:
        now = self._now()
        return await self.db.call(lambda c: purge(c, now - audit_days * 86400, now))

