"""``python -m routing try``: what a citizen would be told, and why.

Shows the words that decided the answer (never a score), the reply, each contact with its
opening state, whether the call-back button is offered and where a request would be sent.
``--welcome`` shows the welcome instead (in Irish and English, as a new chat gets it, or in
``--language``). The reply is in the language the message is written in (Irish or English,
as the bot would answer it), or in ``--language``. Dates and times may be written the Irish way
(``25/12/2026 20:00``, ``25/12/2026 8pm``, ``25/12``), as ISO (``2026-12-25T20:00``), or as a
time today (``20:00``, ``8pm``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import TextIO

from routing.errors import ConfigError
from routing.files import read_version
from routing.hours import DUBLIN
from routing.loader import check_text
from routing.model import RoutingTable
from routing.regression import answer_of, titles_of
from routing.reply import ConversationFacts, Reply
from routing.router import Router

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.I)
WHEN_HELP = "write it like 25/12/2026 20:00, 25/12/2026 8pm, 25/12 or 20:00"


class WhenError(ValueError):
    pass


def parse_when(text: str, now: dt.datetime) -> dt.datetime:
    """An Irish date and/or time (naive: Irish time) as an aware datetime."""
    cleaned = " ".join(text.strip().split())
    try:
        parsed = dt.datetime.fromisoformat(cleaned)
        return parsed.astimezone(DUBLIN) if parsed.tzinfo else parsed.replace(tzinfo=DUBLIN)
    except ValueError:
        pass
    parts = cleaned.replace(" at ", " ").split(" ", 1)
    day, time = now.date(), None
    date_match = _DATE.match(parts[0])
    if date_match:
        d, m, y = date_match.groups()
        year = int(y) + (2000 if y and len(y) == 2 else 0) if y else now.year
        try:
            day = dt.date(year, int(m), int(d))
        except ValueError:
            raise WhenError(f'"{text}" is not a real date — {WHEN_HELP}') from None
        rest = parts[1] if len(parts) > 1 else ""
    else:
        rest = cleaned
    if rest:
        time_match = _TIME.match(rest.replace(" ", ""))
        if not time_match:
            raise WhenError(f'cannot read the time in "{text}" — {WHEN_HELP}')
        hour, minute, ampm = time_match.groups()
        h, mi = int(hour), int(minute or 0)
        if ampm:
            if not 1 <= h <= 12:
                raise WhenError(f'"{text}" is not a real time — {WHEN_HELP}')
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        if not (0 <= h < 24 and 0 <= mi < 60):
            raise WhenError(f'"{text}" is not a real time — {WHEN_HELP}')
        time = dt.time(h, mi)
    elif not date_match:
        raise WhenError(f'cannot read "{text}" — {WHEN_HELP}')
    return dt.datetime.combine(day, time or dt.time(12, 0), DUBLIN)


def _callback_lines(table: RoutingTable, reply: Reply) -> list[str]:
    config = table.referrals
    if reply.kind != "routed":
        return []
    if config is None:
        return ["Call-back: not offered — the file has no referrals: section"]
    lines = []
    for sid in reply.intents:
        destinations = config.enabled_destinations(sid)
        if destinations:
            kinds = {"teams": "Teams", "webhook": "web address", "page": "the bot's /staff page"}
            where = ", ".join(f"{d.name} ({kinds.get(d.type, d.type)})" for d in destinations)
            lines.append(
                f'Call-back: offered for {sid} as "{config.messages["offer_button"].in_(reply.language)}" — '
                f"requests go to {where}"
            )
            fallback = config.fallback_destination()
            if fallback is not None:
                lines.append(f"           if that keeps failing: {fallback.name}")
            break
    else:
        planned = [d for sid in reply.intents for d in config.plan(sid).destinations]
        off = ", ".join(dict.fromkeys(planned)) or "none"
        lines.append(
            f"Call-back: not offered for {' + '.join(reply.intents)} — no enabled destination "
            f"(destinations planned: {off}; see referrals: destinations:)"
        )
    return lines


def _print_reply(reply: Reply, out: TextIO) -> None:
    print("-" * 72, file=out)
    print(reply.text, file=out)
    if reply.choices:
        print("-" * 72, file=out)
        print("Buttons:  " + " | ".join(c.label for c in reply.choices), file=out)


def try_message(
    file: str,
    text: str,
    at: str | None,
    area: str | None,
    as_json: bool,
    welcome: bool = False,
    out: TextIO | None = None,
    language: str | None = None,
) -> int:
    out = out or sys.stdout
    try:
        version = read_version(Path(file), file)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue.render(), file=out)
        return 1
    checked = check_text(version.text, file)
    if checked.table is None:
        for issue in checked.issues:
            print(issue.render(), file=out)
        print(f"{file}: fix these first (python -m routing check)", file=sys.stderr)
        return 1
    table = checked.table
    router = Router(table)
    now = dt.datetime.now(DUBLIN).replace(second=0, microsecond=0)
    if at:
        try:
            now = parse_when(at, now)
        except WhenError as exc:
            print(str(exc), file=out)
            return 2
    if welcome:
        if language:
            reply = router.in_(language).welcome(now)
        else:
            reply = router.welcome(now, bilingual=True)  # a new chat's language is not known
        print(f"At:       {now.strftime('%A %d %B %Y %H:%M')} (Irish time)", file=out)
        print("Welcome (the first message in a new chat):", file=out)
        _print_reply(reply, out)
        return 0
    facts = ConversationFacts()
    if area:
        found = table.area(area)
        match = table.area_matcher.find(area) if found is None else None
        if found is None and match is None:
            ids = ", ".join(a.id for a in table.areas)
            print(f'unknown area "{area}" — use an area id ({ids}) or a town', file=out)
            return 2
        facts = ConversationFacts(
            area=found.id if found else match.area_id if match else None,
            place=match.matched if match else None,
        )
    result = router.classify(text)
    written = getattr(result, "language", None)
    router = router.in_(language or written)
    reply = router.respond(text, facts, now, result)
    if as_json:
        print(json.dumps(_as_json(now, result.as_json(), reply), ensure_ascii=False, indent=2), file=out)
        return 0
    titles = titles_of(table)
    print(f"At:       {now.strftime('%A %d %B %Y %H:%M')} (Irish time)", file=out)
    print(f"Message:  {text}", file=out)
    print(f"Understood: {answer_of(result).describe(titles)}", file=out)
    for line in _matter(result):
        print(line, file=out)
    if reply.language != "en" or written is not None:
        names = {"ga": "Irish", "en": "English"}
        said = f"written in {names[written]}" if written in names else "language not clear"
        print(f"Language: {names.get(reply.language, reply.language)} ({said})", file=out)
    print(f"Reply:    {reply.kind}", file=out)
    for c in reply.contacts:
        state = "open" if c.open_now else "closed"
        print(f"Contact:  {c.service_id or '-'} -> {c.name} {c.phone or c.email or ''} ({state})", file=out)
    if reply.facts.area:
        print(f"Area:     {reply.facts.area}", file=out)
    for line in _callback_lines(table, reply):
        print(line, file=out)
    _print_reply(reply, out)
    return 0


def _matter(result: object) -> list[str]:
    """What else the classifier found: a conversation act or another matter (and the
    vocabulary entry behind it), or a possible emergency (the reply leads with 112/999)."""
    lines = []
    act, topic = getattr(result, "act", None), getattr(result, "topic", None)
    evidence = getattr(result, "evidence", None) or {}
    if act or topic:
        kind, value = ("act", act) if act else ("topic", topic)
        why = "; ".join(evidence.get(kind, ()))
        lines.append(f"Matter:   {kind} {value}" + (f" ({why})" if why else ""))
    if getattr(result, "possible_emergency", False):
        why = "; ".join(evidence.get("possible_emergency", ()))
        lines.append("Danger:   possible emergency, the reply leads with 112/999" + (f" ({why})" if why else ""))
    return lines


def _as_json(now: dt.datetime, classification: dict[str, object], reply: Reply) -> dict[str, object]:
    return {
        "at": now.isoformat(timespec="minutes"),
        "classification": classification,
        "kind": reply.kind,
        "intents": list(reply.intents),
        "contacts": [dataclasses.asdict(c) for c in reply.contacts],
        "choices": [dataclasses.asdict(c) for c in reply.choices],
        "facts": reply.facts.to_dict(),
        "language": reply.language,
        "text": reply.text,
    }
