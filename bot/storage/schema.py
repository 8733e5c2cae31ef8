"""The database schema and its migrations, for both backends.

Each migration is a list of statements per dialect, applied once, in order, in one
transaction, and recorded in ``schema_version``. Migration 1 is the schema the first release
created (``CREATE TABLE IF NOT EXISTS``), so a database from before migrations existed is
picked up as it is. ``python -m bot.storage migrate`` applies them by hand; the app applies
them when it opens the database.
"""

from __future__ import annotations

import logging

from .db import POSTGRESQL, SQLITE, Connection

log = logging.getLogger(__name__)

_V1_COMMON = [
    """CREATE TABLE IF NOT EXISTS bot_state (
        key TEXT PRIMARY KEY,
        etag TEXT NOT NULL,
        data TEXT NOT NULL,
        updated_at {real} NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS referrals (
        reference TEXT PRIMARY KEY,
        submission TEXT NOT NULL UNIQUE,
        conversation TEXT NOT NULL,
        service_id TEXT NOT NULL,
        name TEXT NOT NULL,
        phone TEXT NOT NULL,
        area TEXT,
        need TEXT NOT NULL,
        citizen_ref TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at {real} NOT NULL,
        claimed_by TEXT,
        claimed_at {real},
        closed_at {real}
    )""",
    "CREATE INDEX IF NOT EXISTS referrals_conversation ON referrals (conversation)",
    "CREATE INDEX IF NOT EXISTS referrals_closed ON referrals (closed_at)",
    """CREATE TABLE IF NOT EXISTS deliveries (
        id {serial},
        reference TEXT NOT NULL REFERENCES referrals (reference) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        destination TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {real} NOT NULL,
        last_error TEXT,
        escalated_from INTEGER,
        activity_id TEXT,
        conversation_id TEXT,
        service_url TEXT,
        created_at {real} NOT NULL,
        delivered_at {real}
    )""",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS deliveries_reference ON deliveries (reference)",
    """CREATE TABLE IF NOT EXISTS conversation_refs (
        conversation_id TEXT PRIMARY KEY,
        reference TEXT NOT NULL,
        updated_at {real} NOT NULL
    )""",
]

_V2_COMMON = [
    # Outbox rows are leased by the instance sending them, so two instances never send the
    # same delivery at once; a lease that runs out (the instance died) frees the row.
    "ALTER TABLE deliveries ADD COLUMN lease_until {real}",
    # The town or place the citizen typed, besides the area it belongs to.
    "ALTER TABLE referrals ADD COLUMN town TEXT",
    # Per-conversation message counts where several instances must agree (PostgreSQL).
    """CREATE TABLE IF NOT EXISTS rate_limits (
        key TEXT PRIMARY KEY,
        window_start {real} NOT NULL,
        count INTEGER NOT NULL,
        notified_at {real} NOT NULL
    )""",
]

