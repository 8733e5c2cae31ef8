"""Bounded load test of the real bot over loopback, with a flaky connector.

    .venv/bin/python bench/load_test.py                      # 1,000 conversations x 5 turns, 3 times
    .venv/bin/python bench/load_test.py -c 20 -t 2 -r 1 --json   # the CI smoke run

``python app.py`` runs as a subprocess on 127.0.0.1 (its RSS is read from /proc after each
repetition). A connector stand-in in this process answers the bot's replies after a random
delay and fails a share of them (default 5%: 500, 503, 429 with Retry-After, or a dropped
connection). Every conversation sends its turns one after another; all conversations run at
once. A 503 from the bot (its concurrency cap) is retried after its Retry-After, as a channel
would; those retries are counted.

Reported per repetition: replies received vs expected, turns whose reply failed (from the
bot's own turn log lines, so "logged" is checked, not assumed), turns neither answered nor
logged (must be 0), inbound statuses and client errors by kind, p50/p99 latency, and the
bot's RSS. The script stops by itself: every request has a timeout and the whole run a
deadline. Exit status 0 when every turn was answered or its failure logged, no 500s, and RSS
did not grow across repetitions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "could someone collect my prescription",
    "I need hot dinners delivered",
    "can someone do my grocery shopping",
    "I want to volunteer",
    "when is my bin collected",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class FlakyConnector:
    """The channel's connector service: random delay, a share of calls failing."""

    fail_rate: float
    max_delay: float
    rng: random.Random
    delivered: set[str] = field(default_factory=set)
    injected: Counter[str] = field(default_factory=Counter)
    runner: web.AppRunner | None = None
    port: int = 0
    _failures: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Failures drawn from their own stream, in order of the calls: how many calls fail
        # depends on the seed and the number of calls, not on how concurrent calls interleave
        # with the delays and the clients' jitter (which once left a whole repetition with
        # no failure at all).
        self._failures = random.Random(self.rng.random())

    async def _reply(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        await asyncio.sleep(self.rng.uniform(0, self.max_delay))
        if self._failures.random() < self.fail_rate:
            kind = self._failures.choice(["500", "503", "429", "drop"])
            self.injected[kind] += 1
            if kind == "drop":
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            headers = {"Retry-After": "0"} if kind == "429" else {}
            return web.Response(status=int(kind), headers=headers)
        self.delivered.add(request.match_info.get("aid", ""))
        return web.json_response({"id": "r"})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        self.port = _free_port()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@dataclass
class Repetition:
    expected: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    client_errors: Counter[str] = field(default_factory=Counter)
    retried_503: int = 0
    latencies: list[float] = field(default_factory=list)
    replied: int = 0
    failures_logged: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    rss_mb: float = 0.0
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def unaccounted(self) -> int:
        return self.expected - self.replied - self.failures_logged

    def summary(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "replied": self.replied,
            "failures_logged": self.failures_logged,
            "unaccounted": self.unaccounted,
            "statuses": dict(self.statuses),
            "client_errors": dict(self.client_errors),
            "retried_503": self.retried_503,
            "turn_outcomes": dict(self.outcomes),
            "connector_failures_injected": dict(self.injected),
            "p50_ms": round(self.percentile(50), 1),
            "p99_ms": round(self.percentile(99), 1),
            "rss_mb": round(self.rss_mb, 1),
            "seconds": round(self.seconds, 1),
        }


def _activity(service_url: str, conversation: int, rep: int, turn: int) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"c{conversation}-r{rep}-t{turn}",
        "channelId": "emulator",
        "serviceUrl": service_url,
        "from": {"id": f"user-{conversation}", "name": "Load Test"},
        "recipient": {"id": "bot-1", "name": "Helpline"},
        "conversation": {"id": f"load-conv-{conversation}"},
        "text": TEXTS[(conversation + turn) % len(TEXTS)],
    }


async def _conversation(
    session: aiohttp.ClientSession,
    url: str,
    service_url: str,
    conversation: int,
    rep: int,
    turns: int,
    result: Repetition,
    rng: random.Random,
) -> None:
    for turn in range(turns):
        body = _activity(service_url, conversation, rep, turn)
        started = time.perf_counter()
        for _ in range(30):  # bounded: a 503 is retried at most 30 times
            try:
                async with session.post(url, json=body) as response:
                    await response.read()
                    status = response.status
                    retry_after = float(response.headers.get("Retry-After", "1") or 1)
            except asyncio.TimeoutError:
                result.client_errors["timeout"] += 1
                break
            except aiohttp.ClientError as error:
                result.client_errors[type(error).__name__] += 1
                break
            if status == 503:
                result.retried_503 += 1
                await asyncio.sleep(retry_after * rng.uniform(1.0, 2.0))
                continue
            result.statuses[str(status)] += 1
            result.latencies.append(time.perf_counter() - started)
            break
        else:
            result.statuses["503-gave-up"] += 1


