"""Fixtures every test folder shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.support.connector import ConnectorStandIn

# A real PostgreSQL server for the tests that ask for one (skipped, saying why, without it).
pytest_plugins = ["tests.support.postgres"]


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorStandIn]:
    """A real local HTTP stand-in for the channel's connector service."""
    stand_in = ConnectorStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say what was skipped and why, once per reason (e.g. no PostgreSQL server here: the
    suite still ran on SQLite)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        terminalreporter.section("what was skipped")
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"{count} skipped: {reason}")
