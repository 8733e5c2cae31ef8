"""The PostgreSQL driver benchmark runs end to end (briefly); its numbers are not judged here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_storage_driver_bench_runs_and_reports_every_driver(postgres_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.storage_drivers", "--url", postgres_url,
         "--seconds", "0.2", "--rounds", "1", "--concurrency", "4"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for driver, level in [
        ("psycopg sync + hop (ours)", 1), ("psycopg sync, no hop", 1),
        ("psycopg async pool", 1), ("asyncpg pool", 1),
        ("psycopg sync + hop (ours)", 4), ("psycopg async pool", 4), ("asyncpg pool", 4),
    ]:
        assert re.search(rf"^{re.escape(driver)}\s+{level}\s+\d+\s+\d+\s+\d+$", result.stdout, re.M), (
            result.stdout
        )
