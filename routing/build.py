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
from routing.hours_text import CALENDARS, ENGLISH, HOURS_WORDS, Calendar, describe
from routing.localized import ENGLISH as EN
from routing.localized import Localized, localized
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


def calendar(data: dict[str, Any], language: str = EN) -> Calendar:
    """Day and month names from ``messages:`` in ``language`` (the built-in names while they
    are invalid, and for Irish where the file has none), and the names of closed-date lists."""
    messages = data.get("messages") or {}
    days, months = messages.get("days"), messages.get("months")
    built_in = CALENDARS.get(language, ENGLISH)
    names = {
        str(k): localized(v) for k, v in (messages.get("closed_dates_names") or {}).items()
    }
    closed_names = {**built_in.closed_names, **{k: v.in_(language) for k, v in names.items()
                                              if language == EN or v.ga}}
    if isinstance(days, list) and len(days) == 7 and isinstance(months, list) and len(months) == 12:
        return Calendar(
            _names(days, built_in.days, language),
            _names(months, built_in.months, language),
            HOURS_WORDS.get(language, HOURS_WORDS[EN]),
            closed_names,
        )
    return Calendar(built_in.days, built_in.months, built_in.words, closed_names)


def calendar_of(messages: Messages, language: str) -> Calendar:
    """The calendar a router writes hours with: the table's day and month names and
    closed-date list names in ``language``, with that language's connecting words."""
    built_in = CALENDARS.get(language, ENGLISH)
    named = {
        k: v.in_(language)
        for k, v in messages.closed_dates_names.items()
        if language == EN or v.ga
    }
    return Calendar(
        tuple(d.in_(language) for d in messages.days),
        tuple(m.in_(language) for m in messages.months),
        built_in.words,
        {**built_in.closed_names, **named},
    )


def _names(values: list[Any], built_in: tuple[str, ...], language: str) -> tuple[str, ...]:
    texts = [localized(v) for v in values]
    if language == EN:
        return tuple(t.en for t in texts)
    return tuple(t.ga or default for t, default in zip(texts, built_in))


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
            name=localized(c["name"]),
            phone=_phone(c.get("phone")),
            email=c.get("email"),
            schedule=schedules.get(c["hours"]) if c.get("hours") else None,
            note=localized(c.get("note", "")),
        )
        for cid, c in (data.get("contacts") or {}).items()
    }
    options = {
        oid: OutOfHoursOption(
            id=oid,
            text=localized(o["text"]),
            name=localized(o.get("name", "")),
            phone=_phone(o.get("phone")),
            schedule=schedules.get(o["hours"]) if o.get("hours") else None,
        )
        for oid, o in (data.get("out_of_hours") or {}).items()
    }
    services = tuple(
        Service(
            id=s["id"],
            title=localized(s["title"]),
            contacts=tuple(
                _service_contact(c, contacts, schedules, s["id"], i)
                for i, c in enumerate(s["contacts"])
            ),
            out_of_hours=tuple(options[o] for o in s.get("out_of_hours") or []),
            have_ready=tuple(localized(x) for x in s.get("have_ready") or []),
            in_menu=bool(s.get("in_menu", True)),
            paused=_pause(s.get("paused")),
        )
        for s in data["services"]
    )
    areas = tuple(
        Area(
            id=a["id"],
            name=localized(a["name"]),
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
        name=localized(spec["name"]),
        phone=_phone(spec.get("phone")),
        email=spec.get("email"),
        schedule=schedules.get(spec["hours"]) if spec.get("hours") else None,
        note=localized(spec.get("note", "")),
    )
    return ServiceContact(inline, area, places)


def _pause(spec: dict[str, Any] | None) -> Pause | None:
    if not spec:
        return None
    until, start = spec.get("until"), spec.get("from")
    return Pause(
        message=localized(spec["message"]),
        until=dt.date.fromisoformat(str(until)) if until else None,
        start=dt.date.fromisoformat(str(start)) if start else None,
    )


def _emergency(spec: dict[str, Any]) -> EmergencyReply:
    calls = []
    for c in spec.get("call") or []:
        phone = _phone(c["phone"])
        if phone is not None:
            calls.append(EmergencyCall(localized(c["name"]), phone))
    return EmergencyReply(localized(spec["text"]), tuple(calls))


_NOT_TEXT = ("labels", "days", "months", "closed_dates_names")


def _messages(m: dict[str, Any]) -> Messages:
    labels = m["labels"]
    calendars = {language: calendar({"messages": m}, language) for language in CALENDARS}
    return Messages(
        **{k: localized(m[k]) for k in Messages.__dataclass_fields__ if k not in _NOT_TEXT},
        labels=Labels(
            **{k: localized(labels[k]) for k in Labels.__dataclass_fields__ if k in labels}
        ),
        # Irish names the file does not give are the built-in ones (routing/hours_text.py).
        days=_localized_names(calendars, "days"),
        months=_localized_names(calendars, "months"),
        closed_dates_names={
            str(k): localized(v) for k, v in (m.get("closed_dates_names") or {}).items()
        },
    )


def _localized_names(calendars: dict[str, Calendar], which: str) -> tuple[Localized, ...]:
    english = getattr(calendars[EN], which)
    irish = getattr(calendars["ga"], which)
    return tuple(Localized(en, ga) for en, ga in zip(english, irish))


def _conversation(c: dict[str, Any] | None) -> ConversationTexts | None:
    if not c:
        return None
    return ConversationTexts(
        acts={str(k): localized(v) for k, v in (c.get("acts") or {}).items()},
        topics={str(k): localized(v) for k, v in (c.get("topics") or {}).items()},
        possible_danger=localized(c["possible_danger"]),
        after_emergency=localized(c["after_emergency"]),
        offer_person=localized(c["offer_person"]),
        no_requests=localized(c["no_requests"]),
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
