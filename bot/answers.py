"""What the helpline answers to a citizen's message, and what it remembers afterwards.

Channel- and SDK-neutral: the SDK turn (``bot/helpline_bot.py``) and the lean path for plain
messages (``bot/plain_messages.py``) both decide through this one class, so the two cannot
answer differently. ``state`` is the conversation's JSON state (``bot/state.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from routing.reply import ConversationFacts, Reply
from routing.router import Router

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Longest message the classifier is given; longer text is cut (bounded work per turn).
MAX_TEXT = 2000
_NEW_CONVERSATION = ConversationFacts()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def norm_label(text: str) -> str:
    """A button label or typed text as compared with the labels offered last time."""
    return " ".join(text.lower().split())


class Answers:
    """Decides replies from the live routing table. ``router`` is called on every message,
    so a reloaded table applies from the next one; ``offer`` may add buttons to a reply
    (the callback referral's "Ask them to call me back")."""

    def __init__(
        self,
        router: Callable[[], Router],
        clock: Clock = utc_now,
        offer: Callable[[Reply], Reply] | None = None,
    ) -> None:
        self.router = router
        self._clock = clock
        self._offer = offer

    @staticmethod
    def offered_choice(text: str, state: dict[str, Any]) -> str | None:
        """The choice whose button label the citizen typed (or their client sent as text)."""
        offered = state.get("offered")
        return offered.get(norm_label(text)) if offered and text else None

    def to_message(
        self, text: str, choice: str | None, has_attachments: bool, state: dict[str, Any]
    ) -> Reply | None:
        """The reply to a message (``choice`` from a button press); None needs no answer."""
        if choice is not None:
            return self.to_choice(choice, state)
        if not text and not has_attachments:
            return None  # an empty message needs no answer
        facts = ConversationFacts.from_dict(state.get("facts"))
        return self.router().respond(text, facts, self._clock())  # "": a photo or file alone

    def to_choice(self, choice: str, state: dict[str, Any]) -> Reply:
        facts = ConversationFacts.from_dict(state.get("facts"))
        return self.router().choose(choice, facts, self._clock())

    def settle(self, reply: Reply, state: dict[str, Any]) -> Reply:
        """The reply as sent (with any offered extras), noted in ``state``. Only what differs
        from a new conversation is kept: a one-off question leaves no state to write."""
        if self._offer is not None:
            reply = self._offer(reply)
        if reply.facts != _NEW_CONVERSATION or "facts" in state:
            state["facts"] = reply.facts.to_dict()
        if reply.choices or state.get("offered"):
            state["offered"] = {norm_label(c.label): c.value for c in reply.choices}
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "reply kind=%s intent=%s intents=%s score=%.1f",
                reply.kind,
                reply.intent,
                ",".join(reply.intents),
                reply.score,
            )
        return reply
