"""1,000 citizens ask for a call-back, each conversation's turns spread over two real
instances on one PostgreSQL database, while one instance is killed with SIGKILL and started
again. Every turn an instance accepted (200) was answered at the connector or its failure
logged, and every referral reaches the staff destination (a webhook receiver counting
idempotency keys) exactly once.

A citizen behaves as the channel and a person would: a message that got no answer from one
instance (connection refused or dropped) is sent again to the other, and the next message
answers whatever the bot asked last (after a retry the bot may already have taken the
message: then it asks the next question, or asks again)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.referrals.codes import find_reference
from bot.storage import open_database
from tests.referrals.support import HAPPY_ANSWERS, WebhookReceiver, eventually, suggested
from tests.support.connector import ConnectorStandIn

from .support import Talk, instance_env, log_errors, routing_for_instances, start_instances

CONVERSATIONS = 1000
CONCURRENT = 40  # citizens typing at once
KILL_AFTER = 2500  # accepted turns before instance 0 is killed
# Long enough that a live instance slowed by a loaded machine still renews its leases in time
# (renewed every third of it): a repeat then comes only from the killed instance. It failed
# once with 3 s under the full suite and four other test runs on two cores.
LEASE_SECONDS = 6
OFFER = "Ask them to call me back"
NAME, PHONE, AREA, NEED = HAPPY_ANSWERS
CONSENT = "Yes, share my details"


def next_message(reply: dict[str, object] | None, consented: bool) -> str | None:
    """What the citizen says next, from the bot's last reply; None: finished."""
    if reply is None:
        return "prescription collection please"
    text = str(reply.get("text") or "")
    if "Your reference is" in text:
        return None
    if OFFER in suggested(reply):
        return OFFER
    if "I'll share your name" in text or "choose yes or no" in text:
        return CONSENT
    if consented:
        return None  # the consent was taken (the confirmation went to a killed instance)
    if "your name" in text:
        return NAME
    if "phone number" in text:
        return PHONE
    if "town or area" in text:
        return AREA
    if "like help with" in text:
        return NEED
    return "prescription collection please"


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    # A receiver that takes a moment to store each referral: the killed instance dies with
    # deliveries leased and in flight, which the other instance must take over.
    webhook = WebhookReceiver(delay=0.2)
    await webhook.start()
    yield webhook
    await webhook.close()


