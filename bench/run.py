"""Endpoint throughput benchmark: the helpline bot against the protocol floor and a stock SDK
echo bot, each in its own process, driven in alternating rounds over loopback. "app-echo" is
the helpline app with its handlers replaced by an echo (bench/app_echo.py): the same shell,
adapter and turn core, none of the helpline's own work. "helpline+postgres" is the helpline
bot on a real local PostgreSQL server the benchmark starts (DATABASE_URL; the shared rate
limit and conversation state in the database, as several instances run), so the per-turn
cost of PostgreSQL against SQLite is measured in the same run.

    .venv/bin/python -m bench.run [--seconds 5] [--rounds 3] [--concurrency 8]

The load comes from wrk (bench/wrk.py) when it is installed, else from the Python client
(bench/load.py), which takes a good part of a core from the servers (``--client`` chooses).
Prints messages/s, p50/p99 latency, replies received vs requests, CPU seconds per 1,000
messages and peak RSS for each target, the ratios bot/floor and bot/stock-echo, PostgreSQL's
own CPU per message, resident memory with 10,000 conversations per instance (SQLite and
PostgreSQL), the classifier microbenchmark and the worst case of log redaction
(bench/redaction.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import wrk
from bench.load import drive
from bench.procs import ROOT, Proc, start, tree_cpu_seconds

MESSAGE = "can someone collect my prescription"


@dataclass
class Target:
    name: str
    proc: Proc
    headers: dict[str, str] | None = None
    rounds: list[dict[str, float]] = field(default_factory=list)
    # CPU seconds of a server the target works with (PostgreSQL), per round.
    server_cpu: Callable[[], float] | None = None


def _http_json(url: str, method: str = "GET") -> dict[str, int]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


async def _settled_stats(connector: Proc) -> dict[str, int]:
    """The stand-in's counts once the replies to requests still in flight have arrived (wrk
    stops with some written and unanswered; the server still answers them)."""
    stats = _http_json(f"{connector.url}/stats")
    for _ in range(50):
        await asyncio.sleep(0.1)
        again = _http_json(f"{connector.url}/stats")
        if again == stats:
            break
        stats = again
    return stats


async def _round(target: Target, connector: Proc, args: argparse.Namespace, n: int) -> None:
    _http_json(f"{connector.url}/reset", "POST")
    cpu_before = target.proc.cpu_seconds()
    server_before = target.server_cpu() if target.server_cpu else 0.0
    options: dict[str, Any] = {
        "text": MESSAGE,
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "headers": target.headers,
        "prefix": f"{target.name}-{n}-",
        "conversations": args.pool,
    }
    result: Any
    if args.client == "wrk":
        result = await wrk.drive_wrk(target.proc.url, connector.url, **options)
    else:
        result = await drive(target.proc.url, connector.url, **options)
    stats = await _settled_stats(connector)
    sent = getattr(result, "sent", result.requests)
    cpu = target.proc.cpu_seconds() - cpu_before
    server = (target.server_cpu() - server_before) if target.server_cpu else float("nan")
    target.rounds.append(
        {
            "rate": result.rate,
            "p50": result.percentile(50),
            "p99": result.percentile(99),
            "requests": result.requests,
            "sent": sent,
            "replies": stats["replies"],
            "distinct": stats["distinct"],
            "duplicates": stats["duplicates"],
            "errors": sum(result.errors.values()),
            # Every request written was handled (wrk's unanswered ones too): per handled turn.
            "cpu_per_1000": 1000 * cpu / stats["distinct"] if stats["distinct"] else float("nan"),
            "server_cpu_per_1000": (
                1000 * server / stats["distinct"] if stats["distinct"] else float("nan")
            ),
        }
    )


def _summary(target: Target) -> dict[str, float]:
    rounds = target.rounds
    return {
        "rate": statistics.median(r["rate"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": statistics.median(r["p99"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "sent": sum(r["sent"] for r in rounds),
        "replies": sum(r["replies"] for r in rounds),
        "distinct": sum(r["distinct"] for r in rounds),
        "duplicates": sum(r["duplicates"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "cpu_per_1000": statistics.median(r["cpu_per_1000"] for r in rounds),
        "server_cpu_per_1000": statistics.median(r["server_cpu_per_1000"] for r in rounds),
        "peak_rss": target.proc.peak_rss_mb(),
    }


async def _memory(
    connector: Proc, conversations: int, name: str, env: dict[str, str]
) -> tuple[float, float]:
    """RSS of a fresh helpline bot before and after ``conversations`` distinct conversations
    (the Python client: a fixed number of requests, each answered)."""
    bot = start(name, ["app.py"], {"PORT": "{port}", "LOG_LEVEL": "WARNING", **env})
    try:
        await drive(bot.url, connector.url, text="hello", total=20, conversations=20, prefix="w")
        before = bot.rss_mb()
        await drive(
            bot.url,
            connector.url,
            text=MESSAGE,
            total=conversations,
            conversations=conversations,
            prefix="m",
        )
        return before, bot.rss_mb()
    finally:
        bot.stop()


def _print_table(targets: list[Target]) -> dict[str, dict[str, float]]:
    summaries = {t.name: _summary(t) for t in targets}
    header = (
        f"{'target':<18}{'msg/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}"
        f"{'replies':>9}{'dup':>5}{'errors':>7}{'CPU s/1k':>10}{'peak RSS MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, s in summaries.items():
        print(
            f"{name:<18}{s['rate']:>9.0f}{s['p50']:>9.2f}{s['p99']:>9.2f}{s['requests']:>10.0f}"
            f"{s['replies']:>9.0f}{s['duplicates']:>5.0f}{s['errors']:>7.0f}"
            f"{s['cpu_per_1000']:>10.3f}{s['peak_rss']:>13.1f}"
        )
    return summaries


def _lost(s: dict[str, float]) -> int:
    """Requests answered (200) whose reply never reached the stand-in. With wrk, replies to
    requests it wrote and stopped waiting for also arrive: distinct replies must lie between
    the requests answered and the requests written."""
    return int(max(0, s["requests"] - s["distinct"]) + max(0, s["distinct"] - s["sent"]))


def _classifier_bench() -> None:
    script = ROOT / "bench" / "classifier_bench.py"
    if not script.exists():
        print("classifier microbenchmark: bench/classifier_bench.py not found")
        return
    out = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    print(out.stdout.rstrip() or out.stderr.rstrip())


def _redaction_bench() -> None:
    """One line: the worst case of log redaction (bench/redaction.py has the details)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.redaction", "--runs", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("redaction worst case")]
    print(lines[-1] if lines else out.stderr.rstrip()[-2000:])


