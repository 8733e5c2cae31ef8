"""``python -m bot.storage migrate|copy`` against real databases: a SQLite file and the
session's PostgreSQL server (tests/support/postgres.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.storage import Storage, open_database
from bot.storage.__main__ import main
from bot.storage.copy import TABLES
from bot.storage.handoff import CREATE_THREAD, THREAD_POST, HandoffStore, LiveChat, NewOp, thread_target
from bot.storage.insights import Insights
from bot.storage.insights import purge as insights_purge
from bot.storage.staff import RANG_SORTED, StaffStore
from bot.storage.db import Connection, Database
from bot.storage.records import NewReferral, Target
from bot.storage.schema import LATEST

REPO = Path(__file__).resolve().parents[2]
ALL_VERSIONS = ", ".join(str(v) for v in range(1, LATEST + 1))
FAR_FUTURE = 10_000_000_000.0


def _with_password(url: str, password: str) -> str:
    """The server trusts its socket, so a password is accepted and ignored: enough to check
    that none is ever printed."""
    parts = urlsplit(url)
    user, _, host = parts.netloc.partition("@")
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


# ---- migrate ---------------------------------------------------------------------------------
def test_migrate_says_what_it_applied_then_that_nothing_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "helpline.db"
    assert main(["migrate", f"sqlite:///{path}"], env={}) == 0
    assert capsys.readouterr().out == (
        f"sqlite:///{path}: applied schema version(s) {ALL_VERSIONS}; now at version {LATEST}\n"
    )
    assert main(["migrate", f"sqlite:///{path}"], env={}) == 0
    assert capsys.readouterr().out == (
        f"sqlite:///{path}: schema at version {LATEST}; nothing to apply\n"
    )


def test_migrate_defaults_to_database_url_then_helpline_db(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "from-env.db"
    assert main(["migrate"], env={"HELPLINE_DB": str(path)}) == 0
    assert path.exists() and f"sqlite:///{path}: applied" in capsys.readouterr().out
    env = {"DATABASE_URL": postgres_url, "HELPLINE_DB": str(tmp_path / "unused.db")}
    assert main(["migrate"], env=env) == 0
    out = capsys.readouterr().out
    assert out.startswith("postgresql://") and f"applied schema version(s) {ALL_VERSIONS}" in out
    assert not (tmp_path / "unused.db").exists()


def test_migrate_as_a_command_on_postgresql_never_prints_the_password(postgres_url: str) -> None:
    url = _with_password(postgres_url, "s3cret-pw")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "bot.storage", "migrate", url],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert f"applied schema version(s) {ALL_VERSIONS}" in runs[0].stdout
    assert "nothing to apply" in runs[1].stdout
    assert all("s3cret" not in r.stdout + r.stderr for r in runs)


def test_a_bad_url_fails_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "mysql://helpline:s3cret@db/helpline"], env={}) == 1
    err = capsys.readouterr().err
    assert err.startswith("python -m bot.storage migrate:") and err.count("\n") == 1
    assert "sqlite:///" in err and "postgresql://" in err  # says what to write instead


# ---- copy ------------------------------------------------------------------------------------
def _referral(i: int) -> NewReferral:
    return NewReferral(
        submission=f"s{i}",
        conversation=f"msteams/conversations/c{i}",
        service_id="groceries",
        name=f"Citizen {i}",
        phone=f"087 000 {i:04d}",
        area="castlebar" if i % 2 else None,
        need="shopping ✓ — Béal an Átha",
        citizen_ref={"conversation": {"id": f"c{i}"}, "serviceUrl": "https://smba"},
        town="Balla" if i % 3 else None,
    )


async def _fill(db: Database) -> None:
    """A little of everything the bot keeps, in every state a row can be in."""
    codes = iter(f"MAY-{i:04d}" for i in range(1000))
    storage = Storage.build(db, codes.__next__)
    for i in range(5):
        await storage.state.put(f"msteams/conversations/c{i}", {"area": "ballina", "n": i})
    await storage.state.put("msteams/conversations/c0/handoff", {"v": "50% done"})
    references = []
    for i in range(7):
        referral, _ = await storage.referrals.create(
            _referral(i), [Target("teams", "staff"), Target("webhook", "case")], 1000.0 + i
        )
        references.append(referral.reference)
    leased = await storage.referrals.due(FAR_FUTURE, limit=4)
    await storage.referrals.mark_delivered(leased[0].id, 2000.0, activity_id="a-1")
    await storage.referrals.mark_retry(leased[1].id, 3000.0, "timeout")
    await storage.referrals.mark_failed(leased[2].id, "http_404", Target("webhook", "x"), 2500.0)
    await storage.referrals.claim(references[0], "Siobhan", 2100.0)
    await storage.referrals.save_conversation_ref("19:staff", {"serviceUrl": "https://a"})

    def limits(conn: Connection) -> None:
        with conn.transaction():
            conn.execute("INSERT INTO rate_limits VALUES (?, ?, ?, ?)", ("c1", 100.0, 3, -1.0))

    await db.call(limits)
    # The staff page's records: actions, the audit log, a sign-in link, recorded turns and
    # messages, and turns already folded into per-day counts.
    staff = StaffStore(db, clock=lambda: 2200.0)
    await staff.record_outcome(references[0], "Siobhan", RANG_SORTED, "rang, all grand")
    await staff.claim(references[1], "Siobhan")
    await staff.hand_over(references[1], "Siobhan", "Declan")
    await staff.create_link("link-hash-1", "Aoife", 600.0)
    insights = Insights(db)
    for i in range(3):
        when = dt.datetime(2026, 11, 20 + i, 10, tzinfo=dt.timezone.utc)
        insights.record_turn(f"msteams/conversations/c{i}", when, "routed", ["groceries"], "ballina")
        insights.record_not_understood(f"msteams/conversations/c{i}", when, "qwerty zxcv", "fallback")
    await insights.flush()
    await db.call(lambda c: insights_purge(c, dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc).timestamp()))
    # A live chat with a line of its transcript and two messages in its outbox.
    chats = HandoffStore(db)
    chat = LiveChat(
        id="chat-1", conversation="msteams/conversations/c0", citizen_ref={"conversation_id": "c0"},
        language="ga", status="waiting", requested_at=1000.0, queued_at=1000.0, wait_until=1300.0,
        asked="Béal an Átha ✓", service_id="groceries", town="Balla",
        history=[{"who": "citizen", "text": "50% done"}], channel_ref={"conversation_id": "19:staff"},
    )
    await chats.create(
        chat, lambda c: [NewOp(CREATE_THREAD, thread_target(c.id), {"text": "t", "card": {}}, c.id)]
    )
    await chats.transition(
        "chat-1",
        lambda c: {},
        lambda before, after, conn: [NewOp(THREAD_POST, thread_target(after.id), {"text": "ä"}, after.id)],
        1001.0,
        lambda c: ("citizen", "", "my number is 087 000 0001", True),
    )


def _tables(url: str) -> dict[str, list[dict[str, object]]]:
    """Every copied table's rows, by primary key."""

    def read(conn: Connection) -> dict[str, list[dict[str, object]]]:
        return {
            table: [dict(r) for r in conn.all(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")]
            for table, key in TABLES
        }

    db = open_database(url)
    try:
        return db.call_sync(read)
    finally:
        db.close()


def _filled(url: str) -> dict[str, list[dict[str, object]]]:
    db = open_database(url)
    asyncio.run(_fill(db))
    db.close()
    return _tables(url)


def test_copy_sqlite_to_postgresql_and_back_keeps_every_row(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url = f"sqlite:///{tmp_path / 'helpline.db'}"
    expected = _filled(source_url)
    assert all(expected.values())  # every table has rows to copy

    # Batches of 2 rows: every table takes several.
    assert main(["copy", source_url, postgres_url, "--batch-size", "2"], env={}) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"copied {source_url} -> postgresql://")
    assert out[1:] == [f"  {table}: {len(rows)}" for table, rows in expected.items()]

    assert _tables(postgres_url) == expected
    postgres = open_database(postgres_url)
    # The stores read the copy as they read the original, and new rows get new ids.
    storage = Storage.build(postgres, lambda: "MAY-NEW1")
    state = asyncio.run(storage.state.read("msteams/conversations/c0/handoff"))
    assert state.data == {"v": "50% done"}
    assert state.etag == next(
        r["etag"] for r in expected["bot_state"] if r["key"] == "msteams/conversations/c0/handoff"
    )
    created, _ = asyncio.run(storage.referrals.create(_referral(99), [Target("teams", "s")], 1.0))
    new_ids = [d.id for d in asyncio.run(storage.referrals.deliveries_of(created.reference))]
    assert new_ids[0] > max(int(str(r["id"])) for r in expected["deliveries"])
    postgres.close()

    # And back into a new SQLite file: the same rows again (plus the one made above).
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    assert main(["copy", postgres_url, back_url], env={}) == 0
    back = _tables(back_url)
    assert back["bot_state"] == expected["bot_state"]
    assert back["deliveries"][: len(expected["deliveries"])] == expected["deliveries"]


def test_copy_refuses_a_destination_with_data_unless_forced(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url = f"sqlite:///{tmp_path / 'helpline.db'}"
    expected = _filled(source_url)
    assert main(["copy", source_url, postgres_url], env={}) == 0
    capsys.readouterr()

    assert main(["copy", source_url, postgres_url], env={}) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "--force" in err
    assert main(["copy", source_url, postgres_url, "--force"], env={}) == 0
    assert _tables(postgres_url) == expected  # replaced, not doubled


def test_a_failed_copy_leaves_the_destination_empty(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url = f"sqlite:///{tmp_path / 'helpline.db'}"
    _filled(source_url)
    source = open_database(source_url)

    def break_a_row(conn: Connection) -> None:  # a delivery whose referral is missing
        conn.execute("PRAGMA foreign_keys=OFF")
        with conn.transaction():
            conn.execute("UPDATE deliveries SET reference = 'MAY-GONE' WHERE id = 1")

    source.call_sync(break_a_row)
    source.close()
    assert main(["copy", source_url, postgres_url], env={}) == 1
    assert "foreign key" in capsys.readouterr().err
    assert not any(_tables(postgres_url).values())  # one transaction: nothing half-copied


def test_copy_into_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'helpline.db'}"
    assert main(["copy", url, url], env={}) == 1
    assert "same database" in capsys.readouterr().err
