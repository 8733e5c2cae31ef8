"""The helpline app with its handlers replaced by an echo, for the benchmark: the same HTTP
endpoint, authentication, Bot Framework adapter, turn core (rate limit, state read and
write), metrics and logs, but no classification, routing or cards. The gap to the full bot
is the helpline's own work per message; the gap to the floor is the app shell's.

Run: python -m bench.app_echo PORT
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from bot.core.turn import Turn
from bot.web.app import RUNTIME, create_app
from bot.web.lifecycle import settle_heap
from config.settings import Settings


class Echo:
    name = "echo"

    def check(self, turn: Turn) -> bool | None:
        return True if turn.inbound.kind == "message" else None

    async def handle(self, turn: Turn, match: Any) -> bool:
        turn.say_text(f"echo: {turn.text}")
        return True


async def _swap_turn(app: web.Application) -> AsyncIterator[None]:
    app[RUNTIME].runner.handlers = (Echo(),)
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
