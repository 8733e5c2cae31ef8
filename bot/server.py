"""The aiohttp application: routes, middlewares and the objects they share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from aiohttp import web
from botbuilder.core import ConversationState, MemoryStorage, Storage, TurnContext

from config.settings import Settings
from routing.store import RoutingStore

from .adapter import AuthenticationFailed, HelplineAdapter
from .auth import AuthEndpoints, AuthSetup, build_auth
from .connector import ConnectorSender, OutboundTokens
from .helpline_bot import HelplineBot
from .inbound import MAX_BODY_BYTES, BadRequest, read_inbound

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Runtime:
    """Objects that need a running event loop; built in ``cleanup_ctx``."""

    adapter: HelplineAdapter
    bot: HelplineBot
    session: aiohttp.ClientSession


SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("routing_store", RoutingStore)
AUTH = web.AppKey("auth", AuthSetup)
RUNTIME = web.AppKey("runtime", Runtime)


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """HTTP errors as short JSON; anything unexpected is logged, never shown."""
    try:
        return await handler(request)
    except BadRequest as error:
        log.info("refused %s %s: %s", request.method, request.path, error.reason)
        return _error(error.status, error.reason)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _error(error.status, error.reason)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error(503, "the helpline bot hit a problem; please try again")


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """A turn failed: log it for staff (no message text), and apologise to the citizen."""
    log.error(
        "turn failed: %s in conversation of channel %s",
        type(error).__name__,
        context.activity.channel_id,
        exc_info=error,
    )
    if context.activity.type == "message" and not context.responded:
        with contextlib.suppress(Exception):
            await context.send_activity(
                "Sorry, something went wrong on our side. Please try again, or phone the "
                "council helpline."
            )


async def messages(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    inbound = await read_inbound(request)
    try:
        result = await runtime.adapter.process(
            inbound.auth_header, inbound.activity, runtime.bot.on_turn
        )
    except AuthenticationFailed as error:
        log.info("refused activity: %s", error.reason)
        return _error(401, error.reason)
    if result.body is None:
        return web.Response(status=result.status)
    return web.json_response(result.body, status=result.status)


async def healthz(request: web.Request) -> web.Response:
    config = request.app[STORE].status()
    return web.json_response({"status": "ok", "config": config})


def _runtime_ctx(
    storage: Storage, clock: Callable[[], datetime] | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def runtime(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        auth = app[AUTH]
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100, limit_per_host=50)
        )
        tokens = OutboundTokens(
            auth.credentials_factory, auth.endpoints.login_url, auth.endpoints.validate_authority
        )
        sender = ConnectorSender(session, tokens, timeout=settings.connector_timeout)
        adapter = HelplineAdapter(auth.authentication, sender)
        adapter.on_turn_error = on_turn_error
        store = app[STORE]
        bot_kwargs = {"clock": clock} if clock else {}
        bot = HelplineBot(lambda: store.router, ConversationState(storage), **bot_kwargs)
        app[RUNTIME] = Runtime(adapter, bot, session)
        watcher = asyncio.create_task(store.watch(settings.reload_interval))
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await session.close()

    return runtime


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
    app.cleanup_ctx.append(_runtime_ctx(storage or MemoryStorage(), clock))
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app
