"""Endpoint throughput benchmark: the helpline bot against the protocol floor and a stock SDK
echo bot, each in its own process, driven in alternating rounds over loopback. "app-echo" is
the helpline app with its handlers replaced by an echo (bench/app_echo.py): the same shell,
adapter and turn core, none of the helpline's own work.

    .venv/bin/python -m bench.run [--seconds 5] [--rounds 3] [--concurrency 8]

Prints messages/s, p50/p99 latency, replies received vs requests, CPU seconds per 1,000
messages and peak RSS for each target, the ratios bot/floor and bot/stock-echo, resident
memory with 10,000 conversations' state, the classifier microbenchmark and the worst case of
log redaction (bench/redaction.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field

from bench.load import LoadResult, drive
from bench.procs import ROOT, Proc, start

MESSAGE = "can someone collect my prescription"


@dataclass
class Target:
    name: str
    proc: Proc
    headers: dict[str, str] | None = None
    rounds: list[dict[str, float]] = field(default_factory=list)


def _http_json(url: str, method: str = "GET") -> dict[str, int]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


async def _round(target: Target, connector: Proc, args: argparse.Namespace, n: int) -> None:
    _http_json(f"{connector.url}/reset", "POST")
    cpu_before = target.proc.cpu_seconds()
    result: LoadResult = await drive(
        target.proc.url,
        connector.url,
        text=MESSAGE,
        seconds=args.seconds,
        concurrency=args.concurrency,
        headers=target.headers,
        prefix=f"{target.name}-{n}-",
        conversations=args.pool,
    )
    cpu = target.proc.cpu_seconds() - cpu_before
    stats = _http_json(f"{connector.url}/stats")
    target.rounds.append(
        {
            "rate": result.rate,
            "p50": result.percentile(50),
            "p99": result.percentile(99),
            "requests": result.requests,
            "replies": stats["replies"],
            "distinct": stats["distinct"],
            "duplicates": stats["duplicates"],
            "errors": sum(result.errors.values()),
            "cpu_per_1000": 1000 * cpu / result.requests if result.requests else float("nan"),
        }
    )


def _summary(target: Target) -> dict[str, float]:
    rounds = target.rounds
    return {
        "rate": statistics.median(r["rate"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": statistics.median(r["p99"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "replies": sum(r["replies"] for r in rounds),
        "distinct": sum(r["distinct"] for r in rounds),
        "duplicates": sum(r["duplicates"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "cpu_per_1000": statistics.median(r["cpu_per_1000"] for r in rounds),
        "peak_rss": target.proc.peak_rss_mb(),
    }


async def _memory(connector: Proc, conversations: int) -> tuple[float, float]:
    """RSS of a fresh helpline bot before and after ``conversations`` distinct conversations."""
    bot = start("helpline-memory", ["app.py"], {"PORT": "{port}", "LOG_LEVEL": "WARNING"})
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
        f"{'target':<16}{'msg/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}"
        f"{'replies':>9}{'dup':>5}{'errors':>7}{'CPU s/1k':>10}{'peak RSS MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, s in summaries.items():
        print(
            f"{name:<16}{s['rate']:>9.0f}{s['p50']:>9.2f}{s['p99']:>9.2f}{s['requests']:>10.0f}"
            f"{s['replies']:>9.0f}{s['duplicates']:>5.0f}{s['errors']:>7.0f}"
            f"{s['cpu_per_1000']:>10.3f}{s['peak_rss']:>13.1f}"
        )
    return summaries


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


async def main_async(args: argparse.Namespace) -> int:
    print(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''}")
    print(f"python {platform.python_version()}, {len(__import__('os').sched_getaffinity(0))} cores")
    print(
        f"load: {args.concurrency} concurrent clients, {args.rounds} rounds of {args.seconds}s "
        f"per target, alternating, over {args.pool} conversations; message {MESSAGE!r}"
    )
    connector = start("connector", ["-m", "bench.connector_standin", "{port}"])
    targets: list[Target] = []
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
        for name in ("app-echo", "helpline", "helpline+auth"):
            if name in summaries:
                rate = summaries[name]["rate"]
                print(f"{name}/floor = {rate / floor:.2f}    {name}/stock-echo = {rate / stock:.1f}x")
        lost = {
            name: (s["requests"] - s["distinct"], s["duplicates"]) for name, s in summaries.items()
        }
        print("lost/duplicated replies: " + ", ".join(f"{k} {v[0]:.0f}/{v[1]:.0f}" for k, v in lost.items()))
        if args.conversations:
            before, after = await _memory(connector, args.conversations)
            print(
                f"memory: helpline RSS {before:.1f} MB after warm-up, {after:.1f} MB with "
                f"{args.conversations} conversations' state"
            )
    finally:
        for target in targets:
            target.proc.stop()
        connector.stop()
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
    parser.add_argument("--no-classifier", dest="classifier", action="store_false")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
