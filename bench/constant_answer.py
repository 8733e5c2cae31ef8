"""The helpline bot as shipped, except that every message gets the same routed answer without
classification or routing (computed once at start-up). For bench/breakdown.py: the difference
to the real bot is what understanding the message costs inside the running server.

Run: python -m bench.constant_answer  (PORT and the rest from the environment, as app.py)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import app
from bot import observe
from routing.reply import ConversationFacts, Reply
from routing.store import RoutingStore

MESSAGE = "can someone collect my prescription"


def main() -> int:
    router = RoutingStore.load(app.Settings.from_env({}).routing_file).router
    answer = router.respond(MESSAGE, ConversationFacts(), dt.datetime.now(dt.timezone.utc))

    def respond(self: observe.ObservedRouter, text: str, facts: Any, now: Any = None) -> Reply:
        return self._note(answer)

    observe.ObservedRouter.respond = respond  # type: ignore[method-assign]
    return app.main()


if __name__ == "__main__":
    raise SystemExit(main())
