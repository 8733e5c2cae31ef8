"""Benchmark: the worst case of log redaction, and what one hostile request costs the bot.

    .venv/bin/python -m bench.redaction            # redaction only (about 2 s)
    .venv/bin/python -m bench.redaction --app      # also starts app.py: 404s with 8 KB paths

Redaction (``bot/logs.py``) runs on every log line, and some lines carry text a caller
chose (a path, a header, a display name). Prints, for families of adversarial text built to
make regular expressions backtrack, the time to redact 8 KB and 64 KB (median of several
runs, in µs; a 64/8 ratio near 8 means linear time), the worst of them, and the cost of
logging a 64 KB message through the production filter (which cuts it first). With
``--app``: CPU time of the bot per ``GET`` of an 8,000-character path (a 404, logged), and
``/healthz`` latency while 40 such requests arrive at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ops.logs import RedactingFilter, citizen_name, redact  # noqa: E402

# Each family repeats a unit to the wanted length. They target the patterns' weak spots:
# long runs of one character class, many near-matches, alternations of separators.
FAMILIES: dict[str, str] = {
    "word run": "a",
    "digit run": "1",
    "address run": "a.",
    "plus run": "+",
    "dash run": "a-",
    "letters+digits": "a1",
    "near emails": "a@",
    "near emails 2": "a@b",
    "digit+space": "1 ",
    "digit+paren": "(1",
    "international": "00 ",
    "introductions": "im ",
    "name caps": "im A ",
    "eircode-ish": "F23 ",
    "percent": "%41",
    "slashes": "/a",
    "spaces": " ",
}
SIZES = (8 * 1024, 64 * 1024)
# The email pattern as it was before issue 12 (a match could start anywhere in a run).
OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _median_us(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def redaction(runs: int) -> tuple[str, float, float]:
    """Prints one line per family; returns the worst family and its 8 KB / 64 KB times."""
    print(f"{'redact (µs)':<18}{'8 KB':>10}{'64 KB':>10}{'64/8':>7}")
    worst = ("", 0.0, 0.0)
    # A long display name in context: every redaction also looks for its parts.
    with citizen_name("Siobhán Ní Bhriain " + "Ó Máille " * 20):
        for family, unit in FAMILIES.items():
            small, large = (_text(unit, size) for size in SIZES)
            us_small = _median_us(lambda: redact(small), runs)
            us_large = _median_us(lambda: redact(large), max(1, runs // 3))
            print(f"{family:<18}{us_small:>10.0f}{us_large:>10.0f}{us_large / us_small:>7.1f}")
            if us_large > worst[2]:
                worst = (family, us_small, us_large)
    return worst


def filtered_record(runs: int) -> float:
    """µs to pass a record with a 64 KB hostile message through the production filter."""
    message = _text("a.", 64 * 1024)

    def one() -> None:
        record = logging.LogRecord(
            "bench", logging.INFO, __file__, 1, "refused GET %s", (message,), None
        )
        RedactingFilter().filter(record)

    return _median_us(one, runs)


def old_email_8k() -> float:
    return _median_us(lambda: OLD_EMAIL.sub("[email]", _text("a", 8 * 1024)), 3)


# ---- the whole bot -------------------------------------------------------------------------
async def _app_costs(requests: int) -> None:
    import aiohttp

    from bench.procs import Proc, free_port, wait_for_port

    port = free_port()
    env = {"PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "INFO"}
    popen = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={**__import__("os").environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Drain the log so the bot never blocks on a full pipe.
    assert popen.stderr is not None
    threading.Thread(target=popen.stderr.read, daemon=True).start()
    proc = Proc("helpline", port, popen)
    try:
        wait_for_port(port)
        path = "/" + "a" * 7999
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as session:
            for _ in range(20):  # warm up
                (await session.get(path)).release()
            before = proc.cpu_seconds()
            for _ in range(requests):
                async with session.get(path) as response:
                    assert response.status == 404, response.status
            per_request = (proc.cpu_seconds() - before) / requests * 1000
            print(f"404 for an 8,000-character path: {per_request:.2f} ms of bot CPU per request")

            async def hostile() -> None:
                async with session.get(path) as response:
                    await response.read()

            burst = [asyncio.create_task(hostile()) for _ in range(40)]
            await asyncio.sleep(0)
            started = time.perf_counter()
            async with session.get("/healthz") as response:
                await response.read()
            health = (time.perf_counter() - started) * 1000
            await asyncio.gather(*burst)
            print(f"/healthz while 40 of them arrive at once: {health:.1f} ms")
    finally:
        proc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per measurement (median)")
    parser.add_argument("--app", action="store_true", help="also measure app.py end to end")
    parser.add_argument("--requests", type=int, default=200, help="404s measured with --app")
    args = parser.parse_args()
    family, small, large = redaction(args.runs)
    record = filtered_record(args.runs)
    print(f"64 KB message through the log filter (cut to 4 KB first): {record:.0f} µs")
    print(f"email pattern before issue 12, 8 KB word run: {old_email_8k():.0f} µs")
    print(
        f"redaction worst case: {small:.0f} µs for 8 KB, {large:.0f} µs for 64 KB "
        f"({family}); a logged 64 KB message {record:.0f} µs"
    )
    if args.app:
        asyncio.run(_app_costs(args.requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
