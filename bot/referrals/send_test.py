"""A test card to every enabled destination, before anyone relies on it (issue 17, point 3).

    python -m routing check --send-test        check the file, then send (staff and IT)

Each enabled destination gets one clearly marked test, sent exactly as a real request would
go (same signing, same address checks, same credentials), so a mistyped channel id, a
webhook secret nobody set or a relay that refuses the council's signature shows up now, not
when a citizen's request is lost in the fallback:

- ``teams``: an Adaptive Card "Test from the helpline bot" in the channel, with the
  services whose requests go there. Sent with the bot's own identity (``MicrosoftAppId`` and
  friends, set as the running bot has them; none in local mode), to the conversation the bot stored when it was added to the team (read from the
  bot's database: ``DATABASE_URL`` or ``HELPLINE_DB``) or the destination's ``service_url``.
- ``webhook``: a signed JSON body with ``"test": true`` and no personal data; receivers
  should answer 2xx and drop it.
- ``page``: built into the bot; nothing is sent (the page reads the database itself).

No personal data is sent, nothing is stored, and the outbox is not touched. The exit code is
0 when every enabled destination accepted its test, 1 otherwise; each line says which.
This module sends through a :class:`~bot.referrals.delivery.Channel`; the command that builds
the bot's real connector for it is ``bot/botframework/send_test.py``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import aiohttp

from routing.model import RoutingTable
from routing.referrals import Destination, ReferralConfig

from ..cards import CARD_VERSION
from ..conversation import Account, Address
from .delivery import Channel
from .errors import DeliveryFailed
from .service import address_from_stored
from .webhook import post_webhook

__all__ = ["Outcome", "report", "send_tests", "test_card", "test_payload"]

TEST_TITLE = "Test from the helpline bot"


@dataclass(frozen=True, slots=True)
class Outcome:
    destination: str
    kind: str
    ok: bool
    detail: str

    def line(self) -> str:
        mark = "ok" if self.ok else "FAILED"
        return f"{mark:>6}  {self.destination} ({self.kind}): {self.detail}"


def services_to(config: ReferralConfig, table: RoutingTable, destination_id: str) -> list[str]:
    """Titles of the services whose requests go to ``destination_id`` (default included)."""
    titles = []
    for service in table.services:
        if destination_id in config.plan(service.id).destinations:
            titles.append(table.title_of(service.id))
    return titles


def test_card(destination: Destination, services: list[str]) -> dict[str, Any]:
    served = ", ".join(services) if services else "no service at the moment (check default: to:)"
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [
            {"type": "TextBlock", "text": TEST_TITLE, "weight": "Bolder", "wrap": True},
            {
                "type": "TextBlock",
                "wrap": True,
                "text": (
                    f"This is a test. Call-back requests for the helpline will appear here "
                    f"({destination.name}). Nobody needs a call and there is nothing to do."
                ),
            },
            {"type": "TextBlock", "wrap": True, "isSubtle": True, "text": f"Services: {served}"},
        ],
    }


def test_payload(destination: Destination, services: list[str], key: str) -> dict[str, Any]:
    return {
        "test": True,
        "idempotency_key": key,
        "reference": "TEST",
        "destination": destination.id,
        "services": services,
        "message": f"{TEST_TITLE}: nobody needs a call. Answer 2xx and drop it.",
    }


async def _teams(
    destination: Destination,
    card: dict[str, Any],
    channel: Channel,
    stored: Mapping[str, Any] | None,
) -> Outcome:
    conversation_id = str(destination.conversation)
    address = address_from_stored(stored)
    if address is None and destination.service_url:
        address = Address(
            "msteams", conversation_id, destination.service_url, Account(""), scope="channel"
        )
    if address is None:
        return Outcome(
            destination.id,
            "teams",
            False,
            "the bot does not know this conversation yet: add the bot to the team (or check "
            "the conversation id), or give the destination a service_url",
        )
    try:
        await channel.send_card(address, TEST_TITLE, card)
    except DeliveryFailed as exc:
        return Outcome(destination.id, "teams", False, f"Teams refused it ({exc.kind})")
    return Outcome(destination.id, "teams", True, "test card posted")


async def _webhook(
    destination: Destination,
    payload: dict[str, Any],
    session: aiohttp.ClientSession,
    env: Mapping[str, str],
    timeout: float,
) -> Outcome:
    secret = None
    if destination.secret_env:
        secret = env.get(destination.secret_env, "")
        if not secret:
            return Outcome(
                destination.id,
                "webhook",
                False,
                f"the environment variable {destination.secret_env} (its secret) is not set here",
            )
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(payload["idempotency_key"]),
        "X-Helpline-Reference": "TEST",
    }
    try:
        await post_webhook(
            session,
            str(destination.url),
            body,
            headers,
            timeout=timeout,
            secret=secret,
            allow_private=destination.allow_private_network,
        )
    except DeliveryFailed as exc:
        return Outcome(destination.id, "webhook", False, f"not accepted ({exc.kind})")
    return Outcome(destination.id, "webhook", True, "signed test accepted")


async def send_tests(
    table: RoutingTable,
    *,
    session: aiohttp.ClientSession,
    channel: Channel,
    stored_refs: Mapping[str, Mapping[str, Any] | None],
    env: Mapping[str, str],
    timeout: float = 10.0,
) -> list[Outcome]:
    """Send one test to each enabled destination; one :class:`Outcome` each, in file order."""
    config = table.referrals
    if config is None:
        return []
    outcomes: list[Outcome] = []
    for destination in config.destinations.values():
        if not destination.enabled:
            continue
        services = services_to(config, table, destination.id)
        if destination.type == "page":
            outcomes.append(
                Outcome(destination.id, "page", True, "built in: nothing to send (open /staff)")
            )
        elif destination.type == "teams":
            outcomes.append(
                await _teams(
                    destination,
                    test_card(destination, services),
                    channel,
                    stored_refs.get(str(destination.conversation)),
                )
            )
        elif destination.type == "webhook":
            key = f"test-{uuid.uuid4()}"
            outcomes.append(
                await _webhook(
                    destination, test_payload(destination, services, key), session, env, timeout
                )
            )
        else:
            outcomes.append(Outcome(destination.id, destination.type, False, "unknown type"))
    return outcomes


def report(outcomes: list[Outcome], out: TextIO) -> int:
    """Print one line per destination; the exit code (0: all accepted)."""
    if not outcomes:
        print("No destination is enabled, so there is nothing to test.", file=out)
        return 0
    print("Test sent to each enabled destination:", file=out)
    for outcome in outcomes:
        print(outcome.line(), file=out)
    failed = sum(not o.ok for o in outcomes)
    if failed:
        print(f"{failed} of {len(outcomes)} destinations did not accept the test.", file=out)
        return 1
    return 0
