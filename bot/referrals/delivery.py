"""The outbox sender: delivers every pending delivery at least once, in the background.

Each delivery row has an idempotency key, sent with every try, so a receiver can drop the
duplicate that at-least-once delivery allows (a crash after the receiver answered but before
the row was marked delivered). A failed try is retried after an exponentially growing wait;
a delivery that keeps failing (or is refused outright) is marked failed and, when a fallback
destination is configured, a new delivery to it is added in the same transaction. Failed
deliveries show in ``GET /healthz``. Logs name referrals by reference only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from routing.hours import DUBLIN
from routing.model import RoutingTable
from routing.referrals import Destination, ReferralConfig

from ..conversation import Account, Address, CardUpdate
from ..storage.referrals import LEASE_SECONDS, OUTBOX_CHANNEL, ReferralStore
from ..waiting import stop, wait_for_event
from ..storage.records import CITIZEN, PAGE, TEAMS, WEBHOOK, Delivery, Referral, Target
from .errors import DeliveryFailed
from .service import address_from_stored, first_name
from .staff_card import staff_card_for
from .webhook import post_webhook

__all__ = ["Channel", "DeliveryFailed", "OutboxSender", "RetryPolicy", "health"]

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REFERENCE_HEADER = "X-Helpline-Reference"

class Channel(Protocol):
    """Sends into conversations on the bot's own initiative (the Bot Framework adapter
    implements it). Failures raise :class:`DeliveryFailed` (``retryable`` set by status)."""

    async def send_text(self, address: Address, text: str) -> str:
        """Post a plain message; returns the new message's id."""

    async def send_card(self, address: Address, text: str, card: dict[str, Any]) -> str:
        """Post a message carrying an Adaptive Card; returns its id."""

    async def update_card(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        """Replace the card of a message sent earlier."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8  # tries per delivery, the first included
    base: float = 2.0  # seconds before the second try; doubles each time
    cap: float = 600.0  # no wait is longer

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1))


def webhook_payload(
    referral: Referral, delivery: Delivery, table: RoutingTable, escalated_from: str | None
) -> dict[str, Any]:
    area = table.area(referral.area)
    return {
        "idempotency_key": delivery.idempotency_key,
        "reference": referral.reference,
        "service": {
            "id": referral.service_id,
            "title": table.title_of(referral.service_id),
        },
        "name": referral.name,
        "phone": referral.phone,
        "area": area.name.en if area else referral.area,
        "need": referral.need,
        "received_at": dt.datetime.fromtimestamp(referral.created_at, DUBLIN).isoformat(),
        "escalated_from": escalated_from,
        "language": referral.language,  # the citizen's: "en" or "ga" (ring them in it)
    }


class OutboxSender:
    def __init__(
        self,
        store: ReferralStore,
        table: Callable[[], RoutingTable],
        session: aiohttp.ClientSession,
        channel: Channel,
        *,
        env: Mapping[str, str],
        policy: RetryPolicy | None = None,
        webhook_timeout: float = 10.0,
        idle: float = 1.0,
        concurrency: int = 8,
        lease: float = LEASE_SECONDS,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._table = table
        self._session = session
        self._channel = channel
        self._env = env
        self._policy = policy or RetryPolicy()
        self._webhook_timeout = webhook_timeout
        self._idle = idle
        self._limit = asyncio.Semaphore(concurrency)
        self._now = wall_clock
        self._wake = asyncio.Event()
        # Leases are this sender's (not this instance's: a restarted instance is another
        # sender, and its predecessor's leases run out).
        self._lease = lease
        self._owner = uuid.uuid4().hex

    async def update_cards(self, updates: list[CardUpdate]) -> None:
        """Best effort: replace staff cards (claimed, or the citizen's details erased)."""
        for update in updates:
            try:
                await self._channel.update_card(update.address, update.activity_id, update.card)
            except Exception as error:  # the change itself is done; the card is cosmetic
                log.warning("staff card not updated (%s)", type(error).__name__)

    async def listen(self, db: Any) -> None:
        """Wake up when another instance queues a delivery (PostgreSQL); a hint only."""
        await db.listen(OUTBOX_CHANNEL, self.wake)

    def wake(self) -> None:
        """Something was queued: look now rather than at the next idle tick."""
        self._wake.set()

    async def run(self) -> None:
        try:
            recovered = await self._store.recover(self._now())
        except Exception as error:  # the database is away: retries keep their times, leases run out
            log.warning("outbox: deliveries from before the restart not recovered (%s)",
                        type(error).__name__)
            recovered = 0
        if recovered:
            log.info("outbox: %d delivery(ies) from before the restart are due again", recovered)
        while True:
            self._wake.clear()
            try:
                sent = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox: a pass failed; trying again shortly")
                sent = 0
            if sent:
                continue
            try:
                next_at = await self._store.next_due_at()
            except Exception:  # the database is briefly away: look again after the idle wait
                next_at = None
            wait = (
                self._idle if next_at is None else max(0.0, min(self._idle, next_at - self._now()))
            )
            await wait_for_event(self._wake, wait)

    async def run_once(self) -> int:
        """Try every delivery due now; returns how many were tried. The batch's leases are
        renewed until each of its deliveries is done, however long the tries take."""
        batch = await self._store.due(self._now(), lease=self._lease, owner=self._owner)
        if not batch:
            return 0
        sending = {d.id for d in batch}
        keeper = asyncio.create_task(self._keep_leases(sending), name="referral-leases")
        try:
            await asyncio.gather(*(self._attempt(d, sending) for d in batch))
        finally:
            await stop(keeper)
        return len(batch)

    async def _keep_leases(self, sending: set[int]) -> None:
        """Every third of the lease, extend the leases of the deliveries still being sent."""
        while sending:
            await asyncio.sleep(self._lease / 3)
            if not sending:
                return
            try:
                await self._store.renew(sorted(sending), self._owner, self._now() + self._lease)
            except Exception as error:  # the database is away: the next renewal may work
                log.warning("outbox: leases not renewed (%s)", type(error).__name__)

    async def _attempt(self, delivery: Delivery, sending: set[int]) -> None:
        try:
            await self._attempt_one(delivery)
        finally:
            sending.discard(delivery.id)

    async def _attempt_one(self, delivery: Delivery) -> None:
        async with self._limit:
            referral = await self._store.get(delivery.reference)
            if referral is None:
                return  # erased meanwhile: nothing left to deliver
            try:
                where = await self._deliver(delivery, referral)
            except DeliveryFailed as error:
                await self._failed(delivery, error)
                return
            except Exception as error:  # a bug: keep the delivery, retry later
                log.exception(
                    "outbox: delivery %d of %s hit a problem", delivery.id, delivery.reference
                )
                await self._failed(delivery, DeliveryFailed(type(error).__name__))
                return
            await self._store.mark_delivered(delivery.id, self._now(), **where)
            log.info(
                "referral %s delivered to %s (%s, try %d)",
                delivery.reference,
                delivery.destination,
                delivery.kind,
                delivery.attempts + 1,
            )

    async def _failed(self, delivery: Delivery, error: DeliveryFailed) -> None:
        attempt = delivery.attempts + 1
        if error.retryable and attempt < self._policy.max_attempts:
            delay = self._policy.delay(attempt)
            held = await self._store.mark_retry(
                delivery.id, self._now() + delay, error.kind, self._owner
            )
            if not held:
                log.info("referral %s: delivery taken over by another instance", delivery.reference)
                return
            log.warning(
                "referral %s: delivery to %s failed (%s); try %d of %d in %.1f s",
                delivery.reference,
                delivery.destination,
                error.kind,
                attempt + 1,
                self._policy.max_attempts,
                delay,
            )
            return
        fallback = self._escalation_target(delivery)
        new_id = await self._store.mark_failed(
            delivery.id, error.kind, fallback, self._now(), self._owner
        )
        if fallback is not None and new_id is None:
            log.info("referral %s: delivery taken over by another instance", delivery.reference)
        elif fallback is not None:
            log.error(
                "referral %s: delivery to %s failed for good (%s) after %d tr%s; escalated to %s",
                delivery.reference,
                delivery.destination,
                error.kind,
                attempt,
                "y" if attempt == 1 else "ies",
                fallback.destination,
            )
            self.wake()
        else:
            log.error(
                "referral %s: delivery to %s failed for good (%s); no fallback left (delivery %s)",
                delivery.reference,
                delivery.destination,
                error.kind,
                new_id,
            )

    def _escalation_target(self, delivery: Delivery) -> Target | None:
        if delivery.kind == CITIZEN or delivery.escalated_from is not None:
            return None
        config = self._table().referrals
        fallback = config.fallback_destination() if config else None
        if fallback is None or fallback.id == delivery.destination:
            return None
        return Target(fallback.type, fallback.id)

    # ---- one try -------------------------------------------------------------------------
    async def _deliver(self, delivery: Delivery, referral: Referral) -> dict[str, str | None]:
        table = self._table()
        config = table.referrals
        if delivery.kind == CITIZEN:
            await self._notify_citizen(referral, table)
            return {}
        if delivery.kind == PAGE:
            return {}  # the staff page reads the referral itself: nothing to send
        if config is None:
            raise DeliveryFailed("referrals_not_configured", retryable=False)
        destination = config.destinations.get(delivery.destination)
        if destination is None or not destination.enabled:
            raise DeliveryFailed("destination_not_configured", retryable=False)
        escalated_from = await self._escalated_from_name(delivery, config)
        if delivery.kind == WEBHOOK:
            await self._webhook(destination, delivery, referral, table, escalated_from)
            return {}
        if delivery.kind == TEAMS:
            return await self._teams(destination, referral, table, config, escalated_from)
        raise DeliveryFailed(f"unknown_kind_{delivery.kind}", retryable=False)

    async def _escalated_from_name(self, delivery: Delivery, config: ReferralConfig) -> str | None:
        if delivery.escalated_from is None:
            return None
        for other in await self._store.deliveries_of(delivery.reference):
            if other.id == delivery.escalated_from:
                original = config.destinations.get(other.destination)
                return original.name if original else other.destination
        return None

    async def _webhook(
        self,
        destination: Destination,
        delivery: Delivery,
        referral: Referral,
        table: RoutingTable,
        escalated_from: str | None,
    ) -> None:
        body = json.dumps(
            webhook_payload(referral, delivery, table, escalated_from), separators=(",", ":")
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: delivery.idempotency_key,
            REFERENCE_HEADER: referral.reference,
        }
        secret = None
        if destination.secret_env:
            secret = self._env.get(destination.secret_env, "")
            if not secret:
                raise DeliveryFailed("webhook_secret_not_set", retryable=False)
        # No redirects, https (http to loopback only), public addresses unless allowed, and
        # a signed timestamp: bot/referrals/webhook.py.
        await post_webhook(
            self._session,
            str(destination.url),
            body,
            headers,
            timeout=self._webhook_timeout,
            secret=secret,
            allow_private=destination.allow_private_network,
            now=self._now,
        )

    async def _teams(
        self,
        destination: Destination,
        referral: Referral,
        table: RoutingTable,
        config: ReferralConfig,
        escalated_from: str | None,
    ) -> dict[str, str | None]:
        conversation_id = str(destination.conversation)
        address = address_from_stored(await self._store.conversation_ref(conversation_id))
        if address is None and destination.service_url:
            address = Address(
                "msteams", conversation_id, destination.service_url, Account(""), scope="channel"
            )
        if address is None:
            raise DeliveryFailed("teams_conversation_not_known")
        card = staff_card_for(referral, config, table, escalated_from=escalated_from)
        text = config.staff["title"].format(
            service=table.title_of(referral.service_id)
        ) + f" ({referral.reference})"
        activity_id = await self._channel.send_card(address, text, card)
        return {
            "activity_id": activity_id,
            "conversation_id": conversation_id,
            "service_url": address.service_url,
        }

    async def _notify_citizen(self, referral: Referral, table: RoutingTable) -> None:
        config = table.referrals
        if config is None or not referral.claimed_by:
            raise DeliveryFailed("nothing_to_say", retryable=False)
        language = referral.language  # told in the language they wrote in
        who = config.plan(referral.service_id).who.in_(language)
        text = config.messages["claimed"].format(
            language, reference=referral.reference, staff=first_name(referral.claimed_by), who=who
        )
        address = address_from_stored(referral.citizen_ref)
        if address is None:
            raise DeliveryFailed("citizen_address_unknown", retryable=False)
        await self._channel.send_text(address, text)


def health(summary: Mapping[str, int]) -> dict[str, Any]:
    """The referral part of ``GET /healthz``: "attention" when a delivery failed for good."""
    failed = summary.get("failed", 0)
    return {
        "status": "attention" if failed else "ok",
        "pending": summary.get("pending", 0),
        "delivered": summary.get("delivered", 0),
        "failed": failed,
        "escalated": summary.get("escalated", 0),
    }
