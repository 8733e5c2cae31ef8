"""Data protection: "delete my details", enquiries only from the same conversation, no
personal data in logs, retention purge (background and command)."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.referrals import __main__ as cli
from bot.referrals.background import purge_once
from bot.referrals.codes import new_reference
from bot.storage import Storage, open_database
from bot.storage.records import NewReferral, Target
from bot.web.app import STORAGE
from tests.support.connector import ConnectorStandIn

from .conftest import OPEN_TIME, AppFactory, referral_store
from .support import Citizen, eventually, request_callback, routing_with_referrals
from .test_delivery import delivered


async def test_delete_my_details_erases_referral_and_state(
    citizen: Citizen, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = confirmed["text"].split("reference is ")[1].split(".")[0]
    deleted = await citizen.say("Delete my details")
    assert "deleted your details" in deleted["text"]
    assert await referral_store(teams_client).get(reference) is None
    db = teams_client.server.app[STORAGE].db
    keys = db.call_sync(lambda c: [r["key"] for r in c.all("SELECT key FROM bot_state")])
    assert not [k for k in keys if "conv-1" in k], keys
    status = await citizen.say(f"what happened to {reference}")
    assert "can't find a request" in status["text"]


async def test_delete_my_details_in_the_middle_of_the_dialog(
    citizen: Citizen, teams_client: TestClient
) -> None:
    await citizen.say("can someone do my grocery shopping")
    await citizen.say("Ask them to call me back")
    await citizen.say("Mary Walsh")
    deleted = await citizen.say("delete my details")
    assert "deleted your details" in deleted["text"]
    db = teams_client.server.app[STORAGE].db
    data = db.call_sync(lambda c: [r["data"] for r in c.all("SELECT data FROM bot_state")])
    assert not [d for d in data if "Mary" in d]
    after = await citizen.say("hot meals")
    assert "Here is who can help" in after["text"], "no dialog left over"


async def test_enquiry_from_another_conversation_finds_nothing(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = confirmed["text"].split("reference is ")[1].split(".")[0]
    stranger = Citizen(teams_client, connector, conversation_id="conv-2", user_id="user-2")
    reply = await stranger.say(f"what happened to {reference}")
    assert "can't find a request" in reply["text"]
    assert "Mary" not in reply["text"]


async def test_no_personal_data_in_logs(
    citizen: Citizen, teams_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    confirmed = await request_callback(citizen)
    reference = confirmed["text"].split("reference is ")[1].split(".")[0]
    await delivered(teams_client, reference)
    await citizen.say("delete my details")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert reference in logged, "the log names the referral by its reference"
    for personal in ("Mary", "Walsh", "087 123 4567", "0871234567", "weekly shopping"):
        assert personal not in logged


def _new(conversation: str, submission: str) -> NewReferral:
    return NewReferral(
        submission=submission,
        conversation=conversation,
        service_id="groceries",
        name="Test Person",
        phone="094 900 0000",
        area="castlebar",
        need="help",
        citizen_ref={},
    )


async def test_retention_purge_deletes_only_old_closed_referrals(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "purge.db"))
    store = Storage.build(db, new_reference).referrals
    day = 86400.0
    created = OPEN_TIME.timestamp() - 40 * day
    old, _ = await store.create(_new("c/1", "s1"), [Target("webhook", "x")], created)
    recent, _ = await store.create(_new("c/2", "s2"), [], created)
    still_open, _ = await store.create(_new("c/3", "s3"), [Target("teams", "t")], created)
    await store.claim(old.reference, "Staff", OPEN_TIME.timestamp() - 31 * day)
    await store.claim(recent.reference, "Staff", OPEN_TIME.timestamp() - 29 * day)

    deleted = await purge_once(store, OPEN_TIME, retention_days=30)

    assert deleted[0] == 1
    assert await store.get(old.reference) is None
    assert await store.deliveries_of(old.reference) == [], "its deliveries go with it"
    assert await store.get(recent.reference) is not None
    assert await store.get(still_open.reference) is not None, "not closed: kept"
    db.close()


def test_command_list_show_purge(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    db = open_database(str(path))
    store = Storage.build(db, new_reference).referrals
    referral, _ = asyncio.run(store.create(_new("c/1", "s1"), [Target("webhook", "case")], 1_000.0))
    asyncio.run(store.claim(referral.reference, "Staff", 2_000.0))
    db.close()

    out = io.StringIO()
    assert cli.main(["--db", str(path), "list"], out) == 0
    assert referral.reference in out.getvalue() and "Test Person" not in out.getvalue()
    out = io.StringIO()
    assert cli.main(["--db", str(path), "show", referral.reference.lower()], out) == 0
    assert "Test Person" in out.getvalue() and "webhook -> case pending" in out.getvalue()
    out = io.StringIO()
    assert cli.main(["--db", str(path), "purge", "--days", "30"], out) == 0
    assert "deleted 1 referral(s)" in out.getvalue()
    assert cli.main(["--db", str(path), "show", referral.reference], io.StringIO()) == 1


def test_command_refuses_a_missing_database(tmp_path: Path) -> None:
    assert cli.main(["--db", str(tmp_path / "none.db"), "list"], io.StringIO()) == 2
    assert cli.main(["--db", f"sqlite:///{tmp_path / 'none.db'}", "list"], io.StringIO()) == 2


def test_command_reads_the_database_the_bot_uses(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With several instances the referrals are in PostgreSQL (DATABASE_URL), not in a file:
    the command reads (and purges) them there."""
    db = open_database(postgres_url)
    store = Storage.build(db, new_reference).referrals
    referral, _ = asyncio.run(store.create(_new("c/1", "s1"), [Target("webhook", "case")], 1_000.0))
    asyncio.run(store.claim(referral.reference, "Staff", 2_000.0))
    db.close()
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("HELPLINE_DB", str(tmp_path / "not-this.db"))
    out = io.StringIO()
    assert cli.main(["list"], out) == 0
    assert referral.reference in out.getvalue()
    out = io.StringIO()
    assert cli.main(["purge", "--days", "30"], out) == 0
    assert "deleted 1 referral(s)" in out.getvalue()
    assert not (tmp_path / "not-this.db").exists()


