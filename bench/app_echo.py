"""The helpline app with its turn replaced by an echo, for the benchmark: the same HTTP
endpoint, adapter, authentication, limits, metrics and SDK pipeline, but no classification,
routing, cards or state. The gap to the full bot is the helpline's own work per message; the
gap to the floor is the app shell's and the SDK's.

Run: python -m bench.app_echo PORT
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from collections.abc import AsyncIterator

from aiohttp import web
from botbuilder.core import TurnContext

from bot.lifecycle import settle_heap
from bot.server import RUNTIME, create_app
from config.settings import Settings


async def _echo(context: TurnContext) -> None:
    await context.send_activity(f"echo: {context.activity.text}")


async def _swap_turn(app: web.Application) -> AsyncIterator[None]:
    app[RUNTIME] = dataclasses.replace(app[RUNTIME], logic=_echo)
    yield


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env({**os.environ, "PORT": sys.argv[1]})
    app = create_app(settings)
    app.cleanup_ctx.append(_swap_turn)  # runs after the app's own start-up
    app.on_startup.append(settle_heap)  # as app.py does
    web.run_app(app, host="127.0.0.1", port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
