"""Two real ``python app.py`` instances on one PostgreSQL database, a connector stand-in and a
webhook receiver that counts idempotency keys: what a council's scale-out looks like, on
loopback.

Every message a test sends carries its activity id as ``X-Correlation-Id``, so the turn log
line of each instance (JSON) can be matched with the request: an accepted turn that got no
reply at the connector must have a logged failure.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tests.referrals.support import SECRET_ENV, routing_with_referrals
from tests.support import activities as act
from tests.support.bot_process import BotProcess, clean_env
from tests.support.connector import ConnectorStandIn

# Outcomes of the turn log line that say the citizen got no (usual) answer and it was counted.
FAILED_OUTCOMES = frozenset({"reply_failed", "error", "rate_limited"})


def routing_for_instances(path: Path, webhook_url: str) -> Path:
    """The shipped routing file with the webhook destination on, and groceries given a
    Castlebar contact, so that a grocery request is answered with "which area?" first."""
    routing_with_referrals(path, webhook_url=webhook_url, to=("case_system",))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["contacts"]["castlebar_shop"] = {
        "name": "Castlebar Shopping Volunteers",
        "phone": "094 900 0001",
        "hours": "county_helpline",
    }
    for service in data["services"]:
        if service["id"] == "groceries":
            service["contacts"] = [
                {"contact": "castlebar_shop", "area": "castlebar"},
                {"contact": "county_helpline"},
            ]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def instance_env(database_url: str, routing: Path, **extra: str) -> dict[str, str]:
    """What every instance of one deployment shares: the database, the routing file, the
    keys. Only the port (and the log file) differ."""
    return clean_env(
        DATABASE_URL=database_url,
        ROUTING_FILE=str(routing),
        LOG_FORMAT="json",
        LOG_HASH_KEY="multi-instance-test-key",
        REFERRAL_RETRY_SECONDS="0.05",
        REFERRAL_RETRY_MAX_SECONDS="0.5",
        CONNECTOR_BACKOFF_SECONDS="0.01",
        CONNECTOR_BACKOFF_MAX_SECONDS="0.05",
        **{SECRET_ENV: "multi-instance-secret"},
        **extra,
    )


def start_instances(env: dict[str, str], folder: Path, count: int = 2) -> list[BotProcess]:
    return [BotProcess(env, log=folder / f"instance-{n}.log") for n in range(count)]


def turn_lines(bots: list[BotProcess]) -> list[dict[str, Any]]:
    """Every instance's turn log lines (JSON), the killed runs' included."""
    lines = []
    for bot in bots:
        for raw in bot.log_text().splitlines():
            if not raw.startswith("{"):
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if entry.get("logger") == "bot.turn":
                lines.append(entry)
    return lines


def log_errors(bots: list[BotProcess]) -> list[str]:
    """Lines at ERROR or above from any instance."""
    found = []
    for bot in bots:
        for raw in bot.log_text().splitlines():
            if raw.startswith("{") and json.loads(raw).get("level") in ("ERROR", "CRITICAL"):
                found.append(raw)
    return found


@dataclass
class Sent:
    activity_id: str
    conversation: str
    instance: int
    status: int | None  # None: no HTTP answer (connection refused or dropped)
    error: str = ""


@dataclass
class Talk:
    """Posts citizens' messages to chosen instances and remembers what happened to each."""

    session: aiohttp.ClientSession
    bots: list[BotProcess]
    connector: ConnectorStandIn
    sent: list[Sent] = field(default_factory=list)

    async def say(self, instance: int, conversation: str, text: str) -> Sent:
        body = act.message(self.connector.url, text, conversation_id=conversation,
                           user_id=f"user-{conversation}")
        headers = {"X-Correlation-Id": body["id"]}
        url = f"{self.bots[instance].url}/api/messages"
        try:
            async with self.session.post(url, json=body, headers=headers) as response:
                await response.read()
                sent = Sent(body["id"], conversation, instance, response.status)
        except (aiohttp.ClientError, OSError) as error:
            sent = Sent(body["id"], conversation, instance, None, type(error).__name__)
        self.sent.append(sent)
        return sent

    def replies_to(self, activity_id: str) -> list[dict[str, Any]]:
        return [c.body for c in self.connector.calls
                if c.method == "POST" and c.activity_id == activity_id]

    def last_reply(self, sent: Sent) -> dict[str, Any]:
        replies = self.replies_to(sent.activity_id)
        assert replies, f"no reply to {sent}"
        return replies[-1]

    def accounting(self) -> dict[str, int]:
        """Accepted turns (200) against replies at the connector and failures logged."""
        replied = Counter(c.activity_id for c in self.connector.calls if c.method == "POST")
        failed = {
            line["correlation_id"]: line["outcome"]
            for line in turn_lines(self.bots)
            if line.get("outcome") in FAILED_OUTCOMES
        }
        accepted = [s for s in self.sent if s.status == 200]
        unanswered = [s for s in accepted if not replied[s.activity_id]]
        return {
            "sent": len(self.sent),
            "accepted": len(accepted),
            "not_accepted": sum(1 for s in self.sent if s.status != 200),
            "replied": sum(1 for s in accepted if replied[s.activity_id]),
            "failures_logged": sum(1 for s in unanswered if s.activity_id in failed),
            "unaccounted": sum(1 for s in unanswered if s.activity_id not in failed),
        }
