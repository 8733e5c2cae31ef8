"""The staff page as an aiohttp sub-application, mounted at ``/staff`` by :func:`setup_staff`.

Server-rendered (aiohttp-jinja2); the lists, forms and tables work without JavaScript, and
the one script (``static/staff.js``, with Chart.js vendored from npm beside it) only draws
the Numbers charts. A strict Content-Security-Policy allows nothing but this page's own
files. Its cleanup context writes the recorded turns in batches and purges old rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import warnings
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning
from aiohttp_session import session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from routing.store import RoutingStore

from ..storage import Storage
from ..storage.db import Database
from ..storage.insights import Insights
from ..storage.staff import StaffStore
from . import insights_view, requests_view, signin
from .entra import Entra
from config.staff import StaffSettings
from .strings import LANGUAGES
from .web import (
    STAFF,
    StaffContext,
    StaffEvent,
    context,
    guard,
    local_path,
    page_errors,
    redirect,
    session_of,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
PREFIX = "/staff"


def content_security_policy(settings: StaffSettings) -> str:
    """Only this page's own scripts, styles and images; forms post here only; no framing."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


async def home(request: web.Request) -> web.StreamResponse:
    raise redirect(f"{PREFIX}/requests")


async def choose_language(request: web.Request) -> web.StreamResponse:
    lang = request.match_info["lang"]
    if lang not in LANGUAGES:
        raise web.HTTPNotFound()
    session = await session_of(request)
    session["lang"] = lang
    raise redirect(local_path(request.query.get("next", ""), f"{PREFIX}/requests"))


def staff_routes() -> web.RouteTableDef:
    """Every route of the page (paths relative to the mount point ``/staff``)."""
    routes = web.RouteTableDef()
    routes.get("/")(home)
    routes.get("/login")(signin.login_page)
    routes.get("/login/entra")(signin.entra_start)
    routes.get("/auth/callback")(signin.entra_callback)
    routes.get("/login/link")(signin.link_page)
    routes.post("/login/link")(signin.link_use)
    routes.post("/logout")(signin.logout)
    routes.get("/lang/{lang}")(choose_language)
    routes.get("/requests")(requests_view.listing)
    routes.get("/requests.csv")(requests_view.export_csv)
    routes.get("/requests/{reference}")(requests_view.detail)
    routes.post("/requests/{reference}/claim")(requests_view.claim)
    routes.post("/requests/{reference}/outcome")(requests_view.outcome)
    routes.post("/requests/{reference}/handover")(requests_view.handover)
    routes.get("/not-understood")(insights_view.not_understood)
    routes.get("/teach")(insights_view.teach_page)
    routes.post("/teach/save")(insights_view.teach_save)
    routes.get("/numbers")(insights_view.numbers)
    routes.get("/audit")(requests_view.audit_view)
    return routes


def staff_app(
    *,
    db: Database,
    routing_store: RoutingStore,
    settings: StaffSettings,
    clock: Callable[[], dt.datetime] | None = None,
    insights: Insights | None = None,
    on_event: Callable[[StaffEvent], None] | None = None,
    entra: Entra | None = None,
) -> web.Application:
    """The sub-application (not mounted). Prefer :func:`setup_staff`."""
    # aiohttp-session (latest 2.12.1) uses string request keys; aiohttp 3.14 warns once per
    # key. Nothing to act on: keep it off stderr.
    warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")
    now = clock or (lambda: dt.datetime.now(dt.timezone.utc))
    key = settings.session_key or secrets.token_bytes(32)
    if not settings.session_key:
        log.info("staff page: no STAFF_SESSION_KEY; sign-ins last until the bot restarts")
    secure = (settings.entra.public_url if settings.entra else settings.public_url).startswith(
        "https://"
    )
    cookie = "__Host-helpline_staff" if secure else "helpline_staff"
    storage = EncryptedCookieStorage(
        key,
        cookie_name=cookie,
        path="/",  # __Host- cookies must have path=/; the cookie is sent to /staff only in use
        secure=secure,
        httponly=True,
        samesite="Lax",  # the Entra redirect back is a top-level GET from another site
        max_age=int(settings.idle_minutes * 60),  # Fernet ttl: an idle cookie no longer opens
    )
    sub = web.Application(middlewares=[page_errors, session_middleware(storage), guard])
    sub[STAFF] = StaffContext(
        settings=settings,
        store=StaffStore(db, lambda: now().timestamp()),
        insights=insights or Insights(db),
        routing=routing_store,
        clock=now,
        entra=entra or (Entra(settings.entra) if settings.entra else None),
        on_event=on_event or (lambda event: None),
        session_cookie=cookie,
        csp=content_security_policy(settings),
    )
    env = aiohttp_jinja2.setup(
        sub,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.globals["prefix"] = PREFIX
    sub.add_routes(staff_routes())
    static = sub.router.add_static("/static", STATIC, append_version=True, name="static")
    # URLs are read when a page renders (after mounting, so they carry the /staff prefix).
    env.globals["static_url"] = lambda name: str(static.url_for(filename=name))
    sub.cleanup_ctx.append(_background)
    return sub


async def _background(app: web.Application) -> AsyncIterator[None]:
    """Write recorded turns in batches; purge old rows on a timer."""
    ctx = app[STAFF]
    tasks = [
        asyncio.create_task(ctx.insights.run(), name="staff-insights-writer"),
        asyncio.create_task(_purge_loop(ctx), name="staff-purge"),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def purge_once(ctx: StaffContext) -> tuple[int, int, int]:
    turns, messages = await ctx.insights.purge(ctx.settings.insights_retention_days)
    audit = await ctx.store.purge(ctx.settings.audit_retention_days)
    if turns or messages or audit:
        log.info(
            "staff page purge: %d turn(s) folded into daily counts, %d message(s), %d audit "
            "entr(ies) deleted",
            turns,
            messages,
            audit,
        )
    return turns, messages, audit


async def _purge_loop(ctx: StaffContext) -> None:
    while True:
        try:
            await purge_once(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("staff page purge failed; trying again later")
        await asyncio.sleep(ctx.settings.purge_interval)


STAFF_APP = web.AppKey("staff_app", web.Application)


def setup_staff(
    app: web.Application,
    *,
    storage: Storage | Database,
    routing_store: RoutingStore,
    settings: StaffSettings,
    clock: Callable[[], dt.datetime] | None = None,
    insights: Insights | None = None,
    on_event: Callable[[StaffEvent], None] | None = None,
    entra: Entra | None = None,
) -> web.Application:
    """Mount the staff page at ``/staff`` on ``app``; returns the sub-application.

    ``storage``: a ``bot.storage.Storage`` (or its ``Database``). ``insights``: the
    :class:`Insights` the turn handling records into (one is made if None; it is then at
    ``sub[STAFF].insights``). ``on_event``: called on the event loop after a staff action
    (e.g. ``StaffEvent("claimed", "MAY-7K3Q")``: refresh the Teams card, wake the outbox
    for the citizen's notice)."""
    db = storage.db if isinstance(storage, Storage) else storage
    sub = staff_app(
        db=db,
        routing_store=routing_store,
        settings=settings,
        clock=clock,
        insights=insights,
        on_event=on_event,
        entra=entra,
    )
    app.add_subapp(PREFIX, sub)
    app.router.add_get(PREFIX, home)  # "/staff" without the slash
    app[STAFF_APP] = sub
    return sub


def insights_of(sub: web.Application) -> Insights:
    return sub[STAFF].insights


__all__ = ["setup_staff", "staff_app", "staff_routes", "context", "insights_of"]
