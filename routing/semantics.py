"""Checks a JSON Schema cannot express: references, duplicates, phones, emails, hours, wording.

``semantic_issues`` lists errors (the bot will not use the file); ``semantic_warnings``
lists things that are allowed but probably wrong (text cut short by `` #``, a pause that
has ended, next year's public holidays missing in the autumn, an ignored ``description``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rapidfuzz import fuzz, process

from routing.areas import eircode_key
from routing.errors import WARNING, ConfigIssue
from routing.localized import versions
from routing.hours import (
    DAY_KEYS,
    GROUP_KEYS,
    HoursFormatError,
    hours_problem,
    parse_day_hours,
    parse_special_key,
)
from routing.paths import Located
from routing.phones import emergency_elsewhere, parse_phone, phone_problem
from routing.handoff import handoff_issues
from routing.referrals import referral_issues
from routing.text import fold
from routing.wording import (
    ACT_DEFAULT,
    ACT_RULES,
    CONVERSATION_RULES,
    EMERGENCY_RULES,
    LABEL_RULES,
    MESSAGE_RULES,
    Rule,
    text_problems,
)
from routing.translations import citizen_texts, missing_irish_message

_EMAIL_EXAMPLE = "name@mayococo.ie"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

_EXPECT_HELP = "use a service id, none or emergency"
_NO_PHRASES = "has no phrases — add at least one way people ask for this service"
_NO_COUNTY_WIDE = "needs one contact without an area, for people elsewhere in the county"
_LISTED_AT_MOST = 12  # defined ids are listed in a message when there are this few
_SUGGEST_CUTOFF = 80.0  # only likely typing slips are suggested ("castelbar" -> "castlebar")
HOLIDAY_WARNING_MONTH = 10  # from October, next year's public holidays should be there


def suggest(value: str, choices: list[str]) -> str | None:
    """A defined id that ``value`` is probably a slip for: a close spelling, or one that is
    a whole part of it ("helpline_office" -> "helpline"). Never just a look-alike."""
    if not choices:
        return None
    hit = process.extractOne(value, choices, scorer=fuzz.ratio, score_cutoff=_SUGGEST_CUTOFF)
    if hit:
        return str(hit[0])
    parts = value.split("_")
    for choice in choices:
        theirs = choice.split("_")
        n = len(theirs)
        if n < len(parts) and any(parts[i : i + n] == theirs for i in range(len(parts) - n + 1)):
            return choice
    return None


class _Checker:
    def __init__(self, data: dict[str, Any], loc: Located) -> None:
        self.data = data
        self.loc = loc
        self.issues: list[ConfigIssue] = []
        self.places = _known_places(data.get("areas") or [])

    def add(self, path: tuple[Any, ...], message: str) -> None:
        self.issues.append(self.loc.issue(path, message))

    def ref(self, path: tuple[Any, ...], value: str, section: str, defined: list[str]) -> None:
        if value in defined:
            return
        guess = suggest(value, defined)
        if guess:
            hint = f' — did you mean "{guess}"?'
        elif defined and len(defined) <= _LISTED_AT_MOST:
            hint = f" — use one of: {', '.join(defined)}"
        else:
            hint = f" — add it under {section}:"
        self.add(path, f'"{value}" is not defined under {section}:{hint}')

    def area_ref(self, path: tuple[Any, ...], value: str, areas: list[str]) -> None:
        if value in areas:
            return
        place = self.places.get(fold(value.replace("_", " ")))
        if place is not None:
            name, area_id = place
            self.add(
                path,
                f'{name} is a town in area {area_id}, not an area — write area: {area_id}, or '
                f"give this contact places: [{name}] to serve {name} only",
            )
            return
        self.ref(path, value, "areas", areas)

    def phone(self, path: tuple[Any, ...], value: str, emergency_ok: bool = False) -> None:
        phone = parse_phone(value)
        if phone is None:
            self.add(path, phone_problem(value))
        elif phone.is_emergency and not emergency_ok:
            self.add(path, emergency_elsewhere(value))

    def email(self, path: tuple[Any, ...], value: str) -> None:
        if not _EMAIL.match(value):
            example = _EMAIL_EXAMPLE
            self.add(path, f'"{value}" is not a valid email address — write it like {example}')

    def text(self, path: tuple[Any, ...], text: Any, rule: Rule) -> None:
        """Each language version of ``text`` (a string, or ``{en, ga}``) under ``rule``, with
        its own language's safety words."""
        pair = isinstance(text, dict)
        for language, version in versions(text):
            for problem in text_problems(version, rule, language):
                self.add((*path, language) if pair else path, problem)