def _turn_lines(log_path: Path, offset: int) -> tuple[list[dict[str, Any]], int]:
    with log_path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    lines = []
    for raw in data.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("logger") == "bot.turn":
            lines.append(line)
    return lines, offset + len(data)


async def _wait_ready(session: aiohttp.ClientSession, base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bot exited with {proc.returncode} before it was ready")
        try:
            async with session.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the bot was not ready within 60 s")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    connector = FlakyConnector(args.fail_rate, args.max_delay, rng)
    await connector.start()
    port = _free_port()
    log_file = tempfile.NamedTemporaryFile(prefix="helpline-load-", suffix=".log", delete=False)
    log_path = Path(log_file.name)
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
        "MicrosoftAppTenantId": "",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "CONNECTOR_TIMEOUT_SECONDS": "5",
        "CONNECTOR_BACKOFF_SECONDS": "0.05",
        "CONNECTOR_BACKOFF_MAX_SECONDS": "0.5",
        "SHUTDOWN_GRACE_SECONDS": "10",
        # A fresh database per run: repetitions must not find each other's conversations.
        "HELPLINE_DB": str(Path(tempfile.mkdtemp(prefix="helpline-load-")) / "helpline.db"),
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=log_file,
    )
    base = f"http://127.0.0.1:{port}"
    reps: list[Repetition] = []
    offset = 0
    try:
        timeout = aiohttp.ClientTimeout(total=args.request_timeout)
        connector_limit = aiohttp.TCPConnector(limit=args.conversations)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector_limit) as session:
            await _wait_ready(session, base, proc)
            service_url = f"http://127.0.0.1:{connector.port}"
            for rep in range(args.repetitions):
                result = Repetition(expected=args.conversations * args.turns)
                connector.delivered.clear()
                connector.injected.clear()
                started = time.perf_counter()
                await asyncio.wait_for(
                    asyncio.gather(
                        *(
                            _conversation(session, f"{base}/api/messages", service_url, n, rep,
                                          args.turns, result, rng)
                            for n in range(args.conversations)
                        )
                    ),
                    args.deadline,
                )
                result.seconds = time.perf_counter() - started
                result.replied = sum(1 for aid in connector.delivered if f"-r{rep}-" in aid)
                result.injected = Counter(connector.injected)
                await asyncio.sleep(0.2)  # let the last turn lines reach the log file
                lines, offset = _turn_lines(log_path, offset)
                result.outcomes = Counter(line.get("outcome", "?") for line in lines)
                result.failures_logged = result.outcomes["reply_failed"] + result.outcomes["error"]
                result.rss_mb = _rss_mb(proc.pid)
                reps.append(result)
                if not args.json:
                    print(f"repetition {rep + 1}: {json.dumps(result.summary())}", flush=True)
            async with session.get(f"{base}/metrics") as response:
                metrics = [
                    line for line in (await response.text()).splitlines()
                    if line.startswith(("helpline_outbound_errors_total", "helpline_outbound_retries_total",
                                        "helpline_turns_failed_total",
                                        "helpline_requests_refused_total"))
                ]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            exit_code = proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            exit_code = proc.wait(10)
        await connector.stop()
        log_file.close()
        log_path.unlink(missing_ok=True)
    rss = [r.rss_mb for r in reps]
    growth = (rss[-1] - rss[0]) if len(rss) > 1 else 0.0
    ok = (
        all(r.unaccounted == 0 for r in reps)
        and not any(r.statuses.get("500") for r in reps)
        and not any(r.client_errors for r in reps)
        and (len(rss) < 2 or growth <= max(10.0, 0.05 * rss[0]))
        and exit_code == 0
    )
    return {
        "conversations": args.conversations,
        "turns": args.turns,
        "repetitions": [r.summary() for r in reps],
        "rss_growth_mb": round(growth, 1),
        "bot_metrics": metrics,
        "bot_exit_code": exit_code,
        "ok": ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--conversations", type=int, default=1000)
    parser.add_argument("-t", "--turns", type=int, default=5)
    parser.add_argument("-r", "--repetitions", type=int, default=3)
    parser.add_argument("--fail-rate", type=float, default=0.05)
    parser.add_argument("--max-delay", type=float, default=0.05, help="seconds")
    parser.add_argument("--request-timeout", type=float, default=60.0, help="seconds")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds per repetition")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON summary only")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report))
    else:
        print(f"RSS growth over {len(report['repetitions'])} repetitions: {report['rss_growth_mb']} MB")
        print("bot metrics: " + "; ".join(report["bot_metrics"]))
        print(f"bot exit code after SIGTERM: {report['bot_exit_code']}")
        print("OK" if report["ok"] else "FAILED")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
