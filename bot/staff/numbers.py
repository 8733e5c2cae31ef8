"""The Numbers view's sums: messages, requests and emergencies by day, service and municipal
district; the share answered without a person; the share in Irish; how long requests wait
to be claimed and to get an outcome. Pure functions over what the stores return."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..storage.insights import NOT_UNDERSTOOD_KINDS, TurnCount

EMERGENCY = "emergency"
NONE = ""


@dataclass(slots=True)
class Line:
    messages: int = 0
    requests: int = 0
    emergencies: int = 0
    unclear: int = 0


@dataclass(slots=True)
class Numbers:
    days: list[str]
    by_day: dict[str, Line]
    by_service: dict[str, Line]
    by_district: dict[str, Line]
    total: Line
    without_person: float | None  # share of messages, 0..1
    irish: float | None
    claim_median: float | None  # seconds
    claim_p90: float | None
    outcome_median: float | None
    outcome_p90: float | None
    chart: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RequestFacts:
    day: str
    service: str
    district: str
    created_at: float
    claimed_at: float | None
    first_outcome_at: float | None


def day_range(last_day: dt.date, days: int) -> list[str]:
    return [(last_day - dt.timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, int(round(0.9 * len(ordered) + 0.5)) - 1)
    return ordered[min(index, len(ordered) - 1)]


def compute(
    days: list[str],
    counts: Sequence[TurnCount],
    requests: Sequence[RequestFacts],
    service_order: Sequence[str],
    district_order: Sequence[str],
) -> Numbers:
    wanted = set(days)
    by_day = {d: Line() for d in days}
    by_service: dict[str, Line] = {s: Line() for s in service_order}
    by_district: dict[str, Line] = {d: Line() for d in district_order}
    total = Line()
    without = irish = 0
    for c in counts:
        if c.day not in wanted:
            continue
        line = by_day[c.day]
        line.messages += c.messages
        total.messages += c.messages
        without += c.without_person
        if c.language == "ga":
            irish += c.messages
        emergency = c.kind == EMERGENCY
        unclear = c.kind in NOT_UNDERSTOOD_KINDS
        if emergency:
            line.emergencies += c.messages
            total.emergencies += c.messages
        if unclear:
            line.unclear += c.messages
            total.unclear += c.messages
        for service in c.services or (NONE,):
            s = by_service.setdefault(service, Line())
            s.messages += c.messages
            s.emergencies += c.messages if emergency else 0
            s.unclear += c.messages if unclear else 0
        d = by_district.setdefault(c.district, Line())
        d.messages += c.messages
        d.emergencies += c.messages if emergency else 0
        d.unclear += c.messages if unclear else 0
    claim_waits: list[float] = []
    outcome_waits: list[float] = []
    for r in requests:
        if r.day not in wanted:
            continue
        by_day[r.day].requests += 1
        total.requests += 1
        by_service.setdefault(r.service, Line()).requests += 1
        by_district.setdefault(r.district, Line()).requests += 1
        if r.claimed_at is not None:
            claim_waits.append(max(0.0, r.claimed_at - r.created_at))
        if r.first_outcome_at is not None:
            outcome_waits.append(max(0.0, r.first_outcome_at - r.created_at))
    numbers = Numbers(
        days=days,
        by_day=by_day,
        by_service=by_service,
        by_district=by_district,
        total=total,
        without_person=without / total.messages if total.messages else None,
        irish=irish / total.messages if total.messages else None,
        claim_median=statistics.median(claim_waits) if claim_waits else None,
        claim_p90=_p90(claim_waits),
        outcome_median=statistics.median(outcome_waits) if outcome_waits else None,
        outcome_p90=_p90(outcome_waits),
    )
    return numbers
