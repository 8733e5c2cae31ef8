"""One inbound activity, end to end on the Bot Framework side: authenticate, hand the core a
neutral message, send what it decided, answer the HTTP request.

This replaces ``CloudAdapter.process``, whose 4.17.1 defects it avoids by construction:
- ``deliveryMode: expectReplies`` returns the replies in the HTTP response (200), not a 500
  from serialising the body twice;
- a card action (invoke) returns its answer once, as JSON, not a 500;
- any failure to authenticate (an expired token included) is a 401 with a short reason;
- replies go out through one pooled aiohttp session (``ConnectorSender``): no connector
  client is built per incoming activity.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from ..conversation import CardUpdate
from ..core.message import Outcome
from ..core.turn import TurnRunner
from .activities import BadActivity, to_inbound
from .auth import Authenticator, Caller
from .channel import BotFrameworkChannel, addressing_of_reply, join
from .connector import ConnectorError
from .render import EncodedReplies, Shape

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What the HTTP layer answers: a status and an optional JSON body."""

    status: int
    body: Any = None


class Observer(Protocol):
    def send_failed(self, error: Exception) -> None: ...


class Background(Protocol):
    """Work after the turn that must not delay the citizen's answer."""

    def wake_outbox(self) -> None: ...

    async def update_cards(self, updates: list[CardUpdate]) -> None: ...


class Endpoint:
    def __init__(
        self,
        authenticator: Authenticator,
        runner: TurnRunner,
        channel: BotFrameworkChannel,
        observer: Observer,
        background: Background,
    ) -> None:
        self.authenticator = authenticator
        self.runner = runner
        self.channel = channel
        self.observer = observer
        self.background = background
        self._encoded = EncodedReplies()

    async def run(self, body: dict[str, Any], caller: Caller) -> tuple[HttpAnswer, Outcome | None]:
        """Run one activity whose token ``authenticator`` has checked (``caller``). Raises
        ``BadActivity`` (400) before the core sees anything."""
        expect_replies = body.get("deliveryMode") == "expectReplies"
        inbound = to_inbound(body, trusted=caller.trusted)
        if body["type"] == "invoke" and inbound.kind == "other":
            return HttpAnswer(501), None
        outcome = await self.runner.run(inbound)
        shape = Shape.of(inbound.address.channel, inbound.address.scope)
        if expect_replies:
            activities = [self._activity_json(body, reply, shape) for reply in outcome.replies]
            answer = HttpAnswer(200, {"activities": activities})
        else:
            await self._send(body, outcome, shape)
            answer = HttpAnswer(200, outcome.invoke) if inbound.kind == "action" else HttpAnswer(200)
        if expect_replies and inbound.kind == "action":
            answer = HttpAnswer(200, outcome.invoke)
        if outcome.updates:
            await self.background.update_cards(outcome.updates)
        if outcome.wake_outbox:
            self.background.wake_outbox()
        return answer, outcome

    def _activity_json(self, body: dict[str, Any], reply: Any, shape: Shape) -> dict[str, Any]:
        addressing, _ = addressing_of_reply(body)
        return json.loads(join(self._encoded.fields(reply, shape), addressing))

    async def _send(self, body: dict[str, Any], outcome: Outcome, shape: Shape) -> None:
        if not outcome.replies:
            return
        addressing, reply_to = addressing_of_reply(body)
        service_url = body["serviceUrl"]
        conversation_id = body["conversation"]["id"]
        for reply in outcome.replies:
            activity = join(self._encoded.fields(reply, shape), addressing)
            try:
                await self.channel.sender.send(
                    service_url, conversation_id, activity, reply_to_id=reply_to
                )
            except ConnectorError as error:
                self.observer.send_failed(error)
                return  # the next reply would fail the same way


__all__ = ["BadActivity", "Endpoint", "HttpAnswer"]
