"""Checks a JSON Schema cannot express: references, duplicates, phones, emails, hours, wording."""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any

from routing.errors import ConfigIssue
from routing.hours import DAY_KEYS, GROUP_KEYS, HoursFormatError, hours_problem, parse_day_hours
from routing.model import MESSAGE_PLACEHOLDERS
from routing.paths import Located
from routing.phones import parse_phone, phone_problem
from routing.referrals import referral_issues
from routing.schema_check import did_you_mean
from routing.text import fold

_EMAIL_EXAMPLE = "name@mayococo.ie"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


_EXPECT_HELP = "use a service id, none or emergency"
_NO_PHRASES = "has no phrases — add at least one way people ask for this service"
_NO_COUNTY_WIDE = "needs one contact without an area, for people elsewhere in the county"
_UNPAIRED = "has a { or } without its partner — write {name} placeholders in pairs"


class _Checker:
    def __init__(self, data: dict[str, Any], loc: Located) -> None:
        self.data = data
        self.loc = loc
        self.issues: list[ConfigIssue] = []

    def add(self, path: tuple[Any, ...], message: str) -> None:
        self.issues.append(self.loc.issue(path, message))

    def ref(self, path: tuple[Any, ...], value: str, section: str, defined: list[str]) -> None:
        if value in defined:
            return
        guess = did_you_mean(value, defined)
        hint = f' — did you mean "{guess}"?' if guess else f" — add it under {section}:"
        self.add(path, f'"{value}" is not defined under {section}:{hint}')

    def phone(self, path: tuple[Any, ...], value: str) -> None:
        if parse_phone(value) is None:
            self.add(path, phone_problem(value))

    def email(self, path: tuple[Any, ...], value: str) -> None:
        if not _EMAIL.match(value):
            example = _EMAIL_EXAMPLE
            self.add(path, f'"{value}" is not a valid email address — write it like {example}')


def semantic_issues(data: dict[str, Any], loc: Located) -> list[ConfigIssue]:
    c = _Checker(data, loc)
    contacts = list(data.get("contacts") or {})
    schedules = list(data.get("opening_hours") or {})
    lists = list(data.get("closed_dates") or {})
    options = list(data.get("out_of_hours") or {})
    areas = [a["id"] for a in data.get("areas") or []]
    services = [s["id"] for s in data["services"]]

    c.ref(("helpline", "contact"), data["helpline"]["contact"], "contacts", contacts)
    for j, oid in enumerate(data["helpline"].get("out_of_hours") or []):
        c.ref(("helpline", "out_of_hours", j), oid, "out_of_hours", options)
    for kind, reply in data["emergency"].items():
        for i, call in enumerate(reply.get("call") or []):
            c.phone(("emergency", kind, "call", i, "phone"), call["phone"])
    for cid, contact in (data.get("contacts") or {}).items():
        _contact(c, ("contacts", cid), contact, schedules)
        if "phone" not in contact and "email" not in contact:
            c.add(("contacts", cid), "has no phone or email — add at least one")
    for lid, dates in (data.get("closed_dates") or {}).items():
        for i, d in enumerate(dates):
            _date(c, ("closed_dates", lid, i), d)
    for sid, spec in (data.get("opening_hours") or {}).items():
        _schedule(c, ("opening_hours", sid), spec, lists)
    for oid, option in (data.get("out_of_hours") or {}).items():
        if "phone" in option:
            c.phone(("out_of_hours", oid, "phone"), option["phone"])
        if "hours" in option:
            c.ref(("out_of_hours", oid, "hours"), option["hours"], "opening_hours", schedules)
    _duplicates(c, "areas", areas)
    _areas(c, data.get("areas") or [])
    _duplicates(c, "services", services)
    for i, service in enumerate(data["services"]):
        _service(c, i, service, contacts, schedules, options, areas)
    _shared_phrases(c, data["services"])
    _messages(c, data["messages"])
    if data.get("referrals"):
        for path, message in referral_issues(data["referrals"], services, schedules):
            c.add(path, message)
    for i, example in enumerate(data.get("examples") or []):
        expect = example["expect"]
        ids = expect if isinstance(expect, list) else [expect]
        for j, sid in enumerate(ids):
            if sid not in ("none", "emergency", *services):
                p: tuple[Any, ...] = ("examples", i, "expect")
                if isinstance(expect, list):
                    p = (*p, j)
                guess = did_you_mean(sid, services)
                hint = f'did you mean "{guess}"?' if guess else _EXPECT_HELP
                c.add(p, f'"{sid}" is not a service id — {hint}')
    return c.issues


