"""Callback referrals benchmark (a script, not a test).

1. Referrals committed per second to SQLite (WAL, synchronous=FULL: every commit is on disk)
   through ``ReferralStore.create`` — one at a time, and many turns at once.
2. Latency the commit adds to the citizen's confirming turn: the whole app in-process
   (aiohttp TestServer, connector stand-in, SQLite file), the consent answer "yes" (commit +
   confirmation) against "no" (no commit, contact card instead), p50/p99 over N dialogs.

Run: .venv/bin/python bench/referrals_bench.py [--commits 500] [--dialogs 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bot.referrals.db import Database  # noqa: E402
from bot.referrals.model import NewReferral, Target  # noqa: E402
from bot.referrals.store import ReferralStore  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from config.settings import Settings  # noqa: E402
from tests.referrals.support import routing_with_referrals  # noqa: E402
from tests.support import activities as act  # noqa: E402
from tests.support.connector import ConnectorStandIn  # noqa: E402


def _new(i: int) -> NewReferral:
    return NewReferral(
        submission=f"bench-{i}",
        conversation=f"bench/conversations/{i}",
        service_id="groceries",
        name="Bench Person",
        phone="094 900 0000",
        area="castlebar",
        need="a benchmark need of ordinary length, about one sentence",
        citizen_ref={"conversation": {"id": str(i)}, "serviceUrl": "http://127.0.0.1"},
    )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def commits(folder: Path, n: int) -> None:
    db = Database(folder / "commits.db")
    store = ReferralStore(db)
    targets = [Target("teams", "staff_channel"), Target("webhook", "case_system")]
    latencies = []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        await store.create(_new(i), targets, time.time())
        latencies.append(time.perf_counter() - t0)
    sequential = n / (time.perf_counter() - started)
    started = time.perf_counter()
    await asyncio.gather(*(store.create(_new(n + i), targets, time.time()) for i in range(n)))
    concurrent = n / (time.perf_counter() - started)
    db.close()
    print(
        f"commits (referral + 2 outbox rows, fsync each): {n} sequential: {sequential:,.0f}/s, "
        f"p50 {statistics.median(latencies) * 1000:.2f} ms, p99 {pct(latencies, 99) * 1000:.2f} ms"
    )
    print(f"commits, {n} turns at once (one writer thread): {concurrent:,.0f}/s")


async def confirming_turn(folder: Path, dialogs: int) -> None:
    connector = ConnectorStandIn()
    await connector.start()
    routing = routing_with_referrals(folder / "routing.yaml", teams_service_url=connector.url)
    settings = Settings(routing_file=routing, database=folder / "app.db")
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    timings: dict[str, list[float]] = {"yes": [], "no": []}
    try:
        for i in range(dialogs):
            for answer in ("yes", "no"):
                conversation = f"bench-{answer}-{i}"
                steps = [
                    "can someone do my grocery shopping",
                    "Ask them to call me back",
                    "Mary Walsh",
                    "087 123 4567",
                    "Castlebar",
                    "Shopping please",
                ]
                for text in steps:
                    await client.post(
                        "/api/messages",
                        json=act.message(connector.url, text, conversation_id=conversation),
                    )
                t0 = time.perf_counter()
                response = await client.post(
                    "/api/messages",
                    json=act.message(connector.url, answer, conversation_id=conversation),
                )
                timings[answer].append(time.perf_counter() - t0)
                assert response.status == 200
    finally:
        await client.close()
        await connector.close()
    yes, no = timings["yes"], timings["no"]
    print(f"confirming turn over {dialogs} dialogs (whole HTTP turn, reply sent to the stand-in):")
    print(
        f"  'yes' (commit + reference): p50 {statistics.median(yes) * 1000:.2f} ms, p99 {pct(yes, 99) * 1000:.2f} ms"
    )
    print(
        f"  'no'  (no commit, card):    p50 {statistics.median(no) * 1000:.2f} ms, p99 {pct(no, 99) * 1000:.2f} ms"
    )
    print(
        f"  added by the commit: p50 {(statistics.median(yes) - statistics.median(no)) * 1000:+.2f} ms, "
        f"p99 {(pct(yes, 99) - pct(no, 99)) * 1000:+.2f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--dialogs", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "var" if (ROOT / "var").is_dir() else None) as tmp:
        await commits(Path(tmp), args.commits)
        await confirming_turn(Path(tmp), args.dialogs)


if __name__ == "__main__":
    asyncio.run(main())
