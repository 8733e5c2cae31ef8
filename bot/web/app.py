"""The aiohttp application: routes, middlewares and the objects they share (an app factory;
nothing happens at import time).

Routes: ``POST /api/messages`` (activities from the channel), ``GET /healthz`` (liveness,
with the routing file's status), ``GET /readyz`` (config loaded, storage writable, not
shutting down), ``GET /metrics`` (Prometheus text format).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from config.settings import Settings
from routing.store import RoutingStore

from ..botframework.activities import BadActivity
from ..botframework.auth import AuthUnavailable, Authenticator, TokenRejected
from ..botframework.auth_cache import signing_keys_ctx
from ..botframework.channel import BotFrameworkChannel
from ..botframework.connector import ConnectorSender
from ..botframework.credentials import OutboundTokens, token_source
from ..botframework.endpoint import Endpoint
from ..botframework.threads import TeamsChatChannel
from ..core.handlers import helpline_handlers
from ..core.handoff import history_recorder
from ..core.turn import LiveChatLimits, TurnRunner, clock_from, utc_now
from ..handoff.background import handoff_loop
from ..handoff.outbox import HandoffOutbox
from ..handoff.service import Handoff
from ..ops import observe
from ..ops.logs import ConversationHasher, citizen_name, clip
from ..ops.metrics import CONTENT_TYPE, Metrics
from ..referrals import delivery
from ..referrals.background import Background, purge_loop
from ..referrals.codes import new_reference
from ..referrals.delivery import OutboxSender, RetryPolicy
from ..referrals.service import Referrals
from ..staff import setup_staff
from ..staff.web import StaffEvent
from ..storage import Storage, open_database
from ..storage.handoff import HandoffStore
from ..storage.insights import Insights
from ..storage.ratelimit import MemoryRateLimits, RateLimits, SharedRateLimits
from .inbound import MAX_BODY_BYTES, BadRequest, read_request
from .lifecycle import StorageProbe, drain_on_shutdown
from .limits import TurnGate

log = logging.getLogger(__name__)

# Seconds a caller is asked to wait when the bot is at its concurrency cap / shutting down.
BUSY_RETRY_AFTER = "1"
DRAINING_RETRY_AFTER = "5"


@dataclass(slots=True)
class Runtime:
    """Objects that need a running event loop; built in ``cleanup_ctx``."""

    endpoint: Endpoint
    runner: TurnRunner
    referrals: Referrals
    outbox: OutboxSender
    channel: BotFrameworkChannel
    session: aiohttp.ClientSession
    handoff: Handoff | None = None
    chat_outbox: HandoffOutbox | None = None


SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("routing_store", RoutingStore)
AUTH = web.AppKey("auth", Authenticator)
STORAGE = web.AppKey("storage", Storage)
RUNTIME = web.AppKey("runtime", Runtime)
METRICS = web.AppKey("metrics", Metrics)
GATE = web.AppKey("turn_gate", TurnGate)
HASHER = web.AppKey("conversation_hasher", ConversationHasher)
INSIGHTS = web.AppKey("insights", Insights)
PROBE = web.AppKey("storage_probe", StorageProbe)


def _error(status: int, reason: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": reason}, status=status, headers=headers)


def _path(request: web.Request) -> str:
    """The request's path as logged: at most 200 characters (a caller chooses it)."""
    return clip(request.path, 200)


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """HTTP errors as short JSON; anything unexpected is logged, never shown."""
    try:
        return await handler(request)
    except BadRequest as error:
        log.info("refused %s %s: %d %s", request.method, _path(request), error.status, error.reason)
        request.app[METRICS].requests_refused.labels(status=str(error.status)).inc()
        return _error(error.status, error.reason)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        log.info("refused %s %s: %d", request.method, _path(request), error.status)
        request.app[METRICS].requests_refused.labels(status=str(error.status)).inc()
        headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        return _error(error.status, error.reason, headers)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, _path(request))
        return _error(503, "the helpline bot hit a problem; please try again")


class _Throttled:
    """Log a repeated event at most once per ``every`` seconds, with how often it happened."""

    def __init__(self, every: float = 5.0) -> None:
        self._every = every
        self._last = float("-inf")
        self._count = 0

    def __call__(self, message: str) -> None:
        self._count += 1
        now = time.monotonic()
        if now - self._last >= self._every:
            log.warning("%s (%d time(s) since last logged)", message, self._count)
            self._last = now
            self._count = 0