def _contact(
    c: _Checker, path: tuple[Any, ...], contact: dict[str, Any], schedules: list[str]
) -> None:
    if "phone" in contact:
        c.phone((*path, "phone"), contact["phone"])
    if "email" in contact:
        c.email((*path, "email"), contact["email"])
    if "hours" in contact:
        c.ref((*path, "hours"), contact["hours"], "opening_hours", schedules)


def _date(c: _Checker, path: tuple[Any, ...], value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        c.add(path, f'"{value}" is not a real date — write it like 2026-12-25')
        return False
    return True


def _schedule(c: _Checker, path: tuple[Any, ...], spec: dict[str, Any], lists: list[str]) -> None:
    day_keys = [k for k in ("every_day", *GROUP_KEYS, *DAY_KEYS) if k in spec]
    if not day_keys:
        c.add(path, "has no hours — add a line like every_day: 9am-5pm")
    for key in dict.fromkeys(day_keys):
        try:
            parse_day_hours(spec[key])
        except HoursFormatError:
            c.add((*path, key), hours_problem(spec[key]))
    for i, item in enumerate(spec.get("closed") or []):
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", item):
            _date(c, (*path, "closed", i), item)
        else:
            c.ref((*path, "closed", i), item, "closed_dates", lists)


def _duplicates(c: _Checker, section: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in seen:
            msg = f'the id "{item_id}" is used twice — each id must be different'
            c.add((section, i, "id"), msg)
        seen.add(item_id)


def _areas(c: _Checker, areas: list[dict[str, Any]]) -> None:
    places: dict[str, str] = {}
    codes: dict[str, str] = {}
    for i, area in enumerate(areas):
        for j, place in enumerate(area["places"]):
            key = fold(place)
            other = places.setdefault(key, area["id"])
            if other != area["id"]:
                msg = f'"{place}" is also listed in area "{other}" — list each place once'
                c.add(("areas", i, "places", j), msg)
        for j, code in enumerate(area.get("eircodes") or []):
            other = codes.setdefault(code.upper(), area["id"])
            if other != area["id"]:
                msg = f'"{code}" is also listed in area "{other}" — list each Eircode once'
                c.add(("areas", i, "eircodes", j), msg)


def _service(
    c: _Checker,
    i: int,
    service: dict[str, Any],
    contacts: list[str],
    schedules: list[str],
    options: list[str],
    areas: list[str],
) -> None:
    path: tuple[Any, ...] = ("services", i)
    if not [p for p in service["phrases"] if fold(p)]:
        c.add((*path, "phrases"), _NO_PHRASES)
    county_wide = False
    for j, item in enumerate(service["contacts"]):
        cpath = (*path, "contacts", j)
        if "area" in item:
            c.ref((*cpath, "area"), item["area"], "areas", areas)
        else:
            county_wide = True
        if "contact" in item:
            c.ref((*cpath, "contact"), item["contact"], "contacts", contacts)
            extra = sorted(k for k in item if k not in ("contact", "area"))
            if extra:
                c.add(cpath, f'use either "contact:" or your own {", ".join(extra)} — not both')
        elif "name" not in item:
            c.add(cpath, 'needs "contact: ID" (a contact from contacts:) or a name and phone')
        else:
            _contact(c, cpath, item, schedules)
            if "phone" not in item and "email" not in item:
                c.add(cpath, "has no phone or email — add at least one")
    if not county_wide:
        c.add((*path, "contacts"), _NO_COUNTY_WIDE)
    for j, oid in enumerate(service.get("out_of_hours") or []):
        c.ref((*path, "out_of_hours", j), oid, "out_of_hours", options)


def _shared_phrases(c: _Checker, services: list[dict[str, Any]]) -> None:
    owner: dict[str, str] = {}
    for i, service in enumerate(services):
        for j, phrase in enumerate(service["phrases"]):
            key = fold(phrase)
            if not key:
                continue
            other = owner.setdefault(key, service["id"])
            if other != service["id"]:
                c.add(
                    ("services", i, "phrases", j),
                    f'the phrase "{phrase}" is also used by service "{other}" — '
                    "each phrase may belong to only one service",
                )


def _messages(c: _Checker, messages: dict[str, Any]) -> None:
    for key, text in messages.items():
        if not isinstance(text, str):
            continue
        allowed = sorted(MESSAGE_PLACEHOLDERS.get(key, frozenset()))
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError:
            c.add(("messages", key), _UNPAIRED)
            continue
        for name in names:
            if name in allowed:
                continue
            if not allowed:
                c.add(("messages", key), f"{{{name}}} cannot be used in this message — remove it")
                continue
            guess = did_you_mean(name, allowed)
            listed = ", ".join(f"{{{a}}}" for a in allowed)
            hint = f"did you mean {{{guess}}}?" if guess else f"allowed: {listed}"
            c.add(("messages", key), f"unknown placeholder {{{name}}} — {hint}")
