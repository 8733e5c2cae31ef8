"""Command line for the staff page.

    python -m bot.staff link --name NAME

prints a one-time sign-in link, valid for 10 minutes, for the computer running the bot. It
works only while Entra ID sign-in is not configured (then staff sign in with their council
account) and only from that computer (the page refuses other addresses). The link's token
is printed once; the database keeps only its hash, so the running bot can check it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from ..storage import open_database
from config.staff import LINK_MINUTES, StaffSettings, StaffSettingsError
from .signin import new_token


def database_url(env: Mapping[str, str]) -> str:
    """The database the bot uses: DATABASE_URL, else HELPLINE_DB (default var/helpline.db)."""
    return env.get("DATABASE_URL", "").strip() or env.get("HELPLINE_DB", "").strip() or "var/helpline.db"


def base_url(env: Mapping[str, str]) -> str:
    port = env.get("PORT", "").strip() or "3978"
    return f"http://127.0.0.1:{port}"


def link(name: str, env: Mapping[str, str]) -> int:
    try:
        settings = StaffSettings.from_env(env)
    except StaffSettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if settings.entra is not None:
        print(
            "Entra ID sign-in is configured (STAFF_ENTRA_TENANT_ID): sign in to /staff with "
            "your council account; sign-in links are only for a bot without Entra ID.",
            file=sys.stderr,
        )
        return 2
    name = " ".join(name.split())
    if not name:
        print("--name must not be empty", file=sys.stderr)
        return 2
    import time

    from ..storage.staff import create_link

    token, hashed = new_token()
    db = open_database(database_url(env))
    try:
        db.call_sync(lambda c: create_link(c, hashed, name, time.time(), LINK_MINUTES * 60))
    finally:
        db.close()
    print(f"{base_url(env)}/staff/login/link?token={token}")
    print(
        f"Open it on this computer within {LINK_MINUTES} minutes to sign in as {name}. "
        "It works once.",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_link = sub.add_parser("link", help="print a one-time sign-in link (no Entra ID only)")
    p_link.add_argument("--name", required=True, help="the staff member's name, as the audit log shows it")
    args = parser.parse_args(argv)
    return link(args.name, os.environ if env is None else env)


if __name__ == "__main__":
    sys.exit(main())
