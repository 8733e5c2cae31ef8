"""``python -m bot.storage migrate [URL]`` and ``python -m bot.storage copy SRC_URL DST_URL``.

- ``migrate``: create the schema or bring it up to date, and say which versions were applied.
  URL defaults to ``DATABASE_URL``, else the SQLite file ``HELPLINE_DB`` (``var/helpline.db``).
  The app does the same when it opens the database; this lets a deployment do it first.
- ``copy``: copy every table from one database to another, e.g. an existing SQLite
  deployment into PostgreSQL: ``copy sqlite:///var/helpline.db postgresql://…``. Refuses a
  destination that holds data unless ``--force`` (which replaces it). Stop the bot first.

URLs are ``sqlite:///PATH`` (or a plain path) and ``postgresql://USER:PASSWORD@HOST/DBNAME``;
what is printed never shows the password. Exit status: 0 done, 1 failed, 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Mapping, Sequence

from . import StorageError, StorageUrlError, open_database
from .copy import BATCH_SIZE, copy_database
from .schema import current_version

DEFAULT_SQLITE = "var/helpline.db"


def default_url(env: Mapping[str, str]) -> str:
    """``DATABASE_URL``, else the SQLite file the app uses (``HELPLINE_DB``)."""
    return (
        env.get("DATABASE_URL", "").strip()
        or env.get("HELPLINE_DB", "").strip()
        or DEFAULT_SQLITE
    )


def _migrate(url: str) -> None:
    db = open_database(url)
    try:
        version = db.call_sync(current_version)  # opening applies what is missing
        if db.applied:
            applied = ", ".join(str(v) for v in db.applied)
            print(f"{db.url}: applied schema version(s) {applied}; now at version {version}")
        else:
            print(f"{db.url}: schema at version {version}; nothing to apply")
    finally:
        db.close()


def _copy(source_url: str, destination_url: str, force: bool, batch_size: int) -> None:
    source = open_database(source_url)
    try:
        destination = open_database(destination_url)
        try:
            copied = copy_database(source, destination, force=force, batch_size=batch_size)
            print(f"copied {source.url} -> {destination.url}")
            for table, rows in copied.items():
                print(f"  {table}: {rows}")
        finally:
            destination.close()
    finally:
        source.close()


def _errors() -> tuple[type[BaseException], ...]:
    """What a database can fail with that is worth one line rather than a traceback."""
    found: list[type[BaseException]] = [StorageError, StorageUrlError, sqlite3.Error]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        found.append(psycopg.Error)
    return tuple(found)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.storage", description="The helpline's database: schema and copies."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="create or update the schema")
    migrate.add_argument(
        "url", nargs="?", help="default: DATABASE_URL, else HELPLINE_DB (var/helpline.db)"
    )
    copy = commands.add_parser("copy", help="copy every table into another database")
    copy.add_argument("source", help="e.g. sqlite:///var/helpline.db")
    copy.add_argument("destination", help="e.g. postgresql://helpline@db.example/helpline")
    copy.add_argument(
        "--force", action="store_true", help="replace what the destination holds already"
    )
    copy.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            _migrate(args.url or default_url(env))
        else:
            _copy(args.source, args.destination, args.force, max(1, args.batch_size))
    except _errors() as error:
        print(f"python -m bot.storage {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
