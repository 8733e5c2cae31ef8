"""The Requests view: call-back requests to act on today.

Open requests come first (overdue ones first among them: nobody has rung by the time the
citizen was promised), then those taken, then those done. A request is *done* once a final
outcome is recorded (rang and sorted, passed to a volunteer group). Claims are the same
claim as the Teams card's "I'll take it".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from routing.hours import DUBLIN
from routing.model import RoutingTable
from routing.referrals import ring_back_by

from ..storage.records import Referral
from ..storage.staff import FINAL, HANDOVER, OUTCOME, OUTCOMES, StaffAction, StaffActionRefused
from .web import (
    StaffEvent,
    context,
    flash,
    language_of,
    redirect,
    render,
    session_of,
    user_of,
    when,
)

OPEN, CLAIMED, DONE = "open", "claimed", "done"
STATUSES = (OPEN, CLAIMED, DONE)


@dataclass(frozen=True, slots=True)
class RequestRow:
    referral: Referral
    actions: tuple[StaffAction, ...]
    service_title: str
    area_name: str
    due_at: float | None
    status: str
    overdue: bool
    last_outcome: str | None
    last_outcome_at: float | None
    first_outcome_at: float | None


def due_at(referral: Referral, table: RoutingTable) -> float | None:
    """When the citizen was told they would be rung by (as the bot worked it out)."""
    config = table.referrals
    if config is None:
        return None
    plan = config.plan(referral.service_id)
    schedule = plan.hours
    if schedule is None:
        service = table.service(referral.service_id)
        contacts = service.contacts_for(None) if service else ()
        schedule = contacts[0].contact.schedule if contacts else None
    created = dt.datetime.fromtimestamp(referral.created_at, DUBLIN)
    by = ring_back_by(schedule, created, plan.response_hours)
    return by.timestamp() if by else None


def row_of(
    referral: Referral,
    actions: Sequence[StaffAction],
    table: RoutingTable,
    now: float,
    language: str = "en",
) -> RequestRow:
    """One request as the page shows it, service and area named in the page's ``language``."""
    outcomes = [a for a in actions if a.action == OUTCOME]
    last = outcomes[-1] if outcomes else None
    if any(a.outcome in FINAL for a in outcomes):
        status = DONE
    elif referral.claimed_by:
        status = CLAIMED
    else:
        status = OPEN
    due = due_at(referral, table)
    area = table.area(referral.area)
    return RequestRow(
        referral=referral,
        actions=tuple(actions),
        service_title=table.title_of(referral.service_id, language),
        area_name=area.name.in_(language) if area else (referral.area or ""),
        due_at=due,
        status=status,
        overdue=status != DONE and not outcomes and due is not None and now > due,
        last_outcome=last.outcome if last else None,
        last_outcome_at=last.at if last else None,
        first_outcome_at=outcomes[0].at if outcomes else None,
    )


def ordered(rows: list[RequestRow]) -> list[RequestRow]:
    rank = {OPEN: 0, CLAIMED: 1, DONE: 2}

    def key(row: RequestRow) -> tuple[int, int, float]:
        created = row.referral.created_at
        # waiting ones: oldest first (overdue first); done ones: newest first
        return (rank[row.status], 0 if row.overdue else 1, -created if row.status == DONE else created)

    return sorted(rows, key=key)


async def load_rows(request: web.Request) -> list[RequestRow]:
    ctx = context(request)
    table = ctx.routing.router.table
    now = ctx.clock().timestamp()
    lang = language_of(await session_of(request))
    return [row_of(r, a, table, now, lang) for r, a in await ctx.store.requests()]


def filtered(rows: list[RequestRow], service: str, area: str, status: str) -> list[RequestRow]:
    return [
        row
        for row in rows
        if (not service or row.referral.service_id == service)
        and (not area or row.referral.area == area)
        and (not status or row.status == status)
    ]


def _filters(request: web.Request) -> tuple[str, str, str]:
    q = request.query
    status = q.get("status", "")
    return q.get("service", ""), q.get("area", ""), status if status in STATUSES else ""


