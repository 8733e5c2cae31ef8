"""The lean path for plain messages: a citizen's message in a one-to-one chat, answered
without building the SDK's TurnContext, ActivityHandler pipeline and activity models.

Most of a surge is exactly this: someone types what they need and gets a contact card. For
it the SDK path costs more than the helpline's own work (models built from the JSON and
back, a conversation reference copied per reply, the middleware pipeline). Here the reply is
decided by the same :class:`~bot.answers.Answers`, rendered by the same
:func:`~bot.cards.reply_fields` (encoded once per reply and shape), and sent through the same
:class:`~bot.connector.ConnectorSender`, under the same conversation lock, rate limit and
state store. Anything else stays on the SDK path (``take`` returns None): other activity
types, group chats and channels, ``expectReplies``, a token not yet validated, and, once the
state is read, anything the callback referral feature could take. Fields this path does not
read are not checked here (the SDK path refuses e.g. a malformed ``timestamp`` with 400).

``tests/hardening/test_lean_path.py`` holds both paths to the same output, call for call.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from botframework.connector.auth import AuthenticateRequestResult, JwtTokenValidation

from routing.reply import Reply
from routing.router import Router

from . import turn_policy
from .adapter import HelplineAdapter
from .answers import MAX_TEXT, Answers
from .cards import GROUP_SCOPES, EncodedReplies, Shape, choice_from_value, encode
from .connector import ConnectorSender
from .limits import Decision, RateLimiter
from .metrics import Metrics
from .referrals.service import Referrals
from .state import ConversationStore, conversation_key
from .turn_locks import ConversationLocks

log = logging.getLogger(__name__)

# Channels whose replies are not threaded (the SDK sends them without replyToId).
_UNTHREADED = frozenset({"directline", "webchat"})


@dataclass(slots=True)
class PlainMessage:
    """A message the lean path can answer, with what it needs from the activity."""

    body: dict[str, Any]
    conversation_id: str
    channel_id: str
    service_url: str
    text: str
    choice: str | None
    has_attachments: bool
    shape: Shape
    app_id: str | None
    audience: str


def _str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _shape_ok(body: dict[str, Any]) -> bool:
    """The fields the lean path copies into its reply have the shapes the SDK would accept
    (anything odd goes the SDK's way, which checks every field)."""
    conversation = body["conversation"]
    return (
        _str(body.get("id"))
        and _str(body.get("channelId"))
        and isinstance(body.get("recipient"), dict)
        and isinstance(conversation, dict)
        and isinstance(conversation.get("conversationType", ""), str)
        and isinstance(body.get("locale", ""), (str, type(None)))
        and isinstance(body.get("attachments", []), (list, type(None)))
        and body.get("deliveryMode") in (None, "normal")
    )


class PlainMessages:
    """Answers plain messages on the lean path; see the module docstring."""

    def __init__(
        self,
        adapter: HelplineAdapter,
        sender: ConnectorSender,
        answers: Answers,
        conversations: ConversationStore,
        locks: ConversationLocks,
        limiter: RateLimiter,
        metrics: Metrics,
        referrals: Referrals | None = None,
    ) -> None:
        self._adapter = adapter
        self._sender = sender
        self._answers = answers
        self._conversations = conversations
        self._locks = locks
        self._limiter = limiter
        self._metrics = metrics
        self._referrals = referrals
        self._encoded = EncodedReplies()
        self._loop_time = asyncio.get_running_loop().time

    # ---- which messages ------------------------------------------------------------------
    def take(self, body: dict[str, Any], auth_header: str | None) -> PlainMessage | None:
        """The message, if this path can answer it (``body`` is checked by bot/inbound.py)."""
        if body["type"] != "message" or not _shape_ok(body):
            return None
        conversation = body["conversation"]
        conversation_type = conversation.get("conversationType")
        if conversation_type in GROUP_SCOPES:
            return None  # @mentions, staff cards and team capture: the SDK turn
        channel_id: str = body["channelId"]
        service_url: str = body["serviceUrl"]
        result = self._adapter.authenticated(auth_header, channel_id, service_url)
        if result is None:
            return None  # validated on the SDK path first (then remembered)
        return PlainMessage(
            body=body,
            conversation_id=conversation["id"],
            channel_id=channel_id,
            service_url=service_url,
            text=(body.get("text") or "").strip()[:MAX_TEXT],
            choice=choice_from_value(body.get("value")),
            has_attachments=bool(body.get("attachments")),
            shape=Shape.of(channel_id, conversation_type),
            app_id=self._app_id(result),
            audience=result.audience or "",
        )

    @staticmethod
    def _app_id(result: AuthenticateRequestResult) -> str | None:
        claims = result.claims_identity.claims if result.claims_identity else {}
        return JwtTokenValidation.get_app_id_from_claims(claims)

    # ---- answering -----------------------------------------------------------------------
    async def answer(self, message: PlainMessage) -> bool:
        """Answer ``message``; False when, after all, it is the SDK turn's to answer (the
        callback referral feature could take it). The rate limit is applied either way."""
        decision = self._limiter.check(message.conversation_id, self._loop_time())
        if decision is not Decision.ALLOW:
            turn_policy.note_rate_limited(self._metrics)
            if decision is Decision.LIMITED_NOTIFY:
                try:
                    await self._send_text(message, turn_policy.rate_limited_text(self._router()))
                except Exception as error:  # what the SDK turn's on_turn_error does
                    if turn_policy.note_failure(error, self._metrics):
                        await self._apologise(message)
            return True
        key = conversation_key(message.channel_id, message.conversation_id)
        responded = False
        async with self._locks.hold(key):
            try:
                loaded = await self._conversations.read(key)
                mine, reply = self._decide(message, loaded.data)
                if not mine:
                    return False
                if reply is not None:
                    await self._send(message, self._encoded.fields(reply, message.shape))
                    responded = True
                await self._conversations.write(loaded)
            except Exception as error:  # what the SDK turn's on_turn_error does
                if turn_policy.note_failure(error, self._metrics) and not responded:
                    await self._apologise(message)
        return True

    def _decide(self, message: PlainMessage, state: dict[str, Any]) -> tuple[bool, Reply | None]:
        """Whether this path answers, and with what (noted in ``state``; None: no reply)."""
        text, choice = message.text, message.choice
        if choice is None:
            choice = self._answers.offered_choice(text, state)
        if self._referrals is not None and self._referrals.engages(text, choice, state):
            return False, None
        reply = self._answers.to_message(text, choice, message.has_attachments, state)
        return True, None if reply is None else self._answers.settle(reply, state)

    def _router(self) -> Router:
        return self._answers.router()

    async def _apologise(self, message: PlainMessage) -> None:
        try:
            await self._send_text(message, turn_policy.apology_text(self._router()))
        except Exception as error:  # logged and counted; nothing more to try
            log.error("apology could not be sent: %s", type(error).__name__)

    async def _send_text(self, message: PlainMessage, text: str) -> None:
        fields = {"type": "message", "text": text, "inputHint": "acceptingInput"}
        await self._send(message, encode(fields)[1:-1])

    async def _send(self, message: PlainMessage, fields: bytes) -> None:
        body = message.body
        reply_to = None if message.channel_id in _UNTHREADED else body["id"]
        addressing: dict[str, Any] = {
            "serviceUrl": message.service_url,
            "channelId": message.channel_id,
            "from": body["recipient"],
            "conversation": body["conversation"],
            "recipient": body["from"],
        }
        if body.get("locale") is not None:  # as the SDK copies it, even when empty
            addressing["locale"] = body["locale"]
        if reply_to is not None:
            addressing["replyToId"] = reply_to
        encoded = encode(addressing)
        await self._sender.send(
            message.service_url,
            message.conversation_id,
            b"{" + fields + b"," + encoded[1:],
            reply_to_id=reply_to,
            app_id=message.app_id,
            audience=message.audience,
        )
