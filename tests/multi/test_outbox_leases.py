"""The outbox of two instances on one PostgreSQL database: a delivery whose receiver takes
longer than the lease stays with the instance sending it (the lease is renewed while it
tries), so the other instance never sends it a second time; once an instance stops renewing
(it died), the other takes its deliveries over within the lease."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.referrals.delivery import OutboxSender, RetryPolicy
from bot.storage import Storage, open_database
from bot.storage.postgres import PostgresDatabase
from bot.storage.records import NewReferral, Target
from routing.store import RoutingStore
from tests.referrals.support import SECRET_ENV, WebhookReceiver, eventually, routing_with_referrals

LEASE = 1.0


class NoChannel:
    """These referrals go to a webhook only: nothing is posted into a conversation."""

    async def send_text(self, address: Any, text: str) -> str:
        raise AssertionError("no Teams delivery expected")

    async def send_card(self, address: Any, text: str, card: dict[str, Any]) -> str:
        raise AssertionError("no Teams delivery expected")

    async def update_card(self, address: Any, activity_id: str, card: dict[str, Any]) -> None:
        raise AssertionError("no Teams delivery expected")


@pytest.fixture
async def slow_receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver(delay=3 * LEASE)  # stores each referral slowly
    await receiver.start()
    yield receiver
    await receiver.close()


async def test_a_slow_delivery_stays_with_the_instance_sending_it(
    tmp_path: Path, postgres_url: str, slow_receiver: WebhookReceiver
) -> None:
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=slow_receiver.url, to=("case_system",)
    )
    table = RoutingStore.load(routing).router.table
    instances = [Storage.build(open_database(postgres_url), lambda: "MAY-SLOW") for _ in range(2)]
    async with aiohttp.ClientSession() as session:
        senders = [
            OutboxSender(
                storage.referrals, lambda: table, session, NoChannel(),
                env={SECRET_ENV: "lease-test-secret"}, idle=0.05, lease=LEASE,
                policy=RetryPolicy(base=0.05, cap=0.2),
            )
            for storage in instances
        ]
        tasks = [asyncio.create_task(sender.run()) for sender in senders]
        try:
            new = NewReferral(
                submission="s1", conversation="emulator/conversations/c1", service_id="groceries",
                name="Mary", phone="087 123 4567", area=None, need="shopping", citizen_ref={},
            )
            referral, _ = await instances[0].referrals.create(
                new, [Target("webhook", "case_system")], 1.0
            )
            for sender in senders:
                sender.wake()

            async def delivered() -> bool:
                [d] = await instances[1].referrals.deliveries_of(referral.reference)
                return d.status == "delivered"

            await eventually(delivered, timeout=10 * LEASE, what="the delivery delivered")
            await asyncio.sleep(2 * LEASE)  # both senders looked again meanwhile
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for storage in instances:
                storage.db.close()
    # Three leases long, sent once: the other instance never took it over.
    assert [r.body["reference"] for r in slow_receiver.requests] == [referral.reference]



async def test_the_outbox_outlives_a_database_outage(
    tmp_path: Path, postgres_server: Any, postgres_url: str, receiver: WebhookReceiver
) -> None:
    """A PostgreSQL restart while the outbox waits between passes: it keeps going, and a
    referral made once the database is back is delivered. (The outbox's look at the next due
    time was outside its error handling: one failed look ended the outbox for good, found when
    a test's database went away under load.)"""
    routing = routing_with_referrals(
        tmp_path / "routing.yaml", webhook_url=receiver.url, to=("case_system",)
    )
    table = RoutingStore.load(routing).router.table
    storage = Storage.build(PostgresDatabase(postgres_url, checkout_timeout=0.3), lambda: "MAY-OUT")
    async with aiohttp.ClientSession() as session:
        sender = OutboxSender(
            storage.referrals, lambda: table, session, NoChannel(),
            env={SECRET_ENV: "outage-test-secret"}, idle=0.05, lease=LEASE,
            policy=RetryPolicy(base=0.05, cap=0.2),
        )
        task = asyncio.create_task(sender.run())
        try:
            await asyncio.sleep(0.3)
            await asyncio.to_thread(postgres_server.stop)
            await asyncio.sleep(2.0)  # every pass and look meanwhile fails (0.3 s checkouts)
            await asyncio.to_thread(postgres_server.start)
            assert not task.done(), task.exception() if task.done() else None
            new = NewReferral(
                submission="s2", conversation="emulator/conversations/c2", service_id="groceries",
                name="Mary", phone="087 123 4567", area=None, need="shopping", citizen_ref={},
            )
            while True:  # the pool reconnects on its own schedule
                try:
                    referral, _ = await storage.referrals.create(
                        new, [Target("webhook", "case_system")], 1.0
                    )
                    break
                except Exception:
                    await asyncio.sleep(0.2)
            sender.wake()
            await receiver.wait_for(1, timeout=20)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            storage.db.close()
    assert [r.body["reference"] for r in receiver.requests] == [referral.reference]
