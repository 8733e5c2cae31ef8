"""The endpoint benchmark harness runs end to end (briefly); its numbers are not judged here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_harness_runs_and_reports_every_target() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--seconds", "0.5", "--rounds", "1",
         "--conversations", "50", "--no-classifier"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for target in ("floor", "stock-echo", "app-echo", "helpline", "helpline+auth"):
        assert re.search(rf"^{re.escape(target)}\s+\d+", out, re.M), out
    assert re.search(r"^helpline/floor = \d+\.\d\d", out, re.M), out
    assert "memory: helpline RSS" in out
    if shutil.which("wrk"):
        assert re.search(r"^load: wrk ", out, re.M), out
    if "helpline+postgres: skipped" not in out:  # a PostgreSQL server could be started here
        assert re.search(r"^helpline\+postgres\s+\d+", out, re.M), out
        assert re.search(r"^per turn, PostgreSQL against SQLite: \d+\.\d\dx", out, re.M), out
        assert "memory: helpline+postgres RSS" in out
    lost = re.search(r"^lost/duplicated replies: (.*)$", out, re.M)
    assert lost and all(pair.endswith(" 0/0") for pair in lost.group(1).split(", ")), out


def test_breakdown_runs_and_splits_the_cpu() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.breakdown", "--seconds", "0.5", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for target in ("floor", "helpline", "constant-answer"):
        assert re.search(rf"^{re.escape(target)}\s+\d+\s+\d+\.\d+", out, re.M), out
    assert re.search(r"^understanding the message \(routing\):\s+-?\d+\.\d+ ms$", out, re.M), out
