"""The aiohttp application: routes, middlewares and the objects they share.

Routes: ``POST /api/messages`` (activities from the channel), ``GET /healthz`` (liveness,
with the routing file's status), ``GET /readyz`` (config loaded, storage writable, not
shutting down), ``GET /metrics`` (Prometheus text format).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import aiohttp
from aiohttp import web
from botbuilder.core import Storage, TurnContext

from config.settings import Settings
from routing.router import Router
from routing.store import RoutingStore

from . import observe, turn_policy
from .adapter import AuthenticationFailed, HelplineAdapter, TurnLogic
from .auth import AuthEndpoints, AuthSetup, AuthUnavailable, build_auth
from .connector import ConnectorSender, OutboundTokens
from .answers import utc_now
from .helpline_bot import HelplineBot
from .inbound import MAX_BODY_BYTES, BadRequest, Inbound, read_inbound
from .auth_cache import signing_keys_ctx
from .state import ConversationStore
from .referrals import wiring as referrals
from .lifecycle import drain_on_shutdown, storage_writable
from .limits import (
    Decision,
    RateLimiter,
    TurnGate,
)
from .logs import ConversationHasher, citizen_name, clip
from .metrics import CONTENT_TYPE, Metrics
from .plain_messages import PlainMessages

log = logging.getLogger(__name__)

# Short reasons for error statuses a turn can end with and no body of its own.
_STATUS_REASONS = {501: "this bot does not handle that invoke"}
# Seconds a caller is asked to wait when the bot is at its concurrency cap / shutting down.
BUSY_RETRY_AFTER = "1"
DRAINING_RETRY_AFTER = "5"


@dataclass(slots=True)
class Runtime:
    """Objects that need a running event loop; built in ``cleanup_ctx``."""

    adapter: HelplineAdapter
    bot: HelplineBot
    session: aiohttp.ClientSession
    logic: TurnLogic  # the bot's turn behind the rate limit
    plain: PlainMessages | None  # the lean path for plain one-to-one messages, when on


SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("routing_store", RoutingStore)
AUTH = web.AppKey("auth", AuthSetup)
RUNTIME = web.AppKey("runtime", Runtime)
STORAGE: web.AppKey[Storage] = web.AppKey("storage", Storage)
METRICS = web.AppKey("metrics", Metrics)
GATE = web.AppKey("turn_gate", TurnGate)
LIMITER = web.AppKey("rate_limiter", RateLimiter)
HASHER = web.AppKey("conversation_hasher", ConversationHasher)


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


def _turn_error_handler(
    metrics: Metrics, store: RoutingStore
) -> Callable[[TurnContext, Exception], Awaitable[None]]:
    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        """A turn failed: log and count it, and apologise to the citizen if that can help."""
        if not turn_policy.note_failure(error, metrics):
            return
        if context.activity.type == "message" and not context.responded:
            try:
                await context.send_activity(turn_policy.apology_text(store.router))
            except Exception as apology_error:  # logged and counted; nothing more to try
                log.error("apology could not be sent: %s", type(apology_error).__name__)

    return on_turn_error


def _turn_logic(app: web.Application, bot: HelplineBot) -> TurnLogic:
    """The bot's turn behind the per-conversation rate limit (which runs after the adapter
    has authenticated the activity)."""
    limiter = app[LIMITER]
    metrics = app[METRICS]
    store = app[STORE]
    loop_time = asyncio.get_running_loop().time

    async def turn(context: TurnContext) -> None:
        activity = context.activity
        if activity.type == "message":
            decision = limiter.check(activity.conversation.id, loop_time())
            if decision is not Decision.ALLOW:
                turn_policy.note_rate_limited(metrics)
                if decision is Decision.LIMITED_NOTIFY:
                    await context.send_activity(turn_policy.rate_limited_text(store.router))
                return
        await bot.on_turn(context)

    return turn


async def messages(request: web.Request) -> web.StreamResponse:
    app = request.app
    started = time.perf_counter()
    # Read the body (within a deadline) and check the token BEFORE taking a turn slot: a slow
    # or unauthenticated caller never holds one (issue 12, point 3).
    inbound = await read_inbound(request, deadline=app[SETTINGS].body_read_timeout)
    refused = await _authenticate_first(request, inbound, started)
    if refused is not None:
        return refused
    gate = app[GATE]
    if not gate.try_enter():
        draining = gate.draining
        app[METRICS].requests_refused.labels(status="503").inc()
        app[_BUSY_LOG]("refused: shutting down" if draining else "refused: too many turns in flight")
        return _error(
            503,
            "the bot is restarting; please retry" if draining else "the bot is busy; please retry",
            {"Retry-After": DRAINING_RETRY_AFTER if draining else BUSY_RETRY_AFTER},
        )
    metrics = app[METRICS]
    metrics.in_flight.inc()
    try:
        return await _run_turn(request, inbound, started)
    finally:
        metrics.in_flight.dec()
        gate.leave()


async def _authenticate_first(
    request: web.Request, inbound: Inbound, started: float
) -> web.StreamResponse | None:
    """Check the activity's token before it takes a turn slot. None: authenticated (the
    adapter remembers the result, so the turn does not check the token again); otherwise the
    401 (or 503: signing keys unreachable), logged and counted as a turn would be."""
    app = request.app
    adapter = app[RUNTIME].adapter
    body = inbound.body
    channel = body.get("channelId")
    channel_id = channel if isinstance(channel, str) else ""
    if adapter.authenticated(inbound.auth_header, channel_id, body["serviceUrl"]) is not None:
        return None
    activity = inbound.activity()  # 400 for a wrongly shaped field, as the turn would give
    try:
        await adapter.authenticate(activity, inbound.auth_header)
        return None
    except (AuthenticationFailed, AuthUnavailable) as error:
        record = observe.new_record(request.headers.get("X-Correlation-Id"), app[HASHER], body)
        token = observe.begin(record)
        status = 500
        try:
            with citizen_name(body["from"].get("name")):
                status, response = _auth_refusal(app, record, error)
            return response
        finally:
            observe.finish(record, status, time.perf_counter() - started, app[METRICS])
            observe.end(token)


def _auth_refusal(
    app: web.Application, record: observe.TurnRecord, error: Exception
) -> tuple[int, web.Response]:
    if isinstance(error, AuthenticationFailed):
        log.info("refused activity: %s", error.reason)
        app[METRICS].requests_refused.labels(status="401").inc()
        record.outcome = "unauthenticated"
        return 401, _error(401, error.reason)
    # Our failure (signing keys unreachable), not the caller's.
    log.warning("refused activity: token signing keys are unavailable")
    app[METRICS].requests_refused.labels(status="503").inc()
    record.outcome = "auth_unavailable"
    return 503, _error(503, "tokens cannot be checked right now; please retry", {"Retry-After": "5"})


async def _run_turn(request: web.Request, inbound: Inbound, started: float) -> web.StreamResponse:
    app = request.app
    runtime = app[RUNTIME]
    lean = runtime.plain
    plain = lean.take(inbound.body, inbound.auth_header) if lean is not None else None
    # The SDK's model of the activity, which checks every field (400 before any turn).
    activity = inbound.activity() if plain is None else None
    record = observe.new_record(request.headers.get("X-Correlation-Id"), app[HASHER], inbound.body)
    token = observe.begin(record)
    status = 500
    try:
        with citizen_name(inbound.body["from"].get("name")):
            headers = {"X-Correlation-Id": record.correlation_id}
            if lean is not None and plain is not None:
                record.path = "lean"
                if await lean.answer(plain):
                    status = 200
                    return web.Response(status=status, headers=headers)
                record.path = "sdk"
            if activity is None:  # the lean path handed it back (the SDK turn's after all)
                try:
                    activity = inbound.activity()
                except BadRequest as error:
                    status = error.status
                    record.outcome = "refused"
                    raise
                logic: TurnLogic = runtime.bot.on_turn  # the lean path applied the rate limit
            else:
                logic = runtime.logic
            try:
                result = await runtime.adapter.process(inbound.auth_header, activity, logic)
            except (AuthenticationFailed, AuthUnavailable) as error:  # e.g. expired meanwhile
                status, response = _auth_refusal(app, record, error)
                return response
            status = int(result.status)
            if result.body is None and status >= 400:  # e.g. 501: an invoke nobody handles
                return _error(status, _STATUS_REASONS.get(status, "not handled"), headers)
            if result.body is None:
                return web.Response(status=status, headers=headers)
            return web.json_response(result.body, status=status, headers=headers)
    finally:
        observe.finish(record, status, time.perf_counter() - started, app[METRICS])
        observe.end(token)


async def healthz(request: web.Request) -> web.Response:
    config = request.app[STORE].status()
    delivery = await referrals.referral_health(request.app)
    auth = "on" if request.app[AUTH].enabled else "off"
    return web.json_response({"status": "ok", "auth": auth, "config": config, "referrals": delivery})


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    checks: dict[str, Any] = {}
    store = app[STORE]
    config = store.status()
    # The last good table keeps serving when a reload fails: ready either way, but say so.
    checks["config"] = "ok" if store.router is not None else "not loaded"
    checks["config_file"] = config["status"]
    checks["storage"] = await storage_writable(app[STORAGE])
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


_BUSY_LOG = web.AppKey("busy_log", _Throttled)


def _runtime_ctx(
    clock: Callable[[], datetime] | None,
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def runtime(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        auth = app[AUTH]
        metrics = app[METRICS]
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100, limit_per_host=50)
        )
        tokens = OutboundTokens(
            auth.credentials_factory, auth.endpoints.login_url, auth.endpoints.validate_authority
        )
        sender = ConnectorSender(
            session,
            tokens,
            timeout=settings.connector_timeout,
            attempts=settings.connector_attempts,
            backoff=settings.connector_backoff,
            backoff_max=settings.connector_backoff_max,
            observer=metrics,
        )
        adapter = HelplineAdapter(auth.authentication, sender)
        adapter.on_turn_error = _turn_error_handler(metrics, app[STORE])
        store = app[STORE]
        router = cast(Callable[[], Router], _constant(observe.ObservedRouter(lambda: store.router)))
        conversations = ConversationStore(app[STORAGE])
        callbacks = referrals.new_referrals(
            app, app[STORAGE], conversations, lambda: store.router, clock
        )
        bot = HelplineBot(router, conversations, clock or utc_now, referrals=callbacks)
        plain = (
            PlainMessages(
                adapter,
                sender,
                bot.answers,
                conversations,
                bot.locks,
                app[LIMITER],
                metrics,
                referrals=callbacks,
            )
            if settings.lean_path
            else None
        )
        app[RUNTIME] = Runtime(adapter, bot, session, _turn_logic(app, bot), plain)
        watcher = asyncio.create_task(store.watch(settings.reload_interval))
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await session.close()

    return runtime


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def create_app(
    settings: Settings,
    *,
    endpoints: AuthEndpoints | None = None,
    storage: Storage | None = None,
    clock: Callable[[], datetime] | None = None,
) -> web.Application:
    """Build the application. Raises ``routing.errors.ConfigError`` for an invalid routing
    file; nothing starts until ``cleanup_ctx`` runs."""
    app = web.Application(middlewares=[json_errors], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[STORE] = RoutingStore.load(settings.routing_file)
    app[AUTH] = build_auth(settings, endpoints)
    # SQLite (settings.database, HELPLINE_DB) unless a storage is given; memory in tests.
    app[STORAGE] = referrals.setup(app, settings, storage)
    app[METRICS] = Metrics()
    app[GATE] = TurnGate(settings.max_concurrent_turns)
    app[LIMITER] = RateLimiter(settings.rate_limit_messages, settings.rate_limit_window)
    app[HASHER] = ConversationHasher(settings.log_hash_key)
    app[_BUSY_LOG] = _Throttled()
    app.cleanup_ctx.append(_runtime_ctx(clock))
    app.cleanup_ctx.append(
        referrals.referral_tasks(
            lambda a: a[SETTINGS], lambda a: a[RUNTIME], lambda a: lambda: a[STORE].router.table, clock
        )
    )
    if app[AUTH].enabled:
        endpoints_in_use = app[AUTH].endpoints
        app.cleanup_ctx.append(
            signing_keys_ctx(
                (endpoints_in_use.openid_metadata_url, endpoints_in_use.emulator_openid_metadata_url)
            )
        )
    app.on_shutdown.append(
        drain_on_shutdown(lambda a: a[GATE], lambda a: a[SETTINGS].shutdown_grace)
    )
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    return app