def _postgres_target() -> tuple[Target, Any] | None:
    """The helpline bot on a throwaway local PostgreSQL server (tests/support/postgres.py),
    or None (saying why) when no server can be started here."""
    from tests.support.postgres import PostgresUnavailable, start_server

    try:
        server = start_server()
    except PostgresUnavailable as reason:
        print(f"helpline+postgres: skipped, {reason}")
        return None
    url = server.url(server.create_database())
    env = {"PORT": "{port}", "LOG_LEVEL": "WARNING", "DATABASE_URL": url}
    proc = start("helpline+postgres", ["app.py"], env)
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    return Target("helpline+postgres", proc, server_cpu=lambda: tree_cpu_seconds(postmaster)), server


async def main_async(args: argparse.Namespace) -> int:
    if args.client == "auto":
        args.client = "wrk" if wrk.available() else "python"
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''}")
    print(f"python {platform.python_version()}, {len(os.sched_getaffinity(0))} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start")
    client = (
        f"wrk ({wrk.available()}, {wrk.THREADS} thread)" if args.client == "wrk"
        else "the Python client (bench/load.py; wrk is not installed)" if not wrk.available()
        else "the Python client (bench/load.py)"
    )
    seconds = max(1, round(args.seconds)) if args.client == "wrk" else args.seconds
    print(
        f"load: {client}, {args.concurrency} concurrent connections, {args.rounds} rounds of "
        f"{seconds}s per target, alternating, over {args.pool} conversations; message {MESSAGE!r}"
    )
    connector = start("connector", ["-m", "bench.connector_standin", "{port}"])
    targets: list[Target] = []
    servers: list[Any] = []
    memory_env: dict[str, dict[str, str]] = {"helpline": {}}
    try:
        targets.append(Target("floor", start("floor", ["-m", "bench.floor", "{port}"])))
        targets.append(Target("stock-echo", start("stock-echo", ["-m", "bench.stock_echo", "{port}"])))
        app_echo = start("app-echo", ["-m", "bench.app_echo", "{port}"], {"LOG_LEVEL": "WARNING"})
        targets.append(Target("app-echo", app_echo))
        env = {"PORT": "{port}", "LOG_LEVEL": "WARNING"}
        targets.append(Target("helpline", start("helpline", ["app.py"], env)))
        if args.auth:
            from bench.auth_target import auth_target

            proc, headers = auth_target(connector.url)
            targets.append(Target("helpline+auth", proc, headers))
        if args.postgres:
            found = _postgres_target()
            if found is not None:
                target, server = found
                targets.append(target)
                servers.append(server)
                memory_env["helpline+postgres"] = {
                    "DATABASE_URL": server.url(server.create_database())
                }
        for target in targets:  # warm up: imports, JIT-free caches, connection pools
            await drive(target.proc.url, connector.url, text=MESSAGE, total=200,
                        headers=target.headers, prefix=f"warm-{target.name}-")
        for n in range(args.rounds):
            order = targets if n % 2 == 0 else list(reversed(targets))
            for target in order:
                await _round(target, connector, args, n)
        print()
        summaries = _print_table(targets)
        floor = summaries["floor"]["rate"]
        stock = summaries["stock-echo"]["rate"]
        print()
        for name in ("app-echo", "helpline", "helpline+auth", "helpline+postgres"):
            if name in summaries:
                rate = summaries[name]["rate"]
                print(f"{name}/floor = {rate / floor:.2f}    {name}/stock-echo = {rate / stock:.1f}x")
        if "helpline+postgres" in summaries:
            sqlite, pg = summaries["helpline"], summaries["helpline+postgres"]
            print(
                f"per turn, PostgreSQL against SQLite: {pg['rate'] / sqlite['rate']:.2f}x the "
                f"throughput; bot CPU {pg['cpu_per_1000']:.3f} ms against "
                f"{sqlite['cpu_per_1000']:.3f} ms ({pg['cpu_per_1000'] / sqlite['cpu_per_1000']:.2f}x)"
                f", plus the PostgreSQL server's {pg['server_cpu_per_1000']:.3f} ms"
                f"; p50 {pg['p50']:.2f} ms against {sqlite['p50']:.2f} ms"
            )
        lost = {name: (_lost(s), s["duplicates"]) for name, s in summaries.items()}
        print("lost/duplicated replies: " + ", ".join(f"{k} {v[0]:.0f}/{v[1]:.0f}" for k, v in lost.items()))
        if args.client == "wrk":
            unanswered = sum(s["sent"] - s["requests"] for s in summaries.values())
            print(f"(requests wrk wrote and stopped waiting for at its deadline: {unanswered:.0f}, "
                  "their replies arrived and are counted)")
        if args.conversations:
            for name, extra in memory_env.items():
                before, after = await _memory(connector, args.conversations, f"{name}-memory", extra)
                print(
                    f"memory: {name} RSS {before:.1f} MB after warm-up, {after:.1f} MB with "
                    f"{args.conversations} conversations' state ({after - before:+.1f} MB)"
                )
    finally:
        for target in targets:
            target.proc.stop()
        connector.stop()
        for server in servers:
            server.destroy()
    if args.classifier:
        print()
        _classifier_bench()
        _redaction_bench()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--conversations", type=int, default=10_000,
                        help="conversations for the memory measurement (0: skip it)")
    parser.add_argument("--pool", type=int, default=5_000,
                        help="distinct conversations the load is spread over (a surge is many "
                        "citizens, each within the per-conversation rate limit)")
    parser.add_argument("--no-auth", dest="auth", action="store_false")
    parser.add_argument("--no-postgres", dest="postgres", action="store_false",
                        help="skip the helpline on a local PostgreSQL server")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto), or the Python client")
    parser.add_argument("--no-classifier", dest="classifier", action="store_false")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
