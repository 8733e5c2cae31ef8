"""Command line for council staff: check the routing file, and try a message against it.

    python -m routing check [FILE]
    python -m routing try [--json] [--at 2026-12-25T20:00] [--area X] [--file FILE] TEXT
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path

from routing.errors import ConfigError
from routing.examples import misroute_issue, run_examples
from routing.hours import DUBLIN
from routing.loader import load_table
from routing.reply import ConversationFacts
from routing.router import Router
from routing.yaml_lines import parse

DEFAULT_FILE = "config/routing.yaml"


def _default_file() -> str:
    return os.environ.get("ROUTING_FILE", DEFAULT_FILE)


def check(file: str) -> int:
    try:
        table = load_table(file)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue)
        n = len(exc.issues)
        plural = "s" if n != 1 else ""
        summary = f"{file}: {n} problem{plural} found — the bot will not use this file"
        print(summary, file=sys.stderr)
        return 1
    outcomes = run_examples(table)
    _, lines = parse(Path(file).read_text(encoding="utf-8"))
    wrong = [o for o in outcomes if not o.ok]
    for outcome in wrong:
        print(misroute_issue(outcome, file, lines))
    if wrong:
        print(
            f"{file}: valid, but {len(wrong)} of {len(outcomes)} examples went to the wrong place",
            file=sys.stderr,
        )
        return 1
    n_services, n_examples = len(table.services), len(outcomes)
    print(f"{file}: OK — {n_services} services, {n_examples} examples all routed correctly")
    return 0


def try_message(file: str, text: str, at: str | None, area: str | None, as_json: bool) -> int:
    try:
        table = load_table(file)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue)
        return 1
    router = Router(table)
    now = dt.datetime.now(DUBLIN)
    if at:
        parsed = dt.datetime.fromisoformat(at)
        now = parsed.astimezone(DUBLIN) if parsed.tzinfo else parsed.replace(tzinfo=DUBLIN)
    facts = ConversationFacts()
    if area:
        found = table.area(area) or None
        area_id = found.id if found else None
        if area_id is None:
            match = table.area_matcher.find(area)
            area_id = match.area_id if match else None
        if area_id is None:
            ids = ", ".join(a.id for a in table.areas)
            print(f'unknown area "{area}" — use an area id ({ids}) or a town')
            return 2
        facts = ConversationFacts(area=area_id)
    result = router.classify(text)
    reply = router.respond(text, facts, now)
    if as_json:
        out = {
            "at": now.isoformat(timespec="minutes"),
            "classification": result.as_json(),
            "kind": reply.kind,
            "intents": list(reply.intents),
            "contacts": [dataclasses.asdict(c) for c in reply.contacts],
            "choices": [dataclasses.asdict(c) for c in reply.choices],
            "facts": reply.facts.to_dict(),
            "text": reply.text,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"At:       {now.strftime('%A %d %B %Y %H:%M')} (Irish time)")
    intents = ", ".join(result.intents) or (result.intent or "none")
    if result.candidates:
        intents += f" (too close to call: {' or '.join(result.candidates)})"
    print(f"Intent:   {intents} (score {result.score:.2f})")
    for line in _why(result):
        print(line)
    print(f"Reply:    {reply.kind}")
    for c in reply.contacts:
        state = "open" if c.open_now else "closed"
        print(f"Contact:  {c.service_id or '-'} -> {c.name} {c.phone or c.email or ''} ({state})")
    if reply.facts.area:
        print(f"Area:     {reply.facts.area}")
    print("-" * 72)
    print(reply.text)
    if reply.choices:
        print("-" * 72)
        print("Buttons:  " + " | ".join(c.label for c in reply.choices))
    return 0


def _why(result: object) -> list[str]:
    """Why the classifier decided as it did: the vocabulary entries behind each finding."""
    lines = []
    act, topic = getattr(result, "act", None), getattr(result, "topic", None)
    if act or topic:
        lines.append(f"Matter:   {'act ' + act if act else 'topic ' + str(topic)}")
    if getattr(result, "possible_emergency", False):
        lines.append("Danger:   possible emergency (lead with 112/999)")
    for key, entries in (getattr(result, "evidence", None) or {}).items():
        lines.append(f"Why:      {key}: " + "; ".join(entries))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m routing", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="validate the routing file and run its examples")
    p_check.add_argument("file", nargs="?", default=None)
    p_try = sub.add_parser("try", help="what the bot would reply to TEXT")
    p_try.add_argument("text", nargs="+")
    p_try.add_argument("--json", action="store_true")
    p_try.add_argument("--at", help="Irish date and time, e.g. 2026-12-25T20:00")
    p_try.add_argument("--area", help="the citizen's area (id or town)")
    p_try.add_argument("--file", default=None)
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.file or _default_file())
    file = args.file or _default_file()
    return try_message(file, " ".join(args.text), args.at, args.area, args.json)


if __name__ == "__main__":
    sys.exit(main())
