"""Referrals from the command line, for staff and IT, reading the bot's own database.

    python -m bot.referrals list [--limit N]      recent referrals (no personal data)
    python -m bot.referrals show MAY-7K3Q         one referral with its details and deliveries
    python -m bot.referrals purge [--days N]      delete referrals closed more than N days ago

The database is the bot's: DATABASE_URL (PostgreSQL, several instances), else the SQLite
file HELPLINE_DB (default var/helpline.db); or --db PATH_OR_URL. Running this while the bot
runs is safe (SQLite WAL allows a reader and a writer at once; PostgreSQL is shared anyway).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from routing.hours import DUBLIN

from ..storage import open_database
from ..storage import referrals as store

DEFAULT_DB = "var/helpline.db"


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds, DUBLIN).strftime("%Y-%m-%d %H:%M")


def _database(arg: str | None) -> str:
    """--db, else DATABASE_URL, else the SQLite file HELPLINE_DB (as the bot chooses)."""
    return (
        (arg or "").strip()
        or os.environ.get("DATABASE_URL", "").strip()
        or os.environ.get("HELPLINE_DB", "").strip()
        or DEFAULT_DB
    )


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist (opening would create it)."""
    if "://" in url and not url.startswith("sqlite:///"):
        return None  # a server (PostgreSQL): it says itself when it cannot be reached
    path = Path(url.removeprefix("sqlite:///"))
    return None if path.exists() or url in (":memory:", "sqlite://") else path


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.referrals", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--db",
        help="the database: a SQLite file or sqlite:///PATH, or postgresql://... "
        "(default: $DATABASE_URL, else $HELPLINE_DB, else var/helpline.db)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="recent referrals, newest first")
    listing.add_argument("--limit", type=int, default=50)
    show = commands.add_parser("show", help="one referral in full")
    show.add_argument("reference")
    purge = commands.add_parser("purge", help="delete referrals closed more than --days ago")
    purge.add_argument(
        "--days",
        type=float,
        default=float(os.environ.get("REFERRAL_RETENTION_DAYS", "") or 30),
        help="retention in days (default: $REFERRAL_RETENTION_DAYS or 30)",
    )
    args = parser.parse_args(argv)
    url = _database(args.db)
    missing = _missing_sqlite_file(url)
    if missing is not None:
        print(f"no database at {missing} (set DATABASE_URL or HELPLINE_DB, or use --db)", file=sys.stderr)
        return 2
    db = open_database(url)
    try:
        if args.command == "list":
            rows = db.call_sync(lambda c: store.listing(c, args.limit))
            print(
                f"{'reference':<10} {'service':<20} {'status':<9} {'received':<16} {'closed':<16}",
                file=out,
            )
            for r in rows:
                print(
                    f"{r.reference:<10} {r.service_id:<20} {r.status:<9} {_when(r.created_at):<16} {_when(r.closed_at):<16}",
                    file=out,
                )
            return 0
        if args.command == "show":
            reference = args.reference.strip().upper()
            referral = db.call_sync(lambda c: store.get(c, reference))
            if referral is None:
                print(f"no referral {reference}", file=sys.stderr)
                return 1
            for label, value in (
                ("reference", referral.reference),
                ("service", referral.service_id),
                ("status", referral.status),
                ("name", referral.name),
                ("phone", referral.phone),
                ("area", referral.area or "-"),
                ("need", referral.need),
                ("received", _when(referral.created_at)),
                ("claimed by", referral.claimed_by or "-"),
                ("claimed", _when(referral.claimed_at)),
                ("closed", _when(referral.closed_at)),
            ):
                print(f"{label:>11}: {value}", file=out)
            for d in db.call_sync(lambda c: store.deliveries_of(c, reference)):
                extra = f" error={d.last_error}" if d.last_error else ""
                via = f" escalated-from=#{d.escalated_from}" if d.escalated_from else ""
                print(
                    f"   delivery #{d.id}: {d.kind} -> {d.destination} {d.status} tries={d.attempts}{via}{extra}",
                    file=out,
                )
            return 0
        cutoff = time.time() - args.days * 86400
        referrals, states = db.call_sync(lambda c: store.purge(c, cutoff, cutoff))
        print(
            f"deleted {referrals} referral(s) closed before {_when(cutoff)} and {states} unfinished callback(s)",
            file=out,
        )
        return 0
    finally:
        db.close()


if __name__ == "__main__":
    raise SystemExit(main())
