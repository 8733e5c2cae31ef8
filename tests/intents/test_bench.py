"""Smoke test: the benchmark script runs and prints its table (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.intents.conftest import REPO


def test_benchmark_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "bench/classifier_bench.py", "--sizes", "100", "--messages", "20", "--passes", "1"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "shipped config" in proc.stdout
    assert "synthetic 100" in proc.stdout