@pytest.mark.timeout(420)
async def test_a_thousand_callbacks_while_one_instance_is_killed(
    tmp_path: Path, postgres_url: str, connector: ConnectorStandIn, receiver: WebhookReceiver
) -> None:
    routing = routing_for_instances(tmp_path / "routing.yaml", receiver.url)
    env = instance_env(postgres_url, routing, REFERRAL_LEASE_SECONDS=str(LEASE_SECONDS))
    bots = start_instances(env, tmp_path)
    references: dict[str, str | None] = {}
    killed_at: list[float] = []
    in_flight: list[int] = []  # webhook requests unanswered when the instance was killed
    suspects: set[str] = set()  # keys the killed instance may have been sending as it died
    gate = asyncio.Semaphore(CONCURRENT)

    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=2 * CONCURRENT)
    ) as session:
        talk = Talk(session, bots, connector)

        async def send(first: int, conversation: str, text: str) -> dict[str, object]:
            """Send until an instance accepts it (each failure goes to the other one)."""
            instance = first
            for attempt in range(200):
                sent = await talk.say(instance, conversation, text)
                if sent.status == 200:
                    replies = talk.replies_to(sent.activity_id)
                    return replies[-1] if replies else {}
                instance = 1 - instance
                await asyncio.sleep(min(0.5, 0.02 * attempt))
            raise AssertionError(f"{conversation}: no instance accepted {text!r}")

        async def citizen(n: int) -> None:
            conversation = f"conv-{n}"
            async with gate:
                reply: dict[str, object] | None = None
                consented = False
                for turn in range(20):
                    text = next_message(reply, consented)
                    if text is None:
                        break
                    consented = consented or text == CONSENT
                    reply = await send((n + turn) % 2, conversation, text)
                else:
                    raise AssertionError(f"{conversation} never finished: {reply}")
                references[conversation] = find_reference(str((reply or {}).get("text") or ""))

        async def kill_and_restart() -> None:
            def pending() -> int:
                return len(receiver.requests) - sum(receiver.acknowledged.values())

            # Killed mid-delivery: after enough turns, at a moment a referral is being
            # stored (a fixed count alone sometimes fell between deliveries under load).
            await eventually(
                lambda: sum(s.status == 200 for s in talk.sent) >= KILL_AFTER and pending() > 0,
                timeout=300, what=f"{KILL_AFTER} accepted turns and a delivery in flight",
            )
            bots[0].kill()
            loop = asyncio.get_running_loop()
            killed = loop.time()
            killed_at.append(time.time())
            in_flight.append(pending())
            seen = len(receiver.requests)
            suspects.update({r.key for r in receiver.requests} - set(receiver.acknowledged))
            await asyncio.sleep(1.0)
            await bots[0].start(session)
            # What the killed instance wrote before it died may still be on its way to the
            # receiver (a loaded machine reads it late): it counts as in flight too. Its
            # leases were renewed at most a third of a lease before the kill, so nobody takes
            # them over before two thirds of a lease after it: until then, arrivals are the
            # dead instance's last requests or first tries.
            await asyncio.sleep(max(0.0, killed + LEASE_SECONDS * 2 / 3 - loop.time()))
            suspects.update(r.key for r in receiver.requests[seen:])

        try:
            await asyncio.gather(*(bot.start(session) for bot in bots))
            started = time.monotonic()
            await asyncio.gather(kill_and_restart(), *(citizen(n) for n in range(CONVERSATIONS)))
            talked = time.monotonic()

            db = open_database(postgres_url)
            try:
                def statuses() -> Counter[str]:
                    rows = db.call_sync(lambda c: c.all("SELECT status FROM deliveries"))
                    return Counter(r["status"] for r in rows)

                # The deliveries the killed instance had leased are taken over once its
                # leases run out (REFERRAL_LEASE_SECONDS, renewed while an instance lives).
                await eventually(
                    lambda: statuses() == {"delivered": CONVERSATIONS}, timeout=30,
                    what="every delivery delivered",
                )
                print(f"talking {talked - started:.1f} s, deliveries done"
                      f" {time.monotonic() - talked:.1f} s later")
                referrals = db.call_sync(
                    lambda c: c.all(
                        "SELECT r.reference, r.conversation, d.idempotency_key"
                        " FROM referrals r JOIN deliveries d USING (reference)"
                    )
                )
            finally:
                db.close()
            await asyncio.sleep(2.0)  # both outboxes looked again: nothing more goes out
        finally:
            for bot in bots:
                bot.stop()

    accounting = talk.accounting()
    print("turns:", accounting, "webhook requests in flight at the kill:", in_flight)
    assert killed_at, "instance 0 was killed"
    assert in_flight[0] > 0, "the killed instance was delivering when it died"
    assert accounting["not_accepted"] > 0, "some turns were refused while instance 0 was down"
    assert accounting["unaccounted"] == 0, accounting

    # One referral per conversation; every reference a citizen was given is stored.
    per_conversation = Counter(r["conversation"].rsplit("/", 1)[-1] for r in referrals)
    assert len(referrals) == CONVERSATIONS and set(per_conversation.values()) == {1}
    stored = {r["reference"] for r in referrals}
    given = {ref for ref in references.values() if ref is not None}
    assert given <= stored
    assert len(given) >= CONVERSATIONS - 10, "nearly every citizen saw their reference"

    # Each referral reached the receiver under its one idempotency key, accepted once.
    keys = {r["idempotency_key"]: r["reference"] for r in referrals}
    assert receiver.acknowledged == {key: 1 for key in keys}
    received = Counter(r.key for r in receiver.requests)
    repeated = [key for key, count in received.items() if count > 1]
    # A repeat is allowed only for what the killed instance was sending when it died
    # (at-least-once: the receiver dropped it by its key); never two live senders.
    print("webhook requests:", len(receiver.requests), "repeated keys:", len(repeated),
          "in flight at the kill:", len(suspects))
    assert set(repeated) <= suspects, sorted(set(repeated) - suspects)
    assert {r.body["reference"] for r in receiver.requests} == stored
    assert log_errors(bots) == []
