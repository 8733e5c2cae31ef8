"""How long ``python -m routing check`` takes on the shipped file with an edit to compare.

    .venv/bin/python bench/routing_check.py [--runs 3]

Staff run check after every edit, so it should answer within seconds. Each run adds the
keyword "flu" to medical transport (an edit that changes answers) and checks it against the
shipped file with the whole regression corpus, in-process as the command does; prints each
run's seconds, the median, and the corpus size. Timing lives here, not in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from routing.__main__ import main  # noqa: E402

SHIPPED = REPO / "config" / "routing.yaml"


def main_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    text = SHIPPED.read_text(encoding="utf-8")
    edited_text = text.replace("      appointment: 1.0\n", "      appointment: 1.0\n      flu: 1.0\n", 1)
    times = []
    corpus = "?"
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "routing.yaml"
        edited.write_text(edited_text, encoding="utf-8")
        for _ in range(args.runs):
            out = io.StringIO()
            started = time.perf_counter()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                main(["check", str(edited), "--against", str(SHIPPED)])
            times.append(time.perf_counter() - started)
            found = re.search(r"of ([\d,]+) messages", out.getvalue())
            corpus = found.group(1) if found else corpus
    for i, seconds in enumerate(times, 1):
        print(f"run {i}: {seconds:.2f} s")
    print(f"routing check with an edit: median {statistics.median(times):.2f} s over {corpus} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_bench())
