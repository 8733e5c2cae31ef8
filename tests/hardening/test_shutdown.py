"""SIGTERM to a real ``python app.py``: it stops accepting connections, finishes the turn in
flight (including its pending reply to the connector) within the grace period, and exits 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.support import activities as act
from tests.support.connector import ConnectorCall, ConnectorStandIn

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _until(predicate, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        await asyncio.sleep(0.05)


async def _refuses_connections(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


@pytest.fixture
async def app_process(tmp_path: Path) -> AsyncIterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port = _free_port()
    log_path = tmp_path / "bot.log"
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
        "MicrosoftAppTenantId": "",
        "SHUTDOWN_GRACE_SECONDS": "20",
        "LOG_LEVEL": "INFO",
        "HELPLINE_DB": str(tmp_path / "helpline.db"),
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        yield proc, port, log_path
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


async def test_sigterm_finishes_the_turn_in_flight_then_exits_0(
    app_process: tuple[subprocess.Popen[bytes], int, Path], connector: ConnectorStandIn
) -> None:
    proc, port, log_path = app_process
    base = f"http://127.0.0.1:{port}"
    release = asyncio.Event()
    reply_pending = asyncio.Event()

    async def hold(call: ConnectorCall) -> web.Response | None:
        reply_pending.set()
        await release.wait()
        return None

    connector.behaviour = hold
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def ready() -> bool:
            assert proc.poll() is None, log_path.read_text()
            try:
                async with session.get(f"{base}/readyz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await _until(ready, "the bot to be ready")
        turn = asyncio.create_task(
            session.post(f"{base}/api/messages", json=act.message(connector.url, "pharmacy"))
        )
        await asyncio.wait_for(reply_pending.wait(), 20)  # the reply is on its way out

        proc.send_signal(signal.SIGTERM)
        # Stops accepting: new connections are refused while the turn is still held.
        await _until(lambda: _refuses_connections(port), "the listening socket to close")
        assert not turn.done() and proc.poll() is None, "the turn in flight is not cut off"

        release.set()
        response = await asyncio.wait_for(turn, 30)
        assert response.status == 200
        assert len(connector.messages()) == 1, "the pending reply was delivered"

    exit_code = await asyncio.to_thread(proc.wait, 30)
    log_lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    messages = [line["msg"] for line in log_lines]
    assert exit_code == 0, log_path.read_text()
    assert any(m.startswith("shutting down: 1 turn(s) in flight") for m in messages), messages
    assert "shutdown: all turns finished" in messages
    assert [line["outcome"] for line in log_lines if line["logger"] == "bot.turn"] == ["replied"]


async def test_sigterm_when_idle_exits_0_promptly(
    app_process: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    proc, port, log_path = app_process

    async def listening() -> bool:
        assert proc.poll() is None, log_path.read_text()
        return not await _refuses_connections(port)

    await _until(listening, "the bot to listen")
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 30) == 0


async def test_turns_recorded_just_before_shutdown_reach_the_database(
    tmp_path: Path, connector: ConnectorStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """The staff page's numbers are written in batches; the last batch is written as the app
    stops, before the database closes (it used to close first: the batch was lost, logged
    at ERROR on every shutdown)."""
    import dataclasses

    from aiohttp.test_utils import TestClient, TestServer

    from bot.storage import open_database
    from bot.web.app import create_app
    from config.settings import Settings
    from tests.bot.conftest import SHIPPED_ROUTING

    db_path = tmp_path / "helpline.db"
    settings = dataclasses.replace(Settings(), routing_file=SHIPPED_ROUTING, database=db_path)
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        for n in range(3):
            body = act.message(connector.url, "hot meals please", conversation_id=f"c{n}")
            assert (await client.post("/api/messages", json=body)).status == 200
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
    db = open_database(str(db_path))
    [row] = db.call_sync(lambda c: c.all("SELECT COUNT(*) AS n FROM insight_turns"))
    db.close()
    assert row["n"] == 3
