"""A short CI run of bench/load_test.py: 20 conversations x 2 turns against ``python app.py``
with a connector that fails 20% of calls. Every turn is answered or its failure logged; no
500s; the bot exits 0 on SIGTERM afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_load_smoke_run() -> None:
    done = subprocess.run(
        [sys.executable, "bench/load_test.py", "-c", "20", "-t", "2", "-r", "2",
         "--fail-rate", "0.2", "--deadline", "60", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=150,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0 and report["ok"], report
    assert len(report["repetitions"]) == 2
    for rep in report["repetitions"]:
        assert rep["expected"] == 40
        assert rep["replied"] + rep["failures_logged"] == 40 and rep["unaccounted"] == 0
        assert "500" not in rep["statuses"] and rep["client_errors"] == {}
        assert sum(rep["connector_failures_injected"].values()) > 0, "the connector did fail"
    assert report["bot_exit_code"] == 0
    assert any(line.startswith("helpline_outbound_retries_total") for line in report["bot_metrics"])
