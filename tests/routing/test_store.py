"""The live routing table: reloads, the last good version on disk, confirmation of removals,
the safety suite and the memory limits on every reload."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from routing.errors import ConfigError
from routing.files import last_good_path, previous_path
from routing.store import RoutingStore
from routing.versions_cli import accept
from tests.routing.conftest import FIXTURES
from tests.routing.fakes import keyword_factory

OLD_PHONE = '"094 906 4660"'
NEW_PHONE = '"094 906 4999"'
VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
WITHOUT_HOT_MEALS = VALID[: VALID.index("  - id: hot_meals")] + VALID[VALID.index("messages:") :]


@pytest.fixture
def routing_file(tmp_path: Path) -> Path:
    path = tmp_path / "routing.yaml"
    shutil.copy(FIXTURES / "valid.yaml", path)
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _load(path: Path, clock: Callable[[], float] | None = None) -> RoutingStore:
    return RoutingStore.load(
        path, classifier_factory=keyword_factory, settle_seconds=0.0, clock=clock or Clock()
    )


@pytest.fixture
async def store(routing_file: Path) -> AsyncIterator[RoutingStore]:
    store = RoutingStore.load(routing_file, classifier_factory=keyword_factory, settle_seconds=0.05)
    task = asyncio.create_task(store.watch(interval=0.05))
    yield store
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _eventually(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not true within {seconds} seconds")


def _helpline_phone(store: RoutingStore) -> str | None:
    phone = store.router.table.helpline.phone
    return phone.display if phone else None


def _write(path: Path, text: str) -> None:
    """Write as an editor saves: new content and a new modification time."""
    path.write_text(text, encoding="utf-8")


def test_start_up_with_broken_file_and_no_last_good_fails_with_precise_messages(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.yaml"
    shutil.copy(FIXTURES / "broken_values.yaml", broken)
    with pytest.raises(ConfigError) as caught:
        RoutingStore.load(broken, classifier_factory=keyword_factory)
    expected = (FIXTURES / "broken_values.expected").read_text(encoding="utf-8").splitlines()
    assert [str(i) for i in caught.value.issues] == [
        line.replace("broken_values.yaml", str(broken)) for line in expected
    ]


async def test_status_ok_after_load_and_last_good_saved_beside_the_file(
    store: RoutingStore, routing_file: Path
) -> None:
    status = store.status()
    assert status["status"] == "ok" and status["errors"] == [] and status["readiness"] == "ok"
    assert status["file"] == str(routing_file) and status["serving"] == "file"
    assert status["pending_confirmation"] is None
    assert dt.datetime.fromisoformat(status["loaded_at"]).tzinfo is not None
    assert last_good_path(routing_file) == routing_file.with_name(".routing.yaml.last-good")
    assert last_good_path(routing_file).read_text(encoding="utf-8") == VALID


async def test_edit_is_picked_up_then_broken_edit_keeps_last_good(
    store: RoutingStore, routing_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write(routing_file, VALID.replace(OLD_PHONE, NEW_PHONE))
    await _eventually(lambda: _helpline_phone(store) == "094 906 4999")
    good_router = store.router
    loaded_at = store.status()["loaded_at"]
    assert NEW_PHONE in last_good_path(routing_file).read_text(encoding="utf-8")
    assert previous_path(routing_file).read_text(encoding="utf-8") == VALID

    with caplog.at_level(logging.ERROR, logger="routing.store"):
        _write(routing_file, VALID.replace(OLD_PHONE, '"09490"'))
        await _eventually(lambda: store.status()["status"] == "error")
    assert store.router is good_router  # still answering with the last good table
    status = store.status()
    assert status["loaded_at"] == loaded_at
    assert status["errors"] == [
        f'{routing_file}:22: contacts.county_helpline.phone: "09490" is not a valid Irish phone number '
        "— write it like 094 906 4660, +353 94 906 4660 or 094 906 4660 ext 21"
    ]
    assert status["readiness"] == f"serving the last good version: {routing_file} has 1 problem"
    assert "09490" in caplog.text and "still using the version loaded at" in caplog.text

    _write(routing_file, VALID)  # fixed again
    await _eventually(lambda: store.status()["status"] == "ok")
    assert _helpline_phone(store) == "094 906 4660"


async def test_deleted_file_keeps_serving(store: RoutingStore, routing_file: Path) -> None:
    routing_file.unlink()
    await _eventually(lambda: store.status()["status"] == "error")
    assert store.status()["errors"] == [f"{routing_file}:1: the file does not exist"]
    assert _helpline_phone(store) == "094 906 4660"
    _write(routing_file, VALID)
    await _eventually(lambda: store.status()["status"] == "ok")


class _SlowEditor(RoutingStore):
    """Finishes writing the file while the store waits for it to settle."""

    rest: str = ""
    path_to_finish: Path | None = None

    async def _settle_wait(self) -> None:
        if self.rest and self.path_to_finish is not None:
            with self.path_to_finish.open("a", encoding="utf-8") as f:
                f.write(self.rest)
            self.rest = ""


async def test_half_written_file_is_never_loaded(routing_file: Path) -> None:
    store = _SlowEditor.load(routing_file, classifier_factory=keyword_factory)
    assert isinstance(store, _SlowEditor)
    text = VALID.replace(OLD_PHONE, NEW_PHONE)
    # cut where the first half is valid YAML that would drop services and messages
    cut = text.index("services:")
    _write(routing_file, text[:cut])
    store.rest, store.path_to_finish = text[cut:], routing_file

    assert await store.check_once() is False  # changed while reading: not loaded, not an error
    assert store.status()["status"] == "ok"
    assert _helpline_phone(store) == "094 906 4660"

    assert await store.check_once() is True  # now complete and settled
    assert _helpline_phone(store) == "094 906 4999"
    assert len(store.router.table.services) == 3


async def test_unchanged_file_is_not_reloaded(routing_file: Path) -> None:
    store = _load(routing_file)
    router = store.router
    assert await store.check_once() is False
    assert store.router is router


# ---- issue 17.1: nothing lost silently ---------------------------------------------------
def _cut_before_examples() -> str:
    return VALID[: VALID.index("examples:")]


async def test_truncated_file_waits_for_accept(routing_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = _load(routing_file)
    router = store.router
    with caplog.at_level(logging.ERROR, logger="routing.store"):
        _write(routing_file, _cut_before_examples())
        assert await store.check_once() is False
    assert store.router is router  # the complete version keeps serving
    status = store.status()
    assert status["status"] == "error" and status["errors"] == []
    pending = status["pending_confirmation"]
    assert pending["removes"] == ["the whole section the examples (examples:)"]
    assert "python -m routing accept" in pending["to_confirm"]
    assert "or save the file again after" in pending["to_confirm"]
    assert status["readiness"].startswith("serving the last good version: an edit of")
    assert "removes the whole section the examples" in caplog.text

    assert await store.check_once() is False  # nothing new: still waiting
    assert accept(str(routing_file)) == 0  # staff confirm: it becomes the last good version
    assert await store.check_once() is True
    assert store.router.table.examples == ()
    assert store.status()["status"] == "ok" and store.status()["pending_confirmation"] is None


async def test_same_removal_saved_again_a_minute_later_is_confirmed(routing_file: Path) -> None:
    clock = Clock()
    store = _load(routing_file, clock)
    _write(routing_file, WITHOUT_HOT_MEALS)
    assert await store.check_once() is False
    assert store.status()["pending_confirmation"]["removes"] == ["service hot_meals"]

    clock.now += 30
    _write(routing_file, WITHOUT_HOT_MEALS)  # saved again too soon: still waiting
    assert await store.check_once() is False
    assert store.router.table.service("hot_meals") is not None

    clock.now += 31
    routing_file.write_text(WITHOUT_HOT_MEALS, encoding="utf-8")
    import os

    os.utime(routing_file, ns=(1, 2))  # a new save, same content
    assert await store.check_once() is True
    assert store.router.table.service("hot_meals") is None


async def test_a_different_edit_restarts_the_wait(routing_file: Path) -> None:
    clock = Clock()
    store = _load(routing_file, clock)
    _write(routing_file, WITHOUT_HOT_MEALS)
    assert await store.check_once() is False
    clock.now += 120
    _write(routing_file, WITHOUT_HOT_MEALS.replace(OLD_PHONE, NEW_PHONE))
    assert await store.check_once() is False  # another version: not the one seen a minute ago
    assert store.status()["pending_confirmation"] is not None


async def test_restart_with_broken_file_starts_from_last_good(
    routing_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _load(routing_file)  # the bot ran once: the last good version is on disk
    _write(routing_file, VALID.replace("contacts:\n  county_helpline:", "contacts\n  county_helpline:"))
    with caplog.at_level(logging.ERROR, logger="routing.store"):
        store = _load(routing_file)
    status = store.status()
    assert status["status"] == "error" and status["serving"] == "last good version"
    assert status["serving_file"] == str(last_good_path(routing_file))
    assert status["errors"][0].startswith(f"{routing_file}:19: the file is not valid YAML")
    assert status["readiness"] == f"serving the last good version: {routing_file} has 1 problem"
    assert _helpline_phone(store) == "094 906 4660"
    (record,) = [r for r in caplog.records if r.name == "routing.store"]
    assert record.levelno == logging.ERROR
    assert "started from the last good version" in record.getMessage()

    _write(routing_file, VALID.replace(OLD_PHONE, NEW_PHONE))  # fixed: used, and reported fixed
    assert await store.check_once() is True
    assert store.status()["status"] == "ok" and store.status()["serving"] == "file"


async def test_restart_with_truncated_file_starts_from_last_good_until_accepted(
    routing_file: Path,
) -> None:
    _load(routing_file)
    _write(routing_file, _cut_before_examples())
    store = _load(routing_file)
    assert store.router.table.examples != ()
    status = store.status()
    assert status["serving"] == "last good version"
    assert status["pending_confirmation"]["removes"] == ["the whole section the examples (examples:)"]
    assert accept(str(routing_file)) == 0
    assert await store.check_once() is True
    assert store.router.table.examples == ()


def test_missing_file_starts_from_last_good(routing_file: Path) -> None:
    _load(routing_file)
    routing_file.unlink()
    store = _load(routing_file)
    assert store.status()["errors"] == [f"{routing_file}:1: the file does not exist"]
    assert _helpline_phone(store) == "094 906 4660"


def test_last_good_that_no_longer_passes_is_not_used(routing_file: Path) -> None:
    last_good_path(routing_file).write_text("helpline: {}\n", encoding="utf-8")
    _write(routing_file, "helpline: [\n")
    with pytest.raises(ConfigError):
        _load(routing_file)


async def test_rolled_back_file_equal_to_the_version_in_use_clears_the_error(routing_file: Path) -> None:
    store = _load(routing_file)
    _write(routing_file, "helpline: [\n")
    await store.check_once()
    assert store.status()["status"] == "error"
    _write(routing_file, VALID)
    assert await store.check_once() is False  # nothing to swap: it is the version in use
    assert store.status()["status"] == "ok"


# ---- issue 12.6: an edit cannot switch off safety or exhaust memory -------------------------
@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda t: t.replace("danger: [collapsed, not breathing,", "danger: [fainted,"),
            'safety check: "my mother collapsed and is not breathing" must get the emergency reply',
        ),
        (
            lambda t: t.replace("self_harm: [kill myself,", "self_harm: ["),
            'safety check: "I want to kill myself" must get the self-harm reply',
        ),
        (
            lambda t: t.replace(
                '"If someone is in danger or seriously ill, call 112 or 999 now."',
                '"If someone is in danger, ring a doctor."',
            ),
            'emergency.danger.text: must say "112 or 999"',
        ),
        (
            lambda t: t.replace("helpline:\n  contact: county_helpline", "helpline: &h\n  contact: county_helpline"),
            "anchors and aliases (&name and *name) are not allowed",
        ),
        (lambda t: t + "#" * (1024 * 1024), "a routing file may be at most 1 MB"),
    ],
    ids=["danger-phrases", "self-harm-phrases", "reply-without-112", "alias", "over-1-mb"],
)
async def test_reload_refuses_an_unsafe_file_and_keeps_the_last_good(
    routing_file: Path, edit: Callable[[str], str], words: str
) -> None:
    store = _load(routing_file)
    router = store.router
    _write(routing_file, edit(VALID))
    assert await store.check_once() is False
    assert store.router is router
    errors = store.status()["errors"]
    assert errors and any(words in e for e in errors), errors


# ---- issue 17.6: who changed what -----------------------------------------------------------
def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Máire Staff", "-c", "user.email=maire@example.ie", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


async def test_reload_logs_what_changed_and_the_commit(
    routing_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = routing_file.parent
    _git(folder, "init", "-q")
    _git(folder, "add", "routing.yaml")
    _git(folder, "commit", "-q", "-m", "routing table")
    store = _load(routing_file)
    edited = VALID.replace(OLD_PHONE, NEW_PHONE).replace(
        "phrases: [hot meals]", "phrases: [hot meals, hot dinners, meals on wheels]"
    )
    _write(routing_file, edited)
    _git(folder, "commit", "-q", "-am", "new number")
    with caplog.at_level(logging.INFO, logger="routing.store"):
        assert await store.check_once() is True
    (line,) = [r.getMessage() for r in caplog.records if "reloaded" in r.getMessage()]
    assert "contacts changed: county_helpline" in line
    assert "phrases/keywords: hot_meals +2 -0" in line
    assert "by Máire Staff" in line and "commit " in line
    assert "not yet committed" not in line

    _write(routing_file, edited.replace("phrases: [hot meals,", "phrases: [hot food,"))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="routing.store"):
        assert await store.check_once() is True
    (line,) = [r.getMessage() for r in caplog.records if "reloaded" in r.getMessage()]
    assert "phrases/keywords: hot_meals +1 -1" in line
    assert "with edits not yet committed" in line