async def listing(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    table = ctx.routing.router.table
    service, area, status = _filters(request)
    rows = ordered(filtered(await load_rows(request), service, area, status))
    lang = language_of(await session_of(request))
    return await render(
        request,
        "requests.html",
        nav="requests",
        rows=rows,
        services=[(s.id, s.title.in_(lang)) for s in table.services],
        areas=[(a.id, a.name.in_(lang)) for a in table.areas],
        statuses=STATUSES,
        chosen={"service": service, "area": area, "status": status},
        export_query=request.query_string,
    )


async def detail(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    reference = request.match_info["reference"]
    found = await ctx.store.request(reference)
    if found is None:
        raise web.HTTPNotFound()
    session = await session_of(request)
    user = user_of(session) or "?"
    await ctx.store.audit(user, "viewed", reference)
    table = ctx.routing.router.table
    row = row_of(found[0], found[1], table, ctx.clock().timestamp(), language_of(session))
    return await render(
        request,
        "request.html",
        nav="requests",
        row=row,
        outcomes=OUTCOMES,
        OUTCOME=OUTCOME,
        HANDOVER=HANDOVER,
        audit=await ctx.store.audit_log(50, reference),
    )


async def claim(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    reference = request.match_info["reference"]
    session = await session_of(request)
    user = user_of(session) or "?"
    referral, won = await ctx.store.claim(reference, user)
    if referral is None:
        raise web.HTTPNotFound()
    if won:
        flash(session, "claimed_ok", reference=reference)
        ctx.on_event(StaffEvent("claimed", reference))
    else:
        flash(session, "claim_lost", reference=reference, staff=referral.claimed_by or "?")
    raise redirect(f"/staff/requests/{reference}")


async def outcome(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    reference = request.match_info["reference"]
    form = await request.post()
    session = await session_of(request)
    user = user_of(session) or "?"
    before = await ctx.store.request(reference)
    try:
        await ctx.store.record_outcome(
            reference, user, str(form.get("outcome", "")), str(form.get("note", ""))
        )
    except StaffActionRefused:
        raise web.HTTPNotFound() if before is None else web.HTTPBadRequest() from None
    if before is not None and not before[0].claimed_by:
        ctx.on_event(StaffEvent("claimed", reference))
    ctx.on_event(StaffEvent("outcome", reference))
    flash(session, "outcome_ok", reference=reference)
    raise redirect(f"/staff/requests/{reference}")


async def handover(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    reference = request.match_info["reference"]
    form = await request.post()
    session = await session_of(request)
    user = user_of(session) or "?"
    to = " ".join(str(form.get("to", "")).split())
    if not to:
        flash(session, "handover_empty")
        raise redirect(f"/staff/requests/{reference}")
    try:
        await ctx.store.hand_over(reference, user, to)
    except StaffActionRefused:
        raise web.HTTPNotFound() from None
    ctx.on_event(StaffEvent("handed_over", reference))
    flash(session, "handover_ok", reference=reference, to=to)
    raise redirect(f"/staff/requests/{reference}")


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(rows: Sequence[RequestRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "reference", "received", "service", "area", "town", "name", "phone", "need",
            "ring_back_by", "status", "overdue", "taken_by", "taken_at", "last_outcome",
            "last_outcome_at", "notes", "language",
        ]
    )  # fmt: skip
    for row in rows:
        r = row.referral
        notes = " | ".join(a.note for a in row.actions if a.note)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.reference, when(r.created_at), row.service_title, row.area_name, r.town,
                    r.name, r.phone, r.need, when(row.due_at), row.status,
                    "yes" if row.overdue else "", r.claimed_by, when(r.claimed_at),
                    row.last_outcome, when(row.last_outcome_at), notes, r.language,
                )
            ]
        )  # fmt: skip
    return out.getvalue()


async def export_csv(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    service, area, status = _filters(request)
    rows = ordered(filtered(await load_rows(request), service, area, status))
    session = await session_of(request)
    await ctx.store.audit(user_of(session) or "?", "exported_csv", None, f"{len(rows)} rows")
    stamp = ctx.clock().astimezone(DUBLIN).strftime("%Y-%m-%d")
    return web.Response(
        body=("\ufeff" + csv_text(rows)).encode("utf-8"),  # BOM: Excel reads it as UTF-8
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="helpline-requests-{stamp}.csv"',
        },
    )


async def audit_view(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    return await render(request, "audit.html", nav="audit", entries=await ctx.store.audit_log(500))
