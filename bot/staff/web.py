"""The staff page's plumbing: the objects its handlers share, sessions, the guards every
request passes (loopback, sign-in, CSRF, idle timeout) and the HTML error pages.

Order of the sub-application's middlewares: ``page_errors`` (security headers on every
answer; errors as HTML pages, never JSON or a traceback), then the session (an encrypted
cookie), then ``guard``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from routing.hours import DUBLIN
from routing.store import RoutingStore

from ..storage.insights import Insights
from ..storage.staff import StaffStore
from .entra import Entra
from config.staff import StaffSettings
from .strings import LANGUAGE_NAMES, LANGUAGES, text

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Clock = Callable[[], dt.datetime]

# Paths (inside /staff) that need no sign-in.
PUBLIC = ("/staff/login", "/staff/auth/callback", "/staff/static/", "/staff/lang/")
CSRF_FIELD = "csrf"


@dataclass(slots=True)
class StaffEvent:
    """Something staff did that others may need to show: the lead's shell refreshes the
    Teams card and wakes the outbox on ``claimed`` (the citizen's notice is queued)."""

    kind: str  # "claimed", "outcome", "handed_over", "taught"
    reference: str | None = None


@dataclass(slots=True)
class StaffContext:
    settings: StaffSettings
    store: StaffStore
    insights: Insights
    routing: RoutingStore
    clock: Clock
    entra: Entra | None
    on_event: Callable[[StaffEvent], None]
    session_cookie: str = "helpline_staff"
    csp: str = field(default="")


STAFF = web.AppKey("staff_context", StaffContext)


def context(request: web.Request) -> StaffContext:
    return request.config_dict[STAFF]


# ---- sessions ------------------------------------------------------------------------------
def now_ts(request: web.Request) -> float:
    return context(request).clock().timestamp()


async def session_of(request: web.Request) -> Session:
    session = await get_session(request)
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session


async def sign_in(request: web.Request, name: str, via: str, oid: str = "") -> Session:
    """A fresh session (never the pre-sign-in one: no session fixation) for ``name``."""
    old = await get_session(request)
    lang = old.get("lang", "en")
    session = await new_session(request)
    now = now_ts(request)
    session.update(
        {
            "user": name,
            "oid": oid,
            "via": via,
            "since": now,
            "seen": now,
            "lang": lang,
            CSRF_FIELD: secrets.token_urlsafe(32),
        }
    )
    await context(request).store.audit(name, "signed_in", None, via)
    return session


def user_of(session: Session) -> str | None:
    user = session.get("user")
    return str(user) if user else None


def language_of(session: Session) -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "en"


def flash(session: Session, key: str, **values: Any) -> None:
    session["flash"] = [key, {k: str(v) for k, v in values.items()}]


# ---- guards --------------------------------------------------------------------------------
def is_loopback(request: web.Request) -> bool:
    remote = request.remote or ""
    try:
        return ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False


def _public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC) or (
        path.startswith("/staff/login/")
    )


def _same_origin(request: web.Request) -> bool:
    """A form post must come from this page: Origin (or Referer) names our host."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # some browsers send neither on same-origin posts; the token decides
    if origin == "null":
        return False
    return urlsplit(origin).netloc == request.host


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = context(request)
    path = request.path
    if ctx.settings.link_sign_in and not is_loopback(request):
        # No Entra: the page (and the bot's auth-off mode) serve this computer only.
        raise PageError(403, "error_loopback")
    if path.startswith("/staff/static/"):
        return await handler(request)
    session = await session_of(request)
    now = now_ts(request)
    user = user_of(session)
    if user is not None:
        idle = now - float(session.get("seen", 0))
        age = now - float(session.get("since", 0))
        if idle > ctx.settings.idle_minutes * 60 or age > ctx.settings.max_hours * 3600:
            lang = language_of(session)
            session.invalidate()
            session = await session_of(request)
            session["lang"] = lang
            flash(session, "session_expired")
            user = None
        else:
            session["seen"] = now
    if request.method not in ("GET", "HEAD"):
        sent = (await request.post()).get(CSRF_FIELD, "")
        expected = str(session.get(CSRF_FIELD, ""))
        if (
            not isinstance(sent, str)
            or not expected
            or not hmac.compare_digest(sent.encode(), expected.encode())
            or not _same_origin(request)
        ):
            log.info("staff page: refused %s %s: CSRF check failed", request.method, path)
            raise PageError(403, "error_csrf")
    if user is None and not _public(path):
        if request.method in ("GET", "HEAD"):
            raise web.HTTPSeeOther("/staff/login")
        raise PageError(403, "error_forbidden")
    return await handler(request)


# ---- answers -------------------------------------------------------------------------------
class PageError(Exception):
    """An error page: ``status`` and a strings.py key."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


_STATUS_KEYS = {403: "error_forbidden", 404: "error_not_found", 405: "error_method"}


def security_headers(ctx: StaffContext, response: web.StreamResponse) -> None:
    headers = response.headers
    headers["Content-Security-Policy"] = ctx.csp
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"  # (no-referrer would make Origin "null")
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")  # pages hold personal data


@web.middleware
async def page_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = context(request)
    try:
        response = await handler(request)
    except PageError as error:
        response = await error_page(request, error.status, error.key, **error.values)
    except web.HTTPException as error:
        if error.status < 400:
            security_headers(ctx, error)
            raise
        key = _STATUS_KEYS.get(error.status, "error_not_found")
        response = await error_page(request, error.status, key)
    except Exception:
        log.exception("staff page: unexpected error on %s %s", request.method, request.path)
        response = await error_page(request, 500, "error_server")
    if request.path.startswith("/staff/static/"):
        response.headers["Cache-Control"] = "public, max-age=3600"
    security_headers(ctx, response)
    return response


async def error_page(request: web.Request, status: int, key: str, **values: Any) -> web.Response:
    try:
        session = await get_session(request)
        lang, user = language_of(session), user_of(session)
    except Exception:  # before the session middleware ran (e.g. the loopback refusal)
        lang, user = "en", None
    response = aiohttp_jinja2.render_template(
        "error.html",
        request,
        page_values(request, lang, user, None, message=text(lang, key, **values)),
        status=status,
    )
    return response


def page_values(
    request: web.Request,
    lang: str,
    user: str | None,
    session: Session | None,
    **values: Any,
) -> dict[str, Any]:
    def t(key: str, **kw: Any) -> str:
        return text(lang, key, **kw)

    note = session.pop("flash", None) if session is not None else None
    return {
        "t": t,
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "user": user,
        "csrf": session.get(CSRF_FIELD, "") if session is not None else "",
        "flash": t(note[0], **note[1]) if note else "",
        "path": request.path_qs,
        "when": when,
        **values,
    }


async def render(request: web.Request, template: str, **values: Any) -> web.Response:
    session = await session_of(request)
    lang, user = language_of(session), user_of(session)
    return aiohttp_jinja2.render_template(
        template, request, page_values(request, lang, user, session, **values)
    )


def when(timestamp: float | None) -> str:
    """A time as staff read it: Irish time, day/month/year hour:minute."""
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(timestamp, DUBLIN).strftime("%d/%m/%Y %H:%M")


def redirect(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def local_path(value: str, default: str = "/staff/requests") -> str:
    """``value`` when it is a path on the staff page (for ?next=), else ``default``."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/staff") or "\\" in value:
        return default
    return value
