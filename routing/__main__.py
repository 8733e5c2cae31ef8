"""Command line for council staff: check the routing file, try a message, confirm or undo edits.

    python -m routing check [FILE] [--against OLD] [--corpus PATTERN] [--recorded FILE]
    python -m routing check --send-test  # then a test card to each enabled destination
    python -m routing try [--json] [--at "25/12/2026 20:00"] [--area X] [--file FILE] TEXT
    python -m routing try --welcome [--at ...] [--language ga|en]
    python -m routing accept [FILE]      # confirm an edit that removes parts of the file
    python -m routing rollback [FILE]    # back to the last good version (again: one further)

Works from any folder: without FILE it uses ROUTING_FILE, else the project's
config/routing.yaml. It never prints a traceback: an unexpected failure is one plain line
(set ROUTING_DEBUG=1 to see the details).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from routing.check_cli import CheckOptions, check
from routing.try_cli import try_message
from routing.versions_cli import accept, rollback

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = "config/routing.yaml"
# Sending a test to a destination needs the bot's identity and connector, which live in bot/;
# routing/ must not import bot/, so the sender is named here and resolved at run time
# (ROUTING_SEND_TEST overrides it), as intents/ names its classifier loader.
DEFAULT_SEND_TEST = "bot.botframework.send_test:run"


def default_file() -> str:
    """ROUTING_FILE, else config/routing.yaml here, else the project's own."""
    configured = os.environ.get("ROUTING_FILE", "").strip()
    if configured:
        if Path(configured).exists() or Path(configured).is_absolute():
            return configured
        rooted = REPO / configured
        return str(rooted) if rooted.exists() else configured
    if Path(DEFAULT_FILE).exists():
        return DEFAULT_FILE
    return str(REPO / DEFAULT_FILE)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m routing", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="validate the routing file and show what an edit changes")
    p_check.add_argument("file", nargs="?", default=None)
    p_check.add_argument("--against", type=Path, help="compare with this file, not the last good version")
    p_check.add_argument("--corpus", action="append", help="messages to compare (file pattern); repeatable")
    p_check.add_argument("--recorded", type=Path, help="a file of recorded real messages")
    p_check.add_argument("--no-regression", action="store_true", help="skip the message comparison")
    p_check.add_argument("--all-changes", action="store_true", help="list every changed message")
    p_check.add_argument(
        "--send-test",
        action="store_true",
        help="when the file is OK, post a test card to each enabled destination",
    )
    p_try = sub.add_parser("try", help="what the bot would reply to TEXT")
    p_try.add_argument("text", nargs="*")
    p_try.add_argument("--json", action="store_true")
    p_try.add_argument("--at", help='Irish date and time, e.g. "25/12/2026 20:00"')
    p_try.add_argument("--area", help="the citizen's area (id or town)")
    p_try.add_argument("--file", default=None)
    p_try.add_argument("--welcome", action="store_true", help="show the welcome message")
    p_try.add_argument(
        "--language", choices=("ga", "en"), help="answer in Irish (ga) or English (en)"
    )
    for name, help_text in (
        ("accept", "confirm an edit that removes parts of the file (makes it the last good version)"),
        ("rollback", "put the last good version back (run again to go one further back)"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("file", nargs="?", default=None)
    return parser


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    file = getattr(args, "file", None) or default_file()
    if args.command == "check":
        options = CheckOptions(
            against=args.against,
            corpus=args.corpus,
            recorded=args.recorded,
            regression=not args.no_regression,
            all_changes=args.all_changes,
        )
        status = check(file, options)
        if status != 0 or not args.send_test:
            return status
        return send_test(file)
    if args.command == "accept":
        return accept(file)
    if args.command == "rollback":
        return rollback(file)
    text = " ".join(args.text)
    if not text and not args.welcome:
        print('say what the citizen writes, e.g. python -m routing try "I need shopping"')
        return 2
    return try_message(
        file, text, args.at, args.area, args.json, args.welcome, language=args.language
    )


def send_test(file: str) -> int:
    """Post a test to each enabled destination of ``file`` (already checked)."""
    from routing.loader import load_table

    spec = os.environ.get("ROUTING_SEND_TEST", "").strip() or DEFAULT_SEND_TEST
    module_name, _, name = spec.partition(":")
    try:
        sender = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        print(f"ROUTING_SEND_TEST={spec!r} names no function: {exc}", file=sys.stderr)
        return 2
    return int(sender(load_table(file), sys.stdout))


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # staff never see a traceback
        if os.environ.get("ROUTING_DEBUG"):
            raise
        print(
            f"Sorry, the routing tool hit a problem it did not expect ({type(exc).__name__}). "
            "Nothing was changed. Please tell IT, and run it again with ROUTING_DEBUG=1 to "
            "see the details.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
