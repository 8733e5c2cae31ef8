"""Crash safety: a real ``python app.py`` killed with SIGKILL after the citizen was given a
reference and before delivery completed. On restart the referral is delivered, each
idempotency key is acknowledged exactly once by the receiver, and nothing is lost.

Kill points, one referral each, in one chain of restarts:
  1. as soon as the confirmation reaches the citizen (delivery not finished: the receiver
     holds every request);
  2. while the receiver holds the webhook request (sent, unanswered);
  3. right after the receiver answered (the bot may or may not have recorded it).
"""

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

from bot.referrals.codes import find_reference
from bot.storage import open_database
from bot.storage import referrals as store_ops
from tests.support import activities as act
from tests.support.connector import ConnectorStandIn

from .support import HAPPY_ANSWERS, SECRET_ENV, WebhookReceiver, eventually, routing_with_referrals

ROOT = Path(__file__).resolve().parents[2]


class HoldingReceiver(WebhookReceiver):
    """Holds every request unanswered while ``holding`` (until :meth:`release`);
    ``held`` lists the references of the requests it held."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = False
        self.held: list[str] = []
        self._release = asyncio.Event()

    async def _handle(self, request: web.Request) -> web.Response:
        if self.holding:
            gate = self._release
            self.held.append(json.loads(await request.read())["reference"])
            self._arrived.set()
            await gate.wait()
        return await super()._handle(request)

    def release(self) -> None:
        self.holding = False
        self._release.set()
        self._release = asyncio.Event()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env = env
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        async def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, "app.py exited"
            try:
                async with session.get(f"{self.url}/healthz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await eventually(up, timeout=30, what="app.py to start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
async def holding_receiver() -> AsyncIterator[HoldingReceiver]:
    receiver = HoldingReceiver()
    await receiver.start()
    yield receiver
    receiver.release()
    await receiver.close()


async def _callback(
    session: aiohttp.ClientSession, bot: BotProcess, connector: ConnectorStandIn, conversation: str
) -> str:
    """Ask for a callback in ``conversation``; returns the reference the citizen was given."""
    texts = (
        "can someone do my grocery shopping",
        "Ask them to call me back",
        *HAPPY_ANSWERS,
        "yes",
    )
    for text in texts:
        before = len(connector.messages())
        body = act.message(connector.url, text, conversation_id=conversation)
        async with session.post(f"{bot.url}/api/messages", json=body) as response:
            assert response.status == 200, await response.text()
        await connector.wait_for(before + 1, timeout=10)
    reference = find_reference(connector.messages(conversation)[-1]["text"])
    assert reference is not None
    return reference


@pytest.mark.timeout(90)
async def test_sigkill_before_delivery_completes_loses_nothing(
    tmp_path: Path, connector: ConnectorStandIn, holding_receiver: HoldingReceiver
) -> None:
    receiver = holding_receiver
    db_path = tmp_path / "helpline.db"
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=receiver.url, to=("case_system",)
    )
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("Microsoft", "HELPLINE", "REFERRAL"))
        },
        "PORT": str(_free_port()),
        "HOST": "127.0.0.1",
        "HELPLINE_DB": str(db_path),
        "ROUTING_FILE": str(routing),
        "REFERRAL_RETRY_SECONDS": "0.05",
        "REFERRAL_RETRY_MAX_SECONDS": "0.2",
        "LOG_FORMAT": "text",
        SECRET_ENV: "crash-test-secret",
    }
    bot = BotProcess(env, int(env["PORT"]))
    references: list[str] = []
    async with aiohttp.ClientSession() as session:
        try:
            db = open_database(str(db_path))

            def delivered(count: int) -> bool:
                rows = db.call_sync(lambda c: c.all("SELECT status FROM deliveries"))
                return len(rows) == count and all(r["status"] == "delivered" for r in rows)

            # 1. Killed the moment the citizen has the reference.
            receiver.holding = True
            await bot.start(session)
            references.append(await _callback(session, bot, connector, "conv-a"))
            bot.kill()
            receiver.release()

            # 2. Killed while the receiver holds referral 2's webhook request unanswered.
            await bot.start(session)
            await eventually(lambda: delivered(1), what="referral 1 delivered after the restart")
            receiver.holding = True
            references.append(await _callback(session, bot, connector, "conv-b"))
            await eventually(lambda: references[1] in receiver.held, what="referral 2 to be held")
            bot.kill()
            receiver.release()

            # 3. Killed just after the receiver answered referral 3.
            await bot.start(session)
            await eventually(lambda: delivered(2), what="referral 2 delivered after the restart")
            references.append(await _callback(session, bot, connector, "conv-c"))
            await eventually(
                lambda: len(receiver.acknowledged) == 3, what="referral 3 acknowledged"
            )
            bot.kill()

            # Restart: whatever was not recorded as delivered is delivered again.
            await bot.start(session)
            await eventually(lambda: delivered(3), what="every delivery recorded as delivered")
        finally:
            bot.stop()

    keys = {}
    for reference in references:
        referral = db.call_sync(lambda c, r=reference: store_ops.get(c, r))
        assert referral is not None, f"{reference} was lost"
        [delivery] = db.call_sync(lambda c, r=reference: store_ops.deliveries_of(c, r))
        keys[delivery.idempotency_key] = reference
    db.close()
    assert len(set(references)) == 3
    assert receiver.acknowledged == {key: 1 for key in keys}, "one acknowledged delivery per key"
    delivered_refs = {r.body["reference"] for r in receiver.requests}
    assert delivered_refs == set(references)
