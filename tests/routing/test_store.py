from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from routing.errors import ConfigError
from routing.store import RoutingStore
from tests.routing.conftest import FIXTURES
from tests.routing.fakes import keyword_factory

OLD_PHONE = '"094 906 4660"'
NEW_PHONE = '"094 906 4999"'


@pytest.fixture
def routing_file(tmp_path: Path) -> Path:
    path = tmp_path / "routing.yaml"
    shutil.copy(FIXTURES / "valid.yaml", path)
    return path


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


def test_start_up_with_broken_file_fails_with_precise_messages(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    shutil.copy(FIXTURES / "broken_values.yaml", broken)
    with pytest.raises(ConfigError) as caught:
        RoutingStore.load(broken, classifier_factory=keyword_factory)
    expected = (FIXTURES / "broken_values.expected").read_text(encoding="utf-8").splitlines()
    assert [str(i) for i in caught.value.issues] == [
        line.replace("broken_values.yaml", str(broken)) for line in expected
    ]


async def test_status_ok_after_load(store: RoutingStore, routing_file: Path) -> None:
    status = store.status()
    assert status["status"] == "ok" and status["errors"] == []
    assert status["file"] == str(routing_file)
    assert dt.datetime.fromisoformat(status["loaded_at"]).tzinfo is not None


async def test_edit_is_picked_up_then_broken_edit_keeps_last_good(
    store: RoutingStore, routing_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = routing_file.read_text(encoding="utf-8")
    routing_file.write_text(text.replace(OLD_PHONE, NEW_PHONE), encoding="utf-8")
    await _eventually(lambda: _helpline_phone(store) == "094 906 4999")
    good_router = store.router
    loaded_at = store.status()["loaded_at"]

    with caplog.at_level(logging.ERROR, logger="routing.store"):
        routing_file.write_text(text.replace(OLD_PHONE, '"09490"'), encoding="utf-8")
        await _eventually(lambda: store.status()["status"] == "error")
    assert store.router is good_router  # still answering with the last good table
    status = store.status()
    assert status["loaded_at"] == loaded_at
    assert status["errors"] == [
        f'{routing_file}:22: contacts.county_helpline.phone: "09490" is not a valid Irish phone number '
        "— write it like 094 906 4660"
    ]
    assert "09490" in caplog.text and "still using the version loaded at" in caplog.text

    routing_file.write_text(text, encoding="utf-8")  # fixed again
    await _eventually(lambda: store.status()["status"] == "ok")
    assert _helpline_phone(store) == "094 906 4660"


async def test_deleted_file_keeps_serving(store: RoutingStore, routing_file: Path) -> None:
    text = routing_file.read_text(encoding="utf-8")
    routing_file.unlink()
    await _eventually(lambda: store.status()["status"] == "error")
    assert "cannot read the file" in store.status()["errors"][0]
    assert _helpline_phone(store) == "094 906 4660"
    routing_file.write_text(text, encoding="utf-8")
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
    text = routing_file.read_text(encoding="utf-8").replace(OLD_PHONE, NEW_PHONE)
    # cut where the first half is valid YAML that would drop services and messages
    cut = text.index("services:")
    routing_file.write_text(text[:cut], encoding="utf-8")
    store.rest, store.path_to_finish = text[cut:], routing_file

    assert await store.check_once() is False  # changed while reading: not loaded, not an error
    assert store.status()["status"] == "ok"
    assert _helpline_phone(store) == "094 906 4660"

    assert await store.check_once() is True  # now complete and settled
    assert _helpline_phone(store) == "094 906 4999"
    assert len(store.router.table.services) == 3


async def test_unchanged_file_is_not_reloaded(routing_file: Path) -> None:
    store = RoutingStore.load(routing_file, classifier_factory=keyword_factory, settle_seconds=0)
    router = store.router
    assert await store.check_once() is False
    assert store.router is router
