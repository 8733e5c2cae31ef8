"""PostgreSQL drivers for conversation state: what our way costs against the async ones
(a script, not a test).

One operation is what every turn does: read a conversation's state, then write it back
under its eTag in a transaction with ``synchronous_commit`` off. Each driver sends the same
four round trips per operation (the read; ``BEGIN; SET LOCAL``; the ``UPDATE``; ``COMMIT``)
through two pool checkouts, as two separate store calls do:

- ``psycopg sync + hop``: our way, the real ``StateStore`` over ``PostgresDatabase`` (a sync
  psycopg pool; each call hops to a worker thread and back).
- ``psycopg sync, no hop``: the same store functions called in this thread (``call_sync``):
  the difference to the line above is what the thread hop costs.
- ``psycopg async``: psycopg's ``AsyncConnectionPool``, the same SQL written again as async.
- ``asyncpg``: an asyncpg pool, the same SQL again with ``$n`` placeholders.

Pools have ``--pool`` connections each. For each driver: operations per second with 1 and
with ``--concurrency`` turns at once, the latency of one operation as a turn sees it, and
the client's CPU time per operation (the bot's two cores are shared with everything else). The median of
``--rounds`` rounds, drivers interleaved so that noise falls on all of them alike.

Run: .venv/bin/python -m bench.storage_drivers [--url postgresql://…] [--seconds 2]
Without --url a throwaway server is started (tests/support/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage.postgres import PostgresDatabase  # noqa: E402
from bot.storage.state import StateStore, _read, _write, snapshot  # noqa: E402

READ = "SELECT etag, data FROM bot_state WHERE key = {0}"
UPDATE = (
    "UPDATE bot_state SET etag = {0}, data = {1}, updated_at = {2} WHERE key = {3} AND etag = {4}"
)
BEGIN = "BEGIN; SET LOCAL synchronous_commit = off"
ROUND_TRIPS = 4  # per operation, for every driver


@dataclass
class Run:
    ops: int
    wall: float
    cpu: float


# An operation for worker i: read the state, change it, write it back. Returns when done.
Op = Callable[[str], Awaitable[None]]


async def _drive(op: Op, concurrency: int, seconds: float) -> Run:
    keys = [f"bench/{i}" for i in range(concurrency)]
    for key in keys:  # warm up: connections open, statements prepared
        for _ in range(6):
            await op(key)
    deadline = time.perf_counter() + seconds
    counts = [0] * concurrency

    async def worker(i: int) -> None:
        while time.perf_counter() < deadline:
            await op(keys[i])
            counts[i] += 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return Run(sum(counts), time.perf_counter() - wall0, time.process_time() - cpu0)


def _changed(text: Any) -> dict[str, Any]:
    data = json.loads(text) if isinstance(text, str) else {}
    data["turns"] = int(data.get("turns", 0)) + 1
    return data


# ---- the drivers ------------------------------------------------------------------------------
async def ours(url: str, pool: int, concurrency: int, seconds: float) -> Run:
    db = PostgresDatabase(url, pool_size=pool)
    store = StateStore(db)

    async def op(key: str) -> None:
        item = await store.read(key)
        item.data["turns"] = int(item.data.get("turns", 0)) + 1
        await store.write(item)

    try:
        return await _drive(op, concurrency, seconds)
    finally:
        db.close()


async def ours_no_hop(url: str, pool: int, concurrency: int, seconds: float) -> Run:
    db = PostgresDatabase(url, pool_size=pool)

    async def op(key: str) -> None:
        item = db.call_sync(lambda c: _read(c, key))
        item.data["turns"] = int(item.data.get("turns", 0)) + 1
        text = snapshot(item.data)

        def store(conn: Any) -> str:
            with conn.transaction(durable=False):
                return _write(conn, key, text, item.etag)

        db.call_sync(store)

    try:
        return await _drive(op, 1, seconds)  # blocks the loop: one at a time only
    finally:
        db.close()


async def psycopg_async(url: str, pool: int, concurrency: int, seconds: float) -> Run:
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    connections = AsyncConnectionPool(
        url,
        min_size=pool,
        max_size=pool,
        open=False,
        kwargs={"autocommit": True, "row_factory": dict_row},
    )
    await connections.open(wait=True)
    read = READ.format("%s")
    update = UPDATE.format("%s", "%s", "%s", "%s", "%s")

    async def op(key: str) -> None:
        async with connections.connection() as conn:
            row = await (await conn.execute(read, (key,))).fetchone()
        data, etag = _changed(row["data"] if row else None), row["etag"] if row else None
        text, new = snapshot(data), uuid.uuid4().hex
        async with connections.connection() as conn:
            await conn.execute(BEGIN)
            if etag is None:
                await conn.execute(
                    "INSERT INTO bot_state VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (key, new, text, time.time()),
                )
            else:
                await conn.execute(update, (new, text, time.time(), key, etag))
            await conn.execute("COMMIT")

    try:
        return await _drive(op, concurrency, seconds)
    finally:
        await connections.close()


async def asyncpg_pool(url: str, pool: int, concurrency: int, seconds: float) -> Run:
    import asyncpg

    connections = await asyncpg.create_pool(url, min_size=pool, max_size=pool)
    read = READ.format("$1")
    update = UPDATE.format("$1", "$2", "$3", "$4", "$5")

    async def op(key: str) -> None:
        async with connections.acquire() as conn:
            row = await conn.fetchrow(read, key)
        data, etag = _changed(row["data"] if row else None), row["etag"] if row else None
        text, new = snapshot(data), uuid.uuid4().hex
        async with connections.acquire() as conn:
            await conn.execute(BEGIN)
            if etag is None:
                await conn.execute(
                    "INSERT INTO bot_state VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    key, new, text, time.time(),
                )
            else:
                await conn.execute(update, new, text, time.time(), key, etag)
            await conn.execute("COMMIT")

    try:
        return await _drive(op, concurrency, seconds)
    finally:
        await connections.close()


DRIVERS: list[tuple[str, Callable[[str, int, int, float], Awaitable[Run]]]] = [
    ("psycopg sync + hop (ours)", ours),
    ("psycopg sync, no hop", ours_no_hop),
    ("psycopg async pool", psycopg_async),
    ("asyncpg pool", asyncpg_pool),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="default: start a throwaway server")
    parser.add_argument("--seconds", type=float, default=2.0, help="per driver, level and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=4, help="connections per pool")
    parser.add_argument("--concurrency", type=int, default=16, help="turns at once (besides 1)")
    args = parser.parse_args()

    server = None
    url = args.url
    if not url:
        from tests.support.postgres import start_server

        server = start_server()
        name = server.create_database()
        url = server.url(name)
    try:
        schema = PostgresDatabase(url)
        schema.call_sync(lambda c: None)  # the schema, once, before timing
        schema.close()
        levels = [1, args.concurrency] if args.concurrency > 1 else [1]
        runs: dict[tuple[str, int], list[Run]] = {}
        for _ in range(args.rounds):
            for level in levels:
                for name, driver in DRIVERS:
                    if name.endswith("no hop") and level > 1:
                        continue
                    run = asyncio.run(driver(url, args.pool, level, args.seconds))
                    runs.setdefault((name, level), []).append(run)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"state read + eTag write, {ROUND_TRIPS} round trips each; pool {args.pool}; "
            f"{args.rounds} rounds of {args.seconds:g} s, medians; load average {load}"
        )
        print(
            f"{'driver':28} {'at once':>7} {'ops/s':>8} {'latency us':>10} {'client CPU us/op':>17}"
        )
        for (name, level), done in runs.items():
            rate = statistics.median(r.ops / r.wall for r in done)
            cpu = statistics.median(r.cpu / r.ops * 1e6 for r in done)
            print(f"{name:28} {level:>7} {rate:>8.0f} {1e6 / rate * level:>10.0f} {cpu:>17.0f}")
    finally:
        if server is not None:
            server.destroy()


if __name__ == "__main__":
    main()
