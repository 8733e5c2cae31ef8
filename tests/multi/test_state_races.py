"""A conversation whose state another instance keeps rewriting: each turn is decided again on
the new state a few times, and when it keeps losing, the citizen is asked to try again (the
database is busy), counted and logged as such, not reported as a bug."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time

import psycopg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.storage import Storage, open_database
from bot.web.app import create_app
from config.settings import Settings
from tests.bot.conftest import OPEN_TIME, SHIPPED_ROUTING
from tests.support import activities as act
from tests.referrals.support import eventually
from tests.support.connector import ConnectorStandIn

KEY = "emulator/conversations/conv-contended"


async def test_a_turn_that_keeps_losing_the_race_asks_to_try_again(
    postgres_url: str, connector: ConnectorStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    # Another instance rewriting the conversation's state all the time: a procedure in the
    # database committing a new eTag every few microseconds, until cancelled.
    other = psycopg.connect(postgres_url, autocommit=True)
    setup = open_database(postgres_url)
    setup.call_sync(lambda c: c.execute(
        "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, 'e0', '{}', ?)",
        (KEY, time.time()),
    ))
    setup.close()
    other.execute(
        "CREATE PROCEDURE churn() LANGUAGE plpgsql AS $$ BEGIN LOOP"
        f" UPDATE bot_state SET etag = md5(random()::text), data = '{{}}' WHERE key = '{KEY}';"
        " COMMIT;"
        " END LOOP; END $$"
    )

    def rewrite() -> None:
        with contextlib.suppress(psycopg.errors.QueryCanceled):
            other.execute("CALL churn()")

    writer = threading.Thread(target=rewrite)
    writer.start()
    watcher = open_database(postgres_url)

    def etag() -> str:
        return str(watcher.call_sync(lambda c: c.one("SELECT etag FROM bot_state WHERE key = ?", (KEY,)))["etag"])  # type: ignore[index]

    first = etag()
    await eventually(lambda: etag() != first, what="the other instance to be rewriting")
    watcher.close()
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING)
    storage = Storage.build(open_database(postgres_url), lambda: "MAY-X")
    sent = []
    try:
        async with TestClient(
            TestServer(create_app(settings, clock=lambda: OPEN_TIME, storage=storage), host="127.0.0.1")
        ) as client:
            with caplog.at_level(logging.INFO):
                # Each turn is decided again while it loses; one that loses every try is
                # answered "try again". (The other instance runs flat out, but a loaded
                # machine may let a turn through now and then: a few messages are sent.)
                for n in range(5):
                    body = act.message(connector.url, f"hot meals please {n}", conversation_id="conv-contended")
                    response = await client.post("/api/messages", json=body)
                    assert response.status == 200
                    sent.append(body["id"])
                metrics = await (await client.get("/metrics")).text()
    finally:
        other.cancel()
        writer.join()
        other.close()
    replies = connector.messages("conv-contended")
    assert len(replies) == len(sent), "every message answered once"
    busy = [r for r in replies if r["text"].startswith("Sorry, something went wrong")]
    assert busy, replies
    assert f"helpline_storage_busy_total {len(busy)}.0" in metrics
    assert 'outcome="error"' not in metrics and "turns_failed_total{" not in metrics
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert sum("deciding the turn again" in r.getMessage() for r in caplog.records) >= 2
