"""What happened in one turn, for the one log line and the metrics each turn produces.

``TurnRecord`` lives in a context variable for the duration of one inbound request (each
aiohttp request runs in its own task, so records never mix). The core's replies are noted in
it (:meth:`TurnRecord.outcome_of`) once the turn has decided; failures the core reports go
through :class:`CoreObserver`.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from routing.reply import Reply

from .logs import FIELDS, ConversationHasher, redact
from .metrics import Metrics

log = logging.getLogger("bot.turn")

_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Activity types counted under their own name; anything else is "other" (bounded labels).
_KNOWN_TYPES = frozenset(
    {"message", "conversationUpdate", "invoke", "installationUpdate", "event", "typing",
     "messageReaction", "endOfConversation"}
)


# New correlation ids: a random prefix per process and a counter (unique, and cheaper than
# a random UUID per request).
_PROCESS = secrets.token_hex(8)
_SEQUENCE = itertools.count(1)


def correlation_id(header: str | None) -> str:
    """The caller's correlation id when it is a sane token with nothing in it that looks
    like personal data (it is logged unredacted), else a new one."""
    if header and _CORRELATION_ID.fullmatch(header) and redact(header) == header:
        return header
    return f"{_PROCESS}{next(_SEQUENCE):016x}"


@dataclass(slots=True)
class TurnRecord:
    correlation_id: str
    conversation: str = ""  # keyed hash, never the raw id
    channel: str = ""
    type: str = ""
    kind: str | None = None  # the reply's kind: routed, fallback, emergency ...
    intent: str | None = None
    score: float | None = None
    services: tuple[str, ...] = ()
    outcome: str = ""  # set when something other than the normal path happened
    handler: str = ""  # which of the core's handlers took the turn (bot/core/handlers.py)
    error: str = ""

    def reply(self, reply: Reply) -> Reply:
        self.kind = reply.kind
        self.intent = reply.intent
        self.score = reply.score
        self.services = tuple(dict.fromkeys(c.service_id for c in reply.contacts))
        return reply

    def outcome_of(self, replies: list[Reply]) -> None:
        """Note the turn's main reply: the first that is not a plain message (a form's
        note before a routed answer, say), else the first."""
        main = next((r for r in replies if r.kind not in ("text", "apology")), None)
        if main is None and replies:
            main = replies[0]
        if main is not None:
            self.reply(main)

    @property
    def type_label(self) -> str:
        return self.type if self.type in _KNOWN_TYPES else "other"

    def final_outcome(self) -> str:
        if self.outcome:
            return self.outcome
        if self.kind is not None:
            return "replied"
        return "ignored" if self.type == "message" else "ok"


_current: contextvars.ContextVar[TurnRecord | None] = contextvars.ContextVar(
    "turn_record", default=None
)


def current() -> TurnRecord | None:
    return _current.get()


def begin(record: TurnRecord) -> contextvars.Token[TurnRecord | None]:
    return _current.set(record)


def end(token: contextvars.Token[TurnRecord | None]) -> None:
    _current.reset(token)


class CoreObserver:
    """What the conversation core reports (``bot.core.turn.Failures``), counted and logged
    against the current turn's record."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def rate_limited(self) -> None:
        self._metrics.rate_limited.inc()
        record = _current.get()
        if record is not None:
            record.outcome = "rate_limited"

    def storage_busy(self) -> None:
        self._metrics.storage_busy.inc()
        record = _current.get()
        if record is not None:
            record.outcome = "storage_busy"
            record.error = "storage_busy"
        log.warning("turn answered 'please try again': the database was busy for too long")

    def bug(self, error: Exception) -> None:
        kind = type(error).__name__
        record = _current.get()
        if record is not None:
            record.outcome = "error"
            record.error = kind
        self._metrics.turns_failed.labels(error="bug").inc()
        log.error("turn failed: %s", kind, exc_info=error)

    def handled_by(self, name: str) -> None:
        record = _current.get()
        if record is not None:
            record.handler = name

    def send_failed(self, error: Exception) -> None:
        """A reply could not be delivered (after the connector's retries)."""
        kind = getattr(error, "kind", type(error).__name__)
        record = _current.get()
        if record is not None:
            record.outcome = "reply_failed"
            record.error = kind
        self._metrics.turns_failed.labels(error=kind).inc()
        log.error("turn failed: the reply could not be delivered (%s)", kind)


def finish(
    record: TurnRecord, status: int, latency: float, metrics: Metrics
) -> None:
    """Count the turn and write its one log line (no message text, no raw ids)."""
    outcome = record.final_outcome()
    metrics.child(metrics.turn_latency, record.type_label).observe(latency)
    if record.type == "message" or record.kind is not None:
        metrics.child(metrics.messages, record.intent or "none", outcome).inc()
    if record.kind is not None:
        metrics.child(metrics.replies, record.kind).inc()
        if record.kind == "fallback":
            metrics.fallbacks.inc()
        elif record.kind == "emergency":
            metrics.emergencies.inc()
    level = logging.WARNING if outcome in ("reply_failed", "error") else logging.INFO
    if not log.isEnabledFor(level):
        return
    fields: dict[str, Any] = {
        "correlation_id": record.correlation_id,
        "conversation": record.conversation,
        "channel": record.channel,
        "type": record.type,
        "intent": record.intent,
        "score": None if record.score is None else round(record.score, 1),
        "route": record.kind,
        "services": list(record.services),
        "latency_ms": round(latency * 1000.0, 1),
        "outcome": outcome,
        "status": status,
        "handler": record.handler,
    }
    if record.error:
        fields["error"] = record.error
    log.log(level, "turn %s", outcome, extra={FIELDS: fields})


def new_record(header: str | None, hasher: ConversationHasher, body: dict[str, Any]) -> TurnRecord:
    """The record of a turn for an activity's JSON ``body`` (checked by bot/inbound.py)."""
    conversation = body.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    return TurnRecord(
        correlation_id=correlation_id(header),
        conversation=hasher(conversation_id if isinstance(conversation_id, str) else None),
        channel=str(body.get("channelId") or "")[:32],
        type=str(body.get("type") or "")[:32],
    )
