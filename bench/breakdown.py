"""Where the helpline bot's CPU goes under load, beyond the protocol floor: the floor, the bot
as shipped, and the bot with a constant answer (no classification or routing), driven in
alternating rounds like bench.run, each in its own process.

    .venv/bin/python -m bench.breakdown [--seconds 4] [--rounds 3]

Prints CPU per message for each and the split: HTTP in and out (the floor), the bot's other
per-message work (constant answer - floor), understanding the message (shipped - constant).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from bench.load import drive
from bench.procs import Proc, start
from bench.run import MESSAGE


async def main_async(args: argparse.Namespace) -> int:
    connector = start("connector", ["-m", "bench.connector_standin", "{port}"])
    env = {"PORT": "{port}", "LOG_LEVEL": "WARNING"}
    procs: dict[str, Proc] = {}
    try:
        procs["floor"] = start("floor", ["-m", "bench.floor", "{port}"])
        procs["helpline"] = start("helpline", ["app.py"], env)
        procs["constant-answer"] = start("constant-answer", ["-m", "bench.constant_answer"], env)
        cpu: dict[str, list[float]] = {name: [] for name in procs}
        rate: dict[str, list[float]] = {name: [] for name in procs}
        for name, proc in procs.items():
            await drive(proc.url, connector.url, text=MESSAGE, total=300, prefix=f"w{name}-")
        for n in range(args.rounds):
            order = list(procs.items()) if n % 2 == 0 else list(reversed(procs.items()))
            for name, proc in order:
                before = proc.cpu_seconds()
                result = await drive(
                    proc.url, connector.url, text=MESSAGE, seconds=args.seconds,
                    conversations=5000, prefix=f"{name}-{n}-",
                )
                cpu[name].append(1000 * (proc.cpu_seconds() - before) / result.requests)
                rate[name].append(result.rate)
        ms = {name: statistics.median(values) for name, values in cpu.items()}
        floor_rate = statistics.median(rate["floor"])
        print(f"{'target':<18}{'msg/s':>8}{'CPU ms/msg':>12}{'/floor':>8}")
        for name in procs:
            r = statistics.median(rate[name])
            print(f"{name:<18}{r:>8.0f}{ms[name]:>12.3f}{r / floor_rate:>8.2f}")
        print()
        print(f"HTTP in and out (the floor):             {ms['floor']:.3f} ms")
        print(f"the bot's other work per message:        {ms['constant-answer'] - ms['floor']:.3f} ms")
        print(f"understanding the message (routing):     {ms['helpline'] - ms['constant-answer']:.3f} ms")
    finally:
        for proc in procs.values():
            proc.stop()
        connector.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