_BUSY_LOG = web.AppKey("busy_log", _Throttled)


class _Relay:
    """Staff page events reach the runtime once it exists (the page is mounted first)."""

    def __init__(self) -> None:
        self.target: Callable[[StaffEvent], None] | None = None

    def __call__(self, event: StaffEvent) -> None:
        if self.target is not None:
            self.target(event)


STAFF_EVENTS = web.AppKey("staff_events", _Relay)


async def messages(request: web.Request) -> web.StreamResponse:
    """One activity. The body is read (within a deadline) and its token checked before the
    request takes one of the turn slots: a connection that sends nothing, or a caller
    without a token, never holds a slot."""
    app = request.app
    started = time.perf_counter()
    inbound = await read_request(request, app[SETTINGS].body_read_timeout)
    record = observe.new_record(request.headers.get("X-Correlation-Id"), app[HASHER], inbound.body)
    token = observe.begin(record)
    status = 500
    try:
        with citizen_name(inbound.body["from"].get("name")):
            status, response = await _turn(request, inbound.body, inbound.auth_header, record)
            return response
    finally:
        observe.finish(record, status, time.perf_counter() - started, app[METRICS])
        observe.end(token)


async def _turn(
    request: web.Request, body: dict[str, Any], auth_header: str | None, record: observe.TurnRecord
) -> tuple[int, web.StreamResponse]:
    app = request.app
    metrics = app[METRICS]
    runtime = app[RUNTIME]
    endpoint = runtime.endpoint
    headers = {"X-Correlation-Id": record.correlation_id}
    try:
        caller = await endpoint.authenticator.authenticate(
            auth_header,
            str(body.get("channelId") or ""),
            body["serviceUrl"],
            will_send=body.get("deliveryMode") != "expectReplies",
        )
    except TokenRejected as error:
        log.info("refused activity: %s", error.reason)
        metrics.requests_refused.labels(status=str(error.status)).inc()
        record.outcome = "unauthenticated"
        return error.status, _error(error.status, error.reason)
    except AuthUnavailable:  # our failure (signing keys unreachable), not the caller's
        log.warning("refused activity: token signing keys are unavailable")
        metrics.requests_refused.labels(status="503").inc()
        record.outcome = "auth_unavailable"
        return 503, _error(503, "tokens cannot be checked right now; please retry", {"Retry-After": "5"})
    gate = app[GATE]
    if not gate.try_enter():
        draining = gate.draining
        metrics.requests_refused.labels(status="503").inc()
        app[_BUSY_LOG]("refused: shutting down" if draining else "refused: too many turns in flight")
        record.outcome = "busy"
        return 503, _error(
            503,
            "the bot is restarting; please retry" if draining else "the bot is busy; please retry",
            {"Retry-After": DRAINING_RETRY_AFTER if draining else BUSY_RETRY_AFTER},
        )
    metrics.in_flight.inc()
    try:
        try:
            answer, outcome = await endpoint.run(body, caller)
        except BadActivity as error:
            log.info("refused %s %s: 400 %s", request.method, _path(request), error)
            metrics.requests_refused.labels(status="400").inc()
            record.outcome = "refused"
            return 400, _error(400, str(error))
        if outcome is not None:
            record.outcome_of(outcome.replies)
        if answer.status == 501:
            return 501, _error(501, "this bot does not handle that invoke", headers)
        if answer.body is None:
            return answer.status, web.Response(status=answer.status, headers=headers)
        return answer.status, web.json_response(answer.body, status=answer.status, headers=headers)
    finally:
        metrics.in_flight.dec()
        gate.leave()


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    config = app[STORE].status()
    delivery_status = await _referral_health(app)
    auth = "on" if app[AUTH].enabled else "off"
    return web.json_response(
        {
            "status": "ok",
            "auth": auth,
            "config": config,
            "referrals": delivery_status,
            "live_chat": await _live_chat_health(app),
        }
    )


