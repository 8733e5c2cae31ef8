"""``python -m routing check --send-test``: the bot's real connector, identity and database
for :mod:`bot.referrals.send_test` (routing/ names :func:`run` without importing it).

Settings come from the same environment as the running bot (``MicrosoftAppId`` and friends,
``DATABASE_URL`` or ``HELPLINE_DB``); in local mode (no app id) no token is sent, as the
running bot does.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from config.settings import Settings, SettingsError
from routing.model import RoutingTable

from ..referrals.send_test import Outcome, report, send_tests
from ..storage import open_database
from ..storage.referrals import conversation_ref
from .channel import BotFrameworkChannel
from .connector import ConnectorSender
from .credentials import OutboundTokens, token_source

__all__ = ["run"]


def stored_refs(settings: Settings, table: RoutingTable) -> dict[str, Any]:
    """The conversation references the bot stored for its enabled Teams destinations (none
    when there is no database yet)."""
    config = table.referrals
    ids = [
        str(d.conversation)
        for d in (config.destinations.values() if config else ())
        if d.enabled and d.type == "teams" and d.conversation
    ]
    if not ids:
        return {}
    url = settings.storage_url
    if not settings.database_url and (url == ":memory:" or not Path(url).exists()):
        return {}
    db = open_database(url)
    try:
        return db.call_sync(lambda c: {i: conversation_ref(c, i) for i in ids})
    finally:
        db.close()


async def _send(table: RoutingTable, settings: Settings, env: Mapping[str, str]) -> list[Outcome]:
    refs = stored_refs(settings, table)
    async with aiohttp.ClientSession() as session:
        sender = ConnectorSender(
            session,
            OutboundTokens(token_source(settings)),
            timeout=settings.connector_timeout,
            attempts=1,
        )
        return await send_tests(
            table,
            session=session,
            channel=BotFrameworkChannel(sender),
            stored_refs=refs,
            env=env,
            timeout=settings.referral_webhook_timeout,
        )


def run(table: RoutingTable, out: TextIO, env: Mapping[str, str] | None = None) -> int:
    """Send the tests with the bot's own settings from ``env``; print one line each."""
    env = os.environ if env is None else env
    try:
        settings = Settings.from_env(env)
    except SettingsError as exc:
        print(f"cannot send tests: {exc}", file=out)
        return 2
    return report(asyncio.run(_send(table, settings, env)), out)
