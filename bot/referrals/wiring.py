"""How the referral feature plugs into the aiohttp app (bot/server.py calls these).

``create_app`` opens the database lazily (the file is created on first use), picks the SQLite
``Storage`` when a database file is configured, and appends :func:`referral_tasks` to
``cleanup_ctx``: the outbox sender and the retention purge start with the app and stop
before the outbound session closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import MemoryStorage, Storage

from config.settings import Settings
from routing.router import Router

from ..state import ConversationStore
from .db import MEMORY, Database
from .delivery import OutboxSender, RetryPolicy, health, proactive_sender
from .model import Delivery
from .service import Referrals
from .storage import SqliteStorage
from .store import ReferralStore

log = logging.getLogger(__name__)

DATABASE = web.AppKey("database", Database)
REFERRAL_STORE = web.AppKey("referral_store", ReferralStore)
OUTBOX = web.AppKey("outbox_sender", OutboxSender)


class Waker:
    """Reaches the outbox sender once it exists (the bot is built before it is)."""

    def __init__(self) -> None:
        self.target: OutboxSender | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self) -> None:
        if self.target is not None:
            self.target.wake()

    def clear_cards(self, cards: list[Delivery]) -> None:
        """Clear staff cards in the background (best effort; the erasure itself is done)."""
        if self.target is None:
            return
        task = asyncio.get_running_loop().create_task(self.target.clear_cards(cards))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("clearing staff cards failed: %s", type(task.exception()).__name__)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task


_WAKER = web.AppKey("outbox_waker", Waker)


def setup(app: web.Application, settings: Settings, storage: Storage | None) -> Storage:
    """Open the database and the referral store; return the Bot Framework storage to use."""
    database = Database(settings.database if settings.database else MEMORY)
    app[DATABASE] = database
    app[REFERRAL_STORE] = ReferralStore(database)
    app[_WAKER] = Waker()
    if storage is not None:
        return storage
    return SqliteStorage(database) if settings.database else MemoryStorage()


def new_referrals(
    app: web.Application,
    storage: Storage,
    conversations: ConversationStore,
    router: Callable[[], Router],
    clock: Callable[[], dt.datetime] | None,
) -> Referrals:
    return Referrals(
        storage,
        app[REFERRAL_STORE],
        router,
        conversations,
        clock or (lambda: dt.datetime.now(dt.timezone.utc)),
        on_queued=app[_WAKER],
        on_erased=app[_WAKER].clear_cards,
    )


def referral_tasks(
    settings: Callable[[web.Application], Settings],
    runtime: Callable[[web.Application], Any],
    table: Callable[[web.Application], Callable[[], Any]],
    clock: Callable[[], dt.datetime] | None,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """The cleanup context that runs the outbox sender and the retention purge. ``runtime``
    gives the object holding the adapter and the outbound ``session``."""

    async def tasks(app: web.Application) -> AsyncIterator[None]:
        config = settings(app)
        rt = runtime(app)
        sender = OutboxSender(
            app[REFERRAL_STORE],
            table(app),
            rt.session,
            proactive_sender(rt.adapter, config.app_id),
            env=os.environ,
            policy=RetryPolicy(
                max_attempts=config.referral_max_attempts,
                base=config.referral_retry_seconds,
                cap=config.referral_retry_max_seconds,
            ),
            webhook_timeout=config.referral_webhook_timeout,
        )
        app[OUTBOX] = sender
        app[_WAKER].target = sender
        running = [
            asyncio.create_task(sender.run(), name="referral-outbox"),
            asyncio.create_task(_purge_loop(app, config, clock), name="referral-purge"),
        ]
        try:
            yield
        finally:
            await app[_WAKER].close()
            app[_WAKER].target = None
            for task in running:
                task.cancel()
            for task in running:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await asyncio.get_running_loop().run_in_executor(None, app[DATABASE].close)

    return tasks


async def purge_once(
    store: ReferralStore, now: dt.datetime, retention_days: float
) -> tuple[int, int]:
    """Delete referrals closed more than ``retention_days`` before ``now``, and callback
    conversations left unfinished for as long."""
    cutoff = now.timestamp() - retention_days * 86400
    deleted = await store.purge(cutoff, time.time() - retention_days * 86400)
    if any(deleted):
        log.info("retention purge: %d referral(s), %d unfinished callback(s) deleted", *deleted)
    return deleted


async def _purge_loop(
    app: web.Application, settings: Settings, clock: Callable[[], dt.datetime] | None
) -> None:
    now = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    while True:
        try:
            await purge_once(app[REFERRAL_STORE], now(), settings.referral_retention_days)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("retention purge failed; trying again later")
        await asyncio.sleep(settings.referral_purge_interval)


async def referral_health(app: web.Application) -> dict[str, Any]:
    try:
        summary = await app[REFERRAL_STORE].delivery_summary()
    except Exception as error:  # the endpoint must answer even when the database does not
        log.warning("healthz: referral database unavailable: %s", type(error).__name__)
        return {"status": "database unavailable"}
    return health(summary)
