"""Fixtures every test folder shares."""

from __future__ import annotations

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
