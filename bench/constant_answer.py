"""The helpline bot as shipped, except that every message gets the same routed answer without
classification or routing (computed once at start-up). For bench/breakdown.py: the difference
to the real bot is what understanding the message costs inside the running server.

Run: python -m bench.constant_answer  (PORT and the rest from the environment, as app.py)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import app
from bot.core import handlers
from bot.core.turn import Turn
from routing.reply import ConversationFacts
from routing.store import RoutingStore

MESSAGE = "can someone collect my prescription"


def main() -> int:
    router = RoutingStore.load(app.Settings.from_env({}).routing_file).router
    answer = router.respond(MESSAGE, ConversationFacts(), dt.datetime.now(dt.timezone.utc))

    class ConstantRoute(handlers.Route):
        def check(self, turn: Turn) -> Any:
            return True if turn.inbound.kind == "message" else None

        async def handle(self, turn: Turn, match: Any) -> bool:
            turn.say(answer)
            return True

    class NoEmergencyCheck(handlers.Emergency):
        def check(self, turn: Turn) -> Any:
            return None  # the classifier is what this build leaves out

    handlers.Route = ConstantRoute  # type: ignore[misc]
    handlers.Emergency = NoEmergencyCheck  # type: ignore[misc]
    return app.main()


if __name__ == "__main__":
    raise SystemExit(main())
