"""Referrals and their deliveries as small typed records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Referral status.
RECEIVED = "received"  # committed; deliveries pending or done
CLAIMED = "claimed"  # a staff member said "I'll take it"

# Delivery kinds and status.
TEAMS = "teams"
WEBHOOK = "webhook"
CITIZEN = "citizen"  # a proactive message to the citizen (e.g. "Mary will ring you")
PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"  # gave up after the last retry (escalated when a fallback exists)


class DeliveryFailed(Exception):
    """One try of a delivery failed. ``kind`` is a short word for logs; ``retryable`` says
    whether to try again (a refusal such as 400 or a missing destination is not)."""

    def __init__(self, kind: str, *, retryable: bool = True) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class NewReferral:
    """What the callback conversation collected, before it has a reference."""

    submission: str  # unique per dialog run: committing twice gives the same referral
    conversation: str  # the citizen's conversation (state key)
    service_id: str
    name: str
    phone: str
    area: str | None
    need: str
    citizen_ref: dict[str, Any]  # serialised ConversationReference, for proactive messages


@dataclass(frozen=True, slots=True)
class Referral:
    reference: str
    submission: str
    conversation: str
    service_id: str
    name: str
    phone: str
    area: str | None
    need: str
    citizen_ref: dict[str, Any]
    status: str
    created_at: float  # seconds since the epoch
    claimed_by: str | None = None
    claimed_at: float | None = None
    closed_at: float | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    reference: str
    kind: str
    destination: str
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None = None
    escalated_from: int | None = None
    activity_id: str | None = None
    conversation_id: str | None = None
    service_url: str | None = None
    delivered_at: float | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a new delivery goes: ``kind`` (teams/webhook/citizen) and destination id."""

    kind: str
    destination: str
