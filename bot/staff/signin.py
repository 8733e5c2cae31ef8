"""Signing in and out: Entra ID (production) or a one-time link (this computer only).

- ``GET /staff/login``: the sign-in page.
- ``GET /staff/login/entra`` → Entra ID → ``GET /staff/auth/callback``.
- ``GET /staff/login/link?token=...`` shows "Sign in as NAME" (link previews and prefetches
  never use the link up); ``POST /staff/login/link`` uses it. Only without Entra, only from
  loopback (the guard), only once, only for 10 minutes; the database holds the token's hash.
- ``POST /staff/logout``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from aiohttp import web
from aiohttp_session import get_session

from .entra import SignInRefused
from config.staff import LINK_MINUTES
from .strings import text
from .web import (
    PageError,
    context,
    flash,
    language_of,
    redirect,
    render,
    session_of,
    sign_in,
    user_of,
)

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A link token and the hash stored for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


async def login_page(request: web.Request) -> web.StreamResponse:
    session = await session_of(request)
    if user_of(session):
        raise redirect("/staff/requests")
    ctx = context(request)
    return await render(
        request,
        "login.html",
        entra=ctx.entra is not None,
        minutes=LINK_MINUTES,
    )


# ---- Entra ID ------------------------------------------------------------------------------
async def entra_start(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    if ctx.entra is None:
        raise web.HTTPNotFound()
    flow, address = await ctx.entra.start()
    session = await session_of(request)
    session["flow"] = flow
    raise redirect(address)


async def entra_callback(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    if ctx.entra is None:
        raise web.HTTPNotFound()
    session = await session_of(request)
    flow = session.pop("flow", None)
    try:
        if not isinstance(flow, dict):
            raise SignInRefused("refused_flow", detail="no sign-in in progress")
        identity = await ctx.entra.finish(flow, dict(request.query))
    except SignInRefused as refused:
        log.info("staff sign-in refused: %s", refused)
        await ctx.store.audit(refused.who or "?", "sign_in_refused", None, refused.reason)
        reason = text(language_of(session), refused.reason)
        raise PageError(403, "signin_refused", reason=reason) from None
    await sign_in(request, identity.name, "entra", identity.oid)
    raise redirect("/staff/requests")


# ---- one-time links --------------------------------------------------------------------------
async def link_page(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    if ctx.entra is not None:
        raise web.HTTPNotFound()
    token = request.query.get("token", "")
    name = await ctx.store.usable_link(token_hash(token)) if token else None
    return await render(
        request, "link.html", token=token if name else "", name=name or "", minutes=LINK_MINUTES
    )


async def link_use(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    if ctx.entra is not None:
        raise web.HTTPNotFound()
    form = await request.post()
    token = str(form.get("token", ""))
    name = await ctx.store.use_link(token_hash(token)) if token else None
    if name is None:
        raise redirect("/staff/login/link")
    await sign_in(request, name, "link")
    raise redirect("/staff/requests")


async def logout(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    user = user_of(session)
    if user:
        await context(request).store.audit(user, "signed_out")
    lang = session.get("lang", "en")
    session.invalidate()
    session = await session_of(request)
    session["lang"] = lang
    flash(session, "signed_out")
    raise redirect("/staff/login")
