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
        f" UPDATE bot_state SET etag = md5(random()::text) WHERE key = '{KEY}'; COMMIT;"
        " END LOOP; END $$"
    )

    def rewrite() -> None:
        with contextlib.suppress(psycopg.errors.QueryCanceled):
            other.execute("CALL churn()")

    writer = threading.Thread(target=rewrite)
    writer.start()
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING)
    storage = Storage.build(open_database(postgres_url), lambda: "MAY-X")
    try:
        async with TestClient(
            TestServer(create_app(settings, clock=lambda: OPEN_TIME, storage=storage), host="127.0.0.1")
        ) as client:
            with caplog.at_level(logging.INFO):
                body = act.message(connector.url, "hot meals please", conversation_id="conv-contended")
                response = await client.post("/api/messages", json=body)
                assert response.status == 200
                metrics = await (await client.get("/metrics")).text()
    finally:
        other.cancel()
        writer.join()
        other.close()
    [reply] = connector.messages("conv-contended")
    assert "094 906 4660" in reply["text"]  # the helpline's number, to try again or ring
    assert "helpline_storage_busy_total 1.0" in metrics
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert sum("deciding the turn again" in r.getMessage() for r in caplog.records) >= 2
