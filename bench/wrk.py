"""The load of bench.run from ``wrk`` (Debian package ``wrk``), a C load generator: it leaves
the machine's cores to the servers measured, where the Python client (bench/load.py) takes a
good part of one. Each request POSTs a new activity (bench/wrk_post.lua).

wrk stops at its deadline with up to ``concurrency`` requests written and unanswered: the
server still handles them (the stand-in counts their replies), so after a round the distinct
replies lie between the requests wrk saw answered and the requests it wrote.
"""

from __future__ import annotations

import asyncio
import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk_post.lua")
THREADS = 1  # one wrk thread drives 8 connections far faster than any target answers


def available() -> str | None:
    """The wrk executable, or None when it is not installed."""
    return shutil.which("wrk")


@dataclass
class WrkResult:
    requests: int  # answered (any status)
    sent: int  # written to the server, answered or not when wrk stopped
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if p == 50:
            return self.p50_ms
        if p == 99:
            return self.p99_ms
        raise ValueError("wrk results keep the 50th and 99th percentiles")


async def drive_wrk(
    target: str,
    service_url: str,
    *,
    text: str,
    seconds: float,
    concurrency: int = 8,
    conversations: int = 100,
    headers: dict[str, str] | None = None,
    prefix: str = "a",
) -> WrkResult:
    """Run wrk against ``target``'s /api/messages for ``seconds`` (whole seconds, at least
    one: wrk takes no fractions) from ``concurrency`` connections."""
    executable = available()
    if executable is None:
        raise RuntimeError("wrk is not installed (Debian package wrk)")
    extra = dict(headers or {})
    authorization = extra.pop("Authorization", "")
    if extra:
        raise ValueError(f"only an Authorization header can be sent with wrk, not {sorted(extra)}")
    duration = max(1, math.ceil(seconds))
    process = await asyncio.create_subprocess_exec(
        executable,
        "-t", str(THREADS),
        "-c", str(concurrency),
        "-d", f"{duration}s",
        "--timeout", "10s",
        "-s", str(SCRIPT),
        f"{target}/api/messages",
        "--",
        prefix,
        service_url,
        str(conversations),
        json.dumps(text),
        str(THREADS),
        authorization,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith("WRK_JSON ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode()[-2000:]}{out.decode()[-2000:]}")
    data = json.loads(lines[-1][len("WRK_JSON ") :])
    errors = {
        kind: int(data[kind])
        for kind in ("connect", "read", "write", "timeout")
        if int(data[kind])
    }
    if int(data["status"]):
        errors["http non-2xx"] = int(data["status"])
    return WrkResult(
        requests=int(data["requests"]),
        sent=int(data["generated"]),
        seconds=int(data["duration_us"]) / 1e6,
        p50_ms=int(data["p50_us"]) / 1000,
        p99_ms=int(data["p99_us"]) / 1000,
        errors=errors,
    )
