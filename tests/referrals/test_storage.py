"""The SQLite Storage (eTags, restart), reference codes, and the referral section's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from botbuilder.core import MemoryStorage, Storage
from botbuilder.dialogs import DialogState
from botbuilder.dialogs.dialog_instance import DialogInstance

from bot.referrals import codes
from bot.referrals import store as store_ops
from bot.referrals.db import Database
from bot.referrals.model import NewReferral
from bot.referrals.storage import EtagConflict, SqliteStorage
from routing.errors import ConfigError
from routing.loader import load_text

from .support import SHIPPED


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "state.db")
    yield database
    database.close()


async def test_write_read_delete(db: Database) -> None:
    storage = SqliteStorage(db)
    await storage.write({"a": {"count": 1}})
    item = (await storage.read(["a", "missing"]))["a"]
    assert item["count"] == 1 and item["e_tag"]
    await storage.delete(["a"])
    assert await storage.read(["a"]) == {}


async def test_stale_etag_is_refused(db: Database) -> None:
    storage = SqliteStorage(db)
    await storage.write({"k": {"v": 1}})
    first = (await storage.read(["k"]))["k"]
    second = (await storage.read(["k"]))["k"]
    first["v"] = 2
    await storage.write({"k": first})  # wins: its eTag was current
    second["v"] = 3
    with pytest.raises(EtagConflict):
        await storage.write({"k": second})  # lost the race: refused, not overwritten
    assert (await storage.read(["k"]))["k"]["v"] == 2
    second["e_tag"] = "*"
    await storage.write({"k": second})  # "*" means "whatever is there"
    assert (await storage.read(["k"]))["k"]["v"] == 3


async def test_conflict_behaves_like_memory_storage(db: Database) -> None:
    """Code written against MemoryStorage (KeyError on conflict) works unchanged."""
    for storage in (MemoryStorage(), SqliteStorage(db)):
        await _racing_writes(storage)


async def _racing_writes(storage: Storage) -> None:
    await storage.write({"x": {"v": 0, "e_tag": "*"}})
    await storage.write(
        {"x": {"v": 0, "e_tag": "*"}}
    )  # MemoryStorage sets eTags from the 2nd write
    a = (await storage.read(["x"]))["x"]
    b = (await storage.read(["x"]))["x"]
    await storage.write({"x": a})
    with pytest.raises(KeyError):
        await storage.write({"x": b})


async def test_dialog_state_survives_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "restart.db"
    first = Database(path)
    state = DialogState([DialogInstance()])
    state.dialog_stack[0].id = "callback"
    state.dialog_stack[0].state = {"values": {"name": "Mary"}}
    await SqliteStorage(first).write({"conv/callback": {"dialog": state}})
    first.close()

    second = Database(path)
    item = (await SqliteStorage(second).read(["conv/callback"]))["conv/callback"]
    restored = item["dialog"]
    assert isinstance(restored, DialogState)
    assert restored.dialog_stack[0].id == "callback"
    assert restored.dialog_stack[0].state["values"]["name"] == "Mary"
    second.close()


def test_database_uses_wal_and_synchronous_writes(db: Database) -> None:
    assert db.call_sync(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
    assert db.call_sync(lambda c: c.execute("PRAGMA synchronous").fetchone()[0]) == 2  # FULL


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what happened to MAY-7K3Q?", "MAY-7K3Q"),
        ("may-7k3q", "MAY-7K3Q"),
        ("MAY 7K3Q please", "MAY-7K3Q"),
        ("I may need help", None),
        ("MAY-0O1I", None),
        ("mayhem", None),
    ],
    ids=["sentence", "lower", "space-with-digit", "plain-words", "ambiguous-chars", "word"],
)
def test_find_reference(text: str, expected: str | None) -> None:
    assert codes.find_reference(text) == expected


def test_codes_are_readable() -> None:
    for _ in range(200):
        code = codes.new_reference()
        assert codes.is_reference(code)
        assert not set(code[4:]) & set("0O1IL25SZ6G8B")


def test_a_taken_code_is_never_reused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["MAY-AAAA", "MAY-AAAA", "MAY-CCCC"])
    monkeypatch.setattr(store_ops, "new_reference", lambda: next(drawn))

    def new(submission: str) -> NewReferral:
        return NewReferral(submission, "c/1", "groceries", "N", "094 900 0000", None, "need", {})

    first, _ = db.call_sync(lambda c: store_ops.create(c, new("one"), [], 0.0))
    second, _ = db.call_sync(lambda c: store_ops.create(c, new("two"), [], 0.0))
    again, created = db.call_sync(lambda c: store_ops.create(c, new("two"), [], 0.0))
    assert (first.reference, second.reference) == ("MAY-AAAA", "MAY-CCCC")
    assert again.reference == "MAY-CCCC" and created is False, "same submission: same referral"


def _shipped_with(change: object) -> str:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    change(data["referrals"])  # type: ignore[operator]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: r["default"].update(to=["nowhere"]),
            '"nowhere" is not defined under referrals.destinations',
        ),
        (lambda r: r.update(fallback="nowhere"), '"nowhere" is not defined'),
        (
            lambda r: r["destinations"]["case_system"].update(url="http://example.org/x"),
            "must start with https://",
        ),
        (
            lambda r: r["destinations"]["case_system"].update(secret_env="my secret"),
            "not an environment variable name",
        ),
        (
            lambda r: r["destinations"]["case_system"].update(url="https://169.254.169.254/x"),
            "add allow_private_network: true",
        ),
        (
            lambda r: r["destinations"]["case_system"].update(url="http://127.0.0.1:8080/x"),
            "add allow_private_network: true",
        ),
        (
            lambda r: r["destinations"]["case_system"].update(allow_private_network="yes"),
            "allow_private_network",
        ),
        (lambda r: r["messages"].update(confirmed="{nmae}"), "unknown placeholder {nmae}"),
        (
            lambda r: r.update(services={"no_such_service": {}}),
            '"no_such_service" is not a service id',
        ),
    ],
    ids=[
        "unknown-destination",
        "unknown-fallback",
        "plain-http",
        "bad-env-name",
        "link-local-address",
        "loopback-address",
        "allow-not-boolean",
        "placeholder",
        "unknown-service",
    ],
)
def test_referral_section_mistakes_are_reported(change: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_text(_shipped_with(change), "routing.yaml")
    assert message in str(error.value)


def test_a_private_webhook_address_is_accepted_when_allowed() -> None:
    def allow(referrals: dict[str, Any]) -> None:
        referrals["destinations"]["case_system"].update(
            url="http://127.0.0.1:8080/x", allow_private_network=True
        )

    table = load_text(_shipped_with(allow), "routing.yaml")
    assert table.referrals is not None
    assert table.referrals.destinations["case_system"].allow_private_network is True


def test_shipped_destinations_are_disabled_placeholders() -> None:
    table = load_text(SHIPPED.read_text(encoding="utf-8"), "routing.yaml")
    config = table.referrals
    assert config is not None
    assert not any(d.enabled for d in config.destinations.values())
    assert not any(
        config.offered_for(s.id) for s in table.services
    ), "no offer until IT enables one"


async def test_state_writes_skip_the_sync_but_leave_referral_commits_durable(db: Database) -> None:
    """Conversation state is committed with synchronous=NORMAL (no fsync per turn); the
    connection is back to FULL afterwards, so referral commits stay durable."""
    seen: list[int] = []
    storage = SqliteStorage(db)

    def mode(conn) -> int:  # type: ignore[no-untyped-def]
        return int(conn.execute("PRAGMA synchronous").fetchone()[0])

    await storage.write({"c": {"n": 1}})
    seen.append(await db.call(mode))
    assert seen == [2], "FULL (2) after a state write"

    reopened = Database(db.path)
    try:
        assert (await SqliteStorage(reopened).read(["c"]))["c"]["n"] == 1
    finally:
        reopened.close()


async def test_plain_state_and_dialog_objects_both_round_trip(db: Database) -> None:
    storage = SqliteStorage(db)
    plain = {"facts": {"area": "castlebar"}, "welcomed": ["u"], "n": 1.5, "ok": True}
    state = DialogState()
    state.dialog_stack.append(DialogInstance(id="callback", state={"step": 2}))
    await storage.write({"plain": dict(plain), "dialog": {"state": state}})
    items = await storage.read(["plain", "dialog"])
    assert {k: v for k, v in items["plain"].items() if k != "e_tag"} == plain
    restored = items["dialog"]["state"]
    assert isinstance(restored, DialogState)
    assert restored.dialog_stack[0].id == "callback"
    assert restored.dialog_stack[0].state == {"step": 2}


async def test_reads_on_the_loop_see_every_committed_write_and_cannot_write(db: Database) -> None:
    import sqlite3

    storage = SqliteStorage(db)
    assert db.can_read_inline
    for n in range(5):
        await storage.write({"k": {"n": n, "e_tag": "*"}})
        assert (await storage.read(["k"]))["k"]["n"] == n, "read-your-writes"
    with pytest.raises(sqlite3.OperationalError):
        db.read_inline(lambda conn: conn.execute("DELETE FROM bot_state"))
    assert (await storage.read(["k"]))["k"]["n"] == 4


async def test_keys_found_missing_are_remembered_until_written(db: Database) -> None:
    import asyncio

    storage = SqliteStorage(db)
    assert await storage.read(["new"]) == {}
    # A row the storage did not write itself (another connection): not seen while "new" is
    # remembered as missing, which is why only this storage may create rows.
    db.call_sync(lambda conn: conn.execute(
        "INSERT INTO bot_state (key, etag, data, updated_at) VALUES ('new', 'x', '{}', 0)"
    ))
    assert await storage.read(["new"]) == {}
    await storage.delete(["new"])

    # A read while a write is in flight must not leave the key remembered as missing.
    writing = asyncio.ensure_future(storage.write({"new": {"n": 1, "e_tag": "*"}}))
    await asyncio.sleep(0)
    await storage.read(["new"])  # may or may not see the row yet
    await writing
    assert (await storage.read(["new"]))["new"]["n"] == 1, "read-your-writes"
    assert (await storage.read(["new", "other"]))["new"]["n"] == 1
    await storage.delete(["new"])
    assert await storage.read(["new"]) == {}
