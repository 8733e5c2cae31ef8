"""Prometheus metrics for ``GET /metrics``, in a registry of the app's own (not the global
one), so a process or a test can build any number of apps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Turn latency in seconds, inbound request to response (outbound replies included).
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every metric the bot exports. Label values are bounded: intents are service ids,
    ``emergency`` or ``none``; outcomes and kinds are fixed words."""

    def __init__(self) -> None:
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter(
            "helpline_messages",
            "Citizen messages handled, by intent and outcome "
            "(replied, reply_failed, error, rate_limited, ignored).",
            ["intent", "outcome"],
            registry=r,
        )
        self.replies = Counter(
            "helpline_replies", "Replies chosen, by kind (routed, fallback, ...).", ["kind"],
            registry=r,
        )
        self.fallbacks = Counter(
            "helpline_fallbacks", "Messages not understood: the fallback reply was sent.",
            registry=r,
        )
        self.emergencies = Counter(
            "helpline_emergencies", "Messages answered with emergency numbers.", registry=r
        )
        self.turn_latency = Histogram(
            "helpline_turn_latency_seconds",
            "Time to handle one inbound activity, replies included.",
            ["type"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.requests_refused = Counter(
            "helpline_requests_refused",
            "Inbound requests refused before a turn ran, by HTTP status.",
            ["status"],
            registry=r,
        )
        self.outbound_errors = Counter(
            "helpline_outbound_errors",
            "Calls to the connector service that failed for good (after retries), by kind.",
            ["kind"],
            registry=r,
        )
        self.outbound_retries = Counter(
            "helpline_outbound_retries",
            "Calls to the connector service retried, by the failure that caused the retry.",
            ["kind"],
            registry=r,
        )
        self.turns_failed = Counter(
            "helpline_turns_failed",
            "Turns that raised (the citizen got an apology when one could be sent).",
            ["error"],
            registry=r,
        )
        self.rate_limited = Counter(
            "helpline_rate_limited",
            "Messages over the per-conversation rate limit.",
            registry=r,
        )
        self.storage_busy = Counter(
            "helpline_storage_busy",
            "Turns answered with 'please try again' because the database was busy too long.",
            registry=r,
        )
        self.staff_actions_refused = Counter(
            "helpline_staff_actions_refused",
            "Staff card actions refused because they did not come from a staff destination.",
            registry=r,
        )
        self.in_flight = Gauge(
            "helpline_turns_in_flight", "Inbound activities being handled now.", registry=r
        )
        self.config_ok = Gauge(
            "helpline_config_ok",
            "1 when the routing file on disk is valid and in use; 0 when the last reload "
            "failed (the last good version keeps serving).",
            registry=r,
        )
        self.config_loaded_at = Gauge(
            "helpline_config_loaded_timestamp_seconds",
            "When the routing table in use was loaded (Unix time).",
            registry=r,
        )

    # -- called by the connector sender (only on failures: nothing on the success path) ---
    def child(self, metric: Any, *values: str) -> Any:
        """``metric.labels(*values)``, looked up once per label values (they are bounded)."""
        key = (id(metric), values)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*values)
        return found

    def outbound_retry(self, kind: str) -> None:
        self.outbound_retries.labels(kind=kind).inc()

    def outbound_failure(self, kind: str) -> None:
        self.outbound_errors.labels(kind=kind).inc()

    def config_status(self, status: dict[str, Any]) -> None:
        self.config_ok.set(0 if status.get("status") == "error" else 1)
        loaded_at = status.get("loaded_at")
        if isinstance(loaded_at, str):
            try:
                self.config_loaded_at.set(dt.datetime.fromisoformat(loaded_at).timestamp())
            except ValueError:
                pass

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
