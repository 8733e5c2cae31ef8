"""The live chat's outbox sender: every message to a citizen or a staff thread, in order per
conversation, at Teams' pace, never dropped.

A target (a conversation) is drained by one task at a time, and leased to one instance at a
time in the database, so its messages keep their order and its pace is counted in one place.
Before each send :class:`~bot.handoff.pacing.Pacer` waits for Teams' limits (7 a second, 8
in 2, 60 in 30, 1,800 an hour per conversation). A send that fails for a reason worth
retrying (429 with its Retry-After, 5xx, a timeout) stays at the head of its conversation's
queue and is tried again after Retry-After, or a growing wait up to a minute; later messages
to that conversation wait behind it, and nothing is given up on. A refusal that will not
change (403 the bot is blocked, 404 no such conversation) is logged and marked failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from routing.reply import Choice

from ..conversation import Address
from ..referrals.errors import DeliveryFailed
from ..storage.db import Database
from ..storage.handoff import (
    CARD_UPDATE,
    CITIZEN_POST,
    CREATE_THREAD,
    DELETE,
    FAILED,
    HANDOFF_CHANNEL,
    LEASE_SECONDS,
    SUPERSEDED,
    THREAD_POST,
    HandoffStore,
    OutboxOp,
)
from ..waiting import wait_for_event
from .pacing import Pacer

log = logging.getLogger(__name__)

RETRY_BASE = 1.0  # seconds before the second try (when Teams gave no Retry-After); doubles
RETRY_CAP = 60.0


class ChatChannel(Protocol):
    """Sends on the bot's own initiative (``bot/botframework/threads.py`` implements it).
    Failures raise :class:`DeliveryFailed` (``retryable``, ``retry_after``)."""

    async def create_thread(
        self, channel: Address, text: str, card: dict[str, Any]
    ) -> tuple[str, str | None]:
        """Start a new thread in ``channel`` with ``card``; returns the thread's
        conversation id and the id of its first message."""

    async def post(
        self,
        address: Address,
        text: str | None,
        card: dict[str, Any] | None = None,
        buttons: Sequence[Choice] = (),
    ) -> str:
        """Post a message; returns its id."""

    async def update_card(self, address: Address, activity_id: str, card: dict[str, Any]) -> None:
        """Replace the card of a message sent earlier."""

    async def delete(self, address: Address, activity_id: str) -> None:
        """Delete a message the bot sent."""


class HandoffOutbox:
    def __init__(
        self,
        chats: HandoffStore,
        channel: ChatChannel,
        *,
        pacer: Pacer | None = None,
        owner: str | None = None,
        idle: float = 1.0,
        only_instance: bool = True,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.chats = chats
        self.channel = channel
        self.pacer = pacer or Pacer()
        self.owner = owner or uuid.uuid4().hex
        self._idle = idle
        self._only_instance = only_instance
        self._now = wall_clock
        self._wake = asyncio.Event()
        self._draining: dict[str, asyncio.Task[None]] = {}

    def wake(self) -> None:
        self._wake.set()

    async def listen(self, db: Database) -> None:
        """Look now when another instance queued a message (PostgreSQL); a hint only."""
        await db.listen(HANDOFF_CHANNEL, self.wake)

    async def run(self) -> None:
        if self._only_instance:
            recovered = await self.chats.recover(self._now())
            if recovered:
                log.info("live chat outbox: %d message(s) from before the restart are due", recovered)
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live chat outbox: a pass failed; trying again shortly")
            self.pacer.forget_idle()
            wait = self._idle
            try:
                due = await self.chats.next_due()
            except Exception:  # the database is briefly unavailable: the next pass will say
                due = None
            if due is not None:
                wait = max(0.0, min(self._idle, due - self._now()))
            await wait_for_event(self._wake, wait)

    async def run_once(self) -> int:
        """Start draining every target with a message due (that no other instance holds)."""
        started = 0
        for target in await self.chats.lease_targets(self._now(), self.owner):
            if target in self._draining:
                continue
            task = asyncio.create_task(self._drain(target), name=f"handoff-send:{target[:40]}")
            self._draining[target] = task
            task.add_done_callback(self._finished(target))
            started += 1
        return started

    def _finished(self, target: str) -> Callable[[asyncio.Task[None]], None]:
        def done(_task: asyncio.Task[None]) -> None:
            self._draining.pop(target, None)
            self._wake.set()  # more may have arrived for it meanwhile

        return done

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until nothing is being sent (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while self._draining and loop.time() < end:
            await asyncio.wait(list(self._draining.values()), timeout=max(0.0, end - loop.time()))

    async def close(self) -> None:
        """Stop the sends in flight (call after cancelling :meth:`run`); what was not sent
        stays in the outbox for the next start."""
        for task in list(self._draining.values()):
            task.cancel()
        for task in list(self._draining.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _drain(self, target: str) -> None:
        renewed = time.monotonic()
        try:
            while True:
                op = await self.chats.head(target)
                if op is None or op.next_at > self._now():
                    return
                if time.monotonic() - renewed > LEASE_SECONDS / 3:
                    if not await self.chats.renew_lease(target, self.owner, self._now()):
                        return  # another instance took it over
                    renewed = time.monotonic()
                if not await self._one(op):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live chat outbox: sending to a conversation failed; trying later")
        finally:
            with contextlib.suppress(Exception):
                await self.chats.release_lease(target, self.owner)

    async def _one(self, op: OutboxOp) -> bool:
        """Send one message; False: stop draining this target for now."""
        if op.op == CARD_UPDATE and await self.chats.newer_card_update(op):
            await self.chats.mark_done(op.id, SUPERSEDED)
            return True
        try:
            result = await self._send(op)
        except DeliveryFailed as error:
            if error.retryable:
                delay = error.retry_after
                if delay is None:
                    delay = min(RETRY_CAP, RETRY_BASE * 2 ** min(op.attempts, 10))
                else:
                    self.pacer.pause(op.target, delay)
                await self.chats.mark_retry(op.id, self._now() + delay, error.kind)
                log.info(
                    "live chat outbox: %s to a conversation failed (%s); again in %.1f s",
                    op.op, error.kind, delay,
                )
                return False
            await self.chats.mark_done(op.id, FAILED, error.kind)
            log.warning("live chat outbox: %s refused (%s); not retried", op.op, error.kind)
            return True
        activity_id, thread = result
        await self.chats.mark_sent(op.id, activity_id, self._now(), thread)
        return True

    async def _send(self, op: OutboxOp) -> tuple[str | None, tuple[str, str | None] | None]:
        payload = op.payload
        if op.op == CITIZEN_POST:
            address = _address(op.address)
            buttons = tuple(Choice(str(b[0]), str(b[1])) for b in payload.get("buttons") or ())
            await self.pacer.wait(op.target)
            return await self.channel.post(address, payload.get("text"), None, buttons), None
        if op.op == DELETE:
            await self.pacer.wait(op.target)
            await self.channel.delete(_address(op.address), str(payload["activity_id"]))
            return None, None
        if op.op == CARD_UPDATE and op.address is not None:
            await self.pacer.wait(op.target)
            await self.channel.update_card(
                _address(op.address), str(payload["activity_id"]), payload["card"]
            )
            return None, None
        chat = await self.chats.get(op.chat_id) if op.chat_id else None
        if chat is None:
            raise DeliveryFailed("chat_gone", retryable=False)
        channel = _address(chat.channel_ref)
        if op.op == CREATE_THREAD:
            await self.pacer.wait(op.target, f"channel:{channel.conversation_id}")
            thread_id, root = await self.channel.create_thread(
                channel, str(payload.get("text") or ""), payload["card"]
            )
            log.info("live chat %s: thread opened in the staff channel", chat.id)
            return root, (thread_id, root)
        if not chat.thread_id:
            # The thread is created by the first message of this same queue: it failed for
            # good (logged then), so there is no thread to post into.
            raise DeliveryFailed("no_thread", retryable=False)
        thread = channel.elsewhere(chat.thread_id, scope="channel")
        if op.op == THREAD_POST:
            await self.pacer.wait(op.target)
            return await self.channel.post(thread, payload.get("text"), payload.get("card")), None
        if op.op == CARD_UPDATE:
            if not chat.card_activity_id:
                raise DeliveryFailed("no_card", retryable=False)
            await self.pacer.wait(op.target)
            await self.channel.update_card(thread, chat.card_activity_id, payload["card"])
            return None, None
        raise DeliveryFailed(f"unknown_op_{op.op}", retryable=False)


def _address(data: dict[str, Any] | None) -> Address:
    address = Address.from_dict(data)
    if address is None:
        raise DeliveryFailed("no_address", retryable=False)
    return address