async def test_background_purge_runs_at_start(
    tmp_path: Path, connector: ConnectorStandIn, make_client: AppFactory
) -> None:
    db_path = tmp_path / "helpline.db"
    db = open_database(str(db_path))
    store = Storage.build(db, new_reference).referrals
    old_close = OPEN_TIME.timestamp() - 60 * 86400
    referral, _ = await store.create(_new("c/1", "s1"), [], old_close)
    await store.claim(referral.reference, "Staff", old_close)
    db.close()
    from .support import eventually

    routing = routing_with_referrals(tmp_path / "r.yaml", teams_service_url=connector.url)
    client = await make_client(routing, db_path)
    store = referral_store(client)

    async def gone() -> bool:
        return await store.get(referral.reference) is None

    await eventually(gone, what="the background purge")


async def test_delete_my_details_clears_the_staff_card(
    citizen: Citizen, connector: ConnectorStandIn, teams_client: TestClient
) -> None:
    confirmed = await request_callback(citizen)
    reference = confirmed["text"].split("reference is ")[1].split(".")[0]
    [delivery] = await delivered(teams_client, reference)
    await citizen.say("delete my details")

    def cleared() -> list[object]:
        return [
            c
            for c in connector.calls
            if c.method == "PUT" and c.activity_id == delivery.activity_id
        ]

    [update] = await eventually(cleared, what="the staff card to be cleared")
    content = update.body["attachments"][0]["content"]
    text = str(content)
    assert "asked for their details to be deleted" in text and reference in text
    assert "Mary" not in text and "087" not in text
