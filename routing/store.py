"""The live routing table: load at start-up, watch the file, swap in valid edits atomically.

An invalid edit never replaces the table in use: the last good table keeps serving, the
precise errors are logged and reported by ``status()`` (for ``GET /healthz``). A file being
saved is only read once its size, modification time and content have stopped changing, and
is swapped in only after a complete parse and validation, so a half-written file is never
used half.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.errors import ConfigError, ConfigIssue
from routing.loader import ClassifierFactory, load_text
from routing.router import Router

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    mtime_ns: int
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class _Snapshot:
    fingerprint: Fingerprint
    text: str


def _read(path: Path) -> _Snapshot:
    stat = os.stat(path)
    data = path.read_bytes()
    return _Snapshot(
        Fingerprint(stat.st_mtime_ns, len(data), hashlib.sha256(data).hexdigest()),
        data.decode("utf-8"),
    )


class RoutingStore:
    """Holds the current Router. ``store.router`` is always a complete, valid table."""

    def __init__(
        self,
        path: str | Path,
        router: Router,
        fingerprint: Fingerprint | None,
        *,
        classifier_factory: ClassifierFactory | None = None,
        settle_seconds: float = 0.2,
    ) -> None:
        self.path = Path(path)
        self._router = router
        self._tried = fingerprint
        self._factory = classifier_factory
        self._settle = settle_seconds
        self._loaded_at = dt.datetime.now(dt.timezone.utc)
        self._errors: list[str] = []

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        classifier_factory: ClassifierFactory | None = None,
        settle_seconds: float = 0.2,
    ) -> RoutingStore:
        """Load ``path`` at start-up; raises ConfigError listing every problem."""
        try:
            snap = _read(Path(path))
        except (OSError, UnicodeDecodeError) as exc:
            issue = ConfigIssue(str(path), 1, "", f"cannot read the file: {exc}")
            raise ConfigError([issue]) from exc
        table = load_text(snap.text, str(path), classifier_factory=classifier_factory)
        return cls(
            path,
            Router(table),
            snap.fingerprint,
            classifier_factory=classifier_factory,
            settle_seconds=settle_seconds,
        )

    @property
    def router(self) -> Router:
        return self._router

    def status(self) -> dict[str, Any]:
        return {
            "status": "error" if self._errors else "ok",
            "file": str(self.path),
            "loaded_at": self._loaded_at.isoformat(timespec="seconds"),
            "errors": list(self._errors),
        }

    async def check_once(self) -> bool:
        """Reload if the file changed and has settled. True when a new table was swapped in."""
        try:
            first = await asyncio.to_thread(_read, self.path)
        except (OSError, UnicodeDecodeError) as exc:
            return self._failed([f"{self.path}:1: cannot read the file: {exc}"], None)
        if first.fingerprint == self._tried:
            return False
        await self._settle_wait()  # an editor may still be writing
        try:
            second = await asyncio.to_thread(_read, self.path)
        except (OSError, UnicodeDecodeError):
            return False  # gone or half-written mid-save: look again next time
        if second != first:
            return False  # still changing: look again next time
        self._tried = first.fingerprint
        try:
            table = await asyncio.to_thread(
                load_text, first.text, str(self.path), classifier_factory=self._factory
            )
        except ConfigError as exc:
            return self._failed([str(i) for i in exc.issues], first.fingerprint)
        self._router = Router(table)  # one reference assignment: atomic for readers
        self._loaded_at = dt.datetime.now(dt.timezone.utc)
        if self._errors:
            logger.info("routing file %s is valid again", self.path)
        self._errors = []
        logger.info("routing file %s reloaded", self.path)
        return True

    async def _settle_wait(self) -> None:
        await asyncio.sleep(self._settle)

    def _failed(self, errors: list[str], fingerprint: Fingerprint | None) -> bool:
        self._tried = fingerprint  # None: re-check whatever the file holds next time
        if errors != self._errors:
            logger.error(
                "routing file %s has %d problem(s); still using the version loaded at %s:\n%s",
                self.path,
                len(errors),
                self._loaded_at.isoformat(timespec="seconds"),
                "\n".join(errors),
            )
        self._errors = errors
        return False

    async def watch(self, interval: float = 1.0) -> None:
        """Check the file every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not stop the watcher: log it, keep the last good table
                logger.exception("unexpected error while reloading %s", self.path)
            await asyncio.sleep(interval)