async def _live_chat_health(app: web.Application) -> dict[str, Any]:
    """Whether live chat is on, chats waiting and going now, and its outbox."""
    router = app[STORE].router
    if router is None or router.table.handoff is None:
        return {"status": "off"}
    chats = HandoffStore(app[STORAGE].db)
    try:
        now = await chats.numbers(time.time())
        outbox = await chats.outbox_summary()
    except Exception as error:  # the endpoint must answer even when the database does not
        log.warning("healthz: live chat database unavailable: %s", type(error).__name__)
        return {"status": "database unavailable"}
    return {
        "status": "attention" if outbox["failed"] else "on",
        "waiting": now.waiting_now,
        "active": now.active_now,
        "outbox_pending": outbox["pending"],
        "outbox_failed": outbox["failed"],
    }


async def _referral_health(app: web.Application) -> dict[str, Any]:
    try:
        summary = await app[STORAGE].referrals.delivery_summary()
    except Exception as error:  # the endpoint must answer even when the database does not
        log.warning("healthz: referral database unavailable: %s", type(error).__name__)
        return {"status": "database unavailable"}
    return delivery.health(summary)


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    checks: dict[str, Any] = {}
    store = app[STORE]
    config = store.status()
    # The last good table keeps serving when a reload fails: ready either way, but say so.
    checks["config"] = "ok" if store.router is not None else "not loaded"
    checks["config_file"] = config.get("readiness", config["status"])
    checks["storage"] = await app[PROBE]()
    checks["runtime"] = "ok" if RUNTIME in app else "not started"
    checks["accepting"] = "no (shutting down)" if app[GATE].draining else "ok"
    ready = all(checks[k] == "ok" for k in ("config", "storage", "runtime", "accepting"))
    return web.json_response(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )


