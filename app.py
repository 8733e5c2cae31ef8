"""Composition root: ``python app.py`` reads settings from the environment and serves the bot
on PORT (default 3978): ``POST /api/messages``, ``GET /healthz``, ``/readyz`` and ``/metrics``.

Logs are JSON lines on stderr with personal data redacted (``bot/logs.py``). SIGTERM or
SIGINT: stop accepting, finish the turns in flight for up to SHUTDOWN_GRACE_SECONDS, exit 0."""

from __future__ import annotations

import logging
import os
import sys

from bot.web import guard as web_guard
from bot.web.lifecycle import settle_heap
from bot.ops.logs import configure_logging
from bot.web.app import create_app
from config.settings import Settings, SettingsError, is_loopback
from routing.errors import ConfigError


def main() -> int:
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        app = create_app(settings)
    except ConfigError as error:
        print(f"{settings.routing_file} is not valid; the bot did not start:", file=sys.stderr)
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        return 2
    app.on_startup.append(settle_heap)  # last: after the routing table and runtime are built
    log = logging.getLogger("app")
    if not settings.auth_enabled and not is_loopback(settings.host):
        # Only reachable with ALLOW_UNAUTHENTICATED=true (Settings refuses it otherwise).
        log.warning(
            "authentication is OFF and the bot listens on %s (ALLOW_UNAUTHENTICATED=true): "
            "anyone who can reach this address can pose as any channel or user",
            settings.host,
        )
    shown_host = "localhost" if settings.host in ("0.0.0.0", "::") else settings.host
    log.info(
        "serving the helpline bot on http://%s:%d/api/messages (health: /healthz)",
        shown_host,
        settings.port,
    )
    # web.run_app with a deadline for each request's headers (bot/web/guard.py); no access
    # log: the turn log line replaces it, one line per turn.
    web_guard.run(
        app,
        host=settings.host,
        port=settings.port,
        header_timeout=settings.header_read_timeout,
        shutdown_timeout=settings.shutdown_grace,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
