"""The storage contract runs against every backend: SQLite always, PostgreSQL when a server
can be started here (tests/support/postgres.py says why when it cannot)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Storage, open_database
from bot.storage.db import Database

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = open_database(str(tmp_path / "var" / "helpline.db"))
    else:  # a fresh database on the session's server (tests/support/postgres.py)
        db = open_database(request.getfixturevalue("postgres_url"))
    yield db
    db.close()


@pytest.fixture
def storage(database: Database) -> Storage:
    counter = iter(range(10**6))
    return Storage.build(database, lambda: f"MAY-{next(counter):07d}")