def _known_places(areas: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Folded town name -> (the name as written, area id); also each area's own name."""
    places: dict[str, tuple[str, str]] = {}
    for area in areas:
        names = [v for _, v in versions(area.get("name"))]
        for place in [*(area.get("places") or []), *names]:
            key = fold(str(place))
            if key:
                places.setdefault(key, (str(place), str(area["id"])))
    return places


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
        c.text(("emergency", kind, "text"), reply["text"], EMERGENCY_RULES.get(kind, Rule()))
        for i, call in enumerate(reply.get("call") or []):
            c.phone(("emergency", kind, "call", i, "phone"), call["phone"], emergency_ok=True)
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
    for key, text in data["messages"].items():
        if key in ("labels", "days", "months", "closed_dates_names"):
            continue
        c.text(("messages", key), text, MESSAGE_RULES.get(key, Rule()))
    for key, text in (data["messages"].get("labels") or {}).items():
        c.text(("messages", "labels", key), text, LABEL_RULES.get(key, Rule()))
    for key in data["messages"].get("closed_dates_names") or {}:
        c.ref(("messages", "closed_dates_names", key), key, "closed_dates", lists)
    conversation = data.get("conversation") or {}
    for key, text in conversation.items():
        if key in CONVERSATION_RULES:
            c.text(("conversation", key), text, CONVERSATION_RULES[key])
    for act, text in (conversation.get("acts") or {}).items():
        c.text(("conversation", "acts", act), text, ACT_RULES.get(act, ACT_DEFAULT))
    for topic, text in (conversation.get("topics") or {}).items():
        c.text(("conversation", "topics", topic), text, Rule())
    if data.get("referrals"):
        for path, message in referral_issues(data["referrals"], services, schedules):
            c.add(path, message)
    if data.get("handoff"):
        destinations = (data.get("referrals") or {}).get("destinations") or {}
        for path, message in handoff_issues(data["handoff"], destinations, schedules):
            c.add(path, message)
    for i, example in enumerate(data.get("examples") or []):
        expect = example["expect"]
        ids = expect if isinstance(expect, list) else [expect]
        for j, sid in enumerate(ids):
            if sid not in ("none", "emergency", *services):
                p: tuple[Any, ...] = ("examples", i, "expect")
                if isinstance(expect, list):
                    p = (*p, j)
                guess = suggest(sid, services)
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


def _date(c: _Checker, path: tuple[Any, ...], value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        c.add(path, f'"{value}" is not a real date — write it like 2026-12-25')
        return None


def _hours(c: _Checker, path: tuple[Any, ...], value: Any) -> bool:
    try:
        parse_day_hours(str(value))
    except HoursFormatError as exc:
        c.add(path, hours_problem(str(value), exc.why))
        return False
    return True


def _schedule(c: _Checker, path: tuple[Any, ...], spec: dict[str, Any], lists: list[str]) -> None:
    day_keys = [k for k in ("every_day", *GROUP_KEYS, *DAY_KEYS) if k in spec]
    if not day_keys:
        c.add(path, "has no hours — add a line like every_day: 9am-5pm")
    for key in dict.fromkeys(day_keys):
        _hours(c, (*path, key), spec[key])
    for i, item in enumerate(spec.get("closed") or []):
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", item):
            _date(c, (*path, "closed", i), item)
        else:
            c.ref((*path, "closed", i), item, "closed_dates", lists)
    ranges: list[tuple[dt.date, dt.date, str]] = []
    for key, hours in (spec.get("special") or {}).items():
        kpath = (*path, "special", key)
        try:
            first, last = parse_special_key(str(key))
        except ValueError:
            c.add(
                kpath,
                f'"{key}" is not a date or a range of dates — write it like 2026-12-24 or '
                "2026-12-21 to 2027-01-03",
            )
            continue
        _hours(c, kpath, hours)
        if last < first:
            c.add(kpath, f'"{key}" ends before it starts — write the earlier date first')
        elif last != first:
            for other_first, other_last, other in ranges:
                if first <= other_last and other_first <= last:
                    c.add(
                        kpath,
                        f'"{key}" overlaps "{other}" — a date may be in one range only '
                        "(a single date inside a range is fine: it wins)",
                    )
            ranges.append((first, last, str(key)))


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
            c.area_ref((*cpath, "area"), item["area"], areas)
        if "places" in item:
            _places(c, cpath, item)
        if "area" not in item and not item.get("places"):
            county_wide = True
        if "contact" in item:
            c.ref((*cpath, "contact"), item["contact"], "contacts", contacts)
            extra = sorted(k for k in item if k not in ("contact", "area", "places"))
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
    pause = service.get("paused")
    if pause:
        _pause(c, (*path, "paused"), pause)


def _places(c: _Checker, cpath: tuple[Any, ...], item: dict[str, Any]) -> None:
    if "area" in item:
        c.add(
            (*cpath, "places"),
            "use either area: (a whole area) or places: (particular towns) — not both",
        )
    codes = {str(code).upper() for code in _all_eircodes(c.data)}
    names = {k: v[0] for k, v in c.places.items()}
    for k, place in enumerate(item["places"]):
        key = eircode_key(str(place))
        if key is not None:
            if key not in codes:
                c.add(
                    (*cpath, "places", k),
                    f'"{place}" is not an Eircode listed under areas: — add it to its area\'s '
                    "eircodes first",
                )
            continue
        if fold(str(place)) in c.places:
            continue
        guess = process.extractOne(
            fold(str(place)), list(names), scorer=fuzz.ratio, score_cutoff=_SUGGEST_CUTOFF
        )
        hint = (
            f'did you mean "{names[guess[0]]}"?'
            if guess
            else "add it to the places of its area under areas: first"
        )
        c.add((*cpath, "places", k), f'"{place}" is not a town listed under areas: — {hint}')


def _all_eircodes(data: dict[str, Any]) -> list[str]:
    return [code for a in data.get("areas") or [] for code in a.get("eircodes") or []]


def _pause(c: _Checker, path: tuple[Any, ...], pause: dict[str, Any]) -> None:
    until = _date(c, (*path, "until"), str(pause["until"])) if pause.get("until") else None
    start = _date(c, (*path, "from"), str(pause["from"])) if pause.get("from") else None
    if until and start and until <= start:
        c.add((*path, "until"), f"is not after from: ({start.isoformat()}) — check the dates")


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


# ---- warnings ------------------------------------------------------------------------------
def semantic_warnings(data: dict[str, Any], loc: Located, today: dt.date) -> list[ConfigIssue]:
    """Allowed, but probably not what staff meant."""
    out: list[ConfigIssue] = []

    def warn(path: tuple[Any, ...], message: str, column: int | None = None) -> None:
        issue = loc.issue(path, message)
        source = loc.lines.source_line(issue.line)
        out.append(
            ConfigIssue(
                issue.file, issue.line, issue.path, message, WARNING, column, source
            )
        )

    for path, (_line, column) in sorted(loc.lines.cut_by_comment.items(), key=lambda kv: kv[1]):
        warn(
            path,
            "the text stops at \" #\": everything after # is read as a comment and citizens "
            'will not see it — put the whole text in double quotes ("...")',
            column,
        )
    for sid, spec in (data.get("opening_hours") or {}).items():
        if isinstance(spec, dict) and "description" in spec:
            warn(
                ("opening_hours", sid, "description"),
                "is no longer used: the bot writes the hours sentence itself from the hours, so "
                "it always matches them — remove this line",
            )
    for i, service in enumerate(data.get("services") or []):
        pause = service.get("paused") if isinstance(service, dict) else None
        until = _iso(pause.get("until")) if isinstance(pause, dict) else None
        if until is not None and until <= today:
            warn(
                ("services", i, "paused"),
                f"the pause ended on {until.isoformat()}, so the service is running again — "
                "remove paused: (or move its until: date)",
            )
    texts = citizen_texts(data)
    if any(t.ga for t in texts):  # a bilingual file (an English-only one answers in English)
        for text in texts:
            if not text.ga and text.en.strip():
                warn(text.path, missing_irish_message(text))
    if today.month >= HOLIDAY_WARNING_MONTH:
        for lid, dates in (data.get("closed_dates") or {}).items():
            if "holiday" not in lid or not isinstance(dates, list):
                continue
            years = {d.year for d in (_iso(x) for x in dates) if d is not None}
            if today.year in years and today.year + 1 not in years:
                warn(
                    ("closed_dates", lid),
                    f"has no dates in {today.year + 1} yet — add next year's public holidays "
                    "before 1 January, or the bot will say the helpline is open on them",
                )
    return out


def _iso(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
