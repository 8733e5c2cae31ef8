"""What only the PostgreSQL backend promises: several instances on one database (wake-ups,
no delivery taken twice, a bounded wait for another instance's lock), a pool that outlives a
server restart, and a URL that never shows the password. The storage contract itself runs on
both backends (test_contract.py)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.storage import Storage, StorageBusy, StorageUnavailable, StorageUrlError, open_database
from bot.storage.db import Connection
from bot.storage.postgres import PostgresDatabase, redact, to_pyformat
from bot.storage.records import NewReferral, Target
from bot.storage.referrals import OUTBOX_CHANNEL, add_delivery, due
from bot.storage.schema import LATEST, current_version, migrate
from tests.support.postgres import PostgresServer

FAR_FUTURE = 10_000_000_000.0


def _new(submission: str) -> NewReferral:
    return NewReferral(
        submission=submission,
        conversation=f"msteams/conversations/{submission}",
        service_id="groceries",
        name="Mary",
        phone="087 123 4567",
        area="castlebar",
        need="shopping",
        citizen_ref={},
    )


@pytest.fixture
def db(postgres_url: str) -> Iterator[PostgresDatabase]:
    database = PostgresDatabase(postgres_url)
    yield database
    database.close()


# ---- SQL and URLs (no server needed) -----------------------------------------------------------
@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("SELECT '?' , ?", "SELECT '?' , %s"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
        ("SELECT 1 -- why?\n, ?", "SELECT 1 -- why?\n, %s"),
        ("SELECT /* ? */ ?", "SELECT /* ? */ %s"),
        ("SELECT '50%' || ?", "SELECT '50%%' || %s"),
        ("SELECT 5 % ?", "SELECT 5 %% %s"),
        ("key LIKE ? ESCAPE '\\'", "key LIKE %s ESCAPE '\\'"),
    ],
    ids=["plain", "quoted", "doubled-quote", "identifier", "line-comment", "block-comment",
         "percent-in-literal", "modulo", "like-escape"],
)
def test_placeholders_are_rewritten_only_outside_quotes(sql: str, expected: str) -> None:
    assert to_pyformat(sql) == expected


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://helpline:s3cr%40t@db.example:5432/helpline",
        "postgresql://helpline@db.example/helpline?password=s3cr%40t&sslmode=require",
        "postgres://helpline:s3cr%40t@/helpline?host=/run/postgresql",
    ],
    ids=["in-userinfo", "in-query", "unix-socket"],
)
def test_the_url_shown_never_holds_the_password(url: str) -> None:
    database = PostgresDatabase(url)
    assert "s3cr" not in database.url and "s3cr" not in repr(database)
    assert "helpline@" in database.url
    assert redact(url).startswith(url.split(":", 1)[0] + "://helpline@")
    database.close()


def test_a_malformed_url_is_refused_without_echoing_the_password() -> None:
    with pytest.raises(StorageUrlError) as raised:
        open_database("postgresql://helpline:s3cret@db.example/helpline?no_such_option=1")
    assert "s3cret" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_an_unreachable_database_says_why_at_once_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://helpline:s3cret@/helpline?host={tmp_path}&port=1"
    database = PostgresDatabase(url)
    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as raised:
        database.call_sync(current_version)
    assert time.monotonic() - started < 3
    message = str(raised.value)
    assert message.startswith("cannot connect to postgresql://helpline@/helpline")
    assert str(tmp_path) in message and "\n" not in message  # libpq's reason, on one line
    assert "s3cret" not in message
    database.close()


# ---- schema ----------------------------------------------------------------------------------
def test_two_instances_starting_at_once_migrate_once(postgres_url: str) -> None:
    databases = [PostgresDatabase(postgres_url) for _ in range(3)]
    barrier = threading.Barrier(len(databases))

    def start(database: PostgresDatabase) -> list[int]:
        barrier.wait()
        database.call_sync(lambda c: None)  # the first operation opens and migrates
        return database.applied

    results: list[list[int]] = []
    threads = [threading.Thread(target=lambda d=d: results.append(start(d))) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [[], [], list(range(1, LATEST + 1))]
    assert databases[0].call_sync(migrate) == []
    assert databases[0].call_sync(current_version) == LATEST
    for database in databases:
        database.close()


# ---- transactions ------------------------------------------------------------------------------
def test_only_state_transactions_skip_the_wait_for_the_disk(db: PostgresDatabase) -> None:
    def setting(conn: Connection) -> str:
        row = conn.one("SHOW synchronous_commit")
        assert row is not None
        return str(row["synchronous_commit"])

    def observe(conn: Connection) -> tuple[str, str, str]:
        with conn.transaction(durable=False):
            state = setting(conn)
        with conn.transaction():
            durable = setting(conn)
        return state, durable, setting(conn)

    assert db.call_sync(observe) == ("off", "on", "on")


def test_an_error_rolls_back_and_leaves_the_connection_usable(db: PostgresDatabase) -> None:
    def fail(conn: Connection) -> None:
        with conn.transaction():
            conn.execute("INSERT INTO rate_limits VALUES (?, 1, 1, 1)", ("k",))
            conn.execute("SELECT no_such_column FROM rate_limits")

    for _ in range(db.pool_size + 1):  # every pooled connection goes through it
        with pytest.raises(psycopg.errors.UndefinedColumn):
            db.call_sync(fail)
    assert db.call_sync(lambda c: c.all("SELECT * FROM rate_limits")) == []


# ---- several instances -------------------------------------------------------------------------
async def _until(event: asyncio.Event, poke: object = None, seconds: float = 5.0) -> None:
    """Wait for ``event``; ``poke()`` (if given) every 50 ms meanwhile."""
    deadline = time.monotonic() + seconds
    while not event.is_set():
        if time.monotonic() > deadline:
            raise AssertionError("not woken")
        if callable(poke):
            await poke()
        try:
            await asyncio.wait_for(event.wait(), 0.05)
        except asyncio.TimeoutError:
            pass


async def test_a_committed_referral_wakes_another_instances_listener(postgres_url: str) -> None:
    listener, writer = PostgresDatabase(postgres_url), PostgresDatabase(postgres_url)
    storage = Storage.build(writer, iter(f"MAY-{i:04d}" for i in range(100)).__next__)
    woken = asyncio.Event()
    task = asyncio.create_task(listener.listen(OUTBOX_CHANNEL, woken.set))
    try:
        # LISTEN takes effect a moment after the task starts: say it until it is heard.
        await _until(woken, lambda: writer.call(lambda c: writer.notify(c, OUTBOX_CHANNEL)))
        woken.clear()

        def rolled_back(conn: Connection) -> None:
            with conn.transaction():
                writer.notify(conn, OUTBOX_CHANNEL)
                raise RuntimeError("changed my mind")

        with pytest.raises(RuntimeError):
            await writer.call(rolled_back)
        await asyncio.sleep(0.3)
        assert not woken.is_set()  # nothing was committed: nobody is woken

        await storage.referrals.create(_new("s1"), [Target("teams", "staff")], 1.0)
        await _until(woken)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        listener.close()
        writer.close()


def test_four_instances_taking_due_deliveries_never_share_one(postgres_url: str) -> None:
    rows, takers, batch = 1000, 4, 5
    setup = PostgresDatabase(postgres_url)
    storage = Storage.build(setup, lambda: "MAY-LOAD")

    def fill(conn: Connection) -> None:
        with conn.transaction():
            for _ in range(rows):
                add_delivery(conn, "MAY-LOAD", Target("teams", "staff"), 1.0)

    asyncio.run(storage.referrals.create(_new("load"), [], 1.0))
    setup.call_sync(fill)
    setup.close()

    instances = [PostgresDatabase(postgres_url, pool_size=1) for _ in range(takers)]
    taken: list[list[int]] = [[] for _ in range(takers)]
    barrier = threading.Barrier(takers)

    def take(i: int) -> None:
        instances[i].call_sync(lambda c: None)  # connected and ready before the race
        barrier.wait()
        while leased := instances[i].call_sync(lambda c: due(c, FAR_FUTURE, batch)):
            taken[i].extend(d.id for d in leased)

    threads = [threading.Thread(target=take, args=(i,)) for i in range(takers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for instance in instances:
        instance.close()
    ids = [i for mine in taken for i in mine]
    assert len(ids) == rows and len(set(ids)) == rows
    assert sum(1 for mine in taken if mine) >= 2, [len(m) for m in taken]  # they did race


async def test_another_instances_row_lock_gives_storage_busy_after_two_seconds(
    db: PostgresDatabase, postgres_url: str
) -> None:
    storage = Storage.build(db, lambda: "MAY-X")
    await storage.state.put("k", {"v": 1})
    with psycopg.connect(postgres_url) as holder:  # another instance, mid-transaction
        holder.execute("SELECT * FROM bot_state WHERE key = 'k' FOR UPDATE")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        started = time.monotonic()
        with pytest.raises(StorageBusy):
            await storage.state.put("k", {"v": 2})
        waited = time.monotonic() - started
        ticker.cancel()
        assert 1.9 <= waited < 3.5, waited
        assert ticks > 100  # the event loop went on meanwhile
        await storage.state.put("other", {"v": 1})  # other rows are not held up
        holder.rollback()
    await storage.state.put("k", {"v": 3})
    assert (await storage.state.read("k")).data == {"v": 3}


async def test_a_referral_code_drawn_by_two_instances_at_once_is_drawn_again(
    postgres_url: str,
) -> None:
    """Two instances draw the same code at the same moment: neither sees the other's
    uncommitted row, so the second insert meets the first on the primary key."""
    barrier = threading.Barrier(2)
    draws: dict[str, list[str]] = {"a": ["MAY-SAME", "MAY-AAAA"], "b": ["MAY-SAME", "MAY-BBBB"]}

    def factory(name: str):  # type: ignore[no-untyped-def]
        def draw() -> str:
            code = draws[name].pop(0)
            if code == "MAY-SAME":
                barrier.wait(10)
            return code

        return draw

    a, b = PostgresDatabase(postgres_url), PostgresDatabase(postgres_url)
    a.call_sync(lambda c: None)
    b.call_sync(lambda c: None)
    first = Storage.build(a, factory("a"))
    second = Storage.build(b, factory("b"))
    results = await asyncio.gather(
        first.referrals.create(_new("s1"), [Target("teams", "staff")], 1.0),
        second.referrals.create(_new("s2"), [Target("teams", "staff")], 1.0),
    )
    references = sorted(r.reference for r, created in results if created)
    assert len(references) == 2 and "MAY-SAME" in references
    a.close()
    b.close()


# ---- a server restart -------------------------------------------------------------------------
async def test_the_pool_and_the_listener_survive_a_server_restart(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    db = PostgresDatabase(postgres_url)
    storage = Storage.build(db, lambda: "MAY-X")
    keys = [f"k{i}" for i in range(2 * db.pool_size)]
    await asyncio.gather(*(storage.state.put(k, {"v": k}) for k in keys))  # every connection
    woken = asyncio.Event()
    task = asyncio.create_task(db.listen(OUTBOX_CHANNEL, woken.set))
    await _until(woken, lambda: db.call(lambda c: db.notify(c, OUTBOX_CHANNEL)))
    woken.clear()
    try:
        await asyncio.to_thread(postgres_server.restart)
        # Every pooled connection is dead now; the first operations (writes and reads) find
        # that out, nothing of them has run, so they are run again on new connections.
        writes = [storage.state.put(k, {"v": k, "after": True}) for k in keys[::2]]
        reads = [storage.state.read(k) for k in keys[1::2]]
        results = await asyncio.gather(*writes, *reads)
        assert [i.data for i in results[len(writes):]] == [{"v": k} for k in keys[1::2]]
        items = await asyncio.gather(*(storage.state.read(k) for k in keys[::2]))
        assert [i.data for i in items] == [{"v": k, "after": True} for k in keys[::2]]
        await _until(woken, seconds=15)  # reconnected: told to look, since it may have missed some
        woken.clear()
        await _until(woken, lambda: db.call(lambda c: db.notify(c, OUTBOX_CHANNEL)))
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        db.close()


async def test_an_outage_is_unavailable_then_recovers(
    postgres_server: PostgresServer, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The server trusts its socket and ignores the password: here only to be looked for.
    url = postgres_url.replace("postgresql://app@", "postgresql://app:s3cret@")
    db = PostgresDatabase(url, checkout_timeout=0.5)
    storage = Storage.build(db, lambda: "MAY-X")
    await storage.state.put("k", {"v": 1})
    await asyncio.to_thread(postgres_server.stop)
    try:
        with pytest.raises(StorageUnavailable):
            await storage.state.read("k")
        with pytest.raises(StorageUnavailable):
            await storage.state.put("k", {"v": 2})
        await asyncio.sleep(3)  # long enough for the pool's reconnect delays to grow
    finally:
        await asyncio.to_thread(postgres_server.start)
    started = time.monotonic()
    while True:
        try:
            item = await storage.state.read("k")
            break
        except StorageUnavailable:
            assert time.monotonic() - started < 15, "did not recover"
    assert item.data == {"v": 1}
    db.close()
    assert "error connecting" in caplog.text  # the pool said it was reconnecting ...
    assert "s3cret" not in caplog.text  # ... and never showed the password
