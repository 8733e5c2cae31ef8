"""The Not understood view (with "Teach the bot") and the Numbers view."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiohttp import web
from rapidfuzz import fuzz, process

from routing.hours import DUBLIN

from ..storage.handoff import HandoffStore
from ..storage.insights import Unclear
from . import teach
from .numbers import RequestFacts, compute, day_range
from .requests_view import load_rows
from .strings import text
from .web import (
    StaffEvent,
    context,
    flash,
    language_of,
    redirect,
    render,
    session_of,
    user_of,
)

SIMILAR = 85  # token_sort_ratio at or above which two messages are shown as one group
_WORDS = re.compile(r"[^\w\[\]]+")
PERIODS = (7, 14, 30)


@dataclass(slots=True)
class Group:
    text: str  # the newest message of the group
    last_at: float
    kinds: set[str] = field(default_factory=set)
    count: int = 0
    variants: list[str] = field(default_factory=list)


def normalise(message: str) -> str:
    return " ".join(_WORDS.sub(" ", message.casefold()).split())


def group_messages(messages: Sequence[Unclear], limit_variants: int = 4) -> list[Group]:
    """Alike messages together (rapidfuzz ``token_sort_ratio`` on normalised text), each
    group led by its newest message; groups newest first. ``messages`` newest first."""
    groups: list[Group] = []
    keys: list[str] = []
    for m in messages:
        key = normalise(m.text)
        match = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR)
        if match is None:
            groups.append(Group(text=m.text, last_at=m.at))
            keys.append(key)
            group = groups[-1]
        else:
            group = groups[match[2]]
            if m.text != group.text and m.text not in group.variants:
                if len(group.variants) < limit_variants:
                    group.variants.append(m.text)
        group.count += 1
        group.kinds.add(m.kind)
    return groups


async def not_understood(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    days = ctx.settings.insights_retention_days
    since = ctx.clock().timestamp() - days * 86400
    messages = await ctx.insights.not_understood(since)
    return await render(
        request,
        "not_understood.html",
        nav="not_understood",
        groups=group_messages(messages),
        days=int(days),
    )


# ---- teaching ------------------------------------------------------------------------------
async def _recorded(request: web.Request) -> list[str]:
    ctx = context(request)
    since = ctx.clock().timestamp() - ctx.settings.insights_retention_days * 86400
    return [m.text for m in await ctx.insights.not_understood(since, limit=5000)]


async def teach_page(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    table = ctx.routing.router.table
    session = await session_of(request)
    lang = language_of(session)
    message = request.query.get("text", "")[:500]
    service = request.query.get("service", "")
    phrase = request.query.get("phrase", message if not service else "")
    result: teach.Preview | None = None
    refused = ""
    if service or request.query.get("check"):
        try:
            current = ctx.routing.path.read_text(encoding="utf-8")
            result = teach.preview(
                current,
                str(ctx.routing.path),
                table,
                service,
                phrase,
                await _recorded(request),
                lang,
            )
        except teach.TeachRefused as error:
            refused = text(lang, error.key)
    return await render(
        request,
        "teach.html",
        nav="not_understood",
        message=message,
        service=service,
        phrase=phrase,
        services=[(s.id, s.title.in_(lang)) for s in table.services],
        preview=result,
        refused=refused,
        can_edit=ctx.settings.can_edit_routing,
    )


async def teach_save(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    form = await request.post()
    session = await session_of(request)
    lang = language_of(session)
    service, phrase = str(form.get("service", "")), str(form.get("phrase", ""))
    message = str(form.get("text", ""))
    if not ctx.settings.can_edit_routing:
        raise web.HTTPForbidden()
    path = ctx.routing.path
    current = path.read_text(encoding="utf-8")
    if teach.text_hash(current) != str(form.get("base", "")):
        flash(session, "teach_stale")
        raise redirect(_teach_url(message, service, phrase))
    try:
        result = teach.preview(
            current, str(path), ctx.routing.router.table, service, phrase, [], lang
        )
    except teach.TeachRefused:
        raise web.HTTPBadRequest() from None
    if not result.ok:
        flash(session, "teach_not_saved")
        raise redirect(_teach_url(message, service, phrase))
    if not teach.save(path, result.new_text, result.base_hash):
        flash(session, "teach_stale")
        raise redirect(_teach_url(message, service, phrase))
    await ctx.routing.check_once()  # the watcher would pick it up within seconds; now is kinder
    user = user_of(session) or "?"
    await ctx.store.audit(user, "taught", None, f"{service}: {result.phrase}"[:200])
    ctx.on_event(StaffEvent("taught"))
    title = ctx.routing.router.table.service(service)
    flash(
        session,
        "teach_saved",
        phrase=result.phrase,
        service=title.title.in_(language_of(session)) if title else service,
    )
    raise redirect("/staff/not-understood")


def _teach_url(message: str, service: str, phrase: str) -> str:
    from urllib.parse import urlencode

    return "/staff/teach?" + urlencode({"text": message, "service": service, "phrase": phrase})


def script_json(value: object) -> str:
    """JSON safe inside <script type="application/json"> (no way to close the element)."""
    data = json.dumps(value, ensure_ascii=False)
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---- numbers -------------------------------------------------------------------------------
def _duration(lang: str, seconds: float | None) -> str:
    if seconds is None:
        return text(lang, "no_data")
    if seconds < 60:  # a live chat is often taken within the minute
        return text(lang, "seconds", n=int(round(seconds)))
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return text(lang, "minutes", n=minutes)
    return text(lang, "hours_minutes", h=minutes // 60, m=minutes % 60)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


async def numbers(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    table = ctx.routing.router.table
    session = await session_of(request)
    lang = language_of(session)
    try:
        days = int(request.query.get("days", "14"))
    except ValueError:
        days = 14
    days = days if days in PERIODS else 14
    today = ctx.clock().astimezone(DUBLIN).date()
    span = day_range(today, days)
    counts = await ctx.insights.counts(span[0])
    facts = [
        RequestFacts(
            day=dt.datetime.fromtimestamp(row.referral.created_at, DUBLIN).date().isoformat(),
            service=row.referral.service_id,
            district=row.referral.area or "",
            created_at=row.referral.created_at,
            claimed_at=row.referral.claimed_at,
            first_outcome_at=row.first_outcome_at,
        )
        for row in await load_rows(request)
    ]
    service_ids = [s.id for s in table.services]
    area_ids = [a.id for a in table.areas]
    result = compute(span, counts, facts, service_ids, area_ids)
    # Live chats with staff (bot/handoff): since the first day shown, and right now.
    first_day = dt.datetime.combine(dt.date.fromisoformat(span[0]), dt.time(0), DUBLIN)
    chats = await HandoffStore(ctx.insights.db).numbers(first_day.timestamp())

    def service_name(sid: str) -> str:
        found = table.service(sid)
        return found.title.in_(lang) if found else (sid or text(lang, "no_service"))

    def district_name(aid: str) -> str:
        found = table.area(aid)
        return found.name.in_(lang) if found else (aid or text(lang, "unknown_district"))

    chart = {
        "days": span,
        "labels": {
            "messages": text(lang, "messages"),
            "requests": text(lang, "requests"),
            "emergencies": text(lang, "emergencies"),
            "unclear": text(lang, "unclear"),
        },
        "messages": [result.by_day[d].messages for d in span],
        "requests": [result.by_day[d].requests for d in span],
        "emergencies": [result.by_day[d].emergencies for d in span],
        "unclear": [result.by_day[d].unclear for d in span],
        "services": [service_name(s) for s in result.by_service],
        "service_messages": [line.messages for line in result.by_service.values()],
        "service_requests": [line.requests for line in result.by_service.values()],
    }
    return await render(
        request,
        "numbers.html",
        nav="numbers",
        days=days,
        periods=PERIODS,
        n=result,
        chats=chats,
        service_name=service_name,
        district_name=district_name,
        share=_share,
        duration=lambda s: _duration(lang, s),
        chart_json=script_json(chart),
    )
