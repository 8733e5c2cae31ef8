"""Referrals, their deliveries and staff actions as small typed records (what the stores
read and write; no behaviour)."""

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
PAGE = "page"  # the staff page: nothing to send
PAGE = "page"  # the staff page (bot/staff): nothing to send, delivered at once, claimed there
PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"  # gave up after the last retry (escalated when a fallback exists)


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
    citizen_ref: dict[str, Any]  # the citizen's conversation address, for proactive messages
    town: str | None = None  # the place the citizen typed, when it was more than the area
    language: str = "en"  # the language the citizen wrote in: "en" or "ga"


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
    town: str | None = None
    language: str = "en"  # the language the citizen wrote in: "en" or "ga"


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
