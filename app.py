"""Composition root: ``python app.py`` reads settings from the environment and serves the bot
on PORT (default 3978): ``POST /api/messages`` and ``GET /healthz``."""

from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from bot.server import create_app
from config.settings import Settings, SettingsError
from routing.errors import ConfigError


def main() -> int:
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app = create_app(settings)
    except ConfigError as error:
        print(f"{settings.routing_file} is not valid; the bot did not start:", file=sys.stderr)
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        return 2
    web.run_app(app, host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
