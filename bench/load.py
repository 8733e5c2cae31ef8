"""A bounded load generator over loopback: N concurrent clients POST activities for a fixed
time and record each request's latency."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class LoadResult:
    requests: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def activity(
    service_url: str, text: str, activity_id: str, conversation_id: str
) -> dict[str, object]:
    return {
        "type": "message",
        "id": activity_id,
        "channelId": "emulator",
        "serviceUrl": service_url,
        "from": {"id": f"user-{conversation_id}", "name": "Citizen"},
        "recipient": {"id": "bot", "name": "Helpline"},
        "conversation": {"id": conversation_id},
        "text": text,
        "timestamp": "2026-11-28T10:00:00Z",
    }


async def drive(
    target: str,
    service_url: str,
    *,
    text: str,
    seconds: float | None = None,
    total: int | None = None,
    concurrency: int = 8,
    conversations: int = 100,
    headers: dict[str, str] | None = None,
    prefix: str = "a",
) -> LoadResult:
    """POST activities to ``target`` from ``concurrency`` clients until ``seconds`` have passed
    or ``total`` requests were sent."""
    result = LoadResult()
    counter = itertools.count()
    url = f"{target}/api/messages"
    loop = asyncio.get_running_loop()
    start = loop.time()
    stop_at = start + seconds if seconds else None

    async def client(session: aiohttp.ClientSession) -> None:
        while True:
            n = next(counter)
            if total is not None and n >= total:
                return
            if stop_at is not None and loop.time() >= stop_at:
                return
            body = activity(service_url, text, f"{prefix}{n}", f"conv-{n % conversations}")
            sent = time.perf_counter()
            try:
                async with session.post(url, json=body, headers=headers) as response:
                    await response.read()
                    ok = response.status < 300
                    if not ok:
                        key = f"http {response.status}"
                        result.errors[key] = result.errors.get(key, 0) + 1
            except aiohttp.ClientError as error:
                key = type(error).__name__
                result.errors[key] = result.errors.get(key, 0) + 1
                continue
            result.latencies.append(time.perf_counter() - sent)
            result.requests += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    result.seconds = loop.time() - start
    return result
