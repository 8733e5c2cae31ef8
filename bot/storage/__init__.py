"""What the bot keeps, behind one interface with two backends.

- ``db``: the backend protocol (``Database``/``Connection``) and storage errors.
- ``sqlite``: the embedded default, one file, nothing to install.
- ``postgres``: PostgreSQL, for several instances on one database (``DATABASE_URL``).
- ``schema``: tables and migrations for both.
- ``state``: conversation state with eTags.
- ``referrals``: referrals and the delivery outbox (leased, shared by instances).
- ``ratelimit``: per-conversation message limits (in memory, or shared in the database).
- ``records``: the typed rows the stores return.
- ``__main__``: ``python -m bot.storage migrate|copy``.

Each store is written once as functions over a ``Connection``; a backend only runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .db import (
    POSTGRESQL,
    SQLITE,
    Database,
    EtagConflict,
    StorageBusy,
    StorageError,
    StorageUnavailable,
    StorageUrlError,
)
from .ratelimit import Decision, MemoryRateLimits, RateLimits, SharedRateLimits
from .referrals import ReferralStore
from .sqlite import MEMORY, SqliteDatabase
from .state import StateItem, StateStore

__all__ = [
    "Decision",
    "EtagConflict",
    "RateLimits",
    "ReferralStore",
    "StateItem",
    "StateStore",
    "Storage",
    "StorageBusy",
    "StorageError",
    "StorageUnavailable",
    "StorageUrlError",
    "open_database",
]


# Draws a new referral reference (bot/referrals/codes.py); the store retries on a clash.
ReferenceFactory = Callable[[], str]


def open_database(url: str) -> Database:
    """The backend for ``url``: ``sqlite:///path`` (or a plain path, or ``:memory:``) or
    ``postgresql://user:password@host:port/dbname``. Nothing is opened until first use."""
    if url == MEMORY or url == "sqlite://" or url == "sqlite:///:memory:":
        return SqliteDatabase(MEMORY)
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresDatabase  # only needed, and importable, when used

        return PostgresDatabase(url)
    if scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
        if not path:
            raise StorageUrlError(f"{url!r}: write sqlite:///path/to/helpline.db")
        return SqliteDatabase(Path(path))
    if scheme and len(scheme) > 1:  # "C:" on Windows is a drive, not a scheme
        raise StorageUrlError(
            f"{url!r}: the database must be sqlite:///PATH or postgresql://USER@HOST/DBNAME"
        )
    return SqliteDatabase(Path(url))


@dataclass(frozen=True, slots=True)
class Storage:
    """Every store of one database, built once per app."""

    db: Database
    state: StateStore
    referrals: ReferralStore
    rate_limits: RateLimits

    @classmethod
    def build(
        cls,
        db: Database,
        new_reference: ReferenceFactory,
        *,
        rate_limit: int = 20,
        rate_window: float = 10.0,
    ) -> "Storage":
        limits: RateLimits
        if db.dialect == POSTGRESQL:
            limits = SharedRateLimits(db, rate_limit, rate_window)
        else:
            limits = MemoryRateLimits(rate_limit, rate_window)
        return cls(db, StateStore(db), ReferralStore(db, new_reference), limits)

    @property
    def shared(self) -> bool:
        """True when several instances may share this database."""
        return self.db.dialect != SQLITE
