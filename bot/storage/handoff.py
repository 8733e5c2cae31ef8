"""Live chats with staff (issue 15): the chats, their transcripts, and the outbox that paces
what goes to Teams.

- ``live_chats``: one row per request to talk to a person; its status (waiting, active,
  handing over, ended), who has it, the staff thread it lives in. Changes go through
  :func:`transition`, which reads the row under a lock (``BEGIN IMMEDIATE`` on SQLite,
  ``FOR UPDATE`` on PostgreSQL), lets the caller decide, and writes the change together with
  the messages it causes, in one transaction: two staff members pressing "Take this chat"
  on two instances at once cannot both win, and a change is never saved without its
  messages (nor the other way round).
- ``live_chat_lines``: the transcript (personal data: it goes with its chat, at the
  retention purge and at "delete my details").
- ``handoff_outbox``: every message to a citizen or a staff thread, in order per target
  conversation, sent by ``bot/handoff/outbox.py`` at Teams' pace. A target is leased to one
  instance at a time (``handoff_leases``), so messages to one conversation keep their order
  and their pace even with several instances.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .db import POSTGRESQL, Connection, Database, Row

# live_chats.status
WAITING = "waiting"  # asked; nobody has it
ACTIVE = "active"  # a staff member has it
HANDING = "handing"  # its staff member offers it to a colleague (and still has it)
ENDED = "ended"
LIVE = (WAITING, ACTIVE, HANDING)

# live_chats.ended_by
BY_CITIZEN = "citizen"
BY_STAFF = "staff"
BY_TIMEOUT = "timeout"

# live_chat_lines.who
CITIZEN = "citizen"
STAFF = "staff"
BOT = "bot"

# handoff_outbox.op
CREATE_THREAD = "create_thread"  # the request's card, as a new thread in the staff channel
THREAD_POST = "thread_post"  # a message in the chat's thread
CARD_UPDATE = "card_update"  # replace the request's card (the thread's first message)
CITIZEN_POST = "citizen_post"  # a message to the citizen
DELETE = "delete"  # remove a message the bot posted (erasure, retention)

# handoff_outbox.status
PENDING = "pending"
SENT = "sent"
FAILED = "failed"
SUPERSEDED = "superseded"  # a card update overtaken by a newer one before it was sent

HANDOFF_CHANNEL = "helpline_handoff"  # NOTIFY channel: work queued for the sender
LEASE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class LiveChat:
    id: str
    conversation: str  # the citizen's conversation (state key)
    citizen_ref: dict[str, Any]  # the citizen's conversation address
    language: str
    status: str
    requested_at: float
    queued_at: float  # when it (last) joined the queue: the order, and the wait's start
    wait_until: float  # nobody took it by then: the citizen is offered a call-back
    asked: str
    service_id: str | None
    town: str | None
    history: list[dict[str, Any]]  # the conversation before the request
    channel_ref: dict[str, Any]  # the staff channel's address
    thread_id: str | None = None
    card_activity_id: str | None = None
    card_minutes: int = 0  # the waiting minutes the card shows
    staff_id: str | None = None
    staff_name: str | None = None
    taken_at: float | None = None
    ended_at: float | None = None
    ended_by: str | None = None
    helped: bool | None = None
    feedback_asked: bool = False
    updated_at: float = 0.0

    @property
    def live(self) -> bool:
        return self.status in LIVE


@dataclass(frozen=True, slots=True)
class ChatLine:
    id: int
    chat_id: str
    at: float
    who: str  # CITIZEN, STAFF or BOT
    name: str
    text: str
    flagged: bool = False  # the citizen's message got the emergency reply


@dataclass(frozen=True, slots=True)
class NewOp:
    """A message for the outbox. ``target`` orders and paces (a conversation id, or
    ``chat:<id>`` for a chat's staff thread, known only once the thread exists);
    ``address`` is where to send it, or None for the chat's thread or card."""

    op: str
    target: str
    payload: dict[str, Any]
    chat_id: str | None = None
    address: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class OutboxOp:
    id: int
    chat_id: str | None
    target: str
    op: str
    address: dict[str, Any] | None
    payload: dict[str, Any]
    status: str
    attempts: int
    next_at: float
    last_error: str | None = None
    activity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """What :func:`transition` found and did: the chat before and after (None: no such
    chat), and whether it changed."""

    before: LiveChat | None
    after: LiveChat | None
    changed: bool


def thread_target(chat_id: str) -> str:
    return f"chat:{chat_id}"


def _json(value: Any) -> Any:
    return json.loads(value) if value else None


def _chat(row: Row) -> LiveChat:
    helped = row["helped"]
    return LiveChat(
        id=row["id"],
        conversation=row["conversation"],
        citizen_ref=_json(row["citizen_ref"]) or {},
        language=row["language"],
        status=row["status"],
        requested_at=float(row["requested_at"]),
        queued_at=float(row["queued_at"]),
        wait_until=float(row["wait_until"]),
        asked=row["asked"],
        service_id=row["service_id"],
        town=row["town"],
        history=_json(row["history"]) or [],
        channel_ref=_json(row["channel_ref"]) or {},
        thread_id=row["thread_id"],
        card_activity_id=row["card_activity_id"],
        card_minutes=int(row["card_minutes"] or 0),
        staff_id=row["staff_id"],
        staff_name=row["staff_name"],
        taken_at=row["taken_at"],
        ended_at=row["ended_at"],
        ended_by=row["ended_by"],
        helped=None if helped is None else bool(helped),
        feedback_asked=bool(row["feedback_asked"]),
        updated_at=float(row["updated_at"]),
    )


def _line(row: Row) -> ChatLine:
    return ChatLine(
        id=int(row["id"]),
        chat_id=row["chat_id"],
        at=float(row["at"]),
        who=row["who"],
        name=row["name"],
        text=row["text"],
        flagged=bool(row["flagged"]),
    )


def _op(row: Row) -> OutboxOp:
    return OutboxOp(
        id=int(row["id"]),
        chat_id=row["chat_id"],
        target=row["target"],
        op=row["op"],
        address=_json(row["address"]),
        payload=_json(row["payload"]) or {},
        status=row["status"],
        attempts=int(row["attempts"]),
        next_at=float(row["next_at"]),
        last_error=row["last_error"],
        activity_id=row["activity_id"],
    )


# Columns a transition may change, and how each is stored.
_COLUMNS = {
    "status", "queued_at", "wait_until", "thread_id", "card_activity_id", "card_minutes",
    "staff_id", "staff_name", "taken_at", "ended_at", "ended_by", "helped", "feedback_asked",
}


def _stored(name: str, value: Any) -> Any:
    if name in ("helped", "feedback_asked") and value is not None:
        return int(bool(value))
    return value


def add_op(conn: Connection, op: NewOp) -> int:
    """Queue ``op``, due now. The outbox runs on the wall clock (``time.time``), whatever
    clock the chats' own times follow (``HELPLINE_NOW``, a test's clock)."""
    now = time.time()
    row = conn.one(
        "INSERT INTO handoff_outbox (chat_id, target, op, address, payload, status, attempts,"
        " next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
        (
            op.chat_id,
            op.target,
            op.op,
            json.dumps(op.address) if op.address is not None else None,
            json.dumps(op.payload, ensure_ascii=False),
            PENDING,
            now,
            now,
        ),
    )
    return int(row["id"]) if row else 0


def add_line(
    conn: Connection, chat_id: str, who: str, name: str, text: str, at: float, flagged: bool = False
) -> None:
    conn.execute(
        "INSERT INTO live_chat_lines (chat_id, at, who, name, text, flagged) VALUES (?, ?, ?, ?, ?, ?)",
        (chat_id, at, who, name, text, int(flagged)),
    )


# ---- chats ---------------------------------------------------------------------------------
def create_chat(
    conn: Connection,
    chat: LiveChat,
    ops: Callable[[LiveChat], Sequence[NewOp]],
    notify: Callable[[Connection], None],
) -> LiveChat:
    """Store a new chat (waiting) with the messages it causes (its thread, in one
    transaction)."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO live_chats (id, conversation, citizen_ref, language, status,"
            " requested_at, queued_at, wait_until, asked, service_id, town, history,"
            " channel_ref, card_minutes, feedback_asked, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            (
                chat.id,
                chat.conversation,
                json.dumps(chat.citizen_ref),
                chat.language,
                chat.status,
                chat.requested_at,
                chat.queued_at,
                chat.wait_until,
                chat.asked,
                chat.service_id,
                chat.town,
                json.dumps(chat.history, ensure_ascii=False),
                json.dumps(chat.channel_ref),
                chat.requested_at,
            ),
        )
        for op in ops(chat):
            add_op(conn, op)
        notify(conn)
    return chat


def get_chat(conn: Connection, chat_id: str) -> LiveChat | None:
    row = conn.one("SELECT * FROM live_chats WHERE id = ?", (chat_id,))
    return _chat(row) if row else None


def chat_of_thread(conn: Connection, thread_id: str) -> LiveChat | None:
    row = conn.one("SELECT * FROM live_chats WHERE thread_id = ?", (thread_id,))
    return _chat(row) if row else None


def chats_of_conversation(conn: Connection, conversation: str) -> list[LiveChat]:
    rows = conn.all(
        "SELECT * FROM live_chats WHERE conversation = ? ORDER BY requested_at", (conversation,)
    )
    return [_chat(r) for r in rows]


def live_chat_of(conn: Connection, conversation: str) -> LiveChat | None:
    """The conversation's chat that is still going (waiting, active or handing over)."""
    row = conn.one(
        "SELECT * FROM live_chats WHERE conversation = ? AND status IN (?, ?, ?)"
        " ORDER BY requested_at DESC LIMIT 1",
        (conversation, *LIVE),
    )
    return _chat(row) if row else None


def ahead_of(conn: Connection, chat: LiveChat) -> int:
    """How many chats are waiting that joined the queue before ``chat`` (at the same
    moment: asked earlier; then by id)."""
    row = conn.one(
        "SELECT COUNT(*) AS n FROM live_chats WHERE status = ? AND id != ?"
        " AND (queued_at < ? OR (queued_at = ? AND (requested_at < ?"
        " OR (requested_at = ? AND id < ?))))",
        (WAITING, chat.id, chat.queued_at, chat.queued_at, chat.requested_at, chat.requested_at, chat.id),
    )
    return int(row["n"]) if row else 0


def usual_wait(conn: Connection, since: float) -> float | None:
    """The median wait (seconds) from asking to being taken, for chats asked since ``since``."""
    rows = conn.all(
        "SELECT taken_at - requested_at AS wait FROM live_chats"
        " WHERE taken_at IS NOT NULL AND requested_at >= ?",
        (since,),
    )
    waits = [max(0.0, float(r["wait"])) for r in rows]
    return statistics.median(waits) if waits else None


def lines_of(conn: Connection, chat_id: str) -> list[ChatLine]:
    rows = conn.all("SELECT * FROM live_chat_lines WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [_line(r) for r in rows]


def transition(
    conn: Connection,
    chat_id: str,
    decide: Callable[[LiveChat], dict[str, Any] | None],
    ops: Callable[[LiveChat, LiveChat, Connection], Sequence[NewOp]],
    now: float,
    notify: Callable[[Connection], None],
    line: Callable[[LiveChat], tuple[str, str, str, bool] | None] | None = None,
) -> Transition:
    """Read the chat under a lock, let ``decide`` say what changes (None: nothing; ``{}``:
    no column, but a line and messages), write the change, the transcript ``line`` (who,
    name, text, flagged) and the messages ``ops`` gives for it (it may read through the
    connection it is given), in one transaction."""
    lock = " FOR UPDATE" if conn.dialect == POSTGRESQL else ""
    with conn.transaction():
        row = conn.one(f"SELECT * FROM live_chats WHERE id = ?{lock}", (chat_id,))
        if row is None:
            return Transition(None, None, False)
        before = _chat(row)
        changes = decide(before)
        if changes is None:
            return Transition(before, before, False)
        unknown = set(changes) - _COLUMNS
        if unknown:
            raise ValueError(f"not a live_chats column: {sorted(unknown)}")
        if changes:
            assignments = ", ".join(f"{name} = ?" for name in changes)
            conn.execute(
                f"UPDATE live_chats SET {assignments}, updated_at = ? WHERE id = ?",
                (*(_stored(k, v) for k, v in changes.items()), now, chat_id),
            )
        after = replace(before, updated_at=now, **changes)
        written = line(after) if line is not None else None
        if written is not None:
            add_line(conn, chat_id, *written[:3], now, written[3])
        queued = list(ops(before, after, conn))
        for op in queued:
            add_op(conn, op)
        if queued:
            notify(conn)
        return Transition(before, after, True)


def due_for_expiry(conn: Connection, now: float) -> list[str]:
    rows = conn.all(
        "SELECT id FROM live_chats WHERE status = ? AND wait_until <= ? ORDER BY wait_until",
        (WAITING, now),
    )
    return [r["id"] for r in rows]


def waiting_chats(conn: Connection) -> list[LiveChat]:
    rows = conn.all("SELECT * FROM live_chats WHERE status = ? ORDER BY queued_at", (WAITING,))
    return [_chat(r) for r in rows]


def next_wait_end(conn: Connection) -> float | None:
    row = conn.one("SELECT MIN(wait_until) AS t FROM live_chats WHERE status = ?", (WAITING,))
    return float(row["t"]) if row and row["t"] is not None else None


# ---- erasure and retention -----------------------------------------------------------------
def sent_posts(conn: Connection, chat_id: str) -> list[OutboxOp]:
    """The messages of ``chat_id`` already posted to Teams (with their ids)."""
    rows = conn.all(
        "SELECT * FROM handoff_outbox WHERE chat_id = ? AND status = ? AND activity_id IS NOT NULL"
        " ORDER BY id",
        (chat_id, SENT),
    )
    return [_op(r) for r in rows]


def delete_chat(conn: Connection, chat_id: str) -> None:
    """Inside a transaction: the chat, its transcript and every message of it not sent yet
    or already sent (the outbox rows hold what was written)."""
    conn.execute("DELETE FROM handoff_outbox WHERE chat_id = ?", (chat_id,))
    conn.execute("DELETE FROM live_chat_lines WHERE chat_id = ?", (chat_id,))
    conn.execute("DELETE FROM live_chats WHERE id = ?", (chat_id,))


def erase_conversation(
    conn: Connection, conversation: str, ops: Callable[[LiveChat, list[OutboxOp]], Sequence[NewOp]], now: float
) -> int:
    """Inside the erasure transaction: delete every chat of ``conversation``, queueing what
    ``ops`` gives for each (remove the posted messages, replace the card). Returns how many."""
    chats = chats_of_conversation(conn, conversation)
    for chat in chats:
        queued = list(ops(chat, sent_posts(conn, chat.id)))
        delete_chat(conn, chat.id)
        for op in queued:
            add_op(conn, op)
    return len(chats)


def ended_before(conn: Connection, before: float) -> list[str]:
    rows = conn.all(
        "SELECT id FROM live_chats WHERE status = ? AND ended_at IS NOT NULL AND ended_at < ?",
        (ENDED, before),
    )
    return [r["id"] for r in rows]


def purge_chat(
    conn: Connection, chat_id: str, ops: Callable[[LiveChat, list[OutboxOp]], Sequence[NewOp]], now: float
) -> bool:
    with conn.transaction():
        chat = get_chat(conn, chat_id)
        if chat is None or chat.status != ENDED:
            return False
        queued = list(ops(chat, sent_posts(conn, chat_id)))
        delete_chat(conn, chat_id)
        for op in queued:
            add_op(conn, op)
    conn.checkpoint()
    return True


def purge_outbox(conn: Connection, age: float) -> int:
    """Sent, failed and superseded messages of no chat (deletions, erased cards) queued more
    than ``age`` seconds ago (wall clock)."""
    before = time.time() - age
    with conn.transaction():
        return conn.execute(
            "DELETE FROM handoff_outbox WHERE chat_id IS NULL AND status != ? AND created_at < ?",
            (PENDING, before),
        )


# ---- the outbox ----------------------------------------------------------------------------
# Each target's first message not sent yet: only it can be due (order per target).
_HEADS = "SELECT MIN(id) AS first FROM handoff_outbox WHERE status = ? GROUP BY target"


def lease_targets(conn: Connection, now: float, owner: str, limit: int = 50) -> list[str]:
    """Targets whose first message is due, leased to ``owner`` for ``LEASE_SECONDS`` (a
    target another instance holds is left to it; one whose first message waits for a retry
    is not due, however many wait behind it)."""
    with conn.transaction():
        rows = conn.all(
            f"SELECT o.target AS target FROM handoff_outbox o JOIN ({_HEADS}) h ON h.first = o.id"
            " LEFT JOIN handoff_leases l ON l.target = o.target"
            " WHERE o.next_at <= ? AND (l.target IS NULL OR l.lease_until <= ? OR l.owner = ?)"
            " ORDER BY o.id LIMIT ?",
            (PENDING, now, now, owner, limit),
        )
        leased = []
        for row in rows:
            target = row["target"]
            got = conn.one(
                "INSERT INTO handoff_leases (target, owner, lease_until) VALUES (?, ?, ?)"
                " ON CONFLICT (target) DO UPDATE SET owner = excluded.owner,"
                " lease_until = excluded.lease_until"
                " WHERE handoff_leases.lease_until <= ? OR handoff_leases.owner = ?"
                " RETURNING target",
                (target, owner, now + LEASE_SECONDS, now, owner),
            )
            if got is not None:
                leased.append(target)
        return leased


def renew_lease(conn: Connection, target: str, owner: str, now: float) -> bool:
    with conn.transaction(durable=False):
        return bool(
            conn.execute(
                "UPDATE handoff_leases SET lease_until = ? WHERE target = ? AND owner = ?",
                (now + LEASE_SECONDS, target, owner),
            )
        )


def release_lease(conn: Connection, target: str, owner: str) -> None:
    with conn.transaction(durable=False):
        conn.execute("DELETE FROM handoff_leases WHERE target = ? AND owner = ?", (target, owner))


def head(conn: Connection, target: str) -> OutboxOp | None:
    """The oldest message not sent yet for ``target`` (messages to one conversation go in
    order: a later one waits while an earlier one is retried)."""
    row = conn.one(
        "SELECT * FROM handoff_outbox WHERE target = ? AND status = ? ORDER BY id LIMIT 1",
        (target, PENDING),
    )
    return _op(row) if row else None


def newer_card_update(conn: Connection, op: OutboxOp) -> bool:
    row = conn.one(
        "SELECT 1 AS found FROM handoff_outbox WHERE target = ? AND op = ? AND status = ?"
        " AND id > ? LIMIT 1",
        (op.target, CARD_UPDATE, PENDING, op.id),
    )
    return row is not None


def mark_sent(
    conn: Connection, op_id: int, activity_id: str | None, now: float, thread: tuple[str, str | None] | None = None
) -> None:
    """``thread``: a created thread's (conversation id, card message id), kept on its chat."""
    with conn.transaction():
        row = conn.one(
            "UPDATE handoff_outbox SET status = ?, activity_id = ?, sent_at = ?,"
            " attempts = attempts + 1, last_error = NULL WHERE id = ? RETURNING chat_id",
            (SENT, activity_id, now, op_id),
        )
        if thread is not None and row is not None and row["chat_id"]:
            conn.execute(
                "UPDATE live_chats SET thread_id = ?, card_activity_id = ? WHERE id = ?",
                (thread[0], thread[1], row["chat_id"]),
            )


def mark_retry(conn: Connection, op_id: int, next_at: float, error: str) -> None:
    with conn.transaction():
        conn.execute(
            "UPDATE handoff_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?"
            " WHERE id = ?",
            (next_at, error, op_id),
        )


def mark_done(conn: Connection, op_id: int, status: str, error: str | None = None) -> None:
    """A message given up on (FAILED, with why) or overtaken (SUPERSEDED)."""
    with conn.transaction():
        conn.execute(
            "UPDATE handoff_outbox SET status = ?, attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (status, error, op_id),
        )


def next_due(conn: Connection) -> float | None:
    """When the first message of some target is due next."""
    row = conn.one(
        f"SELECT MIN(o.next_at) AS t FROM handoff_outbox o JOIN ({_HEADS}) h ON h.first = o.id",
        (PENDING,),
    )
    return float(row["t"]) if row and row["t"] is not None else None


def recover(conn: Connection, now: float) -> int:
    """At start-up with one instance (SQLite): messages waiting for a retry are due now
    and the leases of the process before are gone."""
    with conn.transaction():
        conn.execute("DELETE FROM handoff_leases")
        return conn.execute(
            "UPDATE handoff_outbox SET next_at = ? WHERE status = ? AND next_at > ?",
            (now, PENDING, now),
        )


def outbox_ops(conn: Connection, target: str | None = None) -> list[OutboxOp]:
    """Every outbox row (optionally for one target), oldest first: for tools and tests."""
    if target is None:
        rows = conn.all("SELECT * FROM handoff_outbox ORDER BY id")
    else:
        rows = conn.all("SELECT * FROM handoff_outbox WHERE target = ? ORDER BY id", (target,))
    return [_op(r) for r in rows]


# ---- numbers -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChatNumbers:
    """The staff page's line for live chats: since a day, and right now."""

    asked: int  # requests to talk to a person
    taken: int  # of which a staff member took
    timed_out: int  # nobody took in time: offered a call-back
    wait_median: float | None  # seconds from asking to being taken
    wait_p90: float | None
    helped: int  # "Did this help?" yes
    not_helped: int
    waiting_now: int
    active_now: int


def numbers(conn: Connection, since: float) -> ChatNumbers:
    rows = conn.all(
        "SELECT requested_at, taken_at, ended_by, helped FROM live_chats WHERE requested_at >= ?",
        (since,),
    )
    waits = sorted(
        max(0.0, float(r["taken_at"]) - float(r["requested_at"]))
        for r in rows
        if r["taken_at"] is not None
    )
    now_rows = conn.all(
        "SELECT status, COUNT(*) AS n FROM live_chats WHERE status IN (?, ?, ?) GROUP BY status",
        LIVE,
    )
    now = {r["status"]: int(r["n"]) for r in now_rows}
    p90 = waits[min(len(waits) - 1, max(0, int(round(0.9 * len(waits) + 0.5)) - 1))] if waits else None
    return ChatNumbers(
        asked=len(rows),
        taken=len(waits),
        timed_out=sum(1 for r in rows if r["ended_by"] == BY_TIMEOUT),
        wait_median=statistics.median(waits) if waits else None,
        wait_p90=p90,
        helped=sum(1 for r in rows if r["helped"] == 1),
        not_helped=sum(1 for r in rows if r["helped"] == 0),
        waiting_now=now.get(WAITING, 0),
        active_now=now.get(ACTIVE, 0) + now.get(HANDING, 0),
    )


def outbox_summary(conn: Connection) -> dict[str, int]:
    counts = {PENDING: 0, FAILED: 0}
    for row in conn.all(
        "SELECT status, COUNT(*) AS n FROM handoff_outbox WHERE status IN (?, ?) GROUP BY status",
        (PENDING, FAILED),
    ):
        counts[row["status"]] = int(row["n"])
    return counts


class HandoffStore:
    """The async face of the functions above, over a :class:`~bot.storage.db.Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def notify(self, conn: Connection) -> None:
        self.db.notify(conn, HANDOFF_CHANNEL)

    async def create(self, chat: LiveChat, ops: Callable[[LiveChat], Sequence[NewOp]]) -> LiveChat:
        return await self.db.call(lambda c: create_chat(c, chat, ops, self.notify))

    async def get(self, chat_id: str) -> LiveChat | None:
        return await self.db.call(lambda c: get_chat(c, chat_id))

    async def of_thread(self, thread_id: str) -> LiveChat | None:
        return await self.db.call(lambda c: chat_of_thread(c, thread_id))

    async def live_of(self, conversation: str) -> LiveChat | None:
        return await self.db.call(lambda c: live_chat_of(c, conversation))

    async def ahead_of(self, chat: LiveChat) -> int:
        return await self.db.call(lambda c: ahead_of(c, chat))

    async def usual_wait(self, since: float) -> float | None:
        return await self.db.call(lambda c: usual_wait(c, since))

    async def lines(self, chat_id: str) -> list[ChatLine]:
        return await self.db.call(lambda c: lines_of(c, chat_id))

    async def transition(
        self,
        chat_id: str,
        decide: Callable[[LiveChat], dict[str, Any] | None],
        ops: Callable[[LiveChat, LiveChat, Connection], Sequence[NewOp]],
        now: float,
        line: Callable[[LiveChat], tuple[str, str, str, bool] | None] | None = None,
    ) -> Transition:
        return await self.db.call(
            lambda c: transition(c, chat_id, decide, ops, now, self.notify, line)
        )

    async def due_for_expiry(self, now: float) -> list[str]:
        return await self.db.call(lambda c: due_for_expiry(c, now))

    async def waiting(self) -> list[LiveChat]:
        return await self.db.call(waiting_chats)

    async def next_wait_end(self) -> float | None:
        return await self.db.call(next_wait_end)

    async def ended_before(self, before: float) -> list[str]:
        return await self.db.call(lambda c: ended_before(c, before))

    async def purge_chat(
        self, chat_id: str, ops: Callable[[LiveChat, list[OutboxOp]], Sequence[NewOp]], now: float
    ) -> bool:
        return await self.db.call(lambda c: purge_chat(c, chat_id, ops, now))

    async def purge_outbox(self, age: float) -> int:
        return await self.db.call(lambda c: purge_outbox(c, age))

    async def lease_targets(self, now: float, owner: str) -> list[str]:
        return await self.db.call(lambda c: lease_targets(c, now, owner))

    async def renew_lease(self, target: str, owner: str, now: float) -> bool:
        return await self.db.call(lambda c: renew_lease(c, target, owner, now))

    async def release_lease(self, target: str, owner: str) -> None:
        await self.db.call(lambda c: release_lease(c, target, owner))

    async def head(self, target: str) -> OutboxOp | None:
        return await self.db.call(lambda c: head(c, target))

    async def newer_card_update(self, op: OutboxOp) -> bool:
        return await self.db.call(lambda c: newer_card_update(c, op))

    async def mark_sent(
        self, op_id: int, activity_id: str | None, now: float, thread: tuple[str, str | None] | None = None
    ) -> None:
        await self.db.call(lambda c: mark_sent(c, op_id, activity_id, now, thread))

    async def mark_retry(self, op_id: int, next_at: float, error: str) -> None:
        await self.db.call(lambda c: mark_retry(c, op_id, next_at, error))

    async def mark_done(self, op_id: int, status: str, error: str | None = None) -> None:
        await self.db.call(lambda c: mark_done(c, op_id, status, error))

    async def next_due(self) -> float | None:
        return await self.db.call(next_due)

    async def recover(self, now: float) -> int:
        return await self.db.call(lambda c: recover(c, now))

    async def outbox(self, target: str | None = None) -> list[OutboxOp]:
        return await self.db.call(lambda c: outbox_ops(c, target))

    async def numbers(self, since: float) -> ChatNumbers:
        return await self.db.call(lambda c: numbers(c, since))

    async def outbox_summary(self) -> dict[str, int]:
        return await self.db.call(outbox_summary)
