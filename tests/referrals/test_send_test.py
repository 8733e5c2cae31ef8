"""``python -m routing check --send-test`` (issue 17, point 3): a test to each enabled
destination, sent as a real request would be, reported one line each.

The command runs as staff run it (a subprocess, the bot's environment), against a real local
connector stand-in for Teams and a real local webhook receiver.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import sys
from pathlib import Path

import yaml

from bot.conversation import Account, Address
from tests.support.connector import ConnectorStandIn

from .conftest import AppFactory, referral_store
from .support import SECRET_ENV, STAFF_CONVERSATION, WebhookReceiver, routing_with_referrals

ROOT = Path(__file__).resolve().parents[2]


async def send_test(
    routing: Path, db: Path, env: dict[str, str] | None = None
) -> tuple[int, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("Microsoft") and k not in ("ROUTING_FILE", "DATABASE_URL", SECRET_ENV)
    }
    clean["HELPLINE_DB"] = str(db)
    clean.update(env or {})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "routing",
        "check",
        str(routing),
        "--no-regression",
        "--send-test",
        cwd=ROOT,
        env=clean,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode()


def card_texts(body: dict) -> str:
    [attachment] = body["attachments"]
    return " ".join(b.get("text", "") for b in attachment["content"]["body"])


async def test_every_enabled_destination_gets_a_test_and_says_so(
    tmp_path: Path, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> None:
    routing = routing_with_referrals(
        tmp_path / "routing.yaml",
        teams_service_url=connector.url,
        webhook_url=receiver.url,
        to=("staff_channel", "case_system"),
    )
    code, out = await send_test(routing, tmp_path / "none.db", {SECRET_ENV: "s3cret"})
    assert code == 0, out
    assert "ok  staff_channel (teams): test card posted" in out
    assert "ok  case_system (webhook): signed test accepted" in out

    [card] = connector.messages(STAFF_CONVERSATION)
    text = card_texts(card)
    assert "Test from the helpline bot" in text and "nothing to do" in text
    assert "Staff channel" in text  # which destination this is
    assert "Grocery" in text or "grocer" in text.lower()  # the services that land there

    [request] = receiver.requests
    assert request.body["test"] is True and request.body["reference"] == "TEST"
    assert not {"name", "phone", "need", "area"} & set(request.body)  # no personal data
    timestamp = request.headers["X-Helpline-Timestamp"]
    signed = timestamp.encode() + b"." + request.raw
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert request.headers["X-Helpline-Signature"] == expected


async def test_failures_are_named_one_line_each_and_the_exit_code_says_so(
    tmp_path: Path, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> None:
    """A channel the bot was never added to (and no service_url), a secret nobody set: the
    two mistakes a test exists to find before a citizen's request meets them."""
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=receiver.url, to=("staff_channel", "case_system")
    )
    code, out = await send_test(routing, tmp_path / "none.db")
    assert code == 1, out
    assert "FAILED  staff_channel (teams): the bot does not know this conversation yet" in out
    assert f"FAILED  case_system (webhook): the environment variable {SECRET_ENV}" in out
    assert "2 of 2 destinations did not accept the test" in out
    assert receiver.requests == [] and connector.calls == []


async def test_a_refusing_receiver_is_reported(
    tmp_path: Path, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> None:
    receiver.status = 401
    routing = routing_with_referrals(
        tmp_path / "routing.yaml",
        teams_service_url=connector.url,
        webhook_url=receiver.url,
        to=("staff_channel", "case_system"),
    )
    code, out = await send_test(routing, tmp_path / "none.db", {SECRET_ENV: "s3cret"})
    assert code == 1, out
    assert "FAILED  case_system (webhook): not accepted (http_401)" in out
    assert "ok  staff_channel (teams)" in out
    assert "1 of 2 destinations did not accept the test" in out


async def test_the_conversation_the_bot_stored_is_used(
    tmp_path: Path, connector: ConnectorStandIn, make_client: AppFactory
) -> None:
    """The usual case: staff pasted the channel id, the bot stored the channel's address
    when it was added to the team; the test reads it from the bot's database."""
    db = tmp_path / "helpline.db"
    routing = routing_with_referrals(tmp_path / "routing.yaml")  # no service_url
    client = await make_client(routing, db)
    address = Address("msteams", STAFF_CONVERSATION, connector.url, Account("bot-1"), scope="channel")
    await referral_store(client).save_conversation_ref(STAFF_CONVERSATION, address.to_dict())
    await client.close()
    code, out = await send_test(routing, db)
    assert code == 0, out
    [card] = connector.messages(STAFF_CONVERSATION)
    assert card["from"]["id"] == "bot-1"
    assert "Test from the helpline bot" in card_texts(card)


async def test_a_file_with_problems_sends_nothing(
    tmp_path: Path, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> None:
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", teams_service_url=connector.url, webhook_url=receiver.url
    )
    data = yaml.safe_load(routing.read_text(encoding="utf-8"))
    data["referrals"]["default"]["to"] = ["no_such_destination"]
    routing.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = await send_test(routing, tmp_path / "none.db", {SECRET_ENV: "s3cret"})
    assert code == 1
    assert "no_such_destination" in out
    assert "Test sent" not in out
    assert receiver.requests == [] and connector.calls == []
