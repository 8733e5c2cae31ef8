"""Turn validated routing data (plain dicts from YAML) into the typed RoutingTable."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from routing.areas import Area, place_key
from routing.hours import (
    DAY_KEYS,
    GROUP_KEYS,
    Schedule,
    SpecialHours,
    TimeRange,
    parse_day_hours,
    parse_special_key,
)
from routing.hours_text import ENGLISH, Calendar, describe
from routing.model import (
    Classifier,
    Contact,
    ConversationTexts,
    EmergencyCall,
    EmergencyReply,
    Example,
    Labels,
    Messages,
    OutOfHoursOption,
    Pause,
    RoutingTable,
    Service,
    ServiceContact,
)
from routing.phones import Phone, parse_phone
from routing.handoff import build_handoff
from routing.referrals import build_referrals


def _phone(value: Any) -> Phone | None:
    return parse_phone(str(value)) if value is not None else None


def calendar(data: dict[str, Any]) -> Calendar:
    """Day and month names from ``messages:`` (English defaults while they are invalid)."""
    messages = data.get("messages") or {}
    days, months = messages.get("days"), messages.get("months")
    if isinstance(days, list) and len(days) == 7 and isinstance(months, list) and len(months) == 12:
        return Calendar(tuple(str(d) for d in days), tuple(str(m) for m in months))
    return ENGLISH


def build_schedules(data: dict[str, Any]) -> dict[str, Schedule]:
    lists: dict[str, list[Any]] = data.get("closed_dates") or {}
    cal = calendar(data)
    schedules = {}
    for sid, spec in (data.get("opening_hours") or {}).items():
        weekly: list[tuple[TimeRange, ...]] = [()] * 7
        for key in ("every_day", "weekdays", "weekends", *DAY_KEYS):
            if key not in spec:
                continue
            days = GROUP_KEYS.get(key) or [DAY_KEYS.index(key)]
            ranges = parse_day_hours(str(spec[key]))
            for d in days:
                weekly[d] = ranges
        closed: set[dt.date] = set()
        closed_lists: list[str] = []
        closed_days: list[dt.date] = []
        for item in spec.get("closed") or []:
            item = str(item)
            if item in lists:
                closed.update(dt.date.fromisoformat(str(d)) for d in lists[item])
                closed_lists.append(item)
            else:
                day = dt.date.fromisoformat(item)
                closed.add(day)
                closed_days.append(day)
        special = tuple(
            SpecialHours(*parse_special_key(str(key)), parse_day_hours(str(hours)))
            for key, hours in (spec.get("special") or {}).items()
        )
        schedule = Schedule(
            sid,
            "",
            tuple(weekly),
            frozenset(closed),
            special,
            tuple(closed_lists),
            tuple(closed_days),
        )
        schedules[sid] = replace(schedule, description=describe(schedule, cal))
    return schedules


def build_table(data: dict[str, Any], source: str, classifier: Classifier) -> RoutingTable:
    schedules = build_schedules(data)
    contacts = {
        cid: Contact(
            id=cid,
            name=str(c["name"]),
            phone=_phone(c.get("phone")),
            email=c.get("email"),
            schedule=schedules.get(c["hours"]) if c.get("hours") else None,
            note=str(c.get("note", "")),
        )
        for cid, c in (data.get("contacts") or {}).items()
    }
    options = {
        oid: OutOfHoursOption(
            id=oid,
            text=str(o["text"]),
            name=str(o.get("name", "")),
            phone=_phone(o.get("phone")),
            schedule=schedules.get(o["hours"]) if o.get("hours") else None,
        )
        for oid, o in (data.get("out_of_hours") or {}).items()
    }
    services = tuple(
        Service(
            id=s["id"],
            title=str(s["title"]),
            contacts=tuple(
                _service_contact(c, contacts, schedules, s["id"], i)
                for i, c in enumerate(s["contacts"])
            ),
            out_of_hours=tuple(options[o] for o in s.get("out_of_hours") or []),
            have_ready=tuple(str(x) for x in s.get("have_ready") or []),
            in_menu=bool(s.get("in_menu", True)),
            paused=_pause(s.get("paused")),
        )
        for s in data["services"]
    )
    areas = tuple(
        Area(
            id=a["id"],
            name=str(a["name"]),
            places=tuple(str(p) for p in a.get("places") or []),
            eircodes=tuple(str(e).upper() for e in a.get("eircodes") or []),
        )
        for a in data.get("areas") or []
    )
    em = data["emergency"]
    referrals = build_referrals(data.get("referrals"), schedules)
    helpline_spec = (data.get("contacts") or {}).get(data["helpline"]["contact"]) or {}
    return RoutingTable(
        source=source,
        helpline=contacts[data["helpline"]["contact"]],
        helpline_out_of_hours=tuple(options[o] for o in data["helpline"].get("out_of_hours") or []),
        services=services,
        areas=areas,
        emergency_danger=_emergency(em["danger"]),
        emergency_self_harm=_emergency(em["self_harm"]),
        messages=_messages(data["messages"]),
        classifier=classifier,
        examples=tuple(_example(e) for e in data.get("examples") or []),
        referrals=referrals,
        conversation=_conversation(data.get("conversation")),
        handoff=build_handoff(data.get("handoff"), schedules, helpline_spec.get("hours"), referrals),
    )


def _service_contact(
    spec: dict[str, Any],
    contacts: dict[str, Contact],
    schedules: dict[str, Schedule],
    sid: str,
    index: int,
) -> ServiceContact:
    area = spec.get("area")
    places = tuple(place_key(str(p)) for p in spec.get("places") or [])
    if "contact" in spec:
        return ServiceContact(contacts[spec["contact"]], area, places)
    inline = Contact(
        id=f"{sid}.contacts[{index}]",
        name=str(spec["name"]),
        phone=_phone(spec.get("phone")),
        email=spec.get("email"),
        schedule=schedules.get(spec["hours"]) if spec.get("hours") else None,
        note=str(spec.get("note", "")),
    )
    return ServiceContact(inline, area, places)


def _pause(spec: dict[str, Any] | None) -> Pause | None:
    if not spec:
        return None
    until, start = spec.get("until"), spec.get("from")
    return Pause(
        message=str(spec["message"]),
        until=dt.date.fromisoformat(str(until)) if until else None,
        start=dt.date.fromisoformat(str(start)) if start else None,
    )


def _emergency(spec: dict[str, Any]) -> EmergencyReply:
    calls = []
    for c in spec.get("call") or []:
        phone = _phone(c["phone"])
        if phone is not None:
            calls.append(EmergencyCall(str(c["name"]), phone))
    return EmergencyReply(str(spec["text"]), tuple(calls))


_NOT_TEXT = ("labels", "days", "months")


def _messages(m: dict[str, Any]) -> Messages:
    labels = m["labels"]
    return Messages(
        **{k: str(m[k]) for k in Messages.__dataclass_fields__ if k not in _NOT_TEXT},
        labels=Labels(**{k: str(labels[k]) for k in Labels.__dataclass_fields__}),
        days=tuple(str(d) for d in m["days"]),
        months=tuple(str(d) for d in m["months"]),
    )


def _conversation(c: dict[str, Any] | None) -> ConversationTexts | None:
    if not c:
        return None
    return ConversationTexts(
        acts={str(k): str(v) for k, v in (c.get("acts") or {}).items()},
        topics={str(k): str(v) for k, v in (c.get("topics") or {}).items()},
        possible_danger=str(c["possible_danger"]),
        after_emergency=str(c["after_emergency"]),
        offer_person=str(c["offer_person"]),
        no_requests=str(c["no_requests"]),
    )


def _example(e: dict[str, Any]) -> Example:
    expect = e.get("expect")
    if expect is None or expect == "none":
        ids: tuple[str, ...] = ()
    elif isinstance(expect, list):
        ids = tuple(str(x) for x in expect)
    else:
        ids = (str(expect),)
    return Example(str(e["text"]), ids)
