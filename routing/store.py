"""The live routing table: load at start-up, watch the file, swap in valid edits atomically.

What the bot serves is always a complete table that passed every check and the safety suite:

- An invalid edit never replaces the table in use: the last good table keeps serving, the
  precise errors are logged at ERROR and reported by ``status()`` (``/healthz``, ``/readyz``).
- A file being saved is only read once its size, modification time and content have stopped
  changing, and is swapped in only after a complete check, so it is never used half.
- An edit that removes sections, services, contacts, call-back destinations or examples, or
  shrinks the file sharply (``routing.changes.removals``), waits for confirmation: staff run
  ``python -m routing accept``, or save the same file again at least a minute later.
- Each version served is kept on disk beside the file (``.routing.yaml.last-good``, and the
  one before as ``.routing.yaml.previous``). At start-up a broken file, or one that removes
  parts unconfirmed, is reported and the bot starts from the last good version instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.changes import git_origin, removals, summary
from routing.errors import ConfigError, ConfigIssue
from routing.files import (
    FileVersion,
    last_good_path,
    read_optional,
    read_version,
    rotate_last_good,
)
from routing.loader import Checked, ClassifierFactory, check_text
from routing.router import Router

logger = logging.getLogger(__name__)

CONFIRM_AFTER_SECONDS = 60.0  # the same file saved again this long after: confirmed
LAST_GOOD = "last good version"
ACCEPT = "python -m routing accept"


@dataclass(slots=True)
class Pending:
    """A valid edit that removes parts of the file, waiting for confirmation."""

    version: FileVersion
    checked: Checked
    lost: list[str]
    since: float  # wall-clock seconds when first seen
    saves: int = 1

    def confirm_hint(self, after: float) -> str:
        when = dt.datetime.fromtimestamp(self.since + after).astimezone()
        return (
            f"run {ACCEPT} — or save the file again after {when.strftime('%H:%M:%S')} to confirm"
        )


class RoutingStore:
    """Holds the current Router. ``store.router`` is always a complete, valid table."""

    def __init__(
        self,
        path: str | Path,
        router: Router,
        served: FileVersion,
        data: dict[str, Any],
        *,
        classifier_factory: ClassifierFactory | None = None,
        settle_seconds: float = 0.2,
        confirm_after: float = CONFIRM_AFTER_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._router = router
        self._served = served
        self._data = data
        self._from_last_good = False
        self._tried: tuple[int, str] | None = (served.mtime_ns, served.sha256)
        self._factory = classifier_factory
        self._settle = settle_seconds
        self._confirm_after = confirm_after
        self._clock = clock
        self._loaded_at = dt.datetime.now(dt.timezone.utc)
        self._errors: list[str] = []
        self._warnings: list[str] = []
        self._pending: Pending | None = None
        self._save_problem: str | None = None

    # ---- start-up ------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        classifier_factory: ClassifierFactory | None = None,
        settle_seconds: float = 0.2,
        confirm_after: float = CONFIRM_AFTER_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> RoutingStore:
        """Load ``path`` at start-up. When it is broken (or removes parts unconfirmed) and a
        last good version is saved beside it, start from that and report the file; with no
        last good version, raise ConfigError listing every problem."""
        path = Path(path)
        options: dict[str, Any] = {
            "classifier_factory": classifier_factory,
            "settle_seconds": settle_seconds,
            "confirm_after": confirm_after,
            "clock": clock,
        }
        version: FileVersion | None = None
        try:
            version = read_version(path)
            checked = check_text(version.text, str(path), classifier_factory=classifier_factory)
            problems = checked.issues
        except ConfigError as exc:
            checked, problems = None, exc.issues
        good = read_optional(last_good_path(path))
        good_checked = None
        if good is not None and (version is None or good.sha256 != version.sha256):
            good_checked = check_text(
                good.text, str(last_good_path(path)), classifier_factory=classifier_factory
            )
            if not good_checked.ok:
                logger.warning(
                    "the last good version %s no longer passes the checks; not using it",
                    last_good_path(path),
                )
                good_checked = None
        if checked is not None and checked.ok and version is not None:
            lost = (
                removals(good_checked.data, checked.data, good.size, version.size)
                if good_checked is not None and good is not None
                else []
            )
            if not lost:
                store = cls._serving(path, version, checked, options)
                store._warned(checked.warnings)
                store._keep_last_good()
                logger.info("routing file %s loaded (%s)", path, store._origin())
                return store
            assert good is not None and good_checked is not None
            store = cls._serving(path, good, good_checked, options)
            store._from_last_good = True
            store._tried = (version.mtime_ns, version.sha256)
            store._pending = Pending(version, checked, lost, clock())
            logger.error(
                "routing file %s removes %s compared with the last good version; started from "
                "the last good version (%s). If the removal is wanted: %s",
                path,
                "; ".join(lost),
                last_good_path(path),
                ACCEPT,
            )
            return store
        if good is None or good_checked is None or not good_checked.ok:
            raise ConfigError(problems)
        store = cls._serving(path, good, good_checked, options)
        store._from_last_good = True
        store._tried = (version.mtime_ns, version.sha256) if version is not None else None
        store._errors = [str(i) for i in problems]
        logger.error(
            "routing file %s has %d problem(s); started from the last good version %s "
            "(saved %s). Fix the file, or restore the last good version with "
            "python -m routing rollback:\n%s",
            path,
            len(problems),
            last_good_path(path),
            _saved_at(last_good_path(path)),
            "\n".join(store._errors),
        )
        return store

    @classmethod
    def _serving(
        cls, path: Path, version: FileVersion, checked: Checked, options: dict[str, Any]
    ) -> RoutingStore:
        assert checked.table is not None
        return cls(path, Router(checked.table), version, checked.data, **options)

    # ---- what the bot uses ---------------------------------------------------------------
    @property
    def router(self) -> Router:
        return self._router

    def status(self) -> dict[str, Any]:
        """For ``/healthz`` and ``/readyz``. ``status`` is "error" whenever the file on disk
        is not the version in use (broken, or waiting for confirmation)."""
        pending = self._pending
        broken = bool(self._errors)
        out: dict[str, Any] = {
            "status": "error" if broken or pending else "ok",
            "file": str(self.path),
            "loaded_at": self._loaded_at.isoformat(timespec="seconds"),
            "errors": list(self._errors),
            "warnings": list(self._warnings),
            "serving": LAST_GOOD if self._from_last_good else "file",
            "serving_file": str(last_good_path(self.path) if self._from_last_good else self.path),
            "version": self._served.sha256[:12],
            "pending_confirmation": None,
            "readiness": "ok",
        }
        if pending is not None:
            out["pending_confirmation"] = {
                "since": dt.datetime.fromtimestamp(pending.since, dt.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                "removes": list(pending.lost),
                "to_confirm": pending.confirm_hint(self._confirm_after),
            }
        if broken:
            n = len(self._errors)
            out["readiness"] = (
                f"serving the {LAST_GOOD}: {self.path} has {n} problem{'s' if n != 1 else ''}"
            )
        elif pending is not None:
            out["readiness"] = (
                f"serving the {LAST_GOOD}: an edit of {self.path} removes parts of it and waits "
                f"for confirmation ({ACCEPT})"
            )
        if self._save_problem:
            out["last_good_not_saved"] = self._save_problem
        return out

    # ---- watching ------------------------------------------------------------------------
    async def check_once(self) -> bool:
        """Reload if the file changed and has settled. True when a new table was swapped in."""
        try:
            first = await asyncio.to_thread(read_version, self.path)
        except ConfigError as exc:
            return self._failed([str(i) for i in exc.issues], None)
        if (first.mtime_ns, first.sha256) == self._tried:
            if self._pending is not None and await asyncio.to_thread(self._accepted_on_disk):
                return await self._swap(self._pending.version, self._pending.checked)
            return False
        await self._settle_wait()  # an editor may still be writing
        try:
            second = await asyncio.to_thread(read_version, self.path)
        except ConfigError:
            return False  # gone or half-written mid-save: look again next time
        if second != first:
            return False  # still changing: look again next time
        self._tried = (first.mtime_ns, first.sha256)
        checked = await asyncio.to_thread(
            check_text, first.text, str(self.path), classifier_factory=self._factory
        )
        if not checked.ok:
            return self._failed([str(i) for i in checked.issues], first)
        self._warned(checked.warnings)
        if first.sha256 == self._served.sha256:  # back to the version in use (e.g. rollback)
            self._settled_on_file()
            return False
        lost = removals(self._data, checked.data, self._served.size, first.size)
        if lost:
            good = await asyncio.to_thread(read_optional, last_good_path(self.path))
            accepted = good is not None and good.sha256 == first.sha256
            if not accepted and not self._confirmed(first, checked, lost):
                return False
        return await self._swap(first, checked)

    async def _settle_wait(self) -> None:
        await asyncio.sleep(self._settle)

    def _accepted_on_disk(self) -> bool:
        pending = self._pending
        good = read_optional(last_good_path(self.path))
        return pending is not None and good is not None and good.sha256 == pending.version.sha256

    def _confirmed(self, version: FileVersion, checked: Checked, lost: list[str]) -> bool:
        """Whether an edit that removes parts (and was not accepted on disk) is confirmed:
        the same content saved again at least ``confirm_after`` seconds after it was first
        seen. Otherwise it becomes (or stays) the pending change."""
        now = self._clock()
        pending = self._pending
        if pending is not None and pending.version.sha256 == version.sha256:
            pending.saves += 1
            pending.version = version
            if now - pending.since >= self._confirm_after:
                logger.warning(
                    "routing file %s: the removal was confirmed by saving the file again", self.path
                )
                return True
            return False
        self._pending = Pending(version, checked, lost, now)
        self._errors = []
        logger.error(
            "routing file %s removes %s compared with the version in use; still using the "
            "version loaded at %s until the change is confirmed: %s",
            self.path,
            "; ".join(lost),
            self._loaded_at.isoformat(timespec="seconds"),
            self._pending.confirm_hint(self._confirm_after),
        )
        return False

    async def _swap(self, version: FileVersion, checked: Checked) -> bool:
        assert checked.table is not None
        before = self._data
        router = Router(checked.table)
        self._served = version
        await asyncio.to_thread(self._keep_last_good)  # on disk first: a restart finds it
        self._router = router  # one reference assignment: atomic for readers
        self._data = checked.data
        self._loaded_at = dt.datetime.now(dt.timezone.utc)
        was_failing = bool(self._errors) or self._from_last_good
        self._settled_on_file()
        if was_failing:
            logger.info("routing file %s is valid again", self.path)
        origin = await asyncio.to_thread(self._origin)
        logger.info("routing file %s reloaded: %s (%s)", self.path, summary(before, checked.data), origin)
        return True

    def _settled_on_file(self) -> None:
        self._errors = []
        self._pending = None
        self._from_last_good = False

    def _keep_last_good(self) -> None:
        try:
            rotate_last_good(self.path, self._served.text)
            self._save_problem = None
        except OSError as exc:
            self._save_problem = f"{last_good_path(self.path)}: {exc.strerror or exc}"
            logger.warning("could not save the last good version: %s", self._save_problem)

    def _origin(self) -> str:
        found = git_origin(self.path)
        return found if found else "not in git"

    def _warned(self, warnings: list[ConfigIssue]) -> None:
        shown = [str(w) for w in warnings]
        if shown and shown != self._warnings:
            logger.warning("routing file %s:\n%s", self.path, "\n".join(shown))
        self._warnings = shown

    def _failed(self, errors: list[str], version: FileVersion | None) -> bool:
        self._tried = (version.mtime_ns, version.sha256) if version else None  # None: re-check
        self._pending = None
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


def _saved_at(path: Path) -> str:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return "at an unknown time"
    return dt.datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds")