async def metrics_endpoint(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    metrics.config_status(request.app[STORE].status())
    return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


def _runtime_ctx(
    clock: Callable[[], dt.datetime],
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def runtime(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        metrics = app[METRICS]
        store = app[STORE]
        storage = app[STORAGE]
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100, limit_per_host=50)
        )
        tokens = OutboundTokens(token_source(settings))
        sender = ConnectorSender(
            session,
            tokens,
            timeout=settings.connector_timeout,
            attempts=settings.connector_attempts,
            backoff=settings.connector_backoff,
            backoff_max=settings.connector_backoff_max,
            observer=metrics,
        )
        channel = BotFrameworkChannel(sender)

        def router() -> Any:
            return store.router

        insights = app[INSIGHTS]
        # Live chat with staff: its sends try once each; its outbox retries, honouring
        # Teams' Retry-After in full and keeping each conversation's order.
        chats = HandoffStore(storage.db)
        chat_outbox = HandoffOutbox(
            chats,
            TeamsChatChannel(
                ConnectorSender(
                    session, tokens, timeout=settings.connector_timeout, attempts=1,
                    observer=metrics,
                )
            ),
            only_instance=not storage.shared,
        )
        handoff = Handoff(chats, storage.referrals, router, clock, wake=chat_outbox.wake)
        referrals = Referrals(
            storage, router, clock, erasers=[handoff.eraser], before_erase=[insights.forget]
        )
        observer = observe.CoreObserver(metrics)

        async def in_live_chat(key: str) -> bool:
            return await chats.live_of(key) is not None

        runner = TurnRunner(
            helpline_handlers(referrals, metrics.staff_actions_refused.inc, handoff),
            storage,
            router,
            clock=clock,
            offer=referrals.offer,
            failures=observer,
            recorder=insights,
            notes=[history_recorder(handoff)],
            live_chat_limits=LiveChatLimits(_live_chat_limits(storage), in_live_chat),
        )
        outbox = OutboxSender(
            storage.referrals,
            lambda: store.router.table,
            session,
            channel,
            env=os.environ,
            policy=RetryPolicy(
                max_attempts=settings.referral_max_attempts,
                base=settings.referral_retry_seconds,
                cap=settings.referral_retry_max_seconds,
            ),
            webhook_timeout=settings.referral_webhook_timeout,
            lease=settings.referral_lease_seconds,
        )
        background = Background(outbox)
        endpoint = Endpoint(app[AUTH], runner, channel, observer, background)
        app[RUNTIME] = Runtime(
            endpoint, runner, referrals, outbox, channel, session, handoff, chat_outbox
        )
        staff_events: set[asyncio.Task[None]] = set()

        def on_staff_event(event: StaffEvent) -> None:
            """A claim or hand-over on the staff page: the Teams cards show it, the
            citizen's notice (queued with the claim) goes out."""
            if event.kind not in ("claimed", "handed_over") or not event.reference:
                return
            outbox.wake()
            reference = event.reference

            async def refresh() -> None:
                await background.update_cards(await referrals.card_updates(reference))

            task = asyncio.create_task(refresh())
            staff_events.add(task)
            task.add_done_callback(staff_events.discard)

        app[STAFF_EVENTS].target = on_staff_event
        tasks = [
            asyncio.create_task(store.watch(settings.reload_interval), name="routing-watch"),
            asyncio.create_task(outbox.run(), name="referral-outbox"),
            asyncio.create_task(outbox.listen(storage.db), name="referral-outbox-listen"),
            asyncio.create_task(
                purge_loop(
                    storage.referrals,
                    settings.referral_retention_days,
                    settings.referral_purge_interval,
                    clock,
                ),
                name="referral-purge",
            ),
            asyncio.create_task(chat_outbox.run(), name="live-chat-outbox"),
            asyncio.create_task(chat_outbox.listen(storage.db), name="live-chat-outbox-listen"),
            asyncio.create_task(
                handoff_loop(
                    handoff,
                    settings.handoff_check_seconds,
                    settings.referral_retention_days,
                    settings.referral_purge_interval,
                ),
                name="live-chat-timer",
            ),
        ]
        try:
            yield
        finally:
            app[STAFF_EVENTS].target = None
            for pending in list(staff_events):
                pending.cancel()
            await background.close()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await chat_outbox.close()
            await session.close()

    return runtime


async def _close_storage(app: web.Application) -> None:
    """Last of all (after the staff page has written what it still buffered)."""
    await app[PROBE].remove()
    await asyncio.get_running_loop().run_in_executor(None, app[STORAGE].db.close)


# A live chat may carry this many messages per window past the ordinary limit: Teams' own
# pace for one conversation (60 in 30 seconds); more could only queue up.
LIVE_CHAT_MESSAGES = 60
LIVE_CHAT_WINDOW = 30.0


def _live_chat_limits(storage: Storage) -> RateLimits:
    if storage.shared:
        return SharedRateLimits(storage.db, LIVE_CHAT_MESSAGES, LIVE_CHAT_WINDOW)
    return MemoryRateLimits(LIVE_CHAT_MESSAGES, LIVE_CHAT_WINDOW)


def create_app(
    settings: Settings,
    *,
    storage: Storage | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> web.Application:
    """Build the application. Raises ``routing.errors.ConfigError`` for an invalid routing
    file; nothing starts until ``cleanup_ctx`` runs."""
    app = web.Application(middlewares=[json_errors], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[STORE] = RoutingStore.load(settings.routing_file)
    app[AUTH] = Authenticator(settings)
    if storage is None:
        db = open_database(settings.storage_url)
        storage = Storage.build(
            db,
            new_reference,
            rate_limit=settings.rate_limit_messages,
            rate_window=settings.rate_limit_window,
        )
    app[STORAGE] = storage
    app[PROBE] = StorageProbe(storage.state)
    app[INSIGHTS] = Insights(storage.db)
    app[STAFF_EVENTS] = _Relay()
    app[METRICS] = Metrics()
    app[GATE] = TurnGate(settings.max_concurrent_turns)
    app[HASHER] = ConversationHasher(settings.log_hash_key)
    app[_BUSY_LOG] = _Throttled()
    if clock is None and settings.helpline_now is not None:
        clock = clock_from(settings.helpline_now)
        log.warning(
            "HELPLINE_NOW: the bot's clock starts at %s (Irish time) and runs on from there "
            "(local mode only)",
            settings.helpline_now.strftime("%Y-%m-%d %H:%M"),
        )
    app.cleanup_ctx.append(_runtime_ctx(clock or utc_now))
    if app[AUTH].enabled:
        app.cleanup_ctx.append(signing_keys_ctx(app[AUTH].key_urls))
    app.on_shutdown.append(
        drain_on_shutdown(lambda a: a[GATE], lambda a: a[SETTINGS].shutdown_grace)
    )
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    setup_staff(
        app,
        storage=storage,
        routing_store=app[STORE],
        settings=settings.staff,
        clock=clock,
        insights=app[INSIGHTS],
        on_event=app[STAFF_EVENTS],
    )
    # Cleanup runs in the order registered: this app's contexts, the staff page's (its
    # insights writer flushes once more), then the database closes.
    app.on_cleanup.append(_close_storage)
    return app
