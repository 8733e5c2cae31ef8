"""Benchmark the attack of issue 12, point 3: slow connections against a real ``app.py``.

    .venv/bin/python -m bench.slow_clients [--connections 200] [--seconds 15] [--kind both]

Starts a connector stand-in and ``python app.py`` (local mode), opens ``--connections``
connections that trickle something every second (``headers``: a request's headers one line
at a time; ``bodies``: whole headers declaring a 100 KB body, then a byte of it at a time;
``both``: half and half), then
sends a citizen's message every half second for ``--seconds`` seconds. Prints the status
and latency of each message (p50, max, how many were not 200), and how many of the slow
connections the bot had closed after 5, 10, 15 ... seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import urllib.request
from collections import Counter

import aiohttp

from bench.procs import start

MESSAGE = "can someone collect my prescription"


async def _slow(port: int, headers: bool, closed_at: list[float], started: float) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        closed_at.append(time.monotonic() - started)
        return
    if headers:
        chunks = [b"POST /api/messages HTTP/1.1\r\n"] + [b"X-Slow: 1\r\n"] * 600
    else:
        head = (
            b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Content-Length: 102400\r\n\r\n"
        )
        chunks = [head] + [b" "] * 600

    async def send() -> None:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(1.0)

    sending = asyncio.create_task(send())
    try:
        while await reader.read(65536):
            pass
    except (ConnectionError, OSError):
        pass
    closed_at.append(time.monotonic() - started)
    sending.cancel()
    writer.close()


async def main_async(args: argparse.Namespace) -> int:
    connector = start("connector", ["-m", "bench.connector_standin", "{port}"])
    bot = start(
        "helpline",
        ["app.py"],
        {
            "PORT": "{port}",
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "MicrosoftAppId": "",
            "MicrosoftAppPassword": "",
            "MicrosoftAppTenantId": "",
        },
    )
    closed_at: list[float] = []
    try:
        started = time.monotonic()
        slow = [
            asyncio.create_task(
                _slow(
                    bot.port,
                    args.kind == "headers" or (args.kind == "both" and n % 2 == 1),
                    closed_at,
                    started,
                )
            )
            for n in range(args.connections)
        ]
        await asyncio.sleep(1.0)
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            end = time.monotonic() + args.seconds
            n = 0
            while time.monotonic() < end:
                n += 1
                body = {
                    "type": "message",
                    "id": f"m{n}",
                    "channelId": "emulator",
                    "serviceUrl": connector.url,
                    "text": MESSAGE,
                    "from": {"id": f"user-{n}", "name": "Citizen"},
                    "recipient": {"id": "bot", "name": "Helpline"},
                    "conversation": {"id": f"citizen-{n}"},
                }
                sent = time.perf_counter()
                try:
                    async with session.post(f"{bot.url}/api/messages", json=body) as response:
                        await response.read()
                        statuses[response.status] += 1
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    statuses[0] += 1
                latencies.append(time.perf_counter() - sent)
                await asyncio.sleep(0.5)
        ms = sorted(x * 1000 for x in latencies)
        print(
            f"{args.connections} slow connections ({args.kind}) open; {len(ms)} citizen messages over "
            f"{args.seconds:g} s: statuses {dict(statuses)}, p50 {statistics.median(ms):.1f} ms, "
            f"max {ms[-1]:.1f} ms, not 200: {len(ms) - statuses[200]}"
        )
        marks = [5, 10, 12, 15, 20, 30, 60, 90]
        counts = ", ".join(
            f"{sum(1 for t in closed_at if t <= m)} by {m} s"
            for m in marks
            if m <= args.seconds + 1
        )
        print(f"slow connections closed by the bot: {counts}")
        stats = json.loads(urllib.request.urlopen(f"{connector.url}/stats", timeout=10).read())
        print(f"replies the connector received: {stats}")
        for task in slow:
            task.cancel()
        await asyncio.gather(*slow, return_exceptions=True)
    finally:
        bot.stop()
        connector.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--kind", choices=("headers", "bodies", "both"), default="both")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