_V3_COMMON = [
    # The staff page (bot/staff): what staff did with each request. Rows go with their
    # referral (retention purge, the citizen's "delete my details").
    """CREATE TABLE IF NOT EXISTS staff_actions (
        id {serial},
        reference TEXT NOT NULL REFERENCES referrals (reference) ON DELETE CASCADE,
        at {real} NOT NULL,
        staff TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT,
        note TEXT,
        handed_to TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS staff_actions_reference ON staff_actions (reference)",
    # Every staff action (who, what, when), by reference only: never a citizen's details.
    """CREATE TABLE IF NOT EXISTS staff_audit (
        id {serial},
        at {real} NOT NULL,
        staff TEXT NOT NULL,
        action TEXT NOT NULL,
        reference TEXT,
        detail TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS staff_audit_at ON staff_audit (at)",
    # One-time sign-in links (python -m bot.staff link): only the token's hash is kept.
    """CREATE TABLE IF NOT EXISTS staff_links (
        token_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at {real} NOT NULL,
        expires_at {real} NOT NULL,
        used_at {real}
    )""",
    # One row per citizen turn, for the Numbers view; conversation is a hash of the key.
    """CREATE TABLE IF NOT EXISTS insight_turns (
        id {serial},
        at {real} NOT NULL,
        day TEXT NOT NULL,
        conversation TEXT NOT NULL,
        kind TEXT NOT NULL,
        services TEXT NOT NULL,
        district TEXT NOT NULL,
        language TEXT NOT NULL,
        without_person INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS insight_turns_at ON insight_turns (at)",
    "CREATE INDEX IF NOT EXISTS insight_turns_conversation ON insight_turns (conversation)",
    # Messages the bot could not route or had to clarify, personal data masked.
    """CREATE TABLE IF NOT EXISTS insight_unclear (
        id {serial},
        at {real} NOT NULL,
        conversation TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        language TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS insight_unclear_at ON insight_unclear (at)",
    "CREATE INDEX IF NOT EXISTS insight_unclear_conversation ON insight_unclear (conversation)",
    # Turns older than the retention period, counted per day (no conversation, nothing to erase).
    """CREATE TABLE IF NOT EXISTS insight_daily (
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        services TEXT NOT NULL,
        district TEXT NOT NULL,
        language TEXT NOT NULL,
        messages INTEGER NOT NULL,
        without_person INTEGER NOT NULL,
        PRIMARY KEY (day, kind, services, district, language)
    )""",
]

_V4_COMMON = [
    # Who holds a delivery's lease (one sender of one instance): only the holder puts it back
    # for a retry or gives it up; leases are renewed while sending, so they can be short.
    "ALTER TABLE deliveries ADD COLUMN lease_owner TEXT",
]

_V5_COMMON = [
    # Live chats with staff (issue 15; bot/storage/handoff.py). citizen_ref, history and the
    # transcript are personal data: they go with the chat (retention purge, "delete my
    # details").
    """CREATE TABLE IF NOT EXISTS live_chats (
        id TEXT PRIMARY KEY,
        conversation TEXT NOT NULL,
        citizen_ref TEXT NOT NULL,
        language TEXT NOT NULL,
        status TEXT NOT NULL,
        requested_at {real} NOT NULL,
        queued_at {real} NOT NULL,
        wait_until {real} NOT NULL,
        asked TEXT NOT NULL,
        service_id TEXT,
        town TEXT,
        history TEXT NOT NULL,
        channel_ref TEXT NOT NULL,
        thread_id TEXT,
        card_activity_id TEXT,
        card_minutes INTEGER NOT NULL DEFAULT 0,
        staff_id TEXT,
        staff_name TEXT,
        taken_at {real},
        ended_at {real},
        ended_by TEXT,
        helped INTEGER,
        feedback_asked INTEGER NOT NULL DEFAULT 0,
        updated_at {real} NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS live_chats_conversation ON live_chats (conversation)",
    "CREATE INDEX IF NOT EXISTS live_chats_status ON live_chats (status, queued_at)",
    "CREATE INDEX IF NOT EXISTS live_chats_thread ON live_chats (thread_id)",
    "CREATE INDEX IF NOT EXISTS live_chats_ended ON live_chats (ended_at)",
    """CREATE TABLE IF NOT EXISTS live_chat_lines (
        id {serial},
        chat_id TEXT NOT NULL REFERENCES live_chats (id) ON DELETE CASCADE,
        at {real} NOT NULL,
        who TEXT NOT NULL,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        flagged INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS live_chat_lines_chat ON live_chat_lines (chat_id)",
    # Messages to citizens and staff threads, sent in order per target at Teams' pace. Rows
    # of a chat go with it; deletions and erased cards (chat_id NULL) are purged once sent.
    """CREATE TABLE IF NOT EXISTS handoff_outbox (
        id {serial},
        chat_id TEXT,
        target TEXT NOT NULL,
        op TEXT NOT NULL,
        address TEXT,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at {real} NOT NULL,
        last_error TEXT,
        activity_id TEXT,
        created_at {real} NOT NULL,
        sent_at {real}
    )""",
    "CREATE INDEX IF NOT EXISTS handoff_outbox_due ON handoff_outbox (status, next_at)",
    "CREATE INDEX IF NOT EXISTS handoff_outbox_target ON handoff_outbox (target, status, id)",
    "CREATE INDEX IF NOT EXISTS handoff_outbox_chat ON handoff_outbox (chat_id)",
    # Which instance sends to a target now (one at a time keeps order and pace).
    """CREATE TABLE IF NOT EXISTS handoff_leases (
        target TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until {real} NOT NULL
    )""",
]

_V6_COMMON = [
    # The language the citizen wrote in ("en" or "ga", issue 18): staff see it on the card
    # and the staff page, and the notice that someone will ring is sent in it.
    "ALTER TABLE referrals ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
]

_TYPES = {
    SQLITE: {"real": "REAL", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    POSTGRESQL: {"real": "DOUBLE PRECISION", "serial": "BIGSERIAL PRIMARY KEY"},
}


def _render(statements: list[str], dialect: str) -> list[str]:
    return [s.format(**_TYPES[dialect]) for s in statements]


# (version, statements per dialect). Append new migrations; never edit an applied one.
MIGRATIONS: list[tuple[int, dict[str, list[str]]]] = [
    (1, {d: _render(_V1_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
    (2, {d: _render(_V2_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
    (3, {d: _render(_V3_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
    (4, {d: _render(_V4_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
    (5, {d: _render(_V5_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
    (6, {d: _render(_V6_COMMON, d) for d in (SQLITE, POSTGRESQL)}),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.one("SELECT MAX(version) AS v FROM schema_version")
    return int(row["v"]) if row and row["v"] is not None else 0


def migrate(conn: Connection) -> list[int]:
    """Apply every migration not yet applied; returns the versions applied now."""
    applied: list[int] = []
    if conn.dialect == POSTGRESQL:
        # Two instances starting at once: one migrates, the other waits, then finds it done.
        # Waiting for that (or for a table another instance is using) may take longer than
        # an ordinary statement is allowed to wait.
        with conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '60s'")
            conn.execute("SET LOCAL statement_timeout = '600s'")
            conn.execute("SELECT pg_advisory_xact_lock(7345129)")
            applied = _apply(conn)
        return applied
    with conn.transaction():
        applied = _apply(conn)
    return applied


def _apply(conn: Connection) -> list[int]:
    done = current_version(conn)
    applied = []
    for version, statements in MIGRATIONS:
        if version <= done:
            continue
        for statement in statements[conn.dialect]:
            if statement.startswith("ALTER TABLE") and _column_exists(conn, statement):
                continue
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        applied.append(version)
    if applied:
        log.info("database schema migrated to version %d", applied[-1])
    return applied


def _column_exists(conn: Connection, statement: str) -> bool:
    """``ALTER TABLE t ADD COLUMN c ...`` where ``c`` exists already (a half-applied
    migration from a copy of the database): skip it rather than fail."""
    words = statement.split()
    table, column = words[2], words[5]
    if conn.dialect == SQLITE:
        return any(r["name"] == column for r in conn.all(f"PRAGMA table_info({table})"))
    row = conn.one(
        "SELECT 1 AS found FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
        (table, column),
    )
    return row is not None
